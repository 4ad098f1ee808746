import * as pulumi from "@pulumi/pulumi";
import type { PlatformOutputs } from "../platform";
import { DataPlatformArgs } from "../platformArgs";
import { Profile } from "../profiles";
import { Problem } from "../validation";
import { validateServiceArgs } from "./platformServices";
import { azureSettingProblems } from "./platformSettings";

export { platformTags } from "./platformSettings";

/**
 * The parts of the platform that have no Azure component yet: validation names each, so a stack
 * with `seawall:cloud: azure` fails before anything is registered rather than planning a platform
 * without them.
 */
export const AZURE_PARTS_NOT_BUILT: readonly { field: string; what: string }[] = [
  { field: "network", what: "the network (resource group, virtual network, private endpoints)" },
  { field: "objectStore", what: "the lake (a storage account with a Key Vault key)" },
  { field: "backups", what: "the backups (a Data Protection backup vault)" },
  { field: "monitoring", what: "the monitoring (Log Analytics, alerts, a dashboard)" },
];

/**
 * Every problem with the platform's arguments on Azure, before anything is registered: settings
 * Azure has no equivalent for, tags Azure would reject, the parts not built on Azure yet, and each
 * component's own validation, named as the platform's fields.
 */
export function validateAzurePlatformArgs(args: DataPlatformArgs, profile: Profile): Problem[] {
  return [
    ...azureSettingProblems(args),
    ...validateServiceArgs(args, profile),
    ...AZURE_PARTS_NOT_BUILT.map(
      ({ field, what }): Problem => ({
        code: "SEAWALL_PLATFORM_AZURE_NOT_BUILT",
        field,
        value: undefined,
        fix: `${what} is not built on Azure yet: use "aws" or "gcp" for now`,
      }),
    ),
  ];
}

/**
 * Builds the Azure platform's components as children of `parent`. Validation refuses every Azure
 * platform while a part of it is not built ({@link AZURE_PARTS_NOT_BUILT}).
 */
export function buildAzurePlatform(
  _parent: pulumi.Resource,
  _name: string,
  _args: DataPlatformArgs,
  _profile: Profile,
): PlatformOutputs {
  throw new Error(`unreachable: ${AZURE_PARTS_NOT_BUILT.length} parts of the Azure platform are not built`);
}
