/**
 * `npm run policy:check -- <resources.json> [--config dev|prod] [--json]`: evaluates Seawall's
 * policy pack offline over a JSON list of `{ type, name, props | inputs, propertyDependencies? }`
 * (the output of `npm run plan -- --stack <name> --json` works as is). Prints each violation and a
 * summary, or with `--json` a list of `{ rule, resource, type, level, message }`. Exits 1 on a
 * mandatory violation and 2 on bad usage or malformed input.
 */
import { readFileSync } from "node:fs";
import { PolicyPackConfig } from "@pulumi/policy";
import {
  Environment,
  evaluatePolicies,
  loadEnvironmentConfig,
  MalformedResourceError,
  parseResources,
  Verdict,
} from "../policies/check";
import { allPolicies } from "../policies/policies";

export interface CheckOptions {
  file: string;
  /** `dev` or `prod` (policies/config/<name>.json), or the path of a `--policy-pack-config` JSON file. */
  environment: Environment | string;
  json: boolean;
}

export class UsageError extends Error {}

const USAGE =
  "usage: npm run policy:check -- <resources.json | -> [--config dev|prod|<pack-config.json>] [--json]";

export function parseArgs(argv: string[]): CheckOptions {
  let file: string | undefined;
  let environment: string = "dev";
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--config" || a === "-c") environment = argv[++i] ?? "";
    else if (a.startsWith("--config=")) environment = a.slice("--config=".length);
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option "${a}"\n${USAGE}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument "${a}": give one resources file\n${USAGE}`);
  }
  if (!file) throw new UsageError(`a resources file is required\n${USAGE}`);
  if (environment !== "dev" && environment !== "prod" && !environment.endsWith(".json")) {
    throw new UsageError(
      `--config must be "dev", "prod" or a --policy-pack-config .json file, got "${environment}"\n${USAGE}`,
    );
  }
  return { file, environment, json };
}

/** Reads and validates the resources document; every failure is a MalformedResourceError or UsageError. */
export function readResources(
  file: string,
  read: (f: string) => string = (f) => readFileSync(f === "-" ? 0 : f, "utf8"),
) {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MalformedResourceError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  return parseResources(doc);
}

export function formatReport(
  violations: Verdict[],
  resourceCount: number,
  skipped: number,
  environment: string,
): string {
  const lines: string[] = [];
  for (const v of violations) {
    lines.push(
      `${v.level.toUpperCase().padEnd(9)} ${v.rule}  ${v.type} ${v.resource}`,
      `          ${v.message}`,
    );
  }
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  lines.push(
    "",
    `Policy check (${environment} config): ${resourceCount} resources, ${violations.length} violation(s): ` +
      `${mandatory} mandatory, ${violations.length - mandatory} advisory` +
      (skipped > 0 ? `; ${skipped} check(s) skipped on values unknown until deploy` : ""),
  );
  return `${lines.join("\n")}\n`;
}

/** The pack config: an environment's, or a user's `--policy-pack-config` file. */
export function loadConfig(environment: string): PolicyPackConfig {
  if (environment === "dev" || environment === "prod") return loadEnvironmentConfig(environment);
  let text: string;
  try {
    text = readFileSync(environment, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read the pack config ${environment}: ${(e as Error).message}`);
  }
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`the pack config ${environment} is not valid JSON: ${(e as Error).message}`);
  }
  if (!config || typeof config !== "object" || Array.isArray(config)) {
    throw new UsageError(
      `the pack config ${environment} must be an object of rule name to level or settings`,
    );
  }
  const known = new Set(allPolicies().map((p) => p.name));
  const unknownRules = Object.keys(config).filter((k) => k !== "all" && !known.has(k));
  if (unknownRules.length > 0) {
    throw new UsageError(
      `the pack config ${environment} names unknown rules: ${unknownRules.join(", ")} (see policies/RULES.md)`,
    );
  }
  return config as PolicyPackConfig;
}

export async function run(argv: string[]): Promise<{ output: string; exitCode: number }> {
  const options = parseArgs(argv);
  const resources = readResources(options.file);
  const result = await evaluatePolicies(allPolicies(), resources, loadConfig(options.environment));
  const violations = result.violations;
  const output = options.json
    ? `${JSON.stringify(
        violations.map(({ rule, resource, type, level, message }) => ({
          rule,
          resource,
          type,
          level,
          message,
        })),
        null,
        2,
      )}\n`
    : formatReport(violations, resources.length, result.skipped.length, options.environment);
  return { output, exitCode: violations.some((v) => v.level === "mandatory") ? 1 : 0 };
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    ({ output, exitCode }) => {
      process.stdout.write(output);
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      const known = error instanceof UsageError || error instanceof MalformedResourceError;
      process.stderr.write(
        `policy:check: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`,
      );
      process.exitCode = 2;
    },
  );
}
