/**
 * `seawall:kubernetes:AirflowDatabase`: Airflow's metadata database on a plain cluster, a
 * CloudNativePG PostgreSQL cluster with the operator from its official chart.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type EnvironmentName, PROFILES } from "../profiles";
import { Problems } from "../validation";
import {
  AIRFLOW_DATABASE_NAME,
  AIRFLOW_DATABASE_USER,
  type AirflowDatabase as AirflowDatabaseConnection,
} from "./airflowContract";
import {
  CNPG_CA_KEY,
  CNPG_CHART_REPO,
  CNPG_CHART_VERSION,
  cnpgOperatorValues,
  cnpgPrimaryHost,
  renderCnpgCluster,
  renderPodMonitor,
  renderScheduledBackup,
} from "./airflowDatabaseRender";
import { checkKubernetesName } from "./clusterProvider";
import { childOptions, customResource, k8sArgs } from "./kubeResources";
import { type BackupStore, type SecretRef, storeClientSecrets } from "./objectStore";
import { type KubeObject, renderNamespace } from "./stageWorkersRender";

export interface AirflowDatabaseArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** Sizes (3 instances and 2 operator replicas outside dev), retention and `protect`. */
  environment: EnvironmentName;
  /** Where base backups and WAL go (`ObjectStore.backupStore`), under `airflow-db/<cluster>`. */
  backupStore: BackupStore;
  /** The database's namespace (`restricted`). @defaultValue "airflow-db" */
  namespace?: string;
  /** PostgreSQL instances: a primary and `instances - 1` standbys (1 to 9). @defaultValue 3 (1 in dev) */
  instances?: number;
  /** Each instance's PVC in GiB (1 to 16384). @defaultValue 20 */
  storageGiB?: number;
  /** The PVCs' storage class. @defaultValue the cluster's default */
  storageClass?: string;
  /** Days barman keeps backups and WAL (1 to 365). @defaultValue the profile's `backup.dailyRetentionDays` */
  backupRetentionDays?: number;
  /**
   * Install the CloudNativePG operator (chart {@link CNPG_CHART_VERSION}, cluster-wide, namespace
   * `cnpg-system`); `false` when the cluster already runs CloudNativePG 1.30 or later.
   * @defaultValue true
   */
  installOperator?: boolean;
}

/** Checks {@link AirflowDatabaseArgs} and throws one error listing every problem. */
export function validateAirflowDatabaseArgs(
  args: Omit<AirflowDatabaseArgs, "provider" | "backupStore">,
): void {
  const p = new Problems();
  p.wholeNumber("SEAWALL_K8S_AIRFLOW_DB_INSTANCES", "instances", args.instances, 1, 9);
  p.wholeNumber("SEAWALL_K8S_AIRFLOW_DB_STORAGE", "storageGiB", args.storageGiB, 1, 16384);
  p.wholeNumber("SEAWALL_K8S_AIRFLOW_DB_RETENTION", "backupRetentionDays", args.backupRetentionDays, 1, 365);
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  p.throwIfAny("seawall:kubernetes:AirflowDatabase");
}

/**
 * A CloudNativePG cluster for Airflow: see {@link renderCnpgCluster}. Outputs {@link database}, the
 * `AirflowDatabase` contract: the primary's Service `<name>-rw.<namespace>.svc`, port 5432,
 * database and user `airflow`, the generated password, and `sslMode: "require"`: the server's
 * certificate is signed by CloudNativePG's own CA, which the operator generates when the cluster is
 * created (Secret {@link caSecret}), so its PEM cannot be known when the program runs and Airflow
 * cannot be given it for `verify-full`. Pass the `ObjectStore` in `dependsOn` (the backups bucket),
 * and the monitoring stack for the PodMonitor's CRD.
 */
export class AirflowDatabase extends pulumi.ComponentResource {
  readonly database: AirflowDatabaseConnection;
  /** CloudNativePG's CA (`ca.crt`) in the database's namespace, for clients that can mount it. */
  readonly caSecret: SecretRef & { key: string };
  /** The `postgresql.cnpg.io/v1` Cluster. */
  readonly cluster: kubernetes.apiextensions.CustomResource;

  constructor(name: string, args: AirflowDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:AirflowDatabase", name, {}, opts);
    validateAirflowDatabaseArgs(args);
    const namespace = args.namespace ?? "airflow-db";
    const dev = args.environment === "dev";
    const profile = PROFILES[args.environment];
    const child = childOptions(this, args.provider);
    const cr = (
      id: string,
      obj: KubeObject,
      deps: pulumi.Resource[],
      extra: pulumi.CustomResourceOptions = {},
    ) =>
      customResource(
        `${name}-${id}`,
        { apiVersion: obj.apiVersion, kind: obj.kind },
        pulumi.output(undefined).apply(() => obj),
        { ...child(deps), ...extra },
      );

    const operatorDeps: pulumi.Resource[] = [];
    if (args.installOperator ?? true) {
      const opNs = new kubernetes.core.v1.Namespace(
        `${name}-operator-namespace`,
        k8sArgs(renderNamespace("cnpg-system"), []),
        child(),
      );
      operatorDeps.push(
        new kubernetes.helm.v3.Release(
          `${name}-operator`,
          {
            name: "cnpg",
            chart: "cloudnative-pg",
            version: CNPG_CHART_VERSION,
            repositoryOpts: { repo: CNPG_CHART_REPO },
            namespace: "cnpg-system",
            values: cnpgOperatorValues({ replicas: dev ? 1 : 2 }),
            atomic: true,
            cleanupOnFail: true,
            maxHistory: 5,
          },
          child([opNs]),
        ),
      );
    }
    const ns = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      k8sArgs(renderNamespace(namespace), []),
      child(),
    );

    // Generated once: updates keep the password. CloudNativePG sets it on the owner at bootstrap.
    const password = new random.RandomPassword(
      `${name}-password`,
      { length: 32, special: false },
      { parent: this },
    ).result;
    const appSecret = new kubernetes.core.v1.Secret(
      `${name}-app`,
      {
        metadata: { name: `${name}-app`, namespace },
        type: "kubernetes.io/basic-auth",
        stringData: pulumi.secret(
          password.apply((pw) => ({ username: AIRFLOW_DATABASE_USER, password: pw })),
        ),
      },
      child([ns]),
    );
    const store = args.backupStore;
    const client = storeClientSecrets(name, namespace, store, store.issuerRef, child([ns]));
    const deps: pulumi.Resource[] = [ns, appSecret, ...client.resources, ...operatorDeps];

    this.cluster = cr(
      "cluster",
      renderCnpgCluster({
        name,
        namespace,
        instances: args.instances ?? (dev ? 1 : 3),
        storageGiB: args.storageGiB ?? 20,
        storageClass: args.storageClass,
        appSecret: `${name}-app`,
        retentionDays: args.backupRetentionDays ?? profile.backup.dailyRetentionDays,
        backup: {
          destinationPath: `s3://${store.bucket}/airflow-db`,
          endpointURL: store.endpoint,
          credentialsSecret: client.credentialsSecret,
          caSecret: client.caSecret,
        },
      }),
      deps,
      { protect: profile.deletionProtection },
    );
    cr("scheduled-backup", renderScheduledBackup(name, namespace), [this.cluster]);
    cr("pod-monitor", renderPodMonitor(name, namespace), [ns, ...operatorDeps]);

    this.caSecret = { name: `${name}-ca`, namespace, key: CNPG_CA_KEY };
    this.database = {
      host: pulumi.output(cnpgPrimaryHost(name, namespace)),
      port: 5432,
      database: AIRFLOW_DATABASE_NAME,
      username: AIRFLOW_DATABASE_USER,
      password: pulumi.secret(password),
      sslMode: "require",
    };
    this.registerOutputs({ host: this.database.host, caSecret: this.caSecret });
  }
}
