import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  AirflowDatabase,
  type AirflowDatabaseArgs,
  validateAirflowDatabaseArgs,
} from "../../components/kubernetes/airflowDatabase";
import {
  cnpgOperatorValues,
  renderCnpgCluster,
  type CnpgClusterInput,
} from "../../components/kubernetes/airflowDatabaseRender";
import { evaluateResources } from "../../policies/check";
import { type Plan, plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { chartSchemaErrors } from "./helmValues";
import { backupStoreFixture, objectOf, secretData, STORE_ENDPOINT } from "./kubeObjects";
import { schemaErrors } from "./schemas";

const T = {
  release: "kubernetes:helm.sh/v3:Release",
  cluster: "kubernetes:postgresql.cnpg.io/v1:Cluster",
  scheduled: "kubernetes:postgresql.cnpg.io/v1:ScheduledBackup",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
};
const operatorErrors = chartSchemaErrors("cloudnative-pg/chart/0.29.0");

async function planDb(args: Partial<AirflowDatabaseArgs>) {
  let db: AirflowDatabase | undefined;
  const p = await plan(() => {
    const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
    db = new AirflowDatabase("airflow-db", {
      provider,
      environment: "prod",
      backupStore: backupStoreFixture(),
      ...args,
    });
  });
  return { p, db: db! };
}

const clusterInput: CnpgClusterInput = {
  name: "airflow-db",
  namespace: "airflow-db",
  instances: 3,
  storageGiB: 20,
  appSecret: "airflow-db-app",
  retentionDays: 35,
  backup: {
    destinationPath: "s3://seawall-backups/airflow-db",
    endpointURL: STORE_ENDPOINT,
    credentialsSecret: "airflow-db-s3-credentials",
    caSecret: "airflow-db-s3-ca",
  },
};

describe("AirflowDatabase (CloudNativePG)", () => {
  let prod: { p: Plan; db: AirflowDatabase };
  let dev: { p: Plan; db: AirflowDatabase };
  beforeAll(async () => {
    prod = await planDb({});
    dev = await planDb({ environment: "dev" });
  });

  it("operator values pass the CloudNativePG 0.29.0 chart's schema, and a wrong type does not", () => {
    expect(operatorErrors(cnpgOperatorValues({ replicas: 2 }))).toEqual([]);
    expect(operatorErrors(cnpgOperatorValues({ replicas: 1 }))).toEqual([]);
    expect(operatorErrors({ replicaCount: "two" })).not.toEqual([]);
    // The schema is open everywhere: typos are caught against the chart's values.yaml instead.
    const defaults = chartDefaults("cloudnative-pg/chart/0.29.0");
    expect(unknownValuePaths(cnpgOperatorValues({ replicas: 2 }), defaults)).toEqual([]);
    expect(unknownValuePaths({ monitoring: { podMonitorEnable: true } }, defaults)).toEqual([
      "monitoring.podMonitorEnable",
    ]);
    const op = prod.p.one(T.release, "airflow-db-operator").inputs;
    expect(op).toMatchObject({
      name: "cnpg",
      chart: "cloudnative-pg",
      version: "0.29.0",
      repositoryOpts: { repo: "https://cloudnative-pg.github.io/charts" },
      namespace: "cnpg-system",
      values: cnpgOperatorValues({ replicas: 2 }),
    });
    expect(
      (dev.p.one(T.release, "airflow-db-operator").inputs.values as { replicaCount: number }).replicaCount,
    ).toBe(1);
  });

  it("runs three instances over TLS only, anti-affine per node and spread over zones, with the bootstrap database and backups", () => {
    const c = prod.p.one(T.cluster, "airflow-db-cluster");
    expect(c.inputs.spec).toEqual(renderCnpgCluster(clusterInput).spec);
    const spec = c.inputs.spec as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(spec.instances).toBe(3);
    expect(spec.postgresql.pg_hba).toEqual([
      "hostnossl all all 0.0.0.0/0 reject",
      "hostnossl all all ::/0 reject",
    ]);
    expect(spec.bootstrap.initdb).toMatchObject({
      database: "airflow",
      owner: "airflow",
      secret: { name: "airflow-db-app" },
    });
    expect(spec.affinity).toEqual({
      enablePodAntiAffinity: true,
      topologyKey: "kubernetes.io/hostname",
      podAntiAffinityType: "required",
    });
    expect(spec.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
    expect(spec.backup).toEqual({
      retentionPolicy: "35d",
      barmanObjectStore: {
        destinationPath: "s3://seawall-backups/airflow-db",
        endpointURL: STORE_ENDPOINT,
        endpointCA: { name: "airflow-db-s3-ca", key: "ca.crt" },
        s3Credentials: {
          accessKeyId: { name: "airflow-db-s3-credentials", key: "AWS_ACCESS_KEY_ID" },
          secretAccessKey: { name: "airflow-db-s3-credentials", key: "AWS_SECRET_ACCESS_KEY" },
        },
        wal: { compression: "gzip", maxParallel: 2 },
        data: { compression: "gzip", jobs: 2 },
      },
    });
    expect([spec.enableSuperuserAccess, spec.enablePDB]).toEqual([false, true]);
    expect(c.protect).toBe(true);
    expect(c.dependsOn).toContain(prod.p.one(T.release, "airflow-db-operator").urn);
    const d = dev.p.one(T.cluster, "airflow-db-cluster");
    expect((d.inputs.spec as { instances: number }).instances).toBe(1);
    expect((d.inputs.spec as { backup: { retentionPolicy: string } }).backup.retentionPolicy).toBe("7d");
    expect(d.protect).toBe(false);
  });

  it("keeps the owner's generated password in a basic-auth Secret and outputs the AirflowDatabase contract", async () => {
    const app = secretData(prod.p, "airflow-db-app");
    expect(app.username).toBe("airflow");
    expect(app.password).toMatch(/^.{32}$/);
    expect(prod.p.one("kubernetes:core/v1:Secret", "airflow-db-app").inputs.type).toBe(
      "kubernetes.io/basic-auth",
    );
    const db = prod.db.database;
    expect({ ...db, host: undefined, password: undefined }).toEqual({
      host: undefined,
      port: 5432,
      database: "airflow",
      username: "airflow",
      password: undefined,
      sslMode: "require",
    });
    const [host, password, secret] = await new Promise<[string, string, boolean]>((resolve) =>
      pulumi
        .all([db.host, db.password, pulumi.isSecret(db.password)])
        .apply(([h, pw, s]) => resolve([h, pw, s])),
    );
    expect([host, password, secret]).toEqual(["airflow-db-rw.airflow-db.svc", app.password, true]);
    expect(prod.db.caSecret).toEqual({ name: "airflow-db-ca", namespace: "airflow-db", key: "ca.crt" });
    expect(secretData(prod.p, "airflow-db-credentials")).toEqual({
      AWS_ACCESS_KEY_ID: "BACKUPSKEY0000000000",
      AWS_SECRET_ACCESS_KEY: "backups-secret-key",
    });
  });

  it("backs up daily and is scraped by a PodMonitor", () => {
    expect(prod.p.one(T.scheduled, "airflow-db-scheduled-backup").inputs.spec).toEqual({
      schedule: "0 0 2 * * *",
      immediate: true,
      backupOwnerReference: "self",
      method: "barmanObjectStore",
      cluster: { name: "airflow-db" },
    });
    expect(prod.p.one(T.podMonitor, "airflow-db-pod-monitor").inputs.spec).toEqual({
      selector: { matchLabels: { "cnpg.io/cluster": "airflow-db" } },
      podMetricsEndpoints: [{ port: "metrics" }],
    });
  });

  it("renders objects that pass the strict schemas (CloudNativePG 1.30 CRDs), and every mandatory policy", async () => {
    const kube = prod.p.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && !r.type.includes("helm.sh"),
    );
    expect(kube.map((r) => r.name).sort()).toEqual([
      "airflow-db-app",
      "airflow-db-ca",
      "airflow-db-cluster",
      "airflow-db-credentials",
      "airflow-db-namespace",
      "airflow-db-operator-namespace",
      "airflow-db-pod-monitor",
      "airflow-db-scheduled-backup",
    ]);
    expect(kube.flatMap((r) => schemaErrors(objectOf(r)))).toEqual([]);
    const typo = objectOf(prod.p.one(T.cluster, "airflow-db-cluster"));
    (typo.spec as Record<string, unknown>).instance = 3;
    expect(schemaErrors(typo)).not.toEqual([]);
    for (const p of [prod.p, dev.p]) {
      const verdicts = await evaluateResources(p.resources, { environment: "prod" });
      expect(verdicts.filter((x) => x.level === "mandatory").map((x) => `${x.rule} ${x.resource}`)).toEqual(
        [],
      );
    }
  });

  it("leaves the operator out when the cluster has one", async () => {
    const { p } = await planDb({ environment: "dev", installOperator: false });
    expect(p.ofType(T.release)).toEqual([]);
    expect(p.names(T.cluster)).toEqual(["airflow-db-cluster"]);
    expect(p.names("kubernetes:core/v1:Namespace")).toEqual(["airflow-db-namespace"]);
  });

  it("refuses sizes out of range", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowDatabaseArgs({
          environment: "prod",
          instances: 10,
          storageGiB: 0,
          backupRetentionDays: 400,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_AIRFLOW_DB_INSTANCES", field: "instances", value: 10 },
      { code: "SEAWALL_K8S_AIRFLOW_DB_STORAGE", field: "storageGiB", value: 0 },
      { code: "SEAWALL_K8S_AIRFLOW_DB_RETENTION", field: "backupRetentionDays", value: 400 },
    ]);
  });
});
