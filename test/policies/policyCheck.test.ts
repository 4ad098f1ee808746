import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MalformedResourceError } from "../../policies/check";
import { describeFailure, parseArgs, run, USAGE, UsageError } from "../../scripts/policyCheck";

const dir = mkdtempSync(path.join(tmpdir(), "policy-check-"));
function file(name: string, content: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
  return f;
}

const fixtures = path.resolve(__dirname, "..", "fixtures", "pulumi-json");

/** The tags the dev and prod configs require (awsRequiredTags). */
const tags = {
  "seawall:owner": "data",
  "seawall:environment": "dev",
  "seawall:data-classification": "internal",
};
const unencrypted = { type: "aws:sns/topic:Topic", name: "alerts", inputs: { displayName: "alerts", tags } };
const queue = { type: "aws:sqs/queue:Queue", name: "q", props: { tags } };
const cache = {
  type: "aws:elasticache/replicationGroup:ReplicationGroup",
  name: "rg",
  props: {
    authToken: "t",
    atRestEncryptionEnabled: true,
    transitEncryptionEnabled: true,
    snapshotRetentionLimit: 7,
    multiAzEnabled: true,
    tags,
  },
};

describe("npm run policy:check", () => {
  it("prints each violation and a summary and exits 1 on a mandatory violation", async () => {
    const { output, exitCode } = await run([file("a.json", [unencrypted, queue])]);
    expect(exitCode).toBe(1);
    expect(output).toContain(
      "MANDATORY snsTopicEncrypted  aws:sns/topic:Topic alerts\n          kmsMasterKeyId is not set\n" +
        "          at:  kmsMasterKeyId (unset)\n" +
        "          urn: urn:pulumi:offline::offline::aws:sns/topic:Topic::alerts\n" +
        "          fix: Set kmsMasterKeyId to a customer-managed key whose policy lets the publishing services use it.\n",
    );
    expect(output).toContain(
      "Policy check (team config): 2 resources, 1 violation(s): 1 mandatory, 0 advisory",
    );
  });

  it("prints the summary, the violations with URN and fix, and the skipped checks with --json", async () => {
    const { output } = await run([file("b.json", [unencrypted]), "--json"]);
    const { violations, ...rest } = JSON.parse(output);
    expect(rest).toEqual({
      summary: { resources: 1, violations: 1, mandatory: 1, advisory: 0, skipped: 0, config: "team" },
      skipped: [],
      warnings: [],
    });
    // The property path is the rule's to give (null until it reports one); the value is unset.
    const { path: at, ...violation } = violations[0];
    expect([null, "kmsMasterKeyId"]).toContain(at);
    expect(violation).toEqual({
      rule: "snsTopicEncrypted",
      level: "mandatory",
      urn: "urn:pulumi:offline::offline::aws:sns/topic:Topic::alerts",
      resource: "alerts",
      type: "aws:sns/topic:Topic",
      message: "kmsMasterKeyId is not set",
      fix: "Set kmsMasterKeyId to a customer-managed key whose policy lets the publishing services use it.",
    });
  });

  it("exits 0 when only advisory violations remain, and --config prod makes them mandatory", async () => {
    const f = file("c.json", [cache]);
    const levels = (output: string) => JSON.parse(output).violations.map((v: { level: string }) => v.level);
    const team = await run([f, "--json"]);
    expect([team.exitCode, levels(team.output)]).toEqual([0, ["advisory"]]);
    const prod = await run([f, "--config", "prod", "--json"]);
    expect([prod.exitCode, levels(prod.output)]).toEqual([1, ["mandatory"]]);
  });

  it("exits 0 with a clean summary when nothing is violated", async () => {
    const { output, exitCode } = await run([file("d.json", [queue])]);
    expect(exitCode).toBe(0);
    expect(output).toBe(
      "\nPolicy check (team config): 1 resources, 0 violation(s): 0 mandatory, 0 advisory\n",
    );
  });

  it("rejects input that is not JSON or lacks a type with a clear error", async () => {
    await expect(run([file("e.json", "not json")])).rejects.toThrow(MalformedResourceError);
    await expect(run([file("e.json", "not json")])).rejects.toThrow("is not valid JSON");
    await expect(run([file("f.json", [{ name: "x" }])])).rejects.toThrow('resource [0]: "type" is missing');
    await expect(run([path.join(dir, "missing.json")])).rejects.toThrow(UsageError);
  });

  it("reports the tags Seawall's dev config requires, and the team config requires none", async () => {
    const untagged = file("h.json", [{ ...queue, props: {} }]);
    const dev = await run([untagged, "--config", "dev", "--json"]);
    expect(
      JSON.parse(dev.output).violations.map((v: { rule: string; message: string }) => [v.rule, v.message]),
    ).toEqual([
      ["awsRequiredTags", "missing tag(s): seawall:owner, seawall:environment, seawall:data-classification"],
    ]);
    const team = await run([untagged, "--json"]);
    expect([team.exitCode, JSON.parse(team.output).violations]).toEqual([0, []]);
  });

  it("takes a --policy-pack-config file of the user's own", async () => {
    const config = file("pack-config.json", { snsTopicEncrypted: "advisory" });
    const { output, exitCode } = await run([file("g.json", [unencrypted]), "--config", config, "--json"]);
    expect([exitCode, JSON.parse(output).violations.map((v: { level: string }) => v.level)]).toEqual([
      0,
      ["advisory"],
    ]);
    await expect(
      run([file("g.json", [unencrypted]), "--config", file("bad-config.json", { nosuchRule: "mandatory" })]),
    ).rejects.toThrow("nosuchRule: unknown rule");
    await expect(
      run([file("g.json", [unencrypted]), "--config", file("bad-config2.json", "[")]),
    ).rejects.toThrow("is not valid JSON");
  });

  it("rejects a config with every problem listed, as a usage error", async () => {
    const bad = file("bad-config3.json", {
      snsTopicEncrypted: "blocking",
      rdsBackupRetention: { minimumRetentionDays: "7" },
    });
    const failure = run([file("g.json", [unencrypted]), "--config", bad]);
    await expect(failure).rejects.toThrow(UsageError);
    await expect(run([file("g.json", [unencrypted]), "--config", bad])).rejects.toThrow(
      `the pack config ${bad} has 2 problems:\n` +
        '  - snsTopicEncrypted: string "blocking" is not an enforcement level; use one of advisory, mandatory, remediate, disabled\n' +
        '  - rdsBackupRetention.minimumRetentionDays: expected an integer, got string "7"',
    );
  });

  it("reads pulumi preview --json output and pulumi stack export files", async () => {
    for (const name of ["preview.json", "stack-export.json"]) {
      const { output, exitCode } = await run([path.join(fixtures, name), "--json"]);
      const report = JSON.parse(output);
      expect([exitCode, report.summary, report.violations.map((v: { rule: string }) => v.rule)]).toEqual([
        1,
        { resources: 9, violations: 3, mandatory: 3, advisory: 0, skipped: 1, config: "team" },
        ["snsTopicEncrypted", "sqsQueueEncrypted", "logGroupRetention"],
      ]);
    }
  });

  it("writes SARIF with the engine's source positions under --sarif-root", async () => {
    const { output, exitCode } = await run([
      path.join(fixtures, "stack-export.json"),
      "--format",
      "sarif",
      "--sarif-root",
      "infra",
    ]);
    const sarif = JSON.parse(output);
    const queue = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === "sqsQueueEncrypted");
    expect([exitCode, sarif.version, queue.level, queue.locations[0].physicalLocation]).toEqual([
      1,
      "2.1.0",
      "error",
      { artifactLocation: { uri: "infra/index.ts" }, region: { startLine: 14, startColumn: 13 } },
    ]);
  });

  it("rejects bad arguments", () => {
    expect(() => parseArgs([])).toThrow("an input file is required");
    expect(() => parseArgs(["a.json", "--config", "staging"])).toThrow(
      '--config must be team, dev, prod or a --policy-pack-config .json file, got "staging"',
    );
    expect(() => parseArgs(["a.json", "--verbose"])).toThrow('unknown option "--verbose"');
    expect(() => parseArgs(["a.json", "--format", "xml"])).toThrow(
      '--format must be one of text, json, sarif, got "xml"',
    );
    expect(() => parseArgs(["a.json", "--config"])).toThrow("--config needs a value");
    expect(() => parseArgs(["a.json", "--sarif-root", "infra"])).toThrow(
      "--sarif-root and --sarif-program go with --format sarif",
    );
    expect(parseArgs(["a.json", "--config=prod", "--json"])).toEqual({
      file: "a.json",
      config: "prod",
      format: "json",
    });
    expect(parseArgs(["a.json"])).toEqual({ file: "a.json", config: "team", format: "text" });
    expect(USAGE.split("\n")[0]).toContain("[--config team|dev|prod|<pack-config.json>] (default: team)");
  });

  it("describes an internal error in one line, without a stack", () => {
    const error = new TypeError("Cannot read properties of undefined (reading 'x')\n    at f (a.ts:1:1)");
    expect(describeFailure(error)).toBe("internal error: Cannot read properties of undefined (reading 'x')");
    expect(describeFailure(new UsageError("bad"))).toBe("bad");
  });
});

describe("the policy:check command line", () => {
  const script = path.resolve(__dirname, "..", "..", "scripts", "policyCheck.ts");
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), script, ...args], { encoding: "utf8", input });

  it("exits 1 with the JSON verdicts on a mandatory violation", () => {
    const r = cli([file("cli.json", [unencrypted]), "--json"]);
    expect([r.status, JSON.parse(r.stdout).violations.map((v: { rule: string }) => v.rule)]).toEqual([
      1,
      ["snsTopicEncrypted"],
    ]);
  });

  it("reads the resources from standard input with -", () => {
    const r = cli(["-"], JSON.stringify([queue]));
    expect([r.status, r.stdout]).toEqual([
      0,
      "\nPolicy check (team config): 1 resources, 0 violation(s): 0 mandatory, 0 advisory\n",
    ]);
  });

  it("exits 2 with a one-line error, not a stack trace, on malformed input", () => {
    const r = cli([file("cli-bad.json", "{")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^policy:check: .*cli-bad\.json is not valid JSON/m);
    expect(r.stderr).not.toContain("    at ");
  });
});
