/**
 * `npm run plan -- --stack <name> [--json]`: synthesizes a stack offline, under the SDK's mocks, and
 * prints its resource tree and the count of each resource type (like `cdk synth`). `--json` prints
 * every resource as `{ urn, type, name, parent, provider, inputs, dependsOn, propertyDependencies,
 * protect }`. The plan also runs the policy pack over the stack, with the `prod` pack config for
 * `prod-*` stacks and `dev` otherwise, and exits 1 on a mandatory violation, as `pulumi preview`
 * with the pack would.
 */
import { environmentOfStack, evaluateResources, Verdict } from "../policies/check";
import { RecordedResource, Secret } from "./synth/harness";
import { listStacks, synthesizeStack, UnknownStackError } from "./synth/stacks";

interface PlanOptions {
  stack: string;
  json: boolean;
}

function usage(): string {
  return `usage: npm run plan -- --stack <name> [--json]\nstacks: ${listStacks().join(", ")}`;
}

export function parseArgs(argv: string[]): PlanOptions {
  let stack: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") json = true;
    else if (a === "--stack" || a === "-s") stack = argv[++i];
    else if (a.startsWith("--stack=")) stack = a.slice("--stack=".length);
    else throw new Error(`unknown argument "${a}"\n${usage()}`);
  }
  if (!stack) throw new Error(`--stack is required\n${usage()}`);
  return { stack, json };
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

export function renderVerdicts(verdicts: Verdict[], environment: string): string {
  const mandatory = verdicts.filter((v) => v.level === "mandatory").length;
  const lines = [
    `Policy pack (config ${environment}): ${verdicts.length} violation${verdicts.length === 1 ? "" : "s"}, ${mandatory} mandatory`,
  ];
  for (const v of verdicts) lines.push(`  [${v.level}] ${v.rule}: ${v.type} ${v.resource}: ${v.message}`);
  return lines.join("\n");
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

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const { resources, outputs } = await synthesizeStack(options.stack);
  if (options.json) {
    await writeOut(`${JSON.stringify(toJson(resources), null, 2)}\n`);
    return 0;
  }
  const environment = environmentOfStack(options.stack);
  const verdicts = await evaluateResources(resources, { environment });
  const out: string[] = [`Plan for stack ${options.stack} (offline synthesis under Pulumi mocks)`, ""];
  out.push(renderTree(resources), "", "Resources by type:");
  for (const [type, n] of countByType(resources)) out.push(`  ${String(n).padStart(4)}  ${type}`);
  out.push(`  ${String(resources.length).padStart(4)}  total`, "", "Stack outputs:");
  for (const [key, o] of Object.entries(outputs)) {
    out.push(
      `  ${key}: ${o.secret ? "[secret]" : JSON.stringify(o.value, (_k, v) => (v instanceof Secret ? "[secret]" : v))}`,
    );
  }
  out.push("", renderVerdicts(verdicts, environment));
  await writeOut(`${out.join("\n")}\n`);
  return verdicts.some((v) => v.level === "mandatory") ? 1 : 0;
}

if (require.main === module) {
  process.stdout.on("error", (err) => {
    if (!readerGone(err)) throw err;
  });
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message =
        error instanceof UnknownStackError || error instanceof Error ? error.message : String(error);
      process.stderr.write(`plan: ${message}\n`, () => process.exit(1));
    },
  );
}
