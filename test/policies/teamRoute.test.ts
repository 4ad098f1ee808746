/**
 * The team route, end to end, on a program that is not Seawall's (test/fixtures/team-program, its
 * own Pulumi.yaml): `npm run plan -- --program <dir>` from another directory, then
 * `npm run policy:check` with the team config; the same verdicts from the pack served by Pulumi's
 * policy-pack host over its gRPC analyzer interface; the same again from the plan turned into
 * `pulumi preview --json` output and a `pulumi stack export` file.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { PolicyPackConfig } from "@pulumi/policy";
import { loadPackConfig } from "../../policies/lib/packConfig";
import { allPolicies } from "../../policies/policies";
import { run as policyCheck } from "../../scripts/policyCheck";
import { AnalyzerHost, startAnalyzerHost } from "./analyzerHost";

const exec = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "team-program");

interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  provider: string | null;
  inputs: Record<string, unknown>;
  dependsOn: string[];
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command and returns its exit code and output, whatever the code. */
async function outcome(command: string, args: string[], cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: unknown; stdout: string; stderr: string };
    if (typeof code !== "number") throw e;
    return { code, stdout, stderr };
  }
}

type Verdict = { rule: string; resource: string; level: string };
const byRuleAndResource = (a: Verdict, b: Verdict) =>
  `${a.rule} ${a.resource}`.localeCompare(`${b.rule} ${b.resource}`);
const verdicts = (list: Verdict[]): Verdict[] =>
  list.map(({ rule, resource, level }) => ({ rule, resource, level })).sort(byRuleAndResource);

/**
 * The correct verdicts for the fixture under the team config. The `data` bucket is secured by its
 * split resources, so none of the S3 encryption, versioning, public-access or TLS rules fires; the
 * team config requires no tags.
 */
const EXPECTED: Verdict[] = [
  { rule: "awsBackupCoversStatefulResources", resource: "data", level: "mandatory" },
  { rule: "elasticacheAuthRequired", resource: "sessions", level: "mandatory" },
  { rule: "elasticacheEncryptionInTransit", resource: "sessions", level: "mandatory" },
  { rule: "gcsBucketCmek", resource: "exports", level: "advisory" },
  { rule: "gcsNoPublicIamGrant", resource: "exports-public-read", level: "mandatory" },
  { rule: "gcsPublicAccessPrevention", resource: "exports", level: "mandatory" },
  { rule: "s3BucketReplicatesInProduction", resource: "data", level: "advisory" },
].sort(byRuleAndResource);

let work: string;
let planFile: string;
let planned: PlannedResource[];
let textPlan: Outcome;
let host: AnalyzerHost;
let teamConfig: PolicyPackConfig;

beforeAll(async () => {
  // The caller's directory is not the repository: the program's path is relative to it.
  work = mkdtempSync(path.join(tmpdir(), "seawall-team-route-"));
  const program = path.relative(work, FIXTURE);
  teamConfig = loadPackConfig("team", allPolicies());
  let json: Outcome;
  [host, json, textPlan] = await Promise.all([
    startAnalyzerHost(),
    outcome("npm", ["--prefix", ROOT, "run", "-s", "plan", "--", "--program", program, "--json"], work),
    outcome(
      "npx",
      ["tsx", path.join(ROOT, "scripts", "plan.ts"), "--program", "fixtures/team-program"],
      path.join(ROOT, "test"),
    ),
  ]);
  if (json.code !== 0) throw new Error(`plan --program --json exited ${json.code}: ${json.stderr}`);
  planned = JSON.parse(json.stdout) as PlannedResource[];
  planFile = path.join(work, "plan.json");
  writeFileSync(planFile, json.stdout);
}, 180000);

afterAll(() => {
  host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("a team's program through the whole route", () => {
  it("plan --program synthesizes it from the caller's directory, the split bucket tied by property dependencies", () => {
    const urn = (name: string) => planned.find((r) => r.name === name)!.urn;
    expect(planned.map((r) => r.name).sort()).toEqual(
      [
        "data",
        "data-encryption",
        "data-key",
        "data-ownership",
        "data-policy",
        "data-public-access",
        "data-versioning",
        "exports",
        "exports-public-read",
        "sessions",
      ].sort(),
    );
    expect(urn("data")).toBe("urn:pulumi:dev::acme-data::aws:s3/bucket:Bucket::data");
    expect(planned.find((r) => r.name === "data-encryption")!.propertyDependencies.bucket).toEqual([
      urn("data"),
    ]);
  });

  it("plan runs the pack with the team config by default and exits 1 on its mandatory violations", () => {
    expect(textPlan.code).toBe(1);
    expect(textPlan.stdout).toContain("Policy check (team config): ");
    expect(textPlan.stdout).toContain("7 violation(s): 5 mandatory, 2 advisory");
    expect(textPlan.stdout).toContain(
      "MANDATORY gcsNoPublicIamGrant  gcp:storage/bucketIAMMember:BucketIAMMember exports-public-read\n",
    );
    expect(textPlan.stdout).toContain("  alertWebhook: [secret]\n");
    expect(textPlan.stderr).toContain(
      "config acme-data:alertWebhook is a secure value; offline synthesis cannot decrypt it",
    );
  });

  it("policy:check over the plan gives exactly the expected verdicts and exits 1", async () => {
    const check = await outcome(
      "npx",
      ["tsx", path.join(ROOT, "scripts", "policyCheck.ts"), planFile, "--config", "team", "--json"],
      ROOT,
    );
    expect(check.code).toBe(1);
    const report = JSON.parse(check.stdout) as Verdict[] | { violations: Verdict[] };
    expect(verdicts(Array.isArray(report) ? report : report.violations)).toEqual(EXPECTED);
  });

  it("the pack served by Pulumi's policy-pack host gives the same verdicts", async () => {
    await host.configure(teamConfig);
    const diagnostics = await host.verdicts(planned);
    const nameOf = new Map(planned.map((r) => [r.urn, r.name]));
    expect(diagnostics.filter((d) => d.message.startsWith("can't run policy"))).toEqual([]);
    expect(verdicts(diagnostics.map((d) => ({ ...d, resource: nameOf.get(d.urn) ?? d.urn })))).toEqual(
      EXPECTED,
    );
  });

  it.each(["preview", "stack-export"] as const)(
    "the plan as %s input gives the same verdicts, names read from the URNs",
    async (format) => {
      const state = (r: PlannedResource) => ({
        urn: r.urn,
        type: r.type,
        custom: true,
        id: `${r.name}-id`,
        inputs: r.inputs,
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider ? { provider: `${r.provider}::${r.provider.split("::").pop()}-id` } : {}),
        dependencies: r.dependsOn,
        propertyDependencies: r.propertyDependencies,
        protect: r.protect,
      });
      const doc =
        format === "preview"
          ? {
              steps: planned.map((r) => ({ op: "create", urn: r.urn, newState: state(r) })),
              changeSummary: { create: planned.length },
            }
          : {
              version: 3,
              deployment: { manifest: { time: "2025-01-01T00:00:00Z" }, resources: planned.map(state) },
            };
      const file = path.join(work, `${format}.json`);
      writeFileSync(file, JSON.stringify(doc));
      const { output, exitCode } = await policyCheck([file, "--config", "team", "--json"]);
      expect(exitCode).toBe(1);
      expect(verdicts((JSON.parse(output) as { violations: Verdict[] }).violations)).toEqual(EXPECTED);
    },
  );
});
