import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  EnforcementLevel,
  PolicyPackConfig,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";
import { configWithDefaults, SeawallPolicy } from "./rule";
import { isUnknownValueError, unknownCheckingProxy } from "./sdk";

/**
 * Runs the pack's policies without the Pulumi engine, over resources described as JSON (the
 * `npm run plan -- --json` shape, or `{ type, name, props }`). It builds the same arguments the
 * SDK's analyzer builds (props behind the unknown-checking proxy, `notApplicable`, `getConfig`,
 * `isType`/`asType`, stack resources linked through `propertyDependencies`) and resolves each
 * policy's enforcement level the way `--policy-pack-config` does.
 */

/** A resource to judge. `props` or `inputs` (the plan's name) hold its input properties. */
export interface ResourceDescriptor {
  type: string;
  name: string;
  urn?: string;
  props?: Record<string, unknown>;
  inputs?: Record<string, unknown>;
  parent?: string | null;
  provider?: string | null;
  dependsOn?: string[];
  /** For each input property, the URNs of the resources its value came from. */
  propertyDependencies?: Record<string, string[]>;
  protect?: boolean;
}

export type Environment = "dev" | "prod";
export type ReportedLevel = "advisory" | "mandatory";

export interface Verdict {
  rule: string;
  /** The resource's name (its URN is in `urn`). */
  resource: string;
  urn: string;
  type: string;
  level: ReportedLevel;
  message: string;
}

export interface Evaluation {
  violations: Verdict[];
  /** Checks that could not run because a value they read is unknown until deploy. */
  skipped: { rule: string; urn: string; reason: string }[];
  notApplicable: { rule: string; urn: string; reason: string }[];
}

const PACK_DEFAULT_LEVEL: EnforcementLevel = "advisory";

export class MalformedResourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MalformedResourceError";
  }
}

/** Checks the shape of a parsed JSON document and returns it as descriptors; throws with the index and field at fault. */
export function parseResources(doc: unknown): ResourceDescriptor[] {
  if (!Array.isArray(doc)) {
    throw new MalformedResourceError(
      `expected a JSON array of resources ({ type, name, props | inputs }), got ${doc === null ? "null" : typeof doc}`,
    );
  }
  return doc.map((r: unknown, i) => {
    const where = `resource [${i}]`;
    if (!r || typeof r !== "object" || Array.isArray(r)) {
      throw new MalformedResourceError(`${where}: expected an object, got ${JSON.stringify(r)}`);
    }
    const o = r as Record<string, unknown>;
    if (typeof o.type !== "string" || o.type === "") {
      throw new MalformedResourceError(
        `${where}: "type" is missing or not a string (e.g. "aws:s3/bucket:Bucket")`,
      );
    }
    if (o.name !== undefined && typeof o.name !== "string") {
      throw new MalformedResourceError(`${where} (${o.type}): "name" must be a string`);
    }
    for (const field of ["props", "inputs", "propertyDependencies"]) {
      const v = o[field];
      if (v !== undefined && v !== null && (typeof v !== "object" || Array.isArray(v))) {
        throw new MalformedResourceError(`${where} (${o.type}): "${field}" must be an object`);
      }
    }
    const deps = (o.propertyDependencies ?? {}) as Record<string, unknown>;
    for (const [key, urns] of Object.entries(deps)) {
      if (!Array.isArray(urns) || urns.some((u) => typeof u !== "string")) {
        throw new MalformedResourceError(
          `${where} (${o.type}): propertyDependencies.${key} must be a list of URN strings`,
        );
      }
    }
    return {
      ...(o as unknown as ResourceDescriptor),
      name: (o.name as string | undefined) ?? `resource-${i}`,
    };
  });
}

/**
 * Unwraps secrets to their plain values, as the analyzer does: the SDK's secret signature
 * (`{ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value }`) and any
 * object that carries a `value` and serializes as "[secret]" (the synthesis harness's `Secret`).
 */
function unwrap(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrap);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown> & { toJSON?: () => unknown };
    if (o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270") return unwrap(o.value);
    if ("value" in o && typeof o.toJSON === "function" && o.toJSON() === "[secret]") return unwrap(o.value);
    const out: Record<string, unknown> = {};
    // The analyzer treats properties with undefined values as absent.
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = unwrap(v);
    return out;
  }
  return value;
}

function urnOf(r: ResourceDescriptor): string {
  return r.urn ?? `urn:pulumi:offline::offline::${r.type}::${r.name}`;
}

function levelOf(
  policyName: string,
  policyLevel: EnforcementLevel,
  config: PolicyPackConfig,
): EnforcementLevel {
  const c = config[policyName] ?? config.all;
  if (typeof c === "string") return c;
  return c?.enforcementLevel ?? policyLevel ?? PACK_DEFAULT_LEVEL;
}

function policyConfig(policy: SeawallPolicy, config: PolicyPackConfig): object {
  const c = config[policy.name];
  const given: Record<string, unknown> = c && typeof c === "object" ? { ...c } : {};
  delete given.enforcementLevel;
  return configWithDefaults(policy.configSchema?.properties, given);
}

class NotApplicable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "Policy does not apply");
};

/* eslint-disable @typescript-eslint/no-explicit-any -- isType/asType take any resource class */
function typeHelpers(type: string, props: Record<string, unknown>) {
  const isType = (cls: any): boolean => {
    const token = cls?.__pulumiType;
    if (typeof token === "string") return token === type;
    return typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
  };
  return { isType, asType: (cls: any) => (isType(cls) ? (props as any) : undefined) };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function optionsOf(r: ResourceDescriptor): PolicyResourceOptions {
  return {
    protect: r.protect === true,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

/** Runs `policies` over `resources` with a `--policy-pack-config`-shaped `config`. */
export async function evaluatePolicies(
  policies: readonly SeawallPolicy[],
  resources: readonly ResourceDescriptor[],
  config: PolicyPackConfig = {},
): Promise<Evaluation> {
  const result: Evaluation = { violations: [], skipped: [], notApplicable: [] };
  const byUrn = new Map(resources.map((r) => [urnOf(r), r]));
  const plainProps = new Map(
    resources.map((r) => [urnOf(r), unwrap(r.props ?? r.inputs ?? {}) as Record<string, unknown>]),
  );
  const stackTags: ReadonlyMap<string, string> = new Map();

  const providerOf = (r: ResourceDescriptor) => {
    const p = r.provider ? byUrn.get(r.provider) : undefined;
    if (!p) return undefined;
    return {
      type: p.type,
      name: p.name,
      urn: urnOf(p),
      props: unknownCheckingProxy(plainProps.get(urnOf(p)) ?? {}),
    };
  };

  for (const policy of policies) {
    let level = levelOf(policy.name, policy.enforcementLevel, config);
    if (level === "disabled") continue;
    if (level === "remediate") level = "mandatory";
    const reported = level as ReportedLevel;
    const getConfig = <T extends object>(): T => policyConfig(policy, config) as T;

    if (policy.kind === "resource") {
      const validations = Array.isArray(policy.validateResource)
        ? policy.validateResource
        : policy.validateResource
          ? [policy.validateResource]
          : [];
      for (const r of resources) {
        const urn = urnOf(r);
        const props = unknownCheckingProxy(plainProps.get(urn) ?? {});
        const args: ResourceValidationArgs = {
          type: r.type,
          name: r.name,
          urn,
          props,
          opts: optionsOf(r),
          provider: providerOf(r),
          stackTags,
          getConfig,
          notApplicable,
          ...typeHelpers(r.type, props),
        };
        for (const validate of validations) {
          try {
            await validate(args, (message) =>
              result.violations.push({
                rule: policy.name,
                resource: r.name,
                urn,
                type: r.type,
                level: reported,
                message,
              }),
            );
          } catch (e) {
            if (e instanceof NotApplicable)
              result.notApplicable.push({ rule: policy.name, urn, reason: e.reason });
            else if (isUnknownValueError(e))
              result.skipped.push({ rule: policy.name, urn, reason: e.message });
            else throw e;
          }
        }
      }
    } else {
      const args: StackValidationArgs = {
        resources: linkResources(resources, plainProps),
        stackTags,
        getConfig,
        notApplicable,
      };
      try {
        await policy.validateStack(args, (message, urn) => {
          const r = urn ? byUrn.get(urn) : undefined;
          result.violations.push({
            rule: policy.name,
            resource: r?.name ?? "(stack)",
            urn: urn ?? "",
            type: r?.type ?? "pulumi:pulumi:Stack",
            level: reported,
            message,
          });
        });
      } catch (e) {
        if (e instanceof NotApplicable)
          result.notApplicable.push({ rule: policy.name, urn: "", reason: e.reason });
        else if (isUnknownValueError(e))
          result.skipped.push({ rule: policy.name, urn: "", reason: e.message });
        else throw e;
      }
    }
  }
  return result;
}

/** The stack policies' view: every resource, with parent, dependencies and property dependencies as objects. */
function linkResources(
  resources: readonly ResourceDescriptor[],
  plainProps: Map<string, Record<string, unknown>>,
): PolicyResource[] {
  const built = new Map<string, PolicyResource>();
  for (const r of resources) {
    const urn = urnOf(r);
    const props = unknownCheckingProxy(plainProps.get(urn) ?? {});
    built.set(urn, {
      type: r.type,
      name: r.name,
      urn,
      props,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      ...typeHelpers(r.type, props),
    });
  }
  for (const r of resources) {
    const pr = built.get(urnOf(r))!;
    if (r.parent && built.has(r.parent)) pr.parent = built.get(r.parent);
    if (r.provider && built.has(r.provider)) {
      const p = built.get(r.provider)!;
      pr.provider = { type: p.type, name: p.name, urn: p.urn, props: p.props };
    }
    pr.dependencies = (r.dependsOn ?? []).flatMap((u) => (built.has(u) ? [built.get(u)!] : []));
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      pr.propertyDependencies[key] = urns.flatMap((u) => (built.has(u) ? [built.get(u)!] : []));
    }
  }
  return [...built.values()];
}

/** `policies/config/<environment>.json`: the `--policy-pack-config` for that environment. */
export function loadEnvironmentConfig(environment: Environment): PolicyPackConfig {
  if (environment !== "dev" && environment !== "prod") {
    throw new Error(`unknown environment "${String(environment)}": use "dev" or "prod"`);
  }
  const file = path.resolve(__dirname, "..", "config", `${environment}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig;
}
