import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  PolicyPackConfig,
  PolicyProviderResource,
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
/** The SDK's `isType`: whether `cls` is the resource class of `type`. */
function isTypeOf(type: string, cls: any): boolean {
  const token = cls?.__pulumiType;
  if (typeof token === "string") return token === type;
  return typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

function typeHelpers(type: string, props: () => Record<string, unknown>) {
  const isType = (cls: any): boolean => isTypeOf(type, cls);
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

/** Props as the analyzer hands them to a rule: secrets revealed, behind the unknown-checking proxy. */
function proxiedProps(r: ResourceDescriptor): Record<string, unknown> {
  return unknownCheckingProxy((unwrapSecrets(r.props ?? r.inputs ?? {}) ?? {}) as Record<string, unknown>);
}

/** One resource under evaluation. */
class Entry {
  readonly urn: string;
  /** Kept for providers and the stack view, which many reads share; resource rules use `args`. */
  private proxied?: Record<string, unknown>;

  constructor(readonly r: ResourceDescriptor) {
    this.urn = urnOf(r);
  }

  /** Props, revealed and proxied on first read and kept. */
  props(): Record<string, unknown> {
    this.proxied ??= proxiedProps(this.r);
    return this.proxied;
  }

  /** The provider as the analyzer passes it: its props read on first use. */
  providerResource(): PolicyProviderResource {
    const props = () => this.props();
    return {
      type: this.r.type,
      name: this.r.name,
      urn: this.urn,
      get props() {
        return props();
      },
    };
  }

  /**
   * The resource rules' arguments, for the rules of this resource's type, which run one after
   * the other (`getConfig` gives the config of the rule being run). Not kept: resources are
   * judged one at a time, so only one resource's arguments are alive.
   */
  args(
    byUrn: ReadonlyMap<string, Entry>,
    getConfig: ResourceValidationArgs["getConfig"],
  ): ResourceValidationArgs {
    const { r } = this;
    const props = proxiedProps(r);
    return {
      type: r.type,
      name: r.name,
      urn: this.urn,
      props,
      opts: optionsOf(r),
      provider: r.provider ? byUrn.get(r.provider)?.providerResource() : undefined,
      stackTags: STACK_TAGS,
      getConfig,
      notApplicable,
      ...typeHelpers(r.type, () => props),
    };
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

/** One enabled rule: its level, its config and what it found, in resource order. */
interface Run {
  policy: SeawallPolicy;
  level: ReportedLevel;
  properties: Record<string, unknown>;
  violations: Verdict[];
  skipped: CheckNote[];
  notApplicable: CheckNote[];
}

/** Records a finding of `run`'s rule on `e` (undefined: a stack finding on no known resource). */
function record(run: Run, e: Entry | undefined, urn: string, f: Finding): void {
  run.violations.push(
    located(
      {
        rule: run.policy.name,
        resource: e?.r.name ?? "(stack)",
        urn,
        type: e?.r.type ?? "pulumi:pulumi:Stack",
        level: run.level,
        message: f.message,
        fix: run.policy.remediationSteps,
      },
      f,
    ),
  );
}

/** Records why `run`'s rule did not judge `urn`, or throws a RuleError when the rule failed. */
function recordNoVerdict(run: Run, urn: string, e: unknown): void {
  if (e instanceof NotApplicable) run.notApplicable.push({ rule: run.policy.name, urn, reason: e.reason });
  else if (isUnknownValueError(e)) run.skipped.push({ rule: run.policy.name, urn, reason: e.message });
  else throw new RuleError(run.policy.name, urn, e);
}

/**
 * Runs `policies` over `resources` with a `--policy-pack-config`-shaped `config`. Resources are
 * judged one at a time by the resource rules of their type (resolved once per distinct type);
 * stack rules run once each over one shared view of every resource. Verdicts come in policy order,
 * then resource order. Cost is linear in resources (and in what the stack rules themselves do).
 * Throws a {@link RuleError} naming the rule and resource when a rule fails.
 */
export async function evaluatePolicies(
  policies: readonly SeawallPolicy[],
  resources: readonly ResourceDescriptor[],
  config: PolicyPackConfig = {},
): Promise<Evaluation> {
  const entries = resources.map((r) => new Entry(r));
  const byUrn = new Map(entries.map((e) => [e.urn, e]));

  const runs: Run[] = policies.flatMap((policy) => {
    const level = reportedLevel(enforcementLevelOf(policy, config));
    if (!level) return [];
    const properties = policyProperties(policy, config);
    return [{ policy, level, properties, violations: [], skipped: [], notApplicable: [] }];
  });
  const resourceRuns = runs.filter((run) => run.policy.kind === "resource");
  const index = new TypeIndex(resourceRuns.map((run) => run.policy as SeawallResourcePolicy));
  // The config of the rule being run; rules run one at a time, synchronously.
  let properties: Record<string, unknown> = {};
  const getConfig = <T extends object>(): T => properties as T;

  let checks = 0;
  for (const e of entries) {
    const rules = index.rulesFor(e.r.type);
    if (rules.length === 0) continue;
    const args = e.args(byUrn, getConfig);
    for (const i of rules) {
      const run = resourceRuns[i];
      properties = run.properties;
      checks++;
      let found: Finding[];
      try {
        found = (run.policy as SeawallResourcePolicy).findings(args);
      } catch (err) {
        recordNoVerdict(run, e.urn, err);
        continue;
      }
      for (const f of found) record(run, e, e.urn, f);
    }
  }

  let view: PolicyResource[] | undefined;
  for (const run of runs) {
    if (run.policy.kind !== "stack") continue;
    view ??= stackView(entries, byUrn);
    properties = run.properties;
    checks++;
    let found: StackFinding[];
    try {
      found = run.policy.findings({ resources: view, stackTags: STACK_TAGS, getConfig, notApplicable });
    } catch (err) {
      recordNoVerdict(run, "", err);
      continue;
    }
    for (const f of found) record(run, f.urn ? byUrn.get(f.urn) : undefined, f.urn ?? "", f);
  }

  const violations = runs.flatMap((run) => run.violations);
  const skipped = runs.flatMap((run) => run.skipped);
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  return {
    violations,
    skipped,
    skippedCount: skipped.length,
    notApplicable: runs.flatMap((run) => run.notApplicable),
    summary: {
      resources: resources.length,
      rulesRun: runs.length,
      checks,
      resourceTypes: index.size,
      violations: { mandatory, advisory: violations.length - mandatory, total: violations.length },
      skipped: skipped.length,
    },
  };
}

/**
 * A resource in the stack rules' view. Props, options, parent, provider and dependencies are
 * resolved on first read (a stack rule reads few of the resources it is handed) and kept.
 */
class ViewResource implements PolicyResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  #opts?: PolicyResourceOptions;
  #dependencies?: PolicyResource[];
  #propertyDependencies?: Record<string, PolicyResource[]>;

  constructor(
    private readonly entry: Entry,
    private readonly view: ReadonlyMap<string, ViewResource>,
    private readonly byUrn: ReadonlyMap<string, Entry>,
  ) {
    this.type = entry.r.type;
    this.name = entry.r.name;
    this.urn = entry.urn;
  }

  get props(): Record<string, unknown> {
    return this.entry.props();
  }

  get opts(): PolicyResourceOptions {
    this.#opts ??= optionsOf(this.entry.r);
    return this.#opts;
  }

  get parent(): PolicyResource | undefined {
    const { parent } = this.entry.r;
    return parent ? this.view.get(parent) : undefined;
  }

  get provider(): PolicyProviderResource | undefined {
    const { provider } = this.entry.r;
    return provider ? this.byUrn.get(provider)?.providerResource() : undefined;
  }

  get dependencies(): PolicyResource[] {
    this.#dependencies ??= this.linked(this.entry.r.dependsOn);
    return this.#dependencies;
  }

  get propertyDependencies(): Record<string, PolicyResource[]> {
    if (!this.#propertyDependencies) {
      const deps: Record<string, PolicyResource[]> = {};
      for (const [key, urns] of Object.entries(this.entry.r.propertyDependencies ?? {})) {
        deps[key] = this.linked(urns);
      }
      this.#propertyDependencies = deps;
    }
    return this.#propertyDependencies;
  }

  /* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's signatures take any resource class */
  isType(cls: any): boolean {
    return isTypeOf(this.type, cls);
  }

  asType(cls: any): any {
    return this.isType(cls) ? this.props : undefined;
  }
  /* eslint-enable @typescript-eslint/no-explicit-any */

  private linked(urns: readonly string[] | undefined): PolicyResource[] {
    const out: PolicyResource[] = [];
    for (const u of urns ?? []) {
      const b = this.view.get(u);
      if (b) out.push(b);
    }
    return out;
  }
}

/** The stack rules' view of every resource, built once. */
function stackView(entries: readonly Entry[], byUrn: ReadonlyMap<string, Entry>): PolicyResource[] {
  const view = new Map<string, ViewResource>();
  const list = entries.map((e) => {
    const resource = new ViewResource(e, view, byUrn);
    view.set(e.urn, resource);
    return resource;
  });
  return list;
}

/** `policies/config/<environment>.json`: the `--policy-pack-config` for that environment. */
export function loadEnvironmentConfig(environment: Environment): PolicyPackConfig {
  if (environment !== "dev" && environment !== "prod") {
    throw new Error(`unknown environment "${String(environment)}": use "dev" or "prod"`);
  }
  const file = path.resolve(__dirname, "..", "config", `${environment}.json`);
  return JSON.parse(readFileSync(file, "utf8")) as PolicyPackConfig;
}
