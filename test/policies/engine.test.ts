/**
 * Parity with the engine: the same resources go through the real @pulumi/policy analyzer server
 * (the pack started by @pulumi/pulumi's run-policy-pack, as `pulumi preview --policy-pack` starts
 * it, type-checked by ts-node, spoken to over gRPC as the CLI does) and through the offline
 * evaluator, and the verdicts must agree.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, loadEnvironmentConfig, ResourceDescriptor } from "../../policies/lib/evaluate";
import { allPolicies } from "../../policies/policies";
import { synthesizeStack } from "../../scripts/synth/stacks";
import { unknown } from "./helpers";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any -- untyped protobuf and gRPC modules */
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [pulumiDir] }));
const analyzerRpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb");
const { Struct } = require(
  require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [pulumiDir] }),
);
const { Empty } = require(
  require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [pulumiDir] }),
);

const POLICIES_DIR = path.resolve(__dirname, "..", "..", "policies");
/** The runner `pulumi preview --policy-pack` starts: it type-checks and loads the pack with ts-node. */
const RUN_POLICY_PACK = path.join(pulumiDir, "cmd", "run-policy-pack", "index.js");

interface Diagnostic {
  rule: string;
  urn: string;
  level: string;
  message: string;
}

let child: ChildProcess;
let client: any;

beforeAll(async () => {
  // The engine address is unused by policy packs; the program is the pack's directory.
  child = spawn(process.execPath, [RUN_POLICY_PACK, "127.0.0.1:1", "."], {
    cwd: POLICIES_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^(\d+)\s*$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
    child.on("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${err}`)));
  });
  client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
}, 120000);

afterAll(() => {
  client?.close();
  child?.kill();
});

const call = <T>(method: string, request: unknown): Promise<T> =>
  new Promise((resolve, reject) =>
    client[method](request, (e: Error | null, r: T) => (e ? reject(e) : resolve(r))),
  );

const LEVELS: Record<string, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
const LEVEL_NAMES = ["advisory", "mandatory", "disabled", "remediate"];

/** What `--policy-pack-config` makes the CLI send: every policy with its level and its properties. */
async function configure(config: PolicyPackConfig): Promise<void> {
  const request = new analyzerPb.ConfigureAnalyzerRequest();
  for (const p of allPolicies()) {
    const c = config[p.name];
    const { enforcementLevel, ...props } = typeof c === "string" ? { enforcementLevel: c } : (c ?? {});
    const pc = new analyzerPb.PolicyConfig();
    pc.setEnforcementlevel(LEVELS[enforcementLevel ?? p.enforcementLevel]);
    pc.setProperties(Struct.fromJavaScript(props));
    request.getPolicyconfigMap().set(p.name, pc);
  }
  await call("configure", request);
}

function urnOf(r: ResourceDescriptor): string {
  return r.urn ?? `urn:pulumi:offline::offline::${r.type}::${r.name}`;
}

/** Props as the engine serializes them: plain JSON, secrets revealed (the harness's Secret unwrapped). */
function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_k, v) =>
      v && typeof v === "object" && "value" in v && v.toJSON?.() === "[secret]" ? v.value : v,
    ),
  );
}

function toDiagnostics(response: any, description: Map<string, string>): Diagnostic[] {
  return response.getDiagnosticsList().map((d: any) => ({
    rule: d.getPolicyname(),
    urn: d.getUrn(),
    level: LEVEL_NAMES[d.getEnforcementlevel()],
    // The analyzer prefixes the rule's description; the offline verdict keeps the message alone.
    message: d.getMessage().startsWith(`${description.get(d.getPolicyname())}\n`)
      ? d.getMessage().slice(description.get(d.getPolicyname())!.length + 1)
      : d.getMessage(),
  }));
}

async function engineVerdicts(resources: ResourceDescriptor[]): Promise<Diagnostic[]> {
  const description = new Map(allPolicies().map((p) => [p.name, p.description]));
  const diagnostics: Diagnostic[] = [];
  const analyzerResources = [];
  for (const r of resources) {
    const props = Struct.fromJavaScript(plain(r.props ?? r.inputs ?? {}));
    const options = new analyzerPb.AnalyzerResourceOptions();
    options.setProtect(r.protect === true);
    const request = new analyzerPb.AnalyzeRequest();
    request.setType(r.type);
    request.setName(r.name);
    request.setUrn(urnOf(r));
    request.setProperties(props);
    request.setOptions(options);
    diagnostics.push(
      ...toDiagnostics(await call("analyze", request), description).map((d) => ({ ...d, urn: urnOf(r) })),
    );

    const resource = new analyzerPb.AnalyzerResource();
    resource.setType(r.type);
    resource.setName(r.name);
    resource.setUrn(urnOf(r));
    resource.setProperties(props);
    resource.setOptions(options);
    if (r.parent) resource.setParent(r.parent);
    resource.setDependenciesList(r.dependsOn ?? []);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      const deps = new analyzerPb.AnalyzerPropertyDependencies();
      deps.setUrnsList(urns);
      resource.getPropertydependenciesMap().set(key, deps);
    }
    analyzerResources.push(resource);
  }
  const stackRequest = new analyzerPb.AnalyzeStackRequest();
  stackRequest.setResourcesList(analyzerResources);
  diagnostics.push(...toDiagnostics(await call("analyzeStack", stackRequest), description));
  return diagnostics;
}
/* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */

const sort = (ds: Diagnostic[]) => [...ds].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** Insecure resources across every cloud, with provider defaults left unset and a few unknowns. */
const INSECURE: ResourceDescriptor[] = [
  { type: "aws:s3/bucket:Bucket", name: "raw", props: { acl: "public-read" } },
  {
    type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    name: "raw-pab",
    props: { bucket: "raw", blockPublicAcls: true },
  },
  {
    type: "aws:msk/cluster:Cluster",
    name: "kafka",
    props: { encryptionInfo: { encryptionInTransit: { clientBroker: "TLS_PLAINTEXT" } } },
  },
  { type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "redis", props: { engine: "redis" } },
  { type: "aws:rds/instance:Instance", name: "db", props: { publiclyAccessible: true } },
  { type: "aws:kms/key:Key", name: "key", props: { enableKeyRotation: unknown.boolean } },
  { type: "aws:cloudwatch/logGroup:LogGroup", name: "logs", props: { retentionInDays: 7 } },
  { type: "gcp:storage/bucket:Bucket", name: "gcs", props: { location: "US" } },
  {
    type: "gcp:sql/databaseInstance:DatabaseInstance",
    name: "sql",
    props: { databaseVersion: "POSTGRES_16", settings: {} },
  },
  {
    type: "azure-native:storage/v20220901:StorageAccount",
    name: "sa",
    props: { sku: { name: "Standard_LRS" } },
  },
  {
    type: "azure-native:eventhub:Namespace",
    name: "eh",
    props: { sku: { name: "Basic" }, minimumTlsVersion: "1.0" },
  },
  {
    type: "kubernetes:apps/v1:Deployment",
    name: "worker",
    props: { spec: { template: { spec: { containers: [{ name: "w", image: "redis" }] } } } },
  },
];

describe("the pack as the engine loads it", () => {
  it("announces every rule with its level, remediation and config schema", async () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an untyped protobuf message
    const info: any = await call("getAnalyzerInfo", new Empty());
    expect(info.getName()).toBe("seawall");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- untyped protobuf messages
    const announced = info.getPoliciesList().map((p: any) => ({
      name: p.getName(),
      level: LEVEL_NAMES[p.getEnforcementlevel()],
      remediation: p.getRemediationSteps(),
      config: p.getConfigschema()?.getProperties()?.toJavaScript() ?? {},
    }));
    expect(announced).toEqual(
      allPolicies().map((p) => ({
        name: p.name,
        level: p.enforcementLevel,
        remediation: p.remediationSteps,
        config: JSON.parse(JSON.stringify(p.configSchema?.properties ?? {})),
      })),
    );
  });
});

describe("the offline evaluator agrees with the engine's analyzer", () => {
  it.each(["dev", "prod"] as const)(
    "on insecure resources of every cloud with the %s config",
    async (env) => {
      const config = loadEnvironmentConfig(env);
      await configure(config);
      const engine = await engineVerdicts(INSECURE);
      const offline = await evaluatePolicies(allPolicies(), INSECURE, config);

      // The engine reports a check it cannot run on an unknown value as an advisory note; offline skips it.
      const cannotRun = engine.filter((d) => d.message.startsWith("can't run policy"));
      expect(cannotRun.map((d) => d.rule)).toEqual(offline.skipped.map((s) => s.rule));
      expect(cannotRun.map((d) => d.level)).toEqual(cannotRun.map(() => "advisory"));

      const violations = engine.filter((d) => !d.message.startsWith("can't run policy"));
      expect(violations.length).toBeGreaterThan(40);
      expect(sort(violations)).toEqual(
        sort(
          offline.violations.map((v) => ({ rule: v.rule, urn: v.urn, level: v.level, message: v.message })),
        ),
      );
    },
  );

  it("on the synthesized prod-aws stack, split S3 resources tied by propertyDependencies", async () => {
    const { resources } = await synthesizeStack("prod-aws");
    const config = loadEnvironmentConfig("prod");
    await configure(config);
    const withoutEncryption = resources.filter((r) => !r.type.includes("ServerSideEncryption"));
    const engine = await engineVerdicts(withoutEncryption);
    const offline = await evaluatePolicies(allPolicies(), withoutEncryption, config);
    expect(engine.map((d) => d.rule)).toContain("s3BucketEncryptedWithCmk");
    expect(sort(engine)).toEqual(
      sort(offline.violations.map((v) => ({ rule: v.rule, urn: v.urn, level: v.level, message: v.message }))),
    );
  });
});
