/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are checked as untyped JSON */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StageWorkers, type StageWorkersArgs } from "../../components/kubernetes/stageWorkers";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { plan, type Plan } from "../helpers";
import { schemaErrors } from "./schemas";

const DIGEST = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/seawall-runtime@sha256:${"b".repeat(64)}`;
const T = {
  namespace: "kubernetes:core/v1:Namespace",
  account: "kubernetes:core/v1:ServiceAccount",
  secret: "kubernetes:core/v1:Secret",
  deployment: "kubernetes:apps/v1:Deployment",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  netpol: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  service: "kubernetes:core/v1:Service",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  monitor: "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
  scaled: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  auth: "kubernetes:keda.sh/v1alpha1:TriggerAuthentication",
};

const base = (provider: kubernetes.Provider): StageWorkersArgs => ({
  provider,
  image: DIGEST,
  kafka: pulumi.output({
    bootstrapServers: "b-1.msk.example:9098,b-2.msk.example:9098",
    securityProtocol: "SASL_SSL" as const,
    saslMechanism: "AWS_MSK_IAM" as const,
  }),
  redis: pulumi.output({
    host: "redis.example",
    port: 6379,
    tls: true,
    authSecret: pulumi.secret("redis-token"),
  }),
  lake: { scheme: "s3", bucket: "lake", prefix: "events", region: "eu-west-1" },
  workloadIdentity: { kind: "aws-pod-identity", namespace: "seawall" },
  autoscaling: {
    partitions: { "events.raw": 12, "events.valid": 12, "events.unique": 6, features: 6 },
    lag: { scaler: "kafka-msk-iam", awsRegion: "eu-west-1" },
  },
});

async function workers(
  over: (p: kubernetes.Provider) => Partial<StageWorkersArgs> = () => ({}),
): Promise<Plan> {
  return plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    const w = new StageWorkers("pipeline", { ...base(provider), ...over(provider) });
    return { accounts: w.serviceAccounts };
  });
}

/** A recorded resource's inputs as the object the API server receives. */
function asObject(type: string, inputs: Record<string, unknown>): Record<string, unknown> {
  const [, group, kind] = /^kubernetes:(.+):(\w+)$/.exec(type)!;
  const apiVersion = group.startsWith("core/") ? group.slice(5) : group;
  const { apiVersion: _a, kind: _k, ...rest } = inputs;
  const unwrap = (v: unknown): unknown =>
    v instanceof Secret
      ? unwrap(v.value)
      : Array.isArray(v)
        ? v.map(unwrap)
        : v && typeof v === "object"
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]))
          : v;
  return { apiVersion, kind, ...(unwrap(rest) as object) };
}

describe("StageWorkers on EKS with MSK IAM", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await workers();
  });

  it("creates the namespace, one of each object per stage, a ScaledObject per consumer and an HPA for the feature server", () => {
    const counts = p.counts();
    expect({
      namespace: counts[T.namespace],
      account: counts[T.account],
      secret: counts[T.secret],
      deployment: counts[T.deployment],
      pdb: counts[T.pdb],
      netpol: counts[T.netpol],
      service: counts[T.service],
      monitor: counts[T.monitor],
      scaled: counts[T.scaled],
      auth: counts[T.auth],
      hpa: counts[T.hpa],
    }).toEqual({
      namespace: 1,
      account: 5,
      secret: 1,
      deployment: 5,
      pdb: 5,
      netpol: 5,
      service: 5,
      monitor: 5,
      scaled: 4,
      auth: 4,
      hpa: 1,
    });
    expect(p.names(T.deployment)).toEqual([
      "pipeline-dedup",
      "pipeline-feature-server",
      "pipeline-feature-writer",
      "pipeline-ingest",
      "pipeline-lake-sink",
    ]);
  });

  it("validates every object it creates against the Kubernetes 1.31 and CRD schemas", () => {
    const errors = p.resources
      .filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes")
      .flatMap((r) => schemaErrors(asObject(r.type, r.inputs)));
    expect(errors).toEqual([]);
  });

  it("deploys through the given provider", () => {
    const provider = p.ofType("pulumi:providers:kubernetes")[0].urn;
    expect(p.ofType(T.deployment).every((r) => r.provider === provider)).toBe(true);
  });

  it("sets the environment from workerEnvFromContracts, the MSK region, and the Redis token by secretKeyRef", () => {
    const env = (p.one(T.deployment, "pipeline-dedup").inputs as any).spec.template.spec.containers[0].env;
    expect(env).toEqual([
      { name: "KAFKA_BOOTSTRAP_SERVERS", value: "b-1.msk.example:9098,b-2.msk.example:9098" },
      { name: "KAFKA_CLIENT_REGION", value: "eu-west-1" },
      { name: "KAFKA_SASL_MECHANISM", value: "AWS_MSK_IAM" },
      { name: "KAFKA_SECURITY_PROTOCOL", value: "SASL_SSL" },
      { name: "LAKE_BUCKET", value: "lake" },
      { name: "LAKE_PREFIX", value: "events" },
      { name: "LAKE_REGION", value: "eu-west-1" },
      { name: "LAKE_SCHEME", value: "s3" },
      { name: "REDIS_HOST", value: "redis.example" },
      { name: "REDIS_PORT", value: "6379" },
      { name: "REDIS_TLS", value: "true" },
      {
        name: "REDIS_AUTH",
        valueFrom: { secretKeyRef: { name: "pipeline-credentials", key: "REDIS_AUTH" } },
      },
    ]);
    expect(JSON.stringify(p.one(T.deployment, "pipeline-dedup").inputs)).not.toContain("redis-token");
  });

  it("keeps the Redis token in a secret Secret", () => {
    const s = p.one(T.secret, "pipeline-credentials").inputs;
    expect(s.stringData).toBeInstanceOf(Secret);
    expect((s.stringData as Secret).value).toEqual({ REDIS_AUTH: "redis-token" });
  });

  it("bounds each consumer's replicas by its input topic's partitions and authenticates KEDA by pod identity", () => {
    expect(p.one(T.scaled, "pipeline-lake-sink").inputs.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "lake-sink" },
      minReplicaCount: 2,
      maxReplicaCount: 6,
      triggers: [
        {
          type: "kafka",
          metadata: expect.objectContaining({ topic: "events.unique", consumerGroup: "seawall-lake-sink" }),
        },
      ],
    });
    expect(p.one(T.auth, "pipeline-ingest-kafka").inputs.spec).toEqual({
      podIdentity: { provider: "aws", identityOwner: "keda" },
    });
    expect(p.one(T.hpa, "pipeline-feature-server").inputs.spec).toMatchObject({
      minReplicas: 2,
      maxReplicas: 10,
    });
  });

  it("exports one service account per workload for the cluster's Pod Identity associations", () => {
    expect(p.output("accounts")).toEqual(
      ["ingest", "dedup", "lake-sink", "feature-writer", "feature-server"].map((w) => ({
        namespace: "seawall",
        name: `seawall-${w}`,
      })),
    );
    expect(p.one(T.account, "pipeline-seawall-ingest").inputs).toEqual({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: {
        name: "seawall-ingest",
        namespace: "seawall",
        labels: {
          "app.kubernetes.io/name": "seawall-worker",
          "app.kubernetes.io/instance": "pipeline",
          "app.kubernetes.io/component": "ingest",
          "app.kubernetes.io/part-of": "seawall",
          "app.kubernetes.io/managed-by": "pulumi",
        },
      },
      automountServiceAccountToken: false,
    });
  });

  it("passes every mandatory Kubernetes rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("StageWorkers on GKE with a chain and the Prometheus scaler", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await workers(() => ({
      kafka: {
        bootstrapServers: "bootstrap.k.europe-west1.managedkafka.p.cloud.goog:9092",
        securityProtocol: "SASL_SSL",
        saslMechanism: "OAUTHBEARER",
        oauthProvider: "gcp",
      },
      redis: { host: "10.0.0.3", port: 6378, tls: true, authMode: "gcp-iam" },
      lake: { scheme: "gs", bucket: "lake", prefix: "", region: "europe-west1" },
      workloads: [
        { stages: ["ingest", "dedup", "lake-sink", "feature-writer"] },
        { stages: ["feature-server"], minReplicas: 3 },
      ],
      workloadIdentity: {
        kind: "gcp-workload-identity",
        serviceAccountName: "seawall-workers",
        serviceAccountAnnotations: pulumi.output({
          "iam.gke.io/gcp-service-account": "workers@p.iam.gserviceaccount.com",
        }),
      },
      autoscaling: { partitions: { "events.raw": 24 }, lag: { scaler: "prometheus" }, lagThreshold: 5000 },
    }));
  });

  it("runs one chained Deployment and the feature server as the one bound service account", () => {
    expect(p.names(T.deployment)).toEqual([
      "pipeline-feature-server",
      "pipeline-ingest-dedup-lake-sink-feature-writer",
    ]);
    const chain = (p.one(T.deployment, "pipeline-ingest-dedup-lake-sink-feature-writer").inputs as any).spec
      .template.spec;
    expect(chain.containers[0].args).toEqual(["ingest+dedup+lake-sink+feature-writer"]);
    expect(chain.serviceAccountName).toBe("seawall-workers");
    expect(p.one(T.account, "pipeline-seawall-workers").inputs.metadata).toMatchObject({
      name: "seawall-workers",
      annotations: { "iam.gke.io/gcp-service-account": "workers@p.iam.gserviceaccount.com" },
    });
    expect(p.ofType(T.secret)[0].inputs.stringData).toEqual(new Secret({}));
  });

  it("scales the chain on its exported lag through Prometheus, with no TriggerAuthentication", () => {
    expect(p.ofType(T.auth)).toEqual([]);
    expect(p.one(T.scaled, "pipeline-ingest-dedup-lake-sink-feature-writer").inputs.spec).toMatchObject({
      maxReplicaCount: 24,
      triggers: [
        {
          type: "prometheus",
          metadata: expect.objectContaining({
            serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
            query:
              'sum(seawall_consumer_lag{namespace="seawall",service="ingest-dedup-lake-sink-feature-writer"})',
            threshold: "5000",
          }),
        },
      ],
    });
  });

  it("validates every object against the schemas", () => {
    const errors = p.resources
      .filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes")
      .flatMap((r) => schemaErrors(asObject(r.type, r.inputs)));
    expect(errors).toEqual([]);
  });
});

describe("StageWorkers with SCRAM", () => {
  it("splits the SASL credentials into the Secret and reads them through secretTargetRef", async () => {
    const p = await workers(() => ({
      kafka: { bootstrapServers: "b-1:9096", securityProtocol: "SASL_SSL", saslMechanism: "SCRAM-SHA-512" },
      secrets: { kafkaCredentials: pulumi.secret("seawall:s3cret:with-colon") },
      autoscaling: {
        partitions: { "events.raw": 3, "events.valid": 3, "events.unique": 3, features: 3 },
        lag: { scaler: "kafka-scram" },
      },
    }));
    expect((p.one(T.secret, "pipeline-credentials").inputs.stringData as Secret).value).toEqual({
      REDIS_AUTH: "redis-token",
      KAFKA_CREDENTIALS: "seawall:s3cret:with-colon",
      "kafka-username": "seawall",
      "kafka-password": "s3cret:with-colon",
    });
    expect(p.one(T.auth, "pipeline-dedup-kafka").inputs.spec).toEqual({
      secretTargetRef: [
        { parameter: "username", name: "pipeline-credentials", key: "kafka-username" },
        { parameter: "password", name: "pipeline-credentials", key: "kafka-password" },
      ],
    });
    expect((p.one(T.scaled, "pipeline-dedup").inputs.spec as any).triggers[0].metadata.sasl).toBe(
      "scram_sha512",
    );
  });

  it("refuses bad arguments before registering anything", async () => {
    await expect(workers(() => ({ image: "seawall-runtime:latest" }))).rejects.toThrow(
      /SEAWALL_K8S_WORKERS_IMAGE/,
    );
  });
});
