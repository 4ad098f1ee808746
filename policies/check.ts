import {
  Environment,
  evaluatePolicies,
  loadEnvironmentConfig,
  ResourceDescriptor,
  Verdict,
} from "./lib/evaluate";
import { allPolicies } from "./policies";

export type {
  CheckNote,
  Environment,
  Evaluation,
  EvaluationSummary,
  ResourceDescriptor,
  Verdict,
} from "./lib/evaluate";
export {
  evaluatePolicies,
  loadEnvironmentConfig,
  parseResources,
  MalformedResourceError,
  RuleError,
} from "./lib/evaluate";
export { enforcementLevelOf, policyProperties } from "./lib/enforcement";

/** The environment whose policy config a stack uses: `prod` for `prod-*` stacks, `dev` otherwise. */
export function environmentOfStack(stack: string): Environment {
  return stack.startsWith("prod") ? "prod" : "dev";
}

/**
 * Runs the whole pack over `resources` (the plan's recorded resources or `{ type, name, props }`)
 * with the environment's config, and returns the violations.
 */
export async function evaluateResources(
  resources: readonly ResourceDescriptor[],
  options: { environment: Environment },
): Promise<Verdict[]> {
  const { violations } = await evaluatePolicies(
    allPolicies(),
    resources,
    loadEnvironmentConfig(options.environment),
  );
  return violations;
}
