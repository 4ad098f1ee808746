import { PolicyResource, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { ResourceDescriptor } from "../../policies/lib/evaluate";
import { Finding, SeawallPolicy, StackFinding } from "../../policies/lib/rule";
import { unknownCheckingProxy } from "../../policies/lib/sdk";

/**
 * Structured findings of one rule, read through `policy.findings(args)` (the path and value the
 * offline check prints), with the arguments the analyzer builds: props behind the SDK's
 * unknown-checking proxy, the rule's config and a `notApplicable` that throws.
 */

/** Thrown by `notApplicable` in these helpers. */
export class NotApplicableSignal extends Error {}

const notApplicable = (reason?: string): never => {
  throw new NotApplicableSignal(reason ?? "not applicable");
};

/** The findings of a resource rule on one resource of `type` with `props`. */
export function resourceFindings(
  policy: SeawallPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Finding[] {
  if (policy.kind !== "resource") throw new Error(`${policy.name} is a stack rule`);
  const proxied = unknownCheckingProxy(props);
  const args = {
    type,
    name: "subject",
    urn: `urn:pulumi:s::p::${type}::subject`,
    props: proxied,
    opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
    stackTags: new Map(),
    getConfig: () => config,
    notApplicable,
    isType: () => false,
    asType: () => undefined,
  } as unknown as ResourceValidationArgs;
  return policy.findings(args);
}

const urnOf = (r: ResourceDescriptor) => r.urn ?? `urn:pulumi:s::p::${r.type}::${r.name}`;

/** The findings of a stack rule over `resources`, linked through their `propertyDependencies`. */
export function stackFindings(
  policy: SeawallPolicy,
  resources: ResourceDescriptor[],
  config: Record<string, unknown> = {},
): StackFinding[] {
  if (policy.kind !== "stack") throw new Error(`${policy.name} is a resource rule`);
  const built = new Map<string, PolicyResource>();
  for (const r of resources) {
    built.set(urnOf(r), {
      type: r.type,
      name: r.name,
      urn: urnOf(r),
      props: unknownCheckingProxy(r.props ?? {}),
      opts: { protect: false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as unknown as PolicyResource);
  }
  for (const r of resources) {
    const pr = built.get(urnOf(r))!;
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      pr.propertyDependencies[key] = urns.flatMap((u) => (built.has(u) ? [built.get(u)!] : []));
    }
  }
  const args = {
    resources: [...built.values()],
    stackTags: new Map(),
    getConfig: () => config,
    notApplicable,
  } as unknown as StackValidationArgs;
  return policy.findings(args);
}
