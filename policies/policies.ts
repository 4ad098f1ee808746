import { SeawallPolicy } from "./lib/rule";
import { awsPolicies } from "./rules/aws";
import { azurePolicies } from "./rules/azure";
import { gcpPolicies } from "./rules/gcp";
import { kubernetesPolicies } from "./rules/kubernetes";

/**
 * Every policy of the pack, in RULES.md order. Importing this module does not start the pack
 * (index.ts does), so tests, `npm run policy:check` and `npm run plan` can evaluate the policies
 * offline.
 */
export function allPolicies(): SeawallPolicy[] {
  return [...awsPolicies(), ...gcpPolicies(), ...azurePolicies(), ...kubernetesPolicies()];
}
