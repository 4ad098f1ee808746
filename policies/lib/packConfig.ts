import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { SeawallPolicy } from "./rule";

/**
 * Loading and validating a `--policy-pack-config` file the way `pulumi preview --policy-pack-config`
 * reads it (pulumi/pulumi pkg/resource/analyzer/config.go): per rule an enforcement level, or an
 * object of `enforcementLevel` and the rule's settings; `all` sets every rule's level first and a
 * rule's own level wins over it. Stricter than the engine in two ways, because both are typos: a
 * rule name the pack does not have and a setting a rule does not declare are errors. Settings are
 * checked against each rule's `configSchema` with a small validator of the JSON-schema keywords
 * the rules use (this module may import only what the pack depends on).
 */

/** The enforcement levels the Pulumi CLI accepts in a policy pack config. */
export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;

/** The configs kept in policies/config/: `team` for any team's program, `dev` and `prod` for Seawall's stacks. */
export const BUILT_IN_CONFIGS = ["team", "dev", "prod"] as const;
export type BuiltInConfig = (typeof BUILT_IN_CONFIGS)[number];

/** The config `npm run policy:check` uses without `--config`. */
export const DEFAULT_CONFIG: BuiltInConfig = "team";

/** A config that cannot be used; `problems` lists every problem found, one line each. */
export class PackConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(
      problems.length === 1
        ? `the pack config ${source}: ${problems[0]}`
        : `the pack config ${source} has ${problems.length} problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "PackConfigError";
  }
}

type Json = Record<string, unknown>;
type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function show(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list ${JSON.stringify(v)}`;
  if (typeof v === "object") return `an object ${JSON.stringify(v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

const LEVELS: readonly string[] = ENFORCEMENT_LEVELS;
const levelProblem = (where: string, value: unknown) =>
  `${where}: ${show(value)} is not an enforcement level; use one of ${ENFORCEMENT_LEVELS.join(", ")}`;

/** The keywords `checkValue` understands; annotations it ignores. */
const CHECKED = new Set([
  "type",
  "enum",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "items",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minLength",
  "maxLength",
  "pattern",
]);
const ANNOTATIONS = new Set(["default", "description", "title", "examples"]);

/** Throws (a defect in the pack, not in the config) when a rule's schema uses a keyword `checkValue` would ignore. */
export function assertSupportedSchema(rule: string, schema: Schema, where = rule): void {
  for (const [keyword, value] of Object.entries(schema)) {
    if (!CHECKED.has(keyword) && !ANNOTATIONS.has(keyword)) {
      throw new Error(`${where}: the config schema keyword "${keyword}" is not supported by packConfig.ts`);
    }
    if (keyword === "items" && isObject(value)) assertSupportedSchema(rule, value, `${where}[]`);
  }
}

function typeMatches(type: string, v: unknown): boolean {
  switch (type) {
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    case "array":
      return Array.isArray(v);
    case "object":
      return isObject(v);
    case "null":
      return v === null;
    default:
      return false;
  }
}

/** Checks `v` against `schema` (the keywords in CHECKED); returns one line per problem. */
export function checkValue(v: unknown, schema: Schema, where: string): string[] {
  const types = schema.type === undefined ? [] : ([] as string[]).concat(schema.type as string | string[]);
  if (types.length > 0 && !types.some((t) => typeMatches(t, v))) {
    const expected = types.map((t) => (t === "integer" || t === "array" ? `an ${t}` : `a ${t}`)).join(" or ");
    return [`${where}: expected ${expected}, got ${show(v)}`];
  }
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    problems.push(
      `${where}: ${show(v)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`,
    );
  }
  if (typeof v === "number") {
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
    if (typeof minimum === "number" && v < minimum)
      problems.push(`${where}: ${v} is below the minimum ${minimum}`);
    if (typeof maximum === "number" && v > maximum)
      problems.push(`${where}: ${v} is above the maximum ${maximum}`);
    if (typeof exclusiveMinimum === "number" && v <= exclusiveMinimum) {
      problems.push(`${where}: ${v} must be greater than ${exclusiveMinimum}`);
    }
    if (typeof exclusiveMaximum === "number" && v >= exclusiveMaximum) {
      problems.push(`${where}: ${v} must be less than ${exclusiveMaximum}`);
    }
  }
  if (typeof v === "string") {
    if (typeof schema.minLength === "number" && v.length < schema.minLength) {
      problems.push(`${where}: ${JSON.stringify(v)} is shorter than ${schema.minLength} characters`);
    }
    if (typeof schema.maxLength === "number" && v.length > schema.maxLength) {
      problems.push(`${where}: ${JSON.stringify(v)} is longer than ${schema.maxLength} characters`);
    }
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(v)) {
      problems.push(`${where}: ${JSON.stringify(v)} does not match ${schema.pattern}`);
    }
  }
  if (Array.isArray(v)) {
    if (typeof schema.minItems === "number" && v.length < schema.minItems) {
      problems.push(`${where}: has ${v.length} item(s), at least ${schema.minItems} required`);
    }
    if (typeof schema.maxItems === "number" && v.length > schema.maxItems) {
      problems.push(`${where}: has ${v.length} item(s), at most ${schema.maxItems} allowed`);
    }
    if (schema.uniqueItems === true && new Set(v.map((e) => JSON.stringify(e))).size !== v.length) {
      problems.push(`${where}: items must be unique`);
    }
    if (isObject(schema.items)) {
      const items = schema.items;
      v.forEach((e, i) => problems.push(...checkValue(e, items, `${where}[${i}]`)));
    }
  }
  return problems;
}

function checkRule(name: string, value: unknown, policy: SeawallPolicy | undefined): string[] {
  if (typeof value === "string") return LEVELS.includes(value) ? [] : [levelProblem(name, value)];
  if (!isObject(value)) {
    return [`${name}: expected an enforcement level or an object of settings, got ${show(value)}`];
  }
  const problems: string[] = [];
  const properties = (policy?.configSchema?.properties ?? {}) as Record<string, Schema>;
  const accepted = ["enforcementLevel", ...Object.keys(properties)];
  for (const [key, v] of Object.entries(value)) {
    if (key === "enforcementLevel") {
      if (typeof v !== "string" || !LEVELS.includes(v))
        problems.push(levelProblem(`${name}.enforcementLevel`, v));
    } else if (properties[key] === undefined) {
      problems.push(
        `${name}.${key}: unknown setting; ${name} takes ${accepted.length === 1 ? "only " : ""}${accepted.join(", ")}`,
      );
    } else {
      problems.push(...checkValue(v, properties[key], `${name}.${key}`));
    }
  }
  return problems;
}

/**
 * Every problem of a parsed `--policy-pack-config` document for `policies`, one line each, naming
 * the rule, the setting, the value and what is accepted. Empty when the config is valid.
 */
export function validatePackConfig(config: unknown, policies: readonly SeawallPolicy[]): string[] {
  if (!isObject(config)) {
    return [`expected an object of rule name to enforcement level or settings, got ${show(config)}`];
  }
  const byName = new Map(policies.map((p) => [p.name, p]));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(config)) {
    if (name === "environments") {
      // Pulumi ESC environments the engine opens for the pack; offline they are not read.
      if (!Array.isArray(value) || value.some((e) => typeof e !== "string")) {
        problems.push(`environments: expected a list of environment names, got ${show(value)}`);
      }
    } else if (name === "all") {
      // `all` sets every rule's level; it has no settings of its own.
      problems.push(...checkRule("all", value, undefined));
    } else if (!byName.has(name)) {
      problems.push(`${name}: unknown rule (the pack's rules are listed in policies/RULES.md)`);
    } else {
      problems.push(...checkRule(name, value, byName.get(name)));
    }
  }
  return problems;
}

/**
 * The config with every rule's level spelled out as the Pulumi CLI resolves it: the rule's own
 * default, then `all`, then the rule's entry. Settings are kept as given (the rule fills in its defaults).
 */
export function resolvePackConfig(
  config: PolicyPackConfig,
  policies: readonly SeawallPolicy[],
): PolicyPackConfig {
  const levelOf = (v: unknown): string | undefined =>
    typeof v === "string"
      ? v
      : isObject(v) && typeof v.enforcementLevel === "string"
        ? v.enforcementLevel
        : undefined;
  const all = levelOf(config.all);
  const resolved: Json = {};
  for (const policy of policies) {
    const given = config[policy.name] as unknown;
    const settings = isObject(given) ? given : {};
    resolved[policy.name] = {
      ...settings,
      enforcementLevel: levelOf(given) ?? all ?? policy.enforcementLevel,
    };
  }
  return resolved as PolicyPackConfig;
}

/** The JSON file of a built-in config. */
export function builtInConfigFile(name: BuiltInConfig): string {
  return path.resolve(__dirname, "..", "config", `${name}.json`);
}

export function isBuiltInConfig(spec: string): spec is BuiltInConfig {
  return (BUILT_IN_CONFIGS as readonly string[]).includes(spec);
}

/**
 * Reads, validates and resolves a config: a built-in name (`team`, `dev`, `prod`) or the path of a
 * `--policy-pack-config` JSON file. Throws PackConfigError with every problem.
 */
export function loadPackConfig(
  spec: string,
  policies: readonly SeawallPolicy[],
  read: (file: string) => string = (f) => readFileSync(f, "utf8"),
): PolicyPackConfig {
  const file = isBuiltInConfig(spec) ? builtInConfigFile(spec) : spec;
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new PackConfigError(spec, [`cannot be read: ${(e as Error).message}`]);
  }
  let config: unknown = {};
  if (text.trim() !== "") {
    try {
      config = JSON.parse(text);
    } catch (e) {
      throw new PackConfigError(spec, [`is not valid JSON: ${(e as Error).message}`]);
    }
  }
  const problems = validatePackConfig(config, policies);
  if (problems.length > 0) throw new PackConfigError(spec, problems);
  return resolvePackConfig(config as PolicyPackConfig, policies);
}
