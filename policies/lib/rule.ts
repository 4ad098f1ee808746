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

/** What RULES.md and the tests need beyond the SDK's `Policy` fields. */
export interface RuleMetadata {
  clouds: Cloud[];
  /** Type tokens the rule judges; API-versioned azure-native aliases of a token match too. */
  resourceTypes: string[];
  /** One line: the problem and why it matters (RULES.md's "what and why"). */
  summary: string;
}

export type SeawallResourcePolicy = ResourceValidationPolicy &
  RuleMetadata & { enforcementLevel: EnforcementLevel; remediationSteps: string; kind: "resource" };
export type SeawallStackPolicy = StackValidationPolicy &
  RuleMetadata & { enforcementLevel: EnforcementLevel; remediationSteps: string; kind: "stack" };
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
  /** Returns each problem as a message; nothing when compliant. May call `ctx.args.notApplicable`. */
  check(props: Props, ctx: ResourceCheckContext<C>): string | string[] | undefined | void;
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

function toList(result: string | string[] | undefined | void): string[] {
  if (result === undefined) return [];
  return Array.isArray(result) ? result : [result];
}

export function resourceRule<C extends object = Record<string, never>>(
  spec: ResourceRuleSpec<C>,
): SeawallResourcePolicy {
  return {
    kind: "resource",
    ...policyFields(spec),
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (!matchesAny(spec.resourceTypes, args.type)) {
        args.notApplicable(`applies to ${spec.resourceTypes.join(", ")}`);
      }
      const config = configWithDefaults<C>(spec.config, args.getConfig());
      const ctx = { type: args.type, name: args.name, urn: args.urn, config, args };
      for (const message of toList(spec.check(args.props, ctx))) report(message);
    },
  };
}

export interface StackFinding {
  urn: string;
  message: string;
}

export interface StackRuleSpec<C> extends CommonSpec<C> {
  check(resources: PolicyResource[], config: C, args: StackValidationArgs): StackFinding[];
}

export function stackRule<C extends object = Record<string, never>>(
  spec: StackRuleSpec<C>,
): SeawallStackPolicy {
  return {
    kind: "stack",
    ...policyFields(spec),
    validateStack: (args: StackValidationArgs, report: ReportViolation) => {
      const config = configWithDefaults<C>(spec.config, args.getConfig());
      for (const f of spec.check(args.resources, config, args)) report(f.message, f.urn);
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
