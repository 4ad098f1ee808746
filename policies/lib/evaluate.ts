import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  PolicyPackConfig,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
} from "@pulumi/policy";
import { enforcementLevelOf, policyProperties, reportedLevel } from "./enforcement";
import { Finding, matchesAny, SeawallPolicy, SeawallResourcePolicy, StackFinding } from "./rule";
import { getSpecialProxyTarget, isSpecialProxy, isUnknownValueError, unknownCheckingProxy } from "./sdk";
import { unwrapSecrets } from "./unwrap";

/**
 * Runs the pack's policies without the Pulumi engine, over resources described as JSON (the
 * `npm run plan -- --json` shape, or `{ type, name, props }`). It builds the same arguments the
 * SDK's analyzer builds (props behind the unknown-checking proxy, `notApplicable`, `getConfig`,
 * `isType`/`asType`, stack resources linked through `propertyDependencies`) and resolves each
 * policy's enforcement level the way the Pulumi CLI applies `--policy-pack-config` (./enforcement.ts).
 * It calls each rule's structured `findings`, so a verdict carries the property path, the observed
 * value and the rule's remediation beside the message.
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
  /** The resource's name (its URN is in `urn`); "(stack)" for a stack finding on no resource. */
  resource: string;
  urn: string;
  type: string;
  level: ReportedLevel;
  message: string;
  /**
   * The input property path the finding is about, dotted with `[i]` for list items, when the rule
   * gave one (e.g. `encryptionInfo.encryptionInTransit.clientBroker`).
   */
  path?: string;
  /** The value observed at `path`; `undefined` when the property is unset. */
  value?: unknown;
  /** What to do about it: the rule's remediation steps. */
  fix: string;
}

/** A check that ran no judgement, with why. */
export interface CheckNote {
  rule: string;
  /** The resource's URN; "" for a stack rule. */
  urn: string;
  reason: string;
}

/** Counts over one evaluation. */
export interface EvaluationSummary {
  resources: number;
  /** Rules that ran (not disabled by the config). */
  rulesRun: number;
  /** Rule invocations: each resource rule on each resource of its types, each stack rule once. */
  checks: number;
  /** Distinct resource types seen (each resolved to its rules once). */
  resourceTypes: number;
  violations: { mandatory: number; advisory: number; total: number };
  /** Checks that could not run on a value unknown until deploy. */
  skipped: number;
}

export interface Evaluation {
  violations: Verdict[];
  /** Checks that could not run because a value they read is unknown until deploy. */
  skipped: CheckNote[];
  /** How many checks were skipped (`skipped.length`). */
  skippedCount: number;
  /**
   * Rules that apply to a resource's type and chose not to judge it (`notApplicable`). Resources of
   * types a rule does not declare are not listed: the rule is never called on them.
   */
  notApplicable: CheckNote[];
  summary: EvaluationSummary;
}

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

function urnOf(r: ResourceDescriptor): string {
  return r.urn ?? `urn:pulumi:offline::offline::${r.type}::${r.name}`;
}

/** A rule threw something other than `notApplicable` or an unknown-value error. */
export class RuleError extends Error {
  constructor(
    readonly rule: string,
    readonly urn: string,
    cause: unknown,
  ) {
    super(
      `rule ${rule} failed on ${urn || "the stack"}: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`,
      { cause },
    );
    this.name = "RuleError";
  }
}

/**
 * What `notApplicable` throws. Not an Error: a rule may decline every resource of its types (e.g.
 * a region rule with no regions configured), and capturing a stack trace for each costs seconds.
 */
class NotApplicable {
  constructor(readonly reason: string) {}
}
const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "Policy does not apply");
};

/* eslint-disable @typescript-eslint/no-explicit-any -- isType/asType take any resource class */
function typeHelpers(type: string, props: () => Record<string, unknown>) {
  const isType = (cls: any): boolean => {
    const token = cls?.__pulumiType;
    if (typeof token === "string") return token === type;
    return typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
  };
  return { isType, asType: (cls: any) => (isType(cls) ? (props() as any) : undefined) };
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

const STACK_TAGS: ReadonlyMap<string, string> = new Map();

/**
 * One resource under evaluation. Its props are revealed and proxied on first use, once, and only
 * if a rule or a stack rule reads them.
 */
class Entry {
  readonly urn: string;
  private proxied?: Record<string, unknown>;
  private base?: ResourceValidationArgs;

  constructor(
    readonly r: ResourceDescriptor,
    private readonly byUrn: ReadonlyMap<string, Entry>,
    private readonly getConfig: ResourceValidationArgs["getConfig"],
  ) {
    this.urn = urnOf(r);
  }

  props(): Record<string, unknown> {
    this.proxied ??= unknownCheckingProxy(
      (unwrapSecrets(this.r.props ?? this.r.inputs ?? {}) ?? {}) as Record<string, unknown>,
    );
    return this.proxied;
  }

  /**
   * The resource rules' arguments, built once: `getConfig` gives the config of the rule being run
   * (rules run one at a time and synchronously).
   */
  args(): ResourceValidationArgs {
    if (this.base) return this.base;
    const { r } = this;
    const p = r.provider ? this.byUrn.get(r.provider) : undefined;
    const props = this.props();
    this.base = {
      type: r.type,
      name: r.name,
      urn: this.urn,
      props,
      opts: optionsOf(r),
      provider: p
        ? {
            type: p.r.type,
            name: p.r.name,
            urn: p.urn,
            get props() {
              return p.props();
            },
          }
        : undefined,
      stackTags: STACK_TAGS,
      getConfig: this.getConfig,
      notApplicable,
      ...typeHelpers(r.type, () => props),
    };
    return this.base;
  }
}

/** A value a rule reported, without the SDK's proxy around it (so it prints and serializes as data). */
function observed(value: unknown): unknown {
  if (value && typeof value === "object" && (value as Record<string, unknown>)[isSpecialProxy] === true) {
    return (value as Record<string, unknown>)[getSpecialProxyTarget];
  }
  return value;
}

/** Adds the finding's path and observed value to a verdict, when the rule gave them. */
function located(verdict: Verdict, f: Finding): Verdict {
  if (f.path !== undefined) verdict.path = f.path;
  if (f.path !== undefined || f.value !== undefined) verdict.value = observed(f.value);
  return verdict;
}

/**
 * For each resource type, the enabled resource rules that judge it (`matchesType` over each
 * rule's `resourceTypes`: exact tokens, API-versioned azure-native aliases, `pkg:*`), resolved
 * once per distinct type.
 */
class TypeIndex {
  private readonly byType = new Map<string, number[]>();
  constructor(private readonly rules: readonly SeawallResourcePolicy[]) {}

  rulesFor(type: string): number[] {
    let found = this.byType.get(type);
    if (!found) {
      found = [];
      for (let i = 0; i < this.rules.length; i++) {
        if (matchesAny(this.rules[i].resourceTypes, type)) found.push(i);
      }
      this.byType.set(type, found);
    }
    return found;
  }

  /** How many distinct types were resolved. */
  get size(): number {
    return this.byType.size;
  }
}

/**
 * Runs `policies` over `resources` with a `--policy-pack-config`-shaped `config`. A resource rule
 * runs only on resources of the types it declares; stack rules run once over one shared view of
 * every resource. Cost is linear in resources (and in what the stack rules themselves do).
 * Throws a {@link RuleError} naming the rule and resource when a rule fails.
 */
export async function evaluatePolicies(
  policies: readonly SeawallPolicy[],
  resources: readonly ResourceDescriptor[],
  config: PolicyPackConfig = {},
): Promise<Evaluation> {
  const violations: Verdict[] = [];
  const skipped: CheckNote[] = [];
  const notApplicableNotes: CheckNote[] = [];
  const byUrn = new Map<string, Entry>();
  // The config of the rule being run; rules run one at a time, synchronously.
  let properties: Record<string, unknown> = {};
  const getConfig = <T extends object>(): T => properties as T;
  const entries = resources.map((r) => {
    const e = new Entry(r, byUrn, getConfig);
    byUrn.set(e.urn, e);
    return e;
  });

  const enabled = policies.flatMap((policy) => {
    const level = reportedLevel(enforcementLevelOf(policy, config));
    return level ? [{ policy, level }] : [];
  });
  const resourceRules = enabled.flatMap(({ policy }) => (policy.kind === "resource" ? [policy] : []));
  const index = new TypeIndex(resourceRules);
  const applicable: Entry[][] = resourceRules.map(() => []);
  for (const e of entries) for (const i of index.rulesFor(e.r.type)) applicable[i].push(e);

  let checks = 0;
  let resourceRule = 0;
  let view: PolicyResource[] | undefined;
  for (const { policy, level } of enabled) {
    properties = policyProperties(policy, config);
    const fix = policy.remediationSteps;
    const verdict = (e: Entry | undefined, urn: string, f: Finding): Verdict =>
      located(
        {
          rule: policy.name,
          resource: e?.r.name ?? "(stack)",
          urn,
          type: e?.r.type ?? "pulumi:pulumi:Stack",
          level,
          message: f.message,
          fix,
        },
        f,
      );
    const note = (urn: string, e: unknown): void => {
      if (e instanceof NotApplicable) notApplicableNotes.push({ rule: policy.name, urn, reason: e.reason });
      else if (isUnknownValueError(e)) skipped.push({ rule: policy.name, urn, reason: e.message });
      else throw new RuleError(policy.name, urn, e);
    };

    if (policy.kind === "resource") {
      for (const e of applicable[resourceRule++]) {
        checks++;
        let found: Finding[];
        try {
          found = policy.findings(e.args());
        } catch (err) {
          note(e.urn, err);
          continue;
        }
        for (const f of found) violations.push(verdict(e, e.urn, f));
      }
    } else {
      view ??= linkResources(entries, byUrn);
      checks++;
      let found: StackFinding[];
      try {
        found = policy.findings({ resources: view, stackTags: STACK_TAGS, getConfig, notApplicable });
      } catch (err) {
        note("", err);
        continue;
      }
      for (const f of found) violations.push(verdict(f.urn ? byUrn.get(f.urn) : undefined, f.urn ?? "", f));
    }
  }

  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return {
    violations,
    skipped,
    skippedCount: skipped.length,
    notApplicable: notApplicableNotes,
    summary: {
      resources: resources.length,
      rulesRun: enabled.length,
      checks,
      resourceTypes: index.size,
      violations: { mandatory, advisory: violations.length - mandatory, total: violations.length },
      skipped: skipped.length,
    },
  };
}

/**
 * The stack rules' view, built once: every resource with its parent, provider, dependencies and
 * property dependencies as objects, props read on first use.
 */
function linkResources(entries: readonly Entry[], byUrn: ReadonlyMap<string, Entry>): PolicyResource[] {
  const built = new Map<string, PolicyResource>();
  const view = entries.map((e) => {
    const resource: PolicyResource = {
      type: e.r.type,
      name: e.r.name,
      urn: e.urn,
      get props() {
        return e.props();
      },
      opts: optionsOf(e.r),
      dependencies: [],
      propertyDependencies: {},
      ...typeHelpers(e.r.type, () => e.props()),
    };
    built.set(e.urn, resource);
    return resource;
  });
  const linked = (urns: readonly string[] | undefined) =>
    (urns ?? []).flatMap((u) => {
      const b = built.get(u);
      return b ? [b] : [];
    });
  entries.forEach((e, i) => {
    const pr = view[i];
    const { r } = e;
    const parent = r.parent ? built.get(r.parent) : undefined;
    if (parent) pr.parent = parent;
    const provider = r.provider ? byUrn.get(r.provider) : undefined;
    if (provider) {
      pr.provider = {
        type: provider.r.type,
        name: provider.r.name,
        urn: provider.urn,
        get props() {
          return provider.props();
        },
      };
    }
    pr.dependencies = linked(r.dependsOn);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      pr.propertyDependencies[key] = linked(urns);
    }
  });
  return view;
}

/** `policies/config/<environment>.json`: the `--policy-pack-config` for that environment. */
export function loadEnvironmentConfig(environment: Environment): PolicyPackConfig {
  if (environment !== "dev" && environment !== "prod") {
    throw new Error(`unknown environment "${String(environment)}": use "dev" or "prod"`);
  }
  const file = path.resolve(__dirname, "..", "config", `${environment}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig;
}
