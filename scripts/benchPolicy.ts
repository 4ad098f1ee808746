/**
 * `npm run bench:policy -- [--resources 50000]`: how long the offline policy check takes, and how
 * much memory, on a large resource list, beside the time of `plan` alone.
 *
 * The list is the prod-aws stack as `npm run plan -- --stack prod-aws --json` gives it plus a
 * spread of GCP, Azure and Kubernetes resources, replicated with unique URNs (property
 * dependencies rewritten per copy) up to the requested count. The check runs in a child process
 * that reads the list from a JSON file, as `npm run policy:check` would, so its peak RSS is the
 * check's own (Node, the pack, the parsed list and the evaluation), not the synthesis's.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { evaluatePolicies, loadEnvironmentConfig, parseResources } from "../policies/lib/evaluate";
import { allPolicies } from "../policies/policies";
import { replicate, spreadResources } from "./benchPolicyResources";

const USAGE = "usage: npm run bench:policy -- [--resources <count, default 50000>]";

/** What the child process measures. */
interface CheckFigures {
  resources: number;
  parseMs: number;
  checkMs: number;
  /** User + system CPU time of the check: on a shared machine, steadier than wall time. */
  checkCpuMs: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapUsedMb: number;
  violations: number;
  mandatory: number;
  skipped: number;
}

function parseArgs(argv: string[]): { resources: number; child?: string } {
  let resources = 50000;
  let child: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
    if (a === "--resources" || a.startsWith("--resources=")) resources = Number(value);
    else if (a === "--child") child = value;
    else throw new Error(`unknown argument "${a}"\n${USAGE}`);
  }
  if (!Number.isInteger(resources) || resources < 1) {
    throw new Error(`--resources must be a positive integer, got "${String(resources)}"\n${USAGE}`);
  }
  return { resources, child };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** The child: read the list, check it with the prod config, report the figures as JSON. */
async function measureCheck(file: string): Promise<CheckFigures> {
  const policies = allPolicies();
  const config = loadEnvironmentConfig("prod");
  const t0 = performance.now();
  const resources = parseResources(JSON.parse(readFileSync(file, "utf8")));
  const t1 = performance.now();
  const rssBefore = process.memoryUsage().rss;
  const cpu = process.cpuUsage();
  const result = await evaluatePolicies(policies, resources, config);
  const t2 = performance.now();
  const { user, system } = process.cpuUsage(cpu);
  return {
    resources: resources.length,
    parseMs: Math.round(t1 - t0),
    checkMs: Math.round(t2 - t1),
    checkCpuMs: Math.round((user + system) / 1000),
    rssBeforeMb: mb(rssBefore),
    // maxRSS is in KiB.
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    violations: result.violations.length,
    mandatory: result.violations.filter((v) => v.level === "mandatory").length,
    skipped: result.skipped.length,
  };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.child) {
    process.stdout.write(`${JSON.stringify(await measureCheck(options.child))}\n`);
    return;
  }
  // Loaded here so the child does not pay for the cloud SDKs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeStack } = require("./synth/stacks") as typeof import("./synth/stacks");
  const t0 = performance.now();
  const { resources: stack } = await synthesizeStack("prod-aws");
  const planMs = Math.round(performance.now() - t0);
  const spread = spreadResources();
  const list = replicate([...stack, ...spread], options.resources);

  const dir = mkdtempSync(path.join(tmpdir(), "bench-policy-"));
  const file = path.join(dir, "resources.json");
  try {
    writeFileSync(file, JSON.stringify(list));
    const child = spawnSync(process.execPath, ["--import", "tsx", __filename, "--child", file], {
      cwd: path.resolve(__dirname, ".."),
      encoding: "utf8",
      maxBuffer: 2 ** 20,
    });
    if (child.status !== 0) throw new Error(`the check process failed: ${child.stderr.trim()}`);
    const f = JSON.parse(child.stdout.trim().split("\n").pop()!) as CheckFigures;
    // Checking the stack alone, as `npm run plan` does after synthesizing it.
    const t1 = performance.now();
    await evaluatePolicies(allPolicies(), stack, loadEnvironmentConfig("prod"));
    const planCheckMs = Math.round(performance.now() - t1);
    const rows: [string, string][] = [
      [
        "resources",
        `${f.resources} (prod-aws: ${stack.length}, GCP/Azure/Kubernetes spread: ${spread.length}, replicated)`,
      ],
      [
        "check (prod config)",
        `${f.checkMs} ms wall, ${f.checkCpuMs} ms CPU  (${((f.checkMs / f.resources) * 1000).toFixed(1)} µs per resource)`,
      ],
      ["read + parse JSON", `${f.parseMs} ms`],
      ["peak RSS", `${f.peakRssMb} MB  (${f.rssBeforeMb} MB before the check)`],
      ["heap used after", `${f.heapUsedMb} MB`],
      ["violations", `${f.violations} (${f.mandatory} mandatory), ${f.skipped} checks skipped`],
      ["plan alone", `${planMs} ms  (synthesizing prod-aws under the mocks, ${stack.length} resources)`],
      ["check / plan", `${(f.checkMs / planMs).toFixed(2)}`],
      ["plan's own check", `${planCheckMs} ms  (prod-aws, ${stack.length} resources)`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:policy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  });
}
