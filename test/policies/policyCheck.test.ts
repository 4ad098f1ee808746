import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { MalformedResourceError } from "../../policies/check";
import { parseArgs, run, UsageError } from "../../scripts/policyCheck";

const dir = mkdtempSync(path.join(tmpdir(), "policy-check-"));
function file(name: string, content: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, typeof content === "string" ? content : JSON.stringify(content));
  return f;
}

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
      "MANDATORY snsTopicEncrypted  aws:sns/topic:Topic alerts\n          kmsMasterKeyId is not set",
    );
    expect(output).toContain(
      "Policy check (dev config): 2 resources, 1 violation(s): 1 mandatory, 0 advisory",
    );
  });

  it("prints { rule, resource, type, level, message } with --json", async () => {
    const { output } = await run([file("b.json", [unencrypted]), "--json"]);
    expect(JSON.parse(output)).toEqual([
      {
        rule: "snsTopicEncrypted",
        resource: "alerts",
        type: "aws:sns/topic:Topic",
        level: "mandatory",
        message: "kmsMasterKeyId is not set",
      },
    ]);
  });

  it("exits 0 when only advisory violations remain, and --config prod makes them mandatory", async () => {
    const f = file("c.json", [cache]);
    const dev = await run([f, "--json"]);
    expect([dev.exitCode, JSON.parse(dev.output).map((v: { level: string }) => v.level)]).toEqual([
      0,
      ["advisory"],
    ]);
    const prod = await run([f, "--config", "prod", "--json"]);
    expect([prod.exitCode, JSON.parse(prod.output).map((v: { level: string }) => v.level)]).toEqual([
      1,
      ["mandatory"],
    ]);
  });

  it("exits 0 with a clean summary when nothing is violated", async () => {
    const { output, exitCode } = await run([file("d.json", [queue])]);
    expect(exitCode).toBe(0);
    expect(output).toBe(
      "\nPolicy check (dev config): 1 resources, 0 violation(s): 0 mandatory, 0 advisory\n",
    );
  });

  it("rejects input that is not JSON or lacks a type with a clear error", async () => {
    await expect(run([file("e.json", "not json")])).rejects.toThrow(MalformedResourceError);
    await expect(run([file("e.json", "not json")])).rejects.toThrow("is not valid JSON");
    await expect(run([file("f.json", [{ name: "x" }])])).rejects.toThrow('resource [0]: "type" is missing');
    await expect(run([path.join(dir, "missing.json")])).rejects.toThrow(UsageError);
  });

  it("reports the tags the environment config requires", async () => {
    const { output } = await run([file("h.json", [{ ...queue, props: {} }]), "--json"]);
    expect(JSON.parse(output)).toEqual([
      {
        rule: "awsRequiredTags",
        resource: "q",
        type: "aws:sqs/queue:Queue",
        level: "mandatory",
        message: "missing tag(s): seawall:owner, seawall:environment, seawall:data-classification",
      },
    ]);
  });

  it("takes a --policy-pack-config file of the user's own", async () => {
    const config = file("pack-config.json", { snsTopicEncrypted: "advisory" });
    const { output, exitCode } = await run([file("g.json", [unencrypted]), "--config", config, "--json"]);
    expect([exitCode, JSON.parse(output).map((v: { level: string }) => v.level)]).toEqual([0, ["advisory"]]);
    await expect(
      run([file("g.json", [unencrypted]), "--config", file("bad-config.json", { nosuchRule: "mandatory" })]),
    ).rejects.toThrow("names unknown rules: nosuchRule");
    await expect(
      run([file("g.json", [unencrypted]), "--config", file("bad-config2.json", "[")]),
    ).rejects.toThrow("is not valid JSON");
  });

  it("rejects bad arguments", () => {
    expect(() => parseArgs([])).toThrow("a resources file is required");
    expect(() => parseArgs(["a.json", "--config", "staging"])).toThrow(
      '--config must be "dev", "prod" or a --policy-pack-config .json file',
    );
    expect(() => parseArgs(["a.json", "--verbose"])).toThrow('unknown option "--verbose"');
    expect(parseArgs(["a.json", "--config=prod", "--json"])).toEqual({
      file: "a.json",
      environment: "prod",
      json: true,
    });
  });
});

describe("the policy:check command line", () => {
  const script = path.resolve(__dirname, "..", "..", "scripts", "policyCheck.ts");
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [require.resolve("tsx/cli"), script, ...args], { encoding: "utf8", input });

  it("exits 1 with the JSON verdicts on a mandatory violation", () => {
    const r = cli([file("cli.json", [unencrypted]), "--json"]);
    expect([r.status, JSON.parse(r.stdout).map((v: { rule: string }) => v.rule)]).toEqual([
      1,
      ["snsTopicEncrypted"],
    ]);
  });

  it("reads the resources from standard input with -", () => {
    const r = cli(["-"], JSON.stringify([queue]));
    expect([r.status, r.stdout]).toEqual([
      0,
      "\nPolicy check (dev config): 1 resources, 0 violation(s): 0 mandatory, 0 advisory\n",
    ]);
  });

  it("exits 2 with a one-line error, not a stack trace, on malformed input", () => {
    const r = cli([file("cli-bad.json", "{")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^policy:check: .*cli-bad\.json is not valid JSON/m);
    expect(r.stderr).not.toContain("    at ");
  });
});
