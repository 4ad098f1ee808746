import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterOutputs } from "../../components/kubernetes/clusterContract";
import { Pipeline, validatePipelineArgs } from "../../components/kubernetes/pipeline";
import { DataPlatform, DataPlatformArgs, validateDataPlatformArgs } from "../../components/platform";
import { Plan, plan, policyOf, problemsThrownBy } from "../helpers";

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered Kubernetes objects are read field by field */

const T = {
  deployment: "kubernetes:apps/v1:Deployment",
  scaled: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  release: "kubernetes:helm.sh/v3:Release",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  association: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};
const CHAIN = "ingest-dedup-lake-sink-feature-writer";
const IMAGE = `registry.example/seawall-runtime@sha256:${"a".repeat(64)}`;
const TOPICS = [
  { name: "events.raw", partitions: 12 },
  { name: "events.valid", partitions: 6 },
  { name: "events.unique", partitions: 6 },
  { name: "features", partitions: 6 },
];

const envOf = (p: Plan, name: string): Record<string, unknown> =>
  Object.fromEntries(
    ((p.one(T.deployment, name).inputs as any).spec.template.spec.containers[0].env as any[]).map((e) => [
      e.name,
      e.value ?? e.valueFrom,
    ]),
  );

describe("the AWS platform's Kubernetes layer", () => {
  const args: DataPlatformArgs = {
    cloud: "aws",
    environment: "dev",
    owner: "data",
    region: "us-east-1",
    eventStream: { clientAuthentication: "iam", topics: TOPICS },
    kubernetes: { args: { image: IMAGE, admins: ["arn:aws:iam::123456789012:role/deployer"] } },
  };
  let p: Plan;
  beforeAll(async () => {
    p = await plan(() => new DataPlatform("sw", args));
  });

  it("runs the chained topology and the feature server, wired to the platform's MSK, ElastiCache and lake", () => {
    expect(p.names(T.deployment)).toEqual([
      "sw-pipeline-workers-feature-server",
      `sw-pipeline-workers-${CHAIN}`,
    ]);
    const env = envOf(p, `sw-pipeline-workers-${CHAIN}`);
    expect(env.KAFKA_BOOTSTRAP_SERVERS).toMatch(
      /^b-1\.sw-events-[0-9a-f]{7}\..*\.kafka\.us-east-1\.amazonaws\.com:9098,b-2\..*:9098$/,
    );
    expect(env).toMatchObject({ KAFKA_SECURITY_PROTOCOL: "SASL_SSL", KAFKA_SASL_MECHANISM: "AWS_MSK_IAM" });
    // ElastiCache's primary endpoint, as the feature store's connection carries it.
    expect(
      p.one("aws:elasticache/replicationGroup:ReplicationGroup", "sw-features").inputs
        .transitEncryptionEnabled,
    ).toBe(true);
    expect(env).toMatchObject({ REDIS_TLS: "true", REDIS_PORT: "6379" });
    expect(env.REDIS_HOST).toMatch(
      /^master\.sw-features-[0-9a-f]{7}\.[0-9a-f]{6}\.use1\.cache\.amazonaws\.com$/,
    );
    expect(env.REDIS_AUTH).toEqual({
      secretKeyRef: { name: "sw-pipeline-workers-credentials", key: "REDIS_AUTH" },
    });
    expect(env.LAKE_SCHEME).toBe("s3");
    expect(
      (p.one(T.deployment, `sw-pipeline-workers-${CHAIN}`).inputs as any).spec.template.spec.containers[0]
        .image,
    ).toBe(IMAGE);
  });

  it("scales the chain on its group's lag over MSK IAM up to the raw topic's partitions, KEDA reading only that cluster", () => {
    const so = p.one(T.scaled, `sw-pipeline-workers-${CHAIN}`).inputs as any;
    expect(so.spec.maxReplicaCount).toBe(12);
    expect(so.spec.triggers[0].metadata).toMatchObject({
      topic: "events.raw",
      consumerGroup: "seawall-ingest+dedup+lake-sink+feature-writer",
      sasl: "oauthbearer",
      saslTokenProvider: "aws_msk_iam",
      awsRegion: "us-east-1",
    });
    // The MSK cluster's physical name, as its bootstrap servers carry it (b-1.<name>.<id>.c2.kafka...).
    const msk = String(envOf(p, `sw-pipeline-workers-${CHAIN}`).KAFKA_BOOTSTRAP_SERVERS).split(".")[1];
    expect(msk).toMatch(/^sw-events-[0-9a-f]{7}$/);
    const keda = policyOf(p.one(T.rolePolicy, "sw-cluster-keda"));
    expect(JSON.stringify(keda.Statement)).toContain(`:cluster/${msk}/`);
    expect(p.one(T.association, "sw-cluster-keda").inputs).toMatchObject({
      namespace: "keda",
      serviceAccount: "keda-operator",
    });
  });

  it("installs KEDA and kube-prometheus-stack, Alertmanager publishing to the platform's topic with its own Pod Identity", () => {
    expect(p.names(T.release)).toEqual(["sw-pipeline-airflow", "sw-pipeline-keda", "sw-pipeline-monitoring"]);
    const values = p.one(T.release, "sw-pipeline-monitoring").inputs.values as any;
    expect(values.alertmanager.config.receivers[1].sns_configs[0]).toMatchObject({
      topic_arn: expect.stringMatching(
        /^arn:aws:sns:us-east-1:123456789012:sw-monitoring-alerts-[0-9a-f]{7}$/,
      ),
      sigv4: { region: "us-east-1" },
    });
    expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe(
      "seawall-gp3-encrypted",
    );
    expect(p.one(T.association, "sw-alertmanager").inputs).toMatchObject({
      namespace: "monitoring",
      serviceAccount: "kube-prometheus-stack-alertmanager",
    });
    expect(policyOf(p.one(T.rolePolicy, "sw-alertmanager")).Statement[0]).toMatchObject({
      Action: "sns:Publish",
      Resource: expect.stringMatching(/^arn:aws:sns:us-east-1:123456789012:sw-monitoring-alerts/),
    });
  });

  it("makes the workers' objects depend on both charts, so the CRDs exist first", () => {
    const releases = p
      .ofType(T.release)
      .filter((r) => r.name !== "sw-pipeline-airflow")
      .map((r) => r.urn);
    expect(releases).toHaveLength(2);
    const so = p.one(T.scaled, `sw-pipeline-workers-${CHAIN}`);
    expect(so.dependsOn).toEqual(expect.arrayContaining(releases));
  });

  it("runs Airflow on the cluster it built: RDS admitting only the cluster's group, logs under the lake's logs/, the DAGs as the workers", () => {
    const values = p.one(T.release, "sw-pipeline-airflow").inputs.values as any;
    expect(values.config.logging.remote_base_log_folder).toMatch(/^s3:\/\/sw-lake-[0-9a-f]{7}\/logs$/);
    expect(values.config.logging.remote_log_conn_id).toBe("aws_default");
    const env = Object.fromEntries(
      (values.env as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    expect(env.SEAWALL_RUNTIME_IMAGE).toBe(IMAGE);
    expect(env.SEAWALL_MAINTENANCE_SERVICE_ACCOUNT).toBe("seawall-workers");
    const ingress = p.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sw-airflow-db-5432")
      .inputs as any;
    expect(ingress).toMatchObject({ fromPort: 5432, toPort: 5432, ipProtocol: "tcp" });
    // The EKS cluster's own security group (its vpcConfig output), which the nodes and pods carry.
    expect(
      p.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "sw-airflow-db-5432")
        .propertyDependencies.referencedSecurityGroupId,
    ).toEqual([p.one("aws:eks/cluster:Cluster", "sw-cluster").urn]);
    expect(p.one(T.association, "sw-airflow").inputs).toMatchObject({
      namespace: "airflow",
      serviceAccount: "airflow",
    });
  });

  it("runs no Airflow on a brought cluster unless composed, and refuses { args } there", async () => {
    const brought = await plan(
      () =>
        new DataPlatform("sw", {
          ...args,
          kubernetes: { existing: { image: IMAGE, kubeconfig: "apiVersion: v1\nkind: Config\n" } },
        }),
    );
    expect(brought.ofType("seawall:kubernetes:Airflow")).toEqual([]);
    expect(brought.ofType("seawall:aws:AirflowDatabase")).toEqual([]);
    expect(
      validateDataPlatformArgs({
        ...args,
        kubernetes: { existing: { image: IMAGE, kubeconfig: "apiVersion: v1", airflow: { args: {} } } },
      }).map(({ code, field }) => ({ code, field })),
    ).toEqual([{ code: "SEAWALL_PLATFORM_KUBERNETES_AIRFLOW", field: "kubernetes.existing.airflow" }]);
  });

  it("names the cluster settings' problems as the platform's fields", () => {
    const problems = validateDataPlatformArgs({
      ...args,
      eventStream: { topics: [{ name: "events.valid", partitions: 3 }] },
      kubernetes: {
        args: { image: "registry.example/seawall-runtime", nodes: { minCount: 5, maxCount: 2 } },
      },
    }).map(({ code, field }) => ({ code, field }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { code: "SEAWALL_K8S_WORKERS_IMAGE", field: "kubernetes.args.image" },
        { code: "SEAWALL_K8S_WORKERS_PARTITIONS", field: "eventStream.topics" },
        { code: "SEAWALL_AWS_CLUSTER_ADMINS_REQUIRED", field: "kubernetes.args.admins" },
        { code: "SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE", field: "kubernetes.args.nodes" },
      ]),
    );
  });
});

describe("the platform's default workloads", () => {
  it("need only the raw topic's partitions: the chain consumes only events.raw", () => {
    const problems = validateDataPlatformArgs({
      cloud: "aws",
      environment: "dev",
      owner: "data",
      region: "us-east-1",
      eventStream: { topics: [{ name: "events.raw", partitions: 3 }] },
      kubernetes: { args: { image: IMAGE, admins: ["arn:aws:iam::123456789012:role/deployer"] } },
    });
    expect(problems).toEqual([]);
  });
});

describe("Pipeline on any cluster", () => {
  const cluster = (): ClusterOutputs => ({
    cloud: "existing",
    provider: new kubernetes.Provider("brought", { kubeconfig: "{}" }),
    kubeconfig: pulumi.secret("{}"),
    clusterName: pulumi.output("brought"),
  });
  const contracts = {
    kafka: { bootstrapServers: "kafka-0.example:9093", securityProtocol: "SSL" as const },
    redis: { host: "redis.example", port: 6380, tls: true, authSecret: "token" },
    lake: { scheme: "gs" as const, bucket: "lake", prefix: "events", region: "us-central1" },
  };

  it("scales on the workers' exported lag from a brought Prometheus, installing KEDA only", async () => {
    const p = await plan(() => {
      new Pipeline("pl", {
        cluster: cluster(),
        environment: "prod",
        image: IMAGE,
        ...contracts,
        topics: TOPICS,
        monitoring: { existing: { namespace: "observability" } },
      });
    });
    expect(p.names(T.release)).toEqual(["pl-keda"]);
    const so = p.one(T.scaled, `pl-workers-${CHAIN}`).inputs as any;
    expect(so.spec.triggers[0]).toEqual({
      type: "prometheus",
      metadata: expect.objectContaining({
        serverAddress: "http://kube-prometheus-stack-prometheus.observability.svc:9090",
        query: `sum(seawall_consumer_lag{namespace="seawall",service="${CHAIN}"})`,
      }),
    });
    expect(so.spec.maxReplicaCount).toBe(12);
    expect(envOf(p, `pl-workers-${CHAIN}`)).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: "kafka-0.example:9093",
      REDIS_HOST: "redis.example",
    });
  });

  it("runs fixed replicas per stage without KEDA when it is skipped", async () => {
    const p = await plan(() => {
      new Pipeline("pl", {
        cluster: cluster(),
        environment: "dev",
        image: IMAGE,
        ...contracts,
        topics: TOPICS,
        workloads: [
          { stages: ["ingest"] },
          { stages: ["dedup"] },
          { stages: ["feature-server"], minReplicas: 3 },
        ],
        keda: { skip: true },
        monitoring: { existing: { namespace: "monitoring" } },
      });
    });
    expect(p.ofType(T.scaled)).toEqual([]);
    expect(p.ofType(T.release)).toEqual([]);
    expect((p.one(T.deployment, "pl-workers-feature-server").inputs as any).spec.replicas).toBe(3);
    expect(p.names(T.deployment)).toEqual([
      "pl-workers-dedup",
      "pl-workers-feature-server",
      "pl-workers-ingest",
    ]);
  });

  it("refuses a floating image, a skipped monitoring and an unknown KEDA form, all at once", () => {
    expect(
      problemsThrownBy(() =>
        validatePipelineArgs({
          environment: "dev",
          image: "seawall-runtime:latest",
          topics: [],
          keda: { install: true } as never,
          monitoring: { skip: true } as never,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_WORKERS_IMAGE", field: "image", value: "seawall-runtime:latest" },
      { code: "SEAWALL_HELPER_SHAPE", field: "keda", value: "{ install }" },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "monitoring", value: "{ skip: true }" },
    ]);
  });
});

describe("the GCP and Azure platforms' Kubernetes layer", () => {
  it("requires an alert webhook and refuses admins on GKE", () => {
    const problems = validateDataPlatformArgs({
      cloud: "gcp",
      environment: "dev",
      owner: "data",
      region: "us-central1",
      eventStream: { topics: TOPICS },
      kubernetes: { args: { image: IMAGE, admins: ["someone"] } },
    }).map(({ code, field }) => ({ code, field }));
    expect(problems).toEqual([
      {
        code: "SEAWALL_PLATFORM_KUBERNETES_ALERT_WEBHOOK",
        field: "kubernetes.args.monitoring.args.alertWebhookUrl",
      },
      { code: "SEAWALL_PLATFORM_GCP_UNSUPPORTED", field: "kubernetes.args.admins" },
    ]);
  });

  it("names AKS's admin groups as the platform's admins", () => {
    const problems = validateDataPlatformArgs({
      cloud: "azure",
      environment: "dev",
      owner: "data",
      region: "eastus2",
      eventStream: { topics: TOPICS },
      kubernetes: {
        args: { image: IMAGE, monitoring: { args: { alertWebhookUrl: "https://relay.example/a" } } },
      },
    }).map(({ code, field }) => ({ code, field }));
    expect(problems).toEqual([{ code: "SEAWALL_AZURE_CLUSTER_ADMINS", field: "kubernetes.args.admins" }]);
  });
});
