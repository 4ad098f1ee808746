import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateAirflowArgs } from "../../components/kubernetes/airflow";
import type { AirflowCloudSupport } from "../../components/kubernetes/airflowContract";
import { readDagFiles } from "../../components/kubernetes/airflowDags";
import { pgbouncerIni, pgbouncerUsers } from "../../components/kubernetes/airflowRender";
import { airflowValues, type AirflowValuesInput } from "../../components/kubernetes/airflowValues";
import type { ClusterOutputs } from "../../components/kubernetes/clusterContract";
import { Pipeline, validatePipelineArgs } from "../../components/kubernetes/pipeline";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { Plan, plan, problemsThrownBy } from "../helpers";
import { SCHEMAS, schemaErrors } from "./schemas";

/* eslint-disable @typescript-eslint/no-explicit-any -- rendered objects are read field by field */

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
};
const IMAGE = `registry.example/seawall-runtime@sha256:${"a".repeat(64)}`;
const PASSWORD = 'p@ss:w/rd"1';

const support = (): AirflowCloudSupport => ({
  database: {
    host: pulumi.output("db.internal.example"),
    port: 5432,
    database: "airflow",
    username: "airflow",
    password: pulumi.secret(PASSWORD),
    sslMode: "verify-full",
    caCert: pulumi.output("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"),
  },
  identity: {
    kind: "gcp-workload-identity",
    namespace: "airflow",
    serviceAccountName: "airflow",
    cloudIdentity: pulumi.output("airflow@p.iam.gserviceaccount.com"),
    serviceAccountAnnotations: pulumi.output<Record<string, string>>({
      "iam.gke.io/gcp-service-account": "airflow@p.iam.gserviceaccount.com",
    }),
    podLabels: {},
  },
  logging: {
    baseLogFolder: pulumi.output("gs://lake/logs"),
    connectionId: "google_cloud_default",
    connection: pulumi.output('{"conn_type": "google_cloud_platform", "extra": {"project": "p"}}'),
  },
});

const cluster = (): ClusterOutputs => ({
  cloud: "existing",
  provider: new kubernetes.Provider("brought", { kubeconfig: "{}" }),
  kubeconfig: pulumi.secret("{}"),
  clusterName: pulumi.output("brought"),
  workloadIdentity: {
    kind: "gcp-workload-identity",
    namespace: "seawall",
    serviceAccountName: "seawall-workers",
    cloudIdentity: pulumi.output("workers@p.iam.gserviceaccount.com"),
    serviceAccountAnnotations: pulumi.output<Record<string, string>>({
      "iam.gke.io/gcp-service-account": "workers@p.iam.gserviceaccount.com",
    }),
    podLabels: {},
  },
});

const pipeline = (environment: "dev" | "prod", executor?: "CeleryExecutor") =>
  plan(() => {
    new Pipeline("pl", {
      cluster: cluster(),
      environment,
      image: IMAGE,
      kafka: { bootstrapServers: "kafka-0.example:9093", securityProtocol: "SSL" },
      redis: { host: "redis.example", port: 6380, tls: true, authSecret: "token" },
      lake: { scheme: "gs", bucket: "lake", prefix: "events", region: "us-central1" },
      topics: [{ name: "events.raw", partitions: 6 }],
      monitoring: { args: { receiver: { webhook: { url: "https://alerts.example/hook" } } } },
      airflow: { support: support(), ...(executor ? { args: { executor } } : {}) },
    });
  });

const valuesSchema = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
  JSON.parse(readFileSync(join(SCHEMAS, "airflow/1.21.0/values.schema.json"), "utf8")),
);

function valuesErrors(values: unknown): string[] {
  return valuesSchema(JSON.parse(JSON.stringify(values)))
    ? []
    : (valuesSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}

/** A Secret's `stringData`, which must be a Pulumi secret. */
function secretData(p: Plan, name: string): Record<string, string> {
  const data = p.one(T.secret, name).inputs.stringData;
  if (!(data instanceof Secret)) throw new Error(`${name}'s stringData is not a Pulumi secret`);
  return data.value as Record<string, string>;
}

describe("Airflow on the pipeline's cluster", () => {
  let dev: Plan;
  /** prod with CeleryExecutor: one synthesis for both differences (each costs seconds). */
  let prod: Plan;
  beforeAll(async () => {
    [dev, prod] = await Promise.all([pipeline("dev"), pipeline("prod", "CeleryExecutor")]);
  });

  it("installs the official chart 1.21.0 (Airflow 3.2.0) in its namespace, with values valid against the chart's schema", () => {
    for (const p of [dev, prod]) {
      const r = p.one(T.release, "pl-airflow").inputs as any;
      expect(r).toMatchObject({
        name: "airflow",
        chart: "airflow",
        version: "1.21.0",
        repositoryOpts: { repo: "https://airflow.apache.org" },
        namespace: "airflow",
        atomic: true,
      });
      expect(valuesErrors(r.values)).toEqual([]);
    }
  });

  it("the schema check can fail: an Airflow 2 webserver key or a typo is refused", () => {
    const values = (dev.one(T.release, "pl-airflow").inputs as any).values;
    expect(valuesErrors({ ...values, apiServer: { ...values.apiServer, replica: 2 } })).not.toEqual([]);
    expect(valuesErrors({ ...values, executor: "kubernetes" })).not.toEqual([]);
  });

  it("runs Airflow 3's API server with no default user, generated secrets by name, no bundled PostgreSQL, PgBouncer on", () => {
    const v = (dev.one(T.release, "pl-airflow").inputs as any).values;
    expect(v).toMatchObject({
      airflowVersion: "3.2.0",
      defaultAirflowTag: "3.2.0",
      executor: "KubernetesExecutor",
      createUserJob: { enabled: false },
      postgresql: { enabled: false },
      data: { metadataSecretName: "seawall-airflow-metadata" },
      fernetKeySecretName: "seawall-airflow-fernet-key",
      apiSecretKeySecretName: "seawall-airflow-api-secret-key",
      jwtSecretName: "seawall-airflow-jwt-secret",
      networkPolicies: { enabled: false },
      redis: { enabled: false },
      pgbouncer: {
        enabled: true,
        configSecretName: "seawall-airflow-pgbouncer-config",
        metricsExporterSidecar: { statsSecretName: "seawall-airflow-pgbouncer-stats" },
        ssl: { ca: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" },
      },
    });
    expect(v.webserver).toBeUndefined();
    expect(JSON.stringify(v)).not.toContain(PASSWORD);
    for (const part of [
      "apiServer",
      "scheduler",
      "dagProcessor",
      "triggerer",
      "workers",
      "migrateDatabaseJob",
    ]) {
      expect({ part, sa: v[part].serviceAccount }).toEqual({
        part,
        sa: { create: false, name: "airflow", automountServiceAccountToken: true },
      });
    }
  });

  it("sends task logs to the object store's logs/ prefix through the connection the cloud gave", () => {
    const v = (dev.one(T.release, "pl-airflow").inputs as any).values;
    expect(v.config.logging).toEqual({
      remote_logging: "True",
      remote_base_log_folder: "gs://lake/logs",
      remote_log_conn_id: "google_cloud_default",
      delete_local_logs: "True",
    });
    expect(v.logs).toEqual({ persistence: { enabled: false } });
    expect(v.env).toContainEqual({
      name: "AIRFLOW_CONN_GOOGLE_CLOUD_DEFAULT",
      value: '{"conn_type": "google_cloud_platform", "extra": {"project": "p"}}',
    });
  });

  it("tells the DAGs where to run the runtime image: the workers' namespace, service account, environment and Secret", () => {
    const env = Object.fromEntries(
      ((dev.one(T.release, "pl-airflow").inputs as any).values.env as { name: string; value: string }[]).map(
        (e) => [e.name, e.value],
      ),
    );
    expect(env).toMatchObject({
      SEAWALL_RUNTIME_IMAGE: IMAGE,
      SEAWALL_MAINTENANCE_NAMESPACE: "seawall",
      SEAWALL_MAINTENANCE_SERVICE_ACCOUNT: "seawall-workers",
      SEAWALL_MAINTENANCE_ENV_CONFIGMAP: "pl-workers-maintenance-env",
    });
    expect(JSON.parse(env.SEAWALL_MAINTENANCE_SECRET_ENV)).toEqual({
      REDIS_AUTH: { name: "pl-workers-credentials", key: "REDIS_AUTH" },
    });
    expect(JSON.parse(env.SEAWALL_MAINTENANCE_POD_LABELS)).toEqual({
      "app.kubernetes.io/name": "seawall-worker",
      "app.kubernetes.io/instance": "pl-workers",
      "app.kubernetes.io/component": "maintenance",
      "app.kubernetes.io/part-of": "seawall",
      "app.kubernetes.io/managed-by": "pulumi",
    });
    const cm = dev.one(T.configMap, "pl-workers-maintenance-env").inputs as any;
    expect(cm.data).toMatchObject({ LAKE_SCHEME: "gs", LAKE_BUCKET: "lake", REDIS_HOST: "redis.example" });
    expect(cm.data.REDIS_AUTH).toBeUndefined();
  });

  it("lets only Airflow's service account start pods in the workers' namespace (no Secrets, no exec)", () => {
    const role = dev.one(T.role, "pl-workers-maintenance-launcher").inputs as any;
    expect(role.metadata.namespace).toBe("seawall");
    expect(role.rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "delete", "patch"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = dev.one(T.roleBinding, "pl-workers-maintenance-launcher").inputs as any;
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "airflow", namespace: "airflow" }]);
    expect(binding.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "maintenance-launcher",
    });
    const np = dev.one(T.networkPolicy, "pl-workers-maintenance").inputs as any;
    expect(np.spec.ingress).toEqual([]);
    expect(np.spec.egress).toContainEqual({ ports: [{ protocol: "TCP", port: 6380 }] });
  });

  it("makes the Secrets the chart references from Pulumi secrets: a URL-safe fernet key, the connection through PgBouncer", () => {
    const fernet = secretData(dev, "pl-airflow-fernet-key")["fernet-key"];
    expect(fernet).toMatch(/^[A-Za-z0-9_-]{43}=$/);
    expect(Buffer.from(fernet, "base64url")).toHaveLength(32);
    expect(secretData(dev, "pl-airflow-metadata").connection).toBe(
      `postgresql://airflow:${encodeURIComponent(PASSWORD)}@airflow-pgbouncer.airflow:6543/airflow-metadata`,
    );
    const pgb = secretData(dev, "pl-airflow-pgbouncer-config");
    expect(pgb["pgbouncer.ini"]).toContain(
      "airflow-metadata = host=db.internal.example dbname=airflow port=5432 pool_size=10\n",
    );
    expect(pgb["pgbouncer.ini"]).toContain(
      "server_tls_sslmode = verify-full\nserver_tls_ca_file = /etc/pgbouncer/root.crt\n",
    );
    expect(pgb["users.txt"]).toBe('"airflow" "p@ss:w/rd""1"\n');
    expect(secretData(dev, "pl-airflow-admin").username).toBe("admin");
    expect(secretData(dev, "pl-airflow-admin").password).toMatch(/^[A-Za-z0-9]{32}$/);
    // Every Airflow Secret's data is a Pulumi secret (secretData fails otherwise).
    for (const name of dev.names(T.secret).filter((n) => n.startsWith("pl-airflow-"))) {
      expect(Object.keys(secretData(dev, name)).length).toBeGreaterThan(0);
    }
  });

  it("adds Celery's broker and result backend, and KEDA scaling of the workers, with CeleryExecutor", () => {
    const v = (prod.one(T.release, "pl-airflow").inputs as any).values;
    expect(v.executor).toBe("CeleryExecutor");
    expect(v.workers.celery.keda).toEqual({ enabled: true, minReplicaCount: 1, maxReplicaCount: 8 });
    expect(v.redis).toMatchObject({ enabled: true, passwordSecretName: "seawall-airflow-redis-password" });
    expect(secretData(prod, "pl-airflow-broker-url").connection).toMatch(
      /^redis:\/\/:[A-Za-z0-9]{32}@airflow-redis\.airflow:6379\/0$/,
    );
    expect(secretData(prod, "pl-airflow-result-backend").connection).toMatch(
      /^db\+postgresql:\/\/airflow:.*@airflow-pgbouncer\.airflow:6543\/airflow-result-backend$/,
    );
    expect(dev.names(T.secret)).not.toContain("pl-airflow-broker-url");
  });

  it("runs two of each component with PDBs and zone spread in prod, one in dev", () => {
    const d = (dev.one(T.release, "pl-airflow").inputs as any).values;
    const p = (prod.one(T.release, "pl-airflow").inputs as any).values;
    for (const part of ["apiServer", "scheduler", "dagProcessor", "triggerer"]) {
      expect({ part, dev: d[part].replicas, prod: p[part].replicas }).toEqual({ part, dev: 1, prod: 2 });
      expect(p[part].podDisruptionBudget).toEqual({ enabled: true, config: { maxUnavailable: 1 } });
      expect(p[part].topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
      expect(d[part].topologySpreadConstraints).toEqual([]);
      expect(p[part].resources.limits.memory).toBe("2Gi");
    }
  });

  it("renders every object valid against the Kubernetes and prometheus-operator schemas", () => {
    const kinds: Record<string, string> = {
      "kubernetes:core/v1:Namespace": "v1/Namespace",
      "kubernetes:core/v1:ServiceAccount": "v1/ServiceAccount",
      [T.configMap]: "v1/ConfigMap",
      [T.secret]: "v1/Secret",
      [T.networkPolicy]: "networking.k8s.io/v1/NetworkPolicy",
      [T.role]: "rbac.authorization.k8s.io/v1/Role",
      [T.roleBinding]: "rbac.authorization.k8s.io/v1/RoleBinding",
      "kubernetes:monitoring.coreos.com/v1:ServiceMonitor": "monitoring.coreos.com/v1/ServiceMonitor",
      "kubernetes:monitoring.coreos.com/v1:PrometheusRule": "monitoring.coreos.com/v1/PrometheusRule",
    };
    const checked = prod.resources.filter(
      (r) =>
        kinds[r.type] && (r.name.startsWith("pl-airflow") || r.name.startsWith("pl-workers-maintenance")),
    );
    expect(checked.length).toBeGreaterThan(20);
    const errors = checked.flatMap((r) => {
      const [apiVersion, kind] = [
        kinds[r.type].slice(0, kinds[r.type].lastIndexOf("/")),
        kinds[r.type].split("/").pop(),
      ];
      const {
        apiVersion: _a,
        kind: _k,
        ...rest
      } = Object.fromEntries(
        Object.entries(r.inputs).map(([k, v]) => [k, v instanceof Secret ? v.value : v]),
      );
      return schemaErrors({ apiVersion, kind, ...rest }).map((e) => `${r.name}: ${e}`);
    });
    expect(errors).toEqual([]);
  });

  it("denies every connection into Airflow's namespace but those it needs", () => {
    const names = dev.names(T.networkPolicy).filter((n) => n.startsWith("pl-airflow-"));
    expect(names).toEqual([
      "pl-airflow-api-server",
      "pl-airflow-default-deny",
      "pl-airflow-pgbouncer",
      "pl-airflow-statsd",
      "pl-airflow-task-logs",
    ]);
    expect((dev.one(T.networkPolicy, "pl-airflow-default-deny").inputs as any).spec).toEqual({
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [],
    });
    const statsd = (dev.one(T.networkPolicy, "pl-airflow-statsd").inputs as any).spec.ingress;
    expect(statsd[1]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
      ports: [{ protocol: "TCP", port: 9102 }],
    });
    expect(prod.names(T.networkPolicy)).toContain("pl-airflow-redis");
  });

  it("mounts the maintenance DAGs from a ConfigMap with an .airflowignore for the volume's own directories", () => {
    const data = (dev.one(T.configMap, "pl-airflow-dags").inputs as any).data;
    expect(data).toEqual({ ".airflowignore": "^\\.\\.\n", ...readDagFiles() });
    expect(Object.keys(data)).toContain("seawall_restore_drill.py");
  });

  it("passes every mandatory rule of the policy pack", async () => {
    const verdicts = await evaluateResources(prod.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("Airflow's arguments", () => {
  it("names the executor, the namespace the identity was bound in, and an Airflow 2 tag", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowArgs({
          executor: "SequentialExecutor" as never,
          namespace: "tools",
          airflowTag: "2.10.5",
          identity: { namespace: "airflow", serviceAccountName: "scheduler" },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_AIRFLOW_EXECUTOR", field: "executor", value: "SequentialExecutor" },
      { code: "SEAWALL_K8S_AIRFLOW_IDENTITY", field: "namespace", value: "tools" },
      {
        code: "SEAWALL_K8S_AIRFLOW_IDENTITY",
        field: "support.identity.serviceAccountName",
        value: "scheduler",
      },
      { code: "SEAWALL_K8S_AIRFLOW_TAG", field: "airflowTag", value: "2.10.5" },
    ]);
  });

  it("refuses CeleryExecutor when the pipeline skips KEDA", () => {
    expect(
      problemsThrownBy(() =>
        validatePipelineArgs({
          environment: "dev",
          image: IMAGE,
          topics: [],
          keda: { skip: true },
          monitoring: { existing: { namespace: "monitoring" } },
          airflow: { support: {} as AirflowCloudSupport, args: { executor: "CeleryExecutor" } },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_AIRFLOW_EXECUTOR", field: "airflow.args.executor", value: "CeleryExecutor" },
    ]);
  });

  it("quotes a password with a double quote in PgBouncer's users file, and leaves out the CA line without one", () => {
    expect(pgbouncerUsers('air"flow', 'a"b')).toBe('"air""flow" "a""b"\n');
    const ini = pgbouncerIni(
      { host: "h", port: 5432, database: "airflow", username: "airflow", sslMode: "require", hasCa: false },
      "KubernetesExecutor",
    );
    expect(ini).toContain("server_tls_sslmode = require\n");
    expect(ini).not.toContain("server_tls_ca_file");
    expect(ini).not.toContain("result-backend");
  });

  it("reads a log connection holding credentials from a Secret, never from the values", () => {
    const values = airflowValues({
      environment: "dev",
      executor: "KubernetesExecutor",
      airflowTag: "3.2.0",
      serviceAccountName: "airflow",
      podLabels: {},
      logging: { baseLogFolder: "s3://lake/logs", connectionId: "aws_default" },
      dagsConfigMap: "dags",
      maintenance: {
        image: IMAGE,
        namespace: "seawall",
        serviceAccountName: "w",
        podLabels: {},
        envConfigMap: "e",
        secretEnv: {},
      },
    }) as any;
    expect(values.secret).toEqual([
      {
        envName: "AIRFLOW_CONN_AWS_DEFAULT",
        secretName: "seawall-airflow-log-connection",
        secretKey: "connection",
      },
    ]);
    expect((values.env as { name: string }[]).map((e) => e.name)).not.toContain("AIRFLOW_CONN_AWS_DEFAULT");
    expect(valuesErrors(values)).toEqual([]);
  });

  it("validates against the chart's schema for every environment and executor", () => {
    const base: AirflowValuesInput = {
      environment: "dev",
      executor: "KubernetesExecutor",
      airflowTag: "3.2.0",
      serviceAccountName: "airflow",
      podLabels: { "azure.workload.identity/use": "true" },
      logging: { baseLogFolder: "s3://b/logs", connectionId: "aws_default", connection: "{}" },
      dagsConfigMap: "dags",
      maintenance: {
        image: IMAGE,
        namespace: "seawall",
        serviceAccountName: "w",
        podLabels: {},
        envConfigMap: "e",
        secretEnv: {},
      },
    };
    for (const environment of ["dev", "staging", "prod"] as const) {
      for (const executor of ["KubernetesExecutor", "CeleryExecutor"] as const) {
        expect({
          environment,
          executor,
          errors: valuesErrors(airflowValues({ ...base, environment, executor })),
        }).toEqual({
          environment,
          executor,
          errors: [],
        });
      }
    }
  });
});
