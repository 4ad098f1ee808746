import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import * as path from "node:path";
import { countByType, parseArgs, renderTree, renderVerdicts } from "../../scripts/plan";
import { Secret, synthesize } from "../../scripts/synth/harness";
import { listStacks, loadStackConfig, UnknownStackError } from "../../scripts/synth/stacks";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");

describe("offline synthesis harness", () => {
  it("records parent, provider, dependsOn, propertyDependencies, protect and secrets", async () => {
    class Box extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Box", name, {});
        const provider = new aws.Provider(`${name}-west`, { region: "us-west-2" }, { parent: this });
        const key = new aws.kms.Key(
          `${name}-key`,
          { enableKeyRotation: true },
          { parent: this, provider, protect: true },
        );
        new aws.ssm.Parameter(
          `${name}-param`,
          { type: "SecureString", value: pulumi.secret("hunter2"), keyId: key.arn },
          { parent: this, provider, dependsOn: [key] },
        );
        this.registerOutputs();
      }
    }
    const { resources } = await synthesize(() => new Box("box"), { config: { "aws:region": "us-east-1" } });
    const byName = Object.fromEntries(resources.map((r) => [r.name, r]));
    expect(Object.keys(byName).sort()).toEqual(["box", "box-key", "box-param", "box-west"]);
    const { box, "box-key": key, "box-param": param, "box-west": west } = byName;
    expect(key.parent).toBe(box.urn);
    expect(key.provider).toBe(west.urn);
    expect(key.protect).toBe(true);
    expect(param.protect).toBe(false);
    expect(param.dependsOn).toContain(key.urn);
    expect(param.propertyDependencies.keyId).toEqual([key.urn]);
    expect(param.inputs.value).toBeInstanceOf(Secret);
    expect((param.inputs.value as Secret).value).toBe("hunter2");
    expect(JSON.stringify(param.inputs)).not.toContain("hunter2");
    // The key's ARN is in the provider's region, so what flows between resources is realistic.
    expect(param.inputs.keyId).toMatch(/^arn:aws:kms:us-west-2:123456789012:key\/[0-9a-f-]{36}$/);
  });

  it("marks secret stack outputs", async () => {
    const { outputs } = await synthesize(() => ({ plain: "a", hidden: pulumi.secret("b") }));
    expect(outputs).toEqual({ plain: { value: "a", secret: false }, hidden: { value: "b", secret: true } });
  });

  it("runs calls one after another, each with its own config", async () => {
    const read = () => ({ region: new pulumi.Config("aws").get("region") });
    const [a, b] = await Promise.all([
      synthesize(read, { config: { "aws:region": "eu-west-1" } }),
      synthesize(read, { config: { "aws:region": "ap-south-1" } }),
    ]);
    expect([a.outputs.region.value, b.outputs.region.value]).toEqual(["eu-west-1", "ap-south-1"]);
  });
});

describe("stack files", () => {
  it("lists the stacks in stacks/", () => {
    expect(listStacks()).toEqual(expect.arrayContaining(["dev-aws", "prod-aws"]));
  });

  it("loads a stack's config as the engine passes it, objects JSON-encoded", () => {
    const config = loadStackConfig("prod-aws");
    expect(config["aws:region"]).toBe("us-east-1");
    expect(config["seawall:environment"]).toBe("prod");
    expect(JSON.parse(config["seawall:objectStore"])).toMatchObject({
      prefix: "events",
      accessLogging: true,
    });
  });

  it("rejects an unknown stack, listing the stacks there are", () => {
    expect(() => loadStackConfig("prod-mars")).toThrow(UnknownStackError);
    expect(() => loadStackConfig("prod-mars")).toThrow(
      /unknown stack "prod-mars".*Known stacks: .*dev-aws.*prod-aws/,
    );
  });
});

describe("npm run plan", () => {
  it("parses its arguments and rejects unknown ones", () => {
    expect(parseArgs(["--stack", "dev-aws", "--json"])).toEqual({ stack: "dev-aws", json: true });
    expect(parseArgs(["--stack=prod-aws"])).toEqual({ stack: "prod-aws", json: false });
    expect(parseArgs(["--program", "../infra", "--stack", "prod", "--config=team"])).toEqual({
      program: "../infra",
      stack: "prod",
      config: "team",
      json: false,
    });
    expect(() => parseArgs([])).toThrow(/--stack or --program is required/);
    expect(() => parseArgs(["--stack", "dev-aws", "--yaml"])).toThrow(/unknown argument "--yaml"/);
    expect(() => parseArgs(["--program"])).toThrow(/--program needs a value/);
    expect(() => parseArgs(["--program", "x", "--config", "staging"])).toThrow(
      /--config must be dev, prod, team or a pack config .json file, got "staging"/,
    );
  });

  it("renders the tree and counts per type", () => {
    const r = (name: string, type: string, parent?: string) => ({
      urn: `urn:${name}`,
      name,
      type,
      parent: parent && `urn:${parent}`,
      inputs: {},
      dependsOn: [],
      propertyDependencies: {},
      protect: name === "b",
      custom: true,
      retainOnDelete: false,
      ignoreChanges: [],
    });
    const resources = [r("a", "t:A"), r("b", "t:B", "a"), r("c", "t:B", "a")];
    expect(renderTree(resources)).toBe("└─ t:A a\n   ├─ t:B b  [protected]\n   └─ t:B c");
    expect(countByType(resources)).toEqual([
      ["t:A", 1],
      ["t:B", 2],
    ]);
  });

  it("prints the plan as JSON with the documented fields", async () => {
    const { stdout } = await run("npx", ["tsx", "scripts/plan.ts", "--stack", "dev-aws", "--json"], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const list = JSON.parse(stdout) as Record<string, unknown>[];
    expect(Object.keys(list[0]).sort()).toEqual(
      [
        "dependsOn",
        "inputs",
        "name",
        "parent",
        "propertyDependencies",
        "protect",
        "provider",
        "type",
        "urn",
      ].sort(),
    );
    expect(list.some((x) => x.type === "aws:s3/bucket:Bucket")).toBe(true);
  });

  it("writes all of its JSON into a pipe whose reader is slower than the plan", async () => {
    // A real pipe (node's own stdio pipes are socket pairs with larger buffers): its reader takes the
    // first line, then pauses for a second. A plan that exits before stdout drains loses everything
    // past the pipe's 64 KiB buffer, as `npm run plan -- --json | head -c 1000000` did.
    const { stdout } = await run(
      "bash",
      [
        "-c",
        "set -o pipefail; node --import tsx scripts/plan.ts --stack dev-aws --json | " +
          '{ IFS= read -r first; sleep 1; printf "%s\\n" "$first"; cat; }',
      ],
      { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(stdout.length).toBeGreaterThan(128 * 1024);
    const list = JSON.parse(stdout) as Array<{ type: string }>;
    expect(list.some((x) => x.type === "aws:s3/bucket:Bucket")).toBe(true);
  });

  it("renders each verdict with its level, URN, property path, observed value and fix", () => {
    const verdict = {
      rule: "s3BucketVersioningEnabled",
      resource: "lake",
      urn: "urn:pulumi:dev::p::aws:s3/bucketVersioning:BucketVersioning::lake",
      type: "aws:s3/bucketVersioning:BucketVersioning",
      level: "mandatory" as const,
      message: "versioning is off",
      path: "versioningConfiguration.status",
      value: "Suspended",
      fix: "Set versioningConfiguration.status to Enabled",
    };
    const evaluation = {
      violations: [verdict, { ...verdict, level: "advisory" as const, path: undefined, value: undefined }],
      skipped: [],
      notApplicable: [],
    };
    const pad = " ".repeat(10);
    expect(renderVerdicts(evaluation as never, 3, "prod").split("\n")).toEqual([
      "MANDATORY s3BucketVersioningEnabled  aws:s3/bucketVersioning:BucketVersioning lake",
      `${pad}versioning is off`,
      `${pad}at:  versioningConfiguration.status = "Suspended"`,
      `${pad}urn: ${verdict.urn}`,
      `${pad}fix: ${verdict.fix}`,
      "ADVISORY  s3BucketVersioningEnabled  aws:s3/bucketVersioning:BucketVersioning lake",
      `${pad}versioning is off`,
      `${pad}urn: ${verdict.urn}`,
      `${pad}fix: ${verdict.fix}`,
      "",
      "Policy check (prod config): 3 resources, 2 violation(s): 1 mandatory, 1 advisory",
    ]);
  });

  it("prints the tree, the counts and the pack's verdicts of a stack", async () => {
    const { stdout } = await run("npx", ["tsx", "scripts/plan.ts", "--stack", "dev-aws"], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain("└─ seawall:index:DataPlatform seawall-dev");
    expect(stdout).toMatch(/Resources by type:\n(.|\n)*\s+1\s+seawall:aws:ObjectStore\n/);
    // dev does not replicate: the pack advises, and nothing mandatory fails.
    expect(stdout).toMatch(/Policy check \(dev config\): \d+ resources, \d+ violation\(s\): 0 mandatory/);
    expect(stdout).toContain(
      "ADVISORY  s3BucketReplicatesInProduction  aws:s3/bucket:Bucket seawall-dev-lake\n",
    );
  });

  it("fails on an unknown stack with the list of stacks, exit 2 (bad input)", async () => {
    await expect(
      run("npx", ["tsx", "scripts/plan.ts", "--stack", "nope"], { cwd: ROOT }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('plan: unknown stack "nope"'),
    });
  });
});
