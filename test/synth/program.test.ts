import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { callerDir, describeFailure } from "../../scripts/plan";
import { ProgramError, synthesizeProgram } from "../../scripts/synth/program";
import {
  chooseStack,
  loadProjectStackConfig,
  ProjectError,
  readProject,
  SECURE_PLACEHOLDER,
} from "../../scripts/synth/project";
import { loadSdk } from "../../scripts/synth/sdk";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE = path.join(ROOT, "test", "fixtures", "team-program");

/** Writes `files` (path to content) into a new temporary directory and returns it. */
function project(files: Record<string, string>, base = tmpdir()): string {
  const dir = mkdtempSync(path.join(base, "seawall-program-"));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (files: Record<string, string>, base?: string) => {
  const dir = project(files, base);
  made.push(dir);
  return dir;
};

describe("a team's Pulumi project", () => {
  it("reads name, runtime (string or { name, options }) and the entry point", () => {
    const fixture = readProject(FIXTURE);
    expect([fixture.name, fixture.entry, fixture.esm]).toEqual([
      "acme-data",
      path.join(FIXTURE, "index.ts"),
      false,
    ]);
    // main in Pulumi.yaml wins; a directory is entered like Node does (package.json main, index.js, index.ts).
    const dir = temp({
      "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: src/\n",
      "src/index.ts": "",
      "package.json": '{ "main": "other.js" }',
      "other.js": "",
    });
    expect(readProject(dir).entry).toBe(path.join(dir, "src", "index.ts"));
    const byPackage = temp({
      "Pulumi.yaml": "name: p\nruntime: nodejs\n",
      "package.json": '{ "main": "bin/main.js", "type": "module" }',
      "bin/main.js": "",
    });
    expect([readProject(byPackage).entry, readProject(byPackage).esm]).toEqual([
      path.join(byPackage, "bin", "main.js"),
      true,
    ]);
    const both = temp({ "Pulumi.yaml": "name: p\nruntime: nodejs\n", "index.ts": "", "index.js": "" });
    expect(readProject(both).entry).toBe(path.join(both, "index.js"));
  });

  it.each([
    [{}, "missing", /--program .*missing: no such directory/],
    [{ "index.ts": "" }, "", /there is no Pulumi.yaml; give the directory of a Pulumi project/],
    [
      { "Pulumi.yaml": "name: p\nruntime: python\n" },
      "",
      /runtime "python" is not supported; plan synthesizes nodejs programs/,
    ],
    [{ "Pulumi.yaml": "name: p\nruntime: { name: go }\n" }, "", /runtime "go" is not supported/],
    [{ "Pulumi.yaml": "runtime: nodejs\n" }, "", /"name" is missing/],
    [{ "Pulumi.yaml": "name: p\nruntime: nodejs\nmain: app.ts\n" }, "", /main "app.ts" does not exist/],
    [
      { "Pulumi.yaml": "name: p\nruntime: nodejs\n" },
      "",
      /no entry point: set main in Pulumi.yaml or package.json, or add index.ts or index.js/,
    ],
    [{ "Pulumi.yaml": "name: [p\n" }, "", /Pulumi.yaml is not valid YAML/],
  ])("rejects a bad project %#", (files, sub, message) => {
    const dir = path.join(temp(files as Record<string, string>), sub);
    expect(() => readProject(dir)).toThrow(ProjectError);
    expect(() => readProject(dir)).toThrow(message);
  });

  it("hands the program its stack config as the engine does; secure values are placeholders marked secret", () => {
    const fixture = readProject(FIXTURE);
    expect(chooseStack(fixture, undefined)).toBe("dev");
    expect(loadProjectStackConfig(fixture, "dev")).toEqual({
      stack: "dev",
      config: {
        "aws:region": "eu-west-1",
        "gcp:project": "acme-data-dev",
        "gcp:region": "europe-west1",
        "acme-data:environment": "dev",
        "acme-data:sessionNodes": "2",
        "acme-data:alertWebhook": SECURE_PLACEHOLDER,
      },
      secretKeys: ["acme-data:alertWebhook"],
      undecrypted: ["acme-data:alertWebhook"],
    });
    expect(() => loadProjectStackConfig(fixture, "prod")).toThrow(
      /unknown stack "prod": there is no Pulumi.prod.yaml in .*team-program; its stacks: dev/,
    );
  });

  it("takes project-level config and nested secure values, and asks for --stack among several", () => {
    const dir = temp({
      "Pulumi.yaml":
        "name: p\nruntime: nodejs\nstackConfigDir: stacks\nconfig:\n  size: { type: integer, default: 3 }\n  aws:region: us-east-2\n  token: { secret: true }\n",
      "index.js": "",
      "stacks/Pulumi.a.yaml": "config:\n  p:db:\n    user: app\n    password: { secure: AAA }\n  token: t\n",
      "stacks/Pulumi.b.yaml": "config: {}\n",
    });
    const p = readProject(dir);
    expect(() => chooseStack(p, undefined)).toThrow(/several stacks \(a, b\): choose one with --stack/);
    expect(loadProjectStackConfig(p, "a")).toEqual({
      stack: "a",
      config: {
        "p:size": "3",
        "aws:region": "us-east-2",
        "p:db": JSON.stringify({ user: "app", password: SECURE_PLACEHOLDER }),
        "p:token": "t",
      },
      secretKeys: ["p:token", "p:db"],
      undecrypted: ["p:db"],
    });
  });
});

describe("synthesizing a team's program", () => {
  it("records the fixture's resources, their property dependencies, its config and its outputs", async () => {
    const { resources, outputs, project } = await synthesizeProgram(FIXTURE);
    expect(project.name).toBe("acme-data");
    const byName = new Map(resources.map((r) => [r.name, r]));
    const bucket = byName.get("data")!;
    expect(bucket.urn).toBe("urn:pulumi:dev::acme-data::aws:s3/bucket:Bucket::data");
    for (const split of [
      "data-versioning",
      "data-encryption",
      "data-public-access",
      "data-policy",
      "data-ownership",
    ]) {
      expect([split, byName.get(split)!.propertyDependencies.bucket]).toEqual([split, [bucket.urn]]);
    }
    const key = byName.get("data-key")!;
    expect(byName.get("data-encryption")!.propertyDependencies.rules).toEqual([key.urn]);
    // aws:region from Pulumi.dev.yaml reaches the provider mocks.
    expect(byName.get("data-encryption")!.inputs.rules).toEqual([
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: expect.stringMatching(/^arn:aws:kms:eu-west-1:123456789012:key\//),
        },
        bucketKeyEnabled: true,
      },
    ]);
    expect(byName.get("sessions")!.inputs).toMatchObject({
      replicationGroupId: "acme-sessions-dev",
      numCacheClusters: 2,
    });
    expect(outputs.alertWebhook).toEqual({ value: SECURE_PLACEHOLDER, secret: true });
    expect(outputs.bucketName).toEqual({ value: expect.stringMatching(/^data-[0-9a-f]{7}$/), secret: false });
  });

  it("installs the mocks on the program's own copy of @pulumi/pulumi", async () => {
    // A copy under the repository's node_modules, so its own dependencies still resolve.
    const base = path.join(ROOT, "node_modules", ".cache");
    mkdirSync(base, { recursive: true });
    const dir = temp(
      {
        "Pulumi.yaml": "name: copy\nruntime: nodejs\n",
        "index.js": [
          'const pulumi = require("@pulumi/pulumi");',
          'const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");',
          'const { getStore } = require("@pulumi/pulumi/runtime/state");',
          'const w = new pulumi.CustomResource("acme:index:Widget", "w", { size: 3 });',
          "exports.ownMonitor = getStore().settings.monitor instanceof MockMonitor;",
          "exports.secret = pulumi.secret('s');",
        ].join("\n"),
      },
      base,
    );
    cpSync(
      path.join(ROOT, "node_modules", "@pulumi", "pulumi"),
      path.join(dir, "node_modules", "@pulumi", "pulumi"),
      {
        recursive: true,
      },
    );
    expect(loadSdk(dir).root).toBe(path.join(dir, "node_modules", "@pulumi", "pulumi"));
    expect(loadSdk(dir).MockMonitor).not.toBe(loadSdk().MockMonitor);
    const { resources, outputs } = await synthesizeProgram(dir);
    expect(resources.map((r) => [r.urn, r.inputs])).toEqual([
      ["urn:pulumi:dev::copy::acme:index:Widget::w", { size: 3 }],
    ]);
    expect(outputs).toEqual({
      ownMonitor: { value: true, secret: false },
      secret: { value: "s", secret: true },
    });
  });

  it("fails with the program's own message on one line", async () => {
    const base = path.join(ROOT, "node_modules", ".cache");
    const dir = temp(
      {
        "Pulumi.yaml": "name: broken\nruntime: nodejs\n",
        "Pulumi.dev.yaml": "config: {}\n",
        "index.js": 'const pulumi = require("@pulumi/pulumi");\nnew pulumi.Config().require("bucketName");\n',
      },
      base,
    );
    const failure = await synthesizeProgram(dir).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProgramError);
    expect(describeFailure(failure)).toMatch(
      /^the program .*index\.js failed: Missing required configuration variable 'broken:bucketName' .*pulumi config set broken:bucketName <value>/,
    );
    expect(describeFailure(failure)).not.toContain("\n");
    const thrown = temp(
      { "Pulumi.yaml": "name: t\nruntime: nodejs\n", "index.js": 'throw new Error("no region for acme");' },
      base,
    );
    expect(describeFailure(await synthesizeProgram(thrown).catch((e: unknown) => e))).toMatch(
      /^the program .*index\.js failed: no region for acme$/,
    );
  });

  it("asks for npm install when the program does not resolve @pulumi/pulumi", async () => {
    const dir = temp({ "Pulumi.yaml": "name: t\nruntime: nodejs\n", "index.js": "" });
    const failure = await synthesizeProgram(dir).catch((e: unknown) => e);
    expect(describeFailure(failure)).toBe(
      `${dir} does not resolve @pulumi/pulumi: run npm install in the program's directory (or one above it) so that node_modules/@pulumi/pulumi exists`,
    );
  });

  it("resolves paths from the caller's directory, INIT_CWD under npm", () => {
    expect(callerDir({ INIT_CWD: "/home/team/infra" })).toBe("/home/team/infra");
    expect(callerDir({})).toBe(process.cwd());
  });
});
