/**
 * The `kubernetes` target's stacks, dev-kubernetes and prod-kubernetes: every object and custom
 * resource they render validates against the strict schema the API server would apply, the
 * workers read every credential from the stores' Secrets, and the stores wait for what they need.
 */
import { synthesizeStack } from "../../scripts/synth/stacks";
import { validateDataPlatformArgs, type DataPlatformArgs } from "../../components/platform";
import { Plan } from "../helpers";
import { objectOf, secretData } from "./kubeObjects";
import { schemaErrors } from "./schemas";

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are read field by field */

/** Kinds rendered without a schema here, and why. */
const NO_SCHEMA: Record<string, string> = {
  "helm.sh/v3/Release": "Helm values are checked per chart in each component's test",
  "snapshot.storage.k8s.io/v1/VolumeSnapshotClass":
    "the external-snapshotter CRD is not in the schema collection",
};

const CHAIN = "ingest-dedup-lake-sink-feature-writer";

describe.each(["dev-kubernetes", "prod-kubernetes"])("the %s stack", (stack) => {
  let p: Plan;
  beforeAll(async () => {
    p = new Plan(await synthesizeStack(stack));
  });

  it("validates every Kubernetes object and custom resource it renders against its strict schema", () => {
    const objects = p.resources
      .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"))
      .map((r) => ({ name: r.name, obj: objectOf(r) }));
    const kinds = new Set(objects.map((o) => `${o.obj.apiVersion}/${o.obj.kind}`));
    expect(kinds.size).toBeGreaterThan(20);
    const unchecked = [...kinds].filter((k) => NO_SCHEMA[k] !== undefined);
    const errors = objects
      .filter((o) => NO_SCHEMA[`${o.obj.apiVersion}/${o.obj.kind}`] === undefined)
      .flatMap((o) => schemaErrors(o.obj).map((e) => `${o.name}: ${e}`));
    expect(errors).toEqual([]);
    expect(unchecked.every((k) => k in NO_SCHEMA)).toBe(true);
  });

  it("gives each consuming workload its own Kafka user and reads every credential from a Secret", () => {
    const d = p.one(
      "kubernetes:apps/v1:Deployment",
      `seawall-${stack.split("-")[0]}-pipeline-workers-${CHAIN}`,
    ).inputs as any;
    const env = Object.fromEntries(
      (d.spec.template.spec.containers[0].env as any[]).map((e) => [
        e.name,
        e.value ?? e.valueFrom.secretKeyRef,
      ]),
    );
    expect(env).toMatchObject({
      KAFKA_BOOTSTRAP_SERVERS: "seawall-kafka-bootstrap.seawall.svc:9093",
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_USERNAME: `seawall-${CHAIN}`,
      KAFKA_PASSWORD: { name: `seawall-${CHAIN}`, key: "password" },
      KAFKA_CA_CERT: { name: "seawall-cluster-ca-cert", key: "ca.crt" },
      REDIS_AUTH: { name: "seawall-valkey-auth", key: "password" },
      REDIS_CA_CERT: { name: "seawall-valkey-tls", key: "ca.crt" },
      LAKE_SCHEME: "s3",
      LAKE_ENDPOINT: "https://seaweedfs-s3.seaweedfs.svc:8333",
    });
    expect(env.AWS_ACCESS_KEY_ID).toMatchObject({ key: "AWS_ACCESS_KEY_ID" });
    expect(env.LAKE_CA_CERT).toMatchObject({ key: "ca.crt" });
    // prod finds the primary through Sentinel; dev runs one Valkey without it.
    if (stack === "prod-kubernetes") {
      expect(env).toMatchObject({
        REDIS_SENTINELS: "seawall-valkey-sentinel.seawall.svc:26379",
        REDIS_SENTINEL_MASTER: "seawall",
      });
      expect(env.REDIS_HOST).toBeUndefined();
    } else {
      expect(env).toMatchObject({ REDIS_HOST: "seawall-valkey.seawall.svc", REDIS_PORT: "6380" });
      expect(env.REDIS_SENTINELS).toBeUndefined();
    }
    const user = p.one(
      "kubernetes:kafka.strimzi.io/v1:KafkaUser",
      `seawall-${stack.split("-")[0]}-events-user-seawall-${CHAIN}`,
    );
    expect((user.inputs as any).metadata.name).toBe(`seawall-${CHAIN}`);
  });

  it("sends Airflow's task logs to the lake's logs/ over TLS, trusting the store's CA from its issuer", () => {
    const env = stack.split("-")[0];
    const release = p.one("kubernetes:helm.sh/v3:Release", `seawall-${env}-pipeline-airflow`).inputs as any;
    expect(release.values.config.logging.remote_base_log_folder).toBe("s3://seawall-lake/logs");
    expect(release.values.secret).toEqual([
      {
        envName: "AIRFLOW_CONN_AWS_DEFAULT",
        secretName: "seawall-airflow-log-connection",
        secretKey: "connection",
      },
    ]);
    expect(release.values.volumeMounts).toContainEqual({
      name: "seawall-store-ca",
      mountPath: "/opt/airflow/seawall-store-ca",
      readOnly: true,
    });
    const connection = JSON.parse(secretData(p, `seawall-${env}-pipeline-airflow-log-connection`).connection);
    expect(connection).toMatchObject({
      conn_type: "aws",
      extra: {
        endpoint_url: "https://seaweedfs-s3.seaweedfs.svc:8333",
        verify: "/opt/airflow/seawall-store-ca/ca.crt",
      },
    });
    expect(connection.login).toEqual(expect.any(String));
    const cert = objectOf(
      p.one("kubernetes:cert-manager.io/v1:Certificate", `seawall-${env}-pipeline-airflow-store-ca`),
    );
    expect((cert as any).metadata).toMatchObject({ name: "seawall-airflow-store-ca", namespace: "airflow" });
  });

  it("creates the stores' objects only after the workers' namespace, cert-manager and the monitoring CRDs", () => {
    const env = stack.split("-")[0];
    const needs = [
      p.one("kubernetes:core/v1:Namespace", `seawall-${env}-events-namespace`).urn,
      p.one("kubernetes:helm.sh/v3:Release", `seawall-${env}-monitoring`).urn,
    ];
    for (const r of p.resources.filter(
      (x) => x.custom && x.urn.includes("seawall:kubernetes:FeatureStore"),
    )) {
      expect({ name: r.name, waits: needs.every((u) => r.dependsOn.includes(u)) }).toEqual({
        name: r.name,
        waits: true,
      });
    }
  });
});

describe("the kubernetes target's arguments", () => {
  const base: DataPlatformArgs = {
    cloud: "kubernetes",
    environment: "prod",
    owner: "data",
    region: "dc-1",
    replicaRegion: "dc-2",
    eventStream: {
      topics: ["events.raw", "events.valid", "events.unique", "events.dead-letter", "features"].map(
        (name) => ({
          name,
          partitions: 3,
        }),
      ),
    },
    kubernetes: {
      existing: {
        kubeconfig: "apiVersion: v1",
        image: "registry.example/seawall-runtime:1.0.0",
        monitoring: { args: { alertWebhookUrl: "https://alerts.example/hook" } },
      },
    },
    kubernetesTarget: {
      replica: { endpoint: "https://s3.dc-2.example", bucket: "lake", credentialsSecret: "keys" },
    },
  };
  const codes = (a: DataPlatformArgs) =>
    validateDataPlatformArgs(a).map(({ code, field }) => ({ code, field }));

  it("accepts a brought cluster with a webhook and a replica", () => {
    expect(codes(base)).toEqual([]);
  });

  it("needs a brought cluster, SCRAM, and a replica for the lake in prod", () => {
    expect(codes({ ...base, kubernetes: { skip: true } })).toEqual([
      { code: "SEAWALL_PLATFORM_KUBERNETES_TARGET", field: "kubernetes" },
    ]);
    expect(codes({ ...base, eventStream: { ...base.eventStream, clientAuthentication: "iam" } })).toEqual([
      { code: "SEAWALL_PLATFORM_KUBERNETES_TARGET", field: "eventStream.clientAuthentication" },
    ]);
    expect(codes({ ...base, kubernetesTarget: {} }).map((c) => c.code)).toContain(
      "SEAWALL_K8S_OBJECT_STORE_REPLICATION",
    );
  });
});
