import { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { ResourceDescriptor } from "../../policies/lib/evaluate";
import { Finding, SeawallPolicy, StackFinding } from "../../policies/lib/rule";
import { unknownCheckingProxy } from "../../policies/lib/sdk";

/**
 * Calls a policy's structured `findings(args)` directly, so tests can assert the property path and
 * the observed value of each finding (the evaluator's verdicts carry only the message). Props go
 * behind the SDK's unknown-checking proxy as in the engine; `notApplicable` throws.
 */

const urnOf = (r: ResourceDescriptor) => r.urn ?? `urn:pulumi:test::p::${r.type}::${r.name}`;

/** The structured findings of a resource rule on one resource of `type` with `props`. */
export function resourceFindings(
  policy: SeawallPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
  providerProps?: Record<string, unknown>,
): Finding[] {
  if (policy.kind !== "resource") throw new Error(`${policy.name} is a stack rule; use stackFindings`);
  const proxied = unknownCheckingProxy(props);
  const args = {
    type,
    name: "subject",
    urn: `urn:pulumi:test::p::${type}::subject`,
    props: proxied,
    opts: {},
    provider: providerProps
      ? { type: "pulumi:providers:aws", name: "p", urn: "p", props: unknownCheckingProxy(providerProps) }
      : undefined,
    stackTags: new Map(),
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
    isType: () => false,
    asType: () => undefined,
  } as unknown as ResourceValidationArgs;
  return policy.findings(args);
}

/** The stack rule's view of `resources`: linked through propertyDependencies by URN. */
function link(resources: readonly ResourceDescriptor[]): PolicyResource[] {
  const built = new Map<string, PolicyResource>();
  for (const r of resources) {
    built.set(urnOf(r), {
      type: r.type,
      name: r.name,
      urn: urnOf(r),
      props: unknownCheckingProxy(r.props ?? r.inputs ?? {}),
      dependencies: [],
      propertyDependencies: {},
    } as unknown as PolicyResource);
  }
  for (const r of resources) {
    const pr = built.get(urnOf(r))!;
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      pr.propertyDependencies[key] = urns.flatMap((u) => (built.has(u) ? [built.get(u)!] : []));
    }
  }
  return [...built.values()];
}

/** The structured findings of a stack rule over `resources`. */
export function stackFindings(
  policy: SeawallPolicy,
  resources: readonly ResourceDescriptor[],
  config: Record<string, unknown> = {},
): StackFinding[] {
  if (policy.kind !== "stack") throw new Error(`${policy.name} is a resource rule; use resourceFindings`);
  const args = {
    resources: link(resources),
    stackTags: new Map(),
    getConfig: () => config,
    notApplicable: (reason?: string) => {
      throw new Error(`not applicable: ${reason}`);
    },
  } as unknown as StackValidationArgs;
  return policy.findings(args);
}
