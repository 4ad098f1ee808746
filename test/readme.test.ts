import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { synthesize } from "../scripts/synth/harness";

/**
 * The README's TypeScript examples are one program a user could paste: this test assembles them,
 * type-checks them against the components, then runs them under the mocks. A renamed arg, a wrong
 * output name or args a component rejects make it fail.
 */

jest.setTimeout(120000);

const root = path.resolve(__dirname, "..");
const virtualFile = path.join(root, "test", "__readme_examples__.ts");

function assemble(): { source: string; exported: string[] } {
  const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const imports = new Set<string>();
  const body: string[] = [];
  const exported: string[] = [];
  for (const line of blocks.join("\n").split("\n")) {
    if (line.startsWith("import ")) {
      imports.add(line.replace(/from "seawall\//, 'from "../'));
      continue;
    }
    const name = /^export const (\w+)/.exec(line)?.[1];
    if (name) exported.push(name);
    body.push(line.replace(/^export const /, "const "));
  }
  const source = [
    ...imports,
    "export function program() {",
    ...body.map((l) => (l ? `  ${l}` : l)),
    `  return { ${exported.join(", ")} };`,
    "}",
    "",
  ].join("\n");
  return { source, exported };
}

const { source, exported } = assemble();

describe("the README's examples", () => {
  it("cover each component the README describes", () => {
    const imported = [...source.matchAll(/import \{ (\w+) \} from "\.\.\/components\/aws\/\w+"/g)].map(
      (m) => m[1],
    );
    expect(imported.sort()).toEqual(
      ["Backups", "EventStream", "FeatureStore", "Monitoring", "Network", "ObjectStore"].sort(),
    );
    const gcp = [...source.matchAll(/import \{ (\w+)(?: as \w+)? \} from "\.\.\/components\/gcp\/\w+"/g)].map(
      (m) => m[1],
    );
    expect(gcp.sort()).toEqual(
      ["GcpBackups", "EventStream", "FeatureStore", "GcpMonitoring", "Network", "ObjectStore"].sort(),
    );
    const azure = [
      ...source.matchAll(/import \{ (\w+)(?: as \w+)? \} from "\.\.\/components\/azure\/\w+"/g),
    ].map((m) => m[1]);
    expect(azure.sort()).toEqual(
      ["AzureBackups", "EventStream", "FeatureStore", "AzureMonitoring", "Network", "ObjectStore"].sort(),
    );
  });

  it("type-check against the components", () => {
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      types: ["node"],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language, onError) =>
      path.resolve(file) === virtualFile
        ? ts.createSourceFile(file, source, language)
        : getSourceFile(file, language, onError);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => path.resolve(file) === virtualFile || fileExists(file);
    const program = ts.createProgram([virtualFile], options, host);
    const file = program.getSourceFile(virtualFile)!;
    const problems = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(
      (d) => {
        const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
        return `line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      },
    );
    expect(problems).toEqual([]);
  });

  it("run under the mocks, creating what they say, without warnings", async () => {
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const mod: { exports: { program?: () => Record<string, unknown> } } = { exports: {} };
    // Jest's own require, so the components load through ts-jest like every other test's imports.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const load = (id: string) => require(id.startsWith(".") ? path.resolve(root, "test", id) : id);
    new Function("require", "module", "exports", js)(load, mod, mod.exports);

    const result = await synthesize(() => mod.exports.program!(), {
      config: {
        "aws:region": "us-east-1",
        "gcp:project": "my-project",
        "gcp:region": "us-central1",
        "azure-native:location": "westeurope",
      },
      echoWarnings: false,
    });
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.outputs).sort()).toEqual([...exported].sort());
    const components = result.resources
      .filter((r) => r.type.startsWith("seawall:"))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(components).toEqual([
      "seawall:aws:Backups backups",
      "seawall:aws:EventStream events",
      "seawall:aws:FeatureStore features",
      "seawall:aws:Monitoring monitoring",
      "seawall:aws:Network net",
      "seawall:aws:ObjectStore lake",
      "seawall:azure:Backups azure-backups",
      "seawall:azure:EventStream azure-events",
      "seawall:azure:FeatureStore azure-features",
      "seawall:azure:Monitoring azure-monitoring",
      "seawall:azure:Network azure-net",
      "seawall:azure:ObjectStore azure-lake",
      "seawall:gcp:Backups gcp-backups",
      "seawall:gcp:EventStream gcp-events",
      "seawall:gcp:FeatureStore gcp-features",
      "seawall:gcp:Monitoring gcp-monitoring",
      "seawall:gcp:Network gcp-net",
      "seawall:gcp:ObjectStore gcs-lake",
      "seawall:kubernetes:Keda pipeline-keda",
      "seawall:kubernetes:Pipeline pipeline",
      "seawall:kubernetes:StageWorkers pipeline-workers",
    ]);
    // What the comments promise.
    expect(result.outputs.location.value).toMatchObject({
      scheme: "s3",
      prefix: "events",
      region: "us-east-1",
      replica: { region: "us-west-2" },
    });
    expect(result.outputs.kafka.value).toMatchObject({
      securityProtocol: "SASL_SSL",
      saslMechanism: "AWS_MSK_IAM",
    });
    expect(result.outputs.redis.secret).toBe(true);
    const gcsLocation = result.outputs.gcsLocation.value as { bucket: string };
    expect(gcsLocation).toMatchObject({
      scheme: "gs",
      prefix: "events",
      region: "us-central1",
      replica: { bucket: gcsLocation.bucket, region: "us-east1" },
    });
    expect(result.outputs.gcpKafka.value).toMatchObject({
      securityProtocol: "SASL_SSL",
      saslMechanism: "OAUTHBEARER",
      oauthProvider: "gcp",
    });
    expect(result.outputs.gcpRedis.value).toMatchObject({ tls: true, authMode: "gcp-iam" });
    expect(result.outputs.gcpRedis.value).not.toHaveProperty("authSecret");
    const instance = result.resources.find((r) => r.type === "gcp:memorystore/instance:Instance")!;
    const policy = result.resources.find(
      (r) => r.type === "gcp:networkconnectivity/serviceConnectionPolicy:ServiceConnectionPolicy",
    )!;
    expect(instance.propertyDependencies.desiredAutoCreatedEndpoints).toContain(policy.urn);
    expect(
      result.resources.filter((r) => r.type.startsWith("gcp:backupdisasterrecovery/")).map((r) => r.type),
    ).toEqual([
      "gcp:backupdisasterrecovery/backupVault:BackupVault",
      "gcp:backupdisasterrecovery/backupPlan:BackupPlan",
    ]);
    expect(
      result.resources.filter((r) => r.type === "gcp:monitoring/notificationChannel:NotificationChannel"),
    ).toEqual([
      expect.objectContaining({
        inputs: expect.objectContaining({ labels: { email_address: "oncall@example.com" } }),
      }),
    ]);
    const abfss = result.outputs.abfssLocation.value as { bucket: string; replica: { bucket: string } };
    expect(abfss).toMatchObject({
      scheme: "abfss",
      bucket: expect.stringMatching(/^lake@azurelake[0-9a-f]{8}\.dfs\.core\.windows\.net$/),
      prefix: "events",
      region: "westeurope",
      replica: { region: "northeurope" },
    });
    expect(result.outputs.azureKafka.value).toEqual({
      bootstrapServers: expect.stringMatching(/^azure-events[0-9a-f]{8}\.servicebus\.windows\.net:9093$/),
      securityProtocol: "SASL_SSL",
      saslMechanism: "OAUTHBEARER",
      oauthProvider: "azure",
    });
    expect(result.outputs.azureRedis.value).toEqual({
      host: expect.stringMatching(/^azure-features[0-9a-f]{8}\.westeurope\.redis\.azure\.net$/),
      port: 10000,
      tls: true,
      authMode: "azure-entra",
    });
    // The workloads' identity is what Event Hubs and Redis grant.
    const identity = result.resources.find(
      (r) => r.type === "azure-native:managedidentity:UserAssignedIdentity" && r.name === "azure-workers",
    )!;
    const grants = result.resources.filter(
      (r) =>
        r.type === "azure-native:authorization:RoleAssignment" &&
        r.propertyDependencies.principalId?.includes(identity.urn),
    );
    expect(grants).toHaveLength(2);
    const subscriptions = result.resources.filter(
      (r) => r.type === "aws:sns/topicSubscription:TopicSubscription",
    );
    expect(subscriptions.map((s) => s.inputs)).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "oncall@example.com" }),
    ]);
  });
});
