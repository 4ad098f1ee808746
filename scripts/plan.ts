/**
 * `npm run plan -- --stack <name> | --program <dir> [--stack <name>] [--config <pack-config>] [--json]`:
 * synthesizes a Pulumi program offline, under the SDK's mocks, and prints its resource tree, the
 * count of each resource type and the stack outputs (like `cdk synth`). With `--stack` alone it is
 * one of Seawall's stacks (`stacks/`); with `--program` any team's Pulumi TypeScript or JavaScript
 * project, with the config of its `Pulumi.<stack>.yaml`. `--json` prints every resource as `{ urn,
 * type, name, parent, provider, inputs, dependsOn, propertyDependencies, protect }`, the input of
 * `npm run policy:check`, and does not judge them. Otherwise the plan runs the policy pack over the
 * resources, as `pulumi preview --policy-pack` would: exit 1 on a mandatory violation, 2 on bad
 * usage or input (one line on stderr), 0 otherwise. Paths are resolved from the caller's directory
 * (`INIT_CWD`, which npm sets, also under `npm --prefix`).
 */
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { environmentOfStack, evaluatePolicies, MalformedResourceError } from "../policies/check";
import { Evaluation } from "../policies/lib/evaluate";
import { buildReport, renderText } from "../policies/lib/report";
import { allPolicies } from "../policies/policies";
import {
  isBuiltInConfig,
  loadPackConfig as loadPackConfigFile,
  PackConfigError,
} from "../policies/lib/packConfig";
import { RecordedResource, Secret, StackOutput } from "./synth/harness";
import { ProgramError, synthesizeProgram } from "./synth/program";
import { ProjectError, SECURE_PLACEHOLDER } from "./synth/project";
import { SdkNotFoundError } from "./synth/sdk";
import { listStacks, synthesizeStack, UnknownStackError } from "./synth/stacks";

export interface PlanOptions {
  /** Seawall's stack (`stacks/Pulumi.<stack>.yaml`), or the program's stack with `program`. */
  stack?: string;
  /** The directory of a Pulumi project, as given (resolved from the caller's directory). */
  program?: string;
  /** `dev`, `prod`, `team` (policies/config/<name>.json) or a pack config file. */
  config?: string;
  json: boolean;
}

/** Bad arguments: exit 2 with the message and the usage line. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

function usage(): string {
  return [
    "usage: npm run plan -- --stack <name> | --program <dir> [--stack <name>] [--config dev|prod|team|<pack-config.json>] [--json]",
    "  --stack <name> alone plans Seawall's own stack: " + listStacks().join(", "),
    "  --program <dir> plans the Pulumi project in <dir> (its Pulumi.yaml), --stack one of its Pulumi.<stack>.yaml",
    "    (default: its only stack file)",
    "  --config: the policy pack config (default: team with --program; prod for Seawall's prod-* stacks, dev otherwise)",
    "  --json: print the resources for npm run policy:check instead of the plan and its verdicts",
  ].join("\n");
}

/** Parses the command line; bad usage throws a {@link UsageError} that carries the usage line. */
export function parseArgs(argv: string[]): PlanOptions {
  const options: PlanOptions = { json: false };
  const value = (i: number, flag: string): string => {
    const v = argv[i];
    if (v === undefined || v.startsWith("-")) throw new UsageError(`${flag} needs a value\n${usage()}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf("=");
    const [flag, inline] = a.startsWith("--") && eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const take = () => inline ?? value(++i, flag);
    if (flag === "--json" && inline === undefined) options.json = true;
    else if (flag === "--stack" || flag === "-s") options.stack = take();
    else if (flag === "--program" || flag === "-p") options.program = take();
    else if (flag === "--config" || flag === "-c") options.config = take();
    else throw new UsageError(`unknown argument "${a}"\n${usage()}`);
  }
  if (!options.stack && !options.program) {
    throw new UsageError(`--stack or --program is required\n${usage()}`);
  }
  if (options.config !== undefined && !isBuiltInConfig(options.config) && !options.config.endsWith(".json")) {
    throw new UsageError(
      `--config must be dev, prod, team or a pack config .json file, got "${options.config}"\n${usage()}`,
    );
  }
  return options;
}

/** The directory relative paths are given from: the caller's (`INIT_CWD` under npm), else the process's. */
export function callerDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD || process.cwd();
}

/** Loads and validates the pack config: a name (policies/config/<name>.json) or a file given from the caller's directory. */
export function loadPackConfig(spec: string): PolicyPackConfig {
  return loadPackConfigFile(isBuiltInConfig(spec) ? spec : path.resolve(callerDir(), spec), allPolicies());
}

function label(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
  const flags = [
    r.protect ? "protected" : "",
    r.provider ? `provider=${byUrn.get(r.provider)?.name ?? r.provider}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `${r.type} ${r.name}${flags ? `  [${flags}]` : ""}`;
}

export function renderTree(resources: RecordedResource[]): string {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const r of resources) {
    const parent = r.parent && byUrn.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, indent: string) => {
    const list = children.get(parent) ?? [];
    list.forEach((r, i) => {
      const last = i === list.length - 1;
      lines.push(`${indent}${last ? "└─ " : "├─ "}${label(r, byUrn)}`);
      walk(r.urn, indent + (last ? "   " : "│  "));
    });
  };
  walk(undefined, "");
  return lines.join("\n");
}

export function countByType(resources: RecordedResource[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
}

export function toJson(resources: RecordedResource[]): object[] {
  return resources.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent ?? null,
    provider: r.provider ?? null,
    inputs: r.inputs,
    dependsOn: r.dependsOn,
    propertyDependencies: r.propertyDependencies,
    protect: r.protect,
  }));
}

/** The pack's verdicts as `policy:check` prints them: each with its URN, property path, value and fix. */
export function renderVerdicts(evaluation: Evaluation, resources: number, config: string): string {
  return renderText(buildReport(evaluation, { resources, config, policies: allPolicies() })).trimEnd();
}

const readerGone = (err: unknown) => (err as NodeJS.ErrnoException | null)?.code === "EPIPE";

/**
 * Writes to stdout and resolves once the text is handed to the OS. `process.exit` right after a
 * plain `write` drops whatever a pipe has not taken yet (all but its first 64 KiB). A reader that
 * has gone (`| head -n 5`) is not an error.
 */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(text, (err) => (err && !readerGone(err) ? reject(err) : resolve())),
  );
}

function renderOutput(o: StackOutput): string {
  if (o.secret) return "[secret]";
  return JSON.stringify(o.value, (_k, v) => (v instanceof Secret ? "[secret]" : v)) ?? "undefined";
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const configName = options.config ?? (options.program ? "team" : environmentOfStack(options.stack!));
  const packConfig = loadPackConfig(configName);
  let title: string;
  let resources: RecordedResource[];
  let outputs: Record<string, StackOutput>;
  if (options.program) {
    const dir = path.resolve(callerDir(), options.program);
    const plan = await synthesizeProgram(dir, options.stack);
    for (const key of plan.stack.undecrypted) {
      process.stderr.write(
        `plan: config ${key} is a secure value; offline synthesis cannot decrypt it (no secrets provider), ` +
          `so the program gets the secret "${SECURE_PLACEHOLDER}"\n`,
      );
    }
    ({ resources, outputs } = plan);
    title = `Plan for stack ${plan.stack.stack} of project ${plan.project.name} (${options.program})`;
  } else {
    const stack = options.stack!;
    ({ resources, outputs } = await synthesizeStack(stack).catch((e: unknown) => {
      if (e instanceof UnknownStackError) throw e;
      throw new ProgramError(`the stack ${stack} failed: ${e instanceof Error ? e.message : String(e)}`);
    }));
    title = `Plan for stack ${options.stack}`;
  }
  if (options.json) {
    await writeOut(`${JSON.stringify(toJson(resources), null, 2)}\n`);
    return 0;
  }
  const evaluation = await evaluatePolicies(allPolicies(), resources, packConfig);
  const violations = evaluation.violations;
  const out: string[] = [`${title} (offline synthesis under Pulumi mocks)`, ""];
  out.push(renderTree(resources), "", "Resources by type:");
  for (const [type, n] of countByType(resources)) out.push(`  ${String(n).padStart(4)}  ${type}`);
  out.push(`  ${String(resources.length).padStart(4)}  total`, "", "Stack outputs:");
  for (const [key, o] of Object.entries(outputs)) out.push(`  ${key}: ${renderOutput(o)}`);
  out.push("", renderVerdicts(evaluation, resources.length, configName));
  await writeOut(`${out.join("\n")}\n`);
  return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}

/** The one line a failure prints: bad input names what is wrong; anything else its message, never a stack. */
export function describeFailure(error: unknown): string {
  const known = [
    UsageError,
    UnknownStackError,
    ProjectError,
    ProgramError,
    SdkNotFoundError,
    MalformedResourceError,
    PackConfigError,
  ];
  if (known.some((k) => error instanceof k)) return (error as Error).message;
  const message = error instanceof Error ? error.message : String(error);
  return `internal error: ${message.split("\n")[0]}`;
}

if (require.main === module) {
  process.stdout.on("error", (err) => {
    if (!readerGone(err)) throw err;
  });
  main().then(
    (code) => process.exit(code),
    (error: unknown) => process.stderr.write(`plan: ${describeFailure(error)}\n`, () => process.exit(2)),
  );
}
