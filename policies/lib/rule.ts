import * as path from "node:path";
import {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknownValueError } from "./sdk";

/**
 * The building blocks every rule uses: a rule's name comes from its file, it declares the clouds
 * and resource types it judges (for RULES.md and for a quick not-applicable verdict), and its
 * check returns the problems it found. Property reads go through the SDK's unknown-checking proxy,
 * so a value that is unknown during a preview aborts the check instead of producing a violation.
 */

export type Cloud = "aws" | "gcp" | "azure" | "kubernetes";

/**
 * One problem a rule found: what is wrong, where (the input property path, dotted with `[i]` for
 * list items, e.g. `serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault.sseAlgorithm`)
 * and the value observed there (`undefined` when the property is unset and the provider's default
 * is what is judged). The offline check prints path, value and the rule's remediation beside the
 * message; the engine shows the message.
 */
export interface Finding {
  message: string;
  path?: string;
  value?: unknown;
}

/** What a check returns: nothing when compliant, else one or more problems. */
export type CheckResult = string | Finding | (string | Finding)[] | undefined | void;

/** A check's result as a list of findings. */
export function toFindings(result: CheckResult): Finding[] {
  if (result === undefined) return [];
  return (Array.isArray(result) ? result : [result]).map((f) => (typeof f === "string" ? { message: f } : f));
}

/** What RULES.md and the tests need beyond the SDK's `Policy` fields. */
export interface RuleMetadata {
  clouds: Cloud[];
  /** Type tokens the rule judges; API-versioned azure-native aliases of a token match too. */
  resourceTypes: string[];
  /** One line: the problem and why it matters (RULES.md's "what and why"). */
  summary: string;
}

export type SeawallResourcePolicy = ResourceValidationPolicy &
  RuleMetadata & {
    enforcementLevel: EnforcementLevel;
    remediationSteps: string;
    kind: "resource";
    /**
     * The check itself, with structured findings: what `validateResource` reports as messages.
     * Called only for resources of `resourceTypes` (the offline evaluator indexes rules by type).
     */
    findings(args: ResourceValidationArgs): Finding[];
  };
export type SeawallStackPolicy = StackValidationPolicy &
  RuleMetadata & {
    enforcementLevel: EnforcementLevel;
    remediationSteps: string;
    kind: "stack";
    /** The check itself, with structured findings: what `validateStack` reports as messages. */
    findings(args: StackValidationArgs): StackFinding[];
  };
export type SeawallPolicy = SeawallResourcePolicy | SeawallStackPolicy;

/** A rule's name is its file's name: `rules/aws/s3/s3BucketVersioningEnabled.ts` → `s3BucketVersioningEnabled`. */
export function ruleNameFromFile(file: string): string {
  return path.parse(file).name;
}

const VERSIONED = /^([^:]+):([^:/]+)\/v[0-9a-z]+:([^:]+)$/;

/**
 * Whether `type` is `token` or one of its aliases: azure-native's API-versioned tokens
 * (`azure-native:storage/v20230101:StorageAccount` for `azure-native:storage:StorageAccount`).
 * `pkg:*` matches every resource of a package.
 */
export function matchesType(token: string, type: string): boolean {
  if (token === type) return true;
  // "aws:*": every resource of a package.
  if (token.endsWith(":*")) return type.startsWith(token.slice(0, -1));
  const m = VERSIONED.exec(type);
  return m !== null && `${m[1]}:${m[2]}:${m[3]}` === token;
}

export function matchesAny(tokens: readonly string[], type: string): boolean {
  return tokens.some((t) => matchesType(t, type));
}

/** JSON schema of a rule's config properties, each with the default the rule applies. */
export type ConfigProperties = PolicyConfigSchema["properties"];

/** The rule's config: the user's values over the schema's defaults. */
export function configWithDefaults<C>(schema: ConfigProperties | undefined, given: object): C {
  const defaults: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema ?? {})) {
    if (prop.default !== undefined) defaults[key] = prop.default;
  }
  return { ...defaults, ...given } as C;
}

interface CommonSpec<C> extends RuleMetadata {
  /** `__filename` of the rule's module. */
  file: string;
  /** What is wrong and why it matters. */
  description: string;
  remediation: string;
  enforcementLevel: EnforcementLevel;
  severity?: Severity;
  config?: ConfigProperties;
  /** Unused; carries the config type. */
  _config?: C;
}

export interface ResourceCheckContext<C> {
  type: string;
  name: string;
  urn: string;
  config: C;
  args: ResourceValidationArgs;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- resource props are untyped JSON */
export type Props = Record<string, any>;

export interface ResourceRuleSpec<C> extends CommonSpec<C> {
  /**
   * Returns each problem (a message, or a Finding with its property path and observed value);
   * nothing when compliant. May call `ctx.args.notApplicable`.
   */
  check(props: Props, ctx: ResourceCheckContext<C>): CheckResult;
}

/** The SDK's Policy fields and the rule's metadata, shared by resource and stack rules. */
function policyFields<C>(spec: CommonSpec<C>) {
  return {
    name: ruleNameFromFile(spec.file),
    description: spec.description,
    remediationSteps: spec.remediation,
    enforcementLevel: spec.enforcementLevel,
    severity: spec.severity,
    configSchema: spec.config ? { properties: spec.config } : undefined,
    clouds: spec.clouds,
    resourceTypes: spec.resourceTypes,
    summary: spec.summary,
  };
}

/** A `minimumRetentionDays` setting: the fewest days a copy must be kept, with its default and bounds. */
export function minimumDaysSetting(
  description: string,
  bounds: { minimum: number; maximum?: number; default: number },
) {
  return { minimumRetentionDays: { type: "integer" as const, ...bounds, description } };
}

export function resourceRule<C extends object = Record<string, never>>(
  spec: ResourceRuleSpec<C>,
): SeawallResourcePolicy {
  const findings = (args: ResourceValidationArgs): Finding[] => {
    const config = configWithDefaults<C>(spec.config, args.getConfig());
    const ctx = { type: args.type, name: args.name, urn: args.urn, config, args };
    return toFindings(spec.check(args.props, ctx));
  };
  return {
    kind: "resource",
    ...policyFields(spec),
    findings,
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!matchesAny(spec.resourceTypes, args.type)) {
        args.notApplicable(`applies to ${spec.resourceTypes.join(", ")}`);
      }
      for (const f of findings(args)) report(f.message);
    },
  };
}

/** A stack rule's finding: a Finding on the resource `urn`. */
export interface StackFinding extends Finding {
  urn: string;
}

export interface StackRuleSpec<C> extends CommonSpec<C> {
  check(resources: PolicyResource[], config: C, args: StackValidationArgs): StackFinding[];
}

export function stackRule<C extends object = Record<string, never>>(
  spec: StackRuleSpec<C>,
): SeawallStackPolicy {
  const findings = (args: StackValidationArgs): StackFinding[] =>
    spec.check(args.resources, configWithDefaults<C>(spec.config, args.getConfig()), args);
  return {
    kind: "stack",
    ...policyFields(spec),
    findings,
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      for (const f of findings(args)) report(f.message, f.urn);
    },
  };
}

/**
 * Reads a value that may be unknown during a preview: returns `fallback` instead of throwing the
 * SDK's UnknownValueError. Stack rules use it so that one unknown value skips one resource, not the
 * whole rule.
 */
export function known<T, F>(read: () => T, fallback: F): T | F {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return fallback;
    throw e;
  }
}

/** A value that may be one item or a list, as a list; undefined and null are empty. */
export function asList<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Marker for `known` when the value could not be read. */
export const UNKNOWN = Symbol("unknown");
/* eslint-enable @typescript-eslint/no-explicit-any */
