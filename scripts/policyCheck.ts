/**
 * `npm run policy:check -- <input.json | -> [--config team|dev|prod|<pack-config.json>] [--json | --format text|json|sarif]`
 * evaluates the policy pack offline over
 *
 * - a JSON list of `{ type, name, props | inputs, urn?, parent?, provider?, dependsOn?, propertyDependencies? }`
 *   (what `npm run plan -- --json` prints),
 * - `pulumi preview --json` output (add `--show-sames`, or unchanged resources are left out), or
 * - a `pulumi stack export` file.
 *
 * Prints every violation with its URN, property path, observed value and fix; `--json` prints a
 * `Report` (policies/lib/report.ts), `--format sarif` a SARIF 2.1.0 log for GitHub code scanning.
 * Exit codes: 0 no mandatory violation, 1 at least one mandatory violation, 2 bad usage, input or
 * config, and also an internal error (one line, `policy:check: internal error: ...`, no stack trace).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, MalformedResourceError } from "../policies/check";
import { parseInput, ParsedInput } from "../policies/lib/inputs";
import { DEFAULT_CONFIG, isBuiltInConfig, loadPackConfig, PackConfigError } from "../policies/lib/packConfig";
import { buildReport, renderJson, renderSarif, renderText } from "../policies/lib/report";
import { allPolicies } from "../policies/policies";

export type Format = "text" | "json" | "sarif";

export interface CheckOptions {
  file: string;
  /** `team`, `dev` or `prod` (policies/config/<name>.json), or the path of a `--policy-pack-config` JSON file. */
  config: string;
  format: Format;
  /** SARIF: the Pulumi project's directory relative to the repository root (prefixes source positions). */
  sarifRoot?: string;
  /** SARIF: the file results point to when a resource has no source position. */
  sarifProgram?: string;
}

/** Bad arguments, or an input or config file that cannot be used: exit 2 with the message. */
export class UsageError extends Error {}

export const USAGE = [
  `usage: npm run policy:check -- <input.json | -> [--config team|dev|prod|<pack-config.json>] (default: ${DEFAULT_CONFIG})`,
  "                               [--json | --format text|json|sarif] [--sarif-root <project dir>] [--sarif-program <file>]",
  "  input: a resource list (npm run plan -- --json), `pulumi preview --json --show-sames` output or a `pulumi stack export` file",
].join("\n");

const FORMATS: readonly Format[] = ["text", "json", "sarif"];

export function parseArgs(argv: string[]): CheckOptions {
  let file: string | undefined;
  const options: Omit<CheckOptions, "file"> = { config: DEFAULT_CONFIG, format: "text" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === "--json") options.format = "json";
    else if (flag === "--config" || flag === "-c") options.config = value();
    else if (flag === "--format") {
      const f = value();
      if (!(FORMATS as readonly string[]).includes(f)) {
        throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got "${f}"\n${USAGE}`);
      }
      options.format = f as Format;
    } else if (flag === "--sarif-root") options.sarifRoot = value();
    else if (flag === "--sarif-program") options.sarifProgram = value();
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option "${a}"\n${USAGE}`);
    else if (file === undefined) file = a;
    else throw new UsageError(`unexpected argument "${a}": give one input file\n${USAGE}`);
  }
  if (!file) throw new UsageError(`an input file is required\n${USAGE}`);
  if (!isBuiltInConfig(options.config) && !options.config.endsWith(".json")) {
    throw new UsageError(
      `--config must be team, dev, prod or a --policy-pack-config .json file, got "${options.config}"\n${USAGE}`,
    );
  }
  if ((options.sarifRoot || options.sarifProgram) && options.format !== "sarif") {
    throw new UsageError(`--sarif-root and --sarif-program go with --format sarif\n${USAGE}`);
  }
  return { file, ...options };
}

/** The directory relative paths are given from: the caller's (`INIT_CWD` under npm), else the process's. */
function fromCaller(file: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.INIT_CWD || process.cwd(), file);
}

/** Reads and validates the input document; every failure is a MalformedResourceError or UsageError. */
export function readInput(
  file: string,
  read: (f: string) => string = (f) => readFileSync(f === "-" ? 0 : fromCaller(f), "utf8"),
): ParsedInput {
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
  try {
    return parseInput(doc);
  } catch (e) {
    if (e instanceof MalformedResourceError) throw new MalformedResourceError(`${file}: ${e.message}`);
    throw e;
  }
}

/** The pack config, validated (every problem at once) and with each rule's level resolved; a bad one is a UsageError. */
export function loadConfig(config: string): PolicyPackConfig {
  try {
    return loadPackConfig(isBuiltInConfig(config) ? config : fromCaller(config), allPolicies());
  } catch (e) {
    if (e instanceof PackConfigError) throw new UsageError(e.message.replace(fromCaller(config), config));
    throw e;
  }
}

function packVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, "..", "policies", "package.json"), "utf8"));
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

export async function run(argv: string[]): Promise<{ output: string; exitCode: number }> {
  const options = parseArgs(argv);
  const config = loadConfig(options.config);
  const input = readInput(options.file);
  const policies = allPolicies();
  const evaluation = await evaluatePolicies(policies, input.resources, config);
  const report = buildReport(evaluation, {
    resources: input.resources.length,
    config: options.config,
    policies,
    warnings: input.warnings,
  });
  let output: string;
  if (options.format === "json") output = renderJson(report);
  else if (options.format === "sarif") {
    const sarif = renderSarif(report, {
      policies,
      config,
      version: packVersion(),
      sources: input.sources,
      root: options.sarifRoot,
      programFile: options.sarifProgram,
    });
    output = `${JSON.stringify(sarif, null, 2)}\n`;
  } else output = renderText(report);
  return { output, exitCode: report.summary.mandatory > 0 ? 1 : 0 };
}

/** The one line a failure prints: bad usage or input names what is wrong; anything else is an internal error. */
export function describeFailure(error: unknown): string {
  if (error instanceof UsageError || error instanceof MalformedResourceError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message.split("\n")[0]}`;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    ({ output, exitCode }) => {
      process.stdout.write(output);
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      process.stderr.write(`policy:check: ${describeFailure(error)}\n`);
      process.exitCode = 2;
    },
  );
}
