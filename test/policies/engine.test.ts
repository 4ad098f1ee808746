/**
 * Parity with the engine: the same resources go through the real @pulumi/policy analyzer server
 * (the pack started by @pulumi/pulumi's run-policy-pack, as `pulumi preview --policy-pack` starts
 * it, type-checked by ts-node, spoken to over gRPC as the CLI does) and through the offline
 * evaluator, and the verdicts must agree.
 */
import { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, loadEnvironmentConfig, ResourceDescriptor } from "../../policies/lib/evaluate";
import { allPolicies } from "../../policies/policies";
import { synthesizeStack } from "../../scripts/synth/stacks";
import { AnalyzerHost, Diagnostic, LEVEL_NAMES, startAnalyzerHost } from "./analyzerHost";
import { unknown } from "./helpers";

let host: AnalyzerHost;

beforeAll(async () => {
  host = await startAnalyzerHost();
}, 120000);

afterAll(() => host?.close());

const configure = (config: PolicyPackConfig) => host.configure(config);
const engineVerdicts = (resources: ResourceDescriptor[]) => host.verdicts(resources);

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
    const info: any = await host.info();
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
