/**
 * Airflow's own Kubernetes objects and Secret contents as plain values (no Pulumi): the namespace,
 * the one service account bound to the cloud identity, Seawall's NetworkPolicies (the chart's stay
 * off, see airflowValues.ts), the ServiceMonitors of the statsd and PgBouncer exporters, the DAG
 * ConfigMap, and the metadata connection, PgBouncer configuration and Celery broker texts.
 */
import type { AirflowDatabase } from "./airflowContract";
import { AIRFLOW_PORTS, AIRFLOW_RELEASE, type AirflowExecutor } from "./airflowValues";
import type { KubeObject } from "./stageWorkersRender";
import { renderNamespace } from "./stageWorkersRender";

const LABELS = { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" };

/** The Airflow namespace: the `restricted` Pod Security Standard, like the workers'. */
export function renderAirflowNamespace(namespace: string): KubeObject {
  return renderNamespace(namespace);
}

/** The service account every Airflow component runs as, annotated for the cloud identity. */
export function renderAirflowServiceAccount(
  namespace: string,
  name: string,
  annotations: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name,
      namespace,
      labels: LABELS,
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    },
    // The scheduler launches task pods and the API server reads their logs through the API.
    automountServiceAccountToken: true,
  };
}

/** The chart's pods of one component (its own labels). */
const component = (name: string) => ({
  podSelector: { matchLabels: { tier: "airflow", component: name, release: AIRFLOW_RELEASE } },
});
const airflowPods = { podSelector: { matchLabels: { tier: "airflow", release: AIRFLOW_RELEASE } } };
const inNamespace = (ns: string) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
});
const tcp = (port: number) => ({ protocol: "TCP", port });

function policy(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace, labels: LABELS },
    spec,
  };
}

/** Who may reach Airflow beyond itself. */
export interface AirflowPeers {
  /** The namespace Prometheus scrapes from. */
  monitoringNamespace: string;
  /** KEDA's namespace (Celery workers scale on a query of the metadata database through PgBouncer). */
  kedaNamespace?: string;
  /** NetworkPolicy peers allowed to call the API server (an ingress controller); none by default. */
  apiServerClients: Record<string, unknown>[];
}

/**
 * Deny every connection into the namespace, then allow: the API server from Airflow's own pods
 * (Airflow 3's task execution API) and the given clients; PgBouncer from Airflow's pods (and KEDA
 * for Celery); statsd from Airflow's pods; the exporters' ports from the monitoring namespace; the
 * task-log ports from the API server (live logs of running tasks; finished ones are read from the
 * object store); Celery's Redis from Airflow's pods. Egress stays open: the database, the object
 * store and the Kubernetes API are outside the namespace and vary per cloud.
 */
export function renderAirflowNetworkPolicies(
  namespace: string,
  executor: AirflowExecutor,
  peers: AirflowPeers,
): KubeObject[] {
  const p = AIRFLOW_PORTS;
  const monitoring = inNamespace(peers.monitoringNamespace);
  const celery = executor === "CeleryExecutor";
  const ingress = (name: string, selector: object, rules: Record<string, unknown>[]) =>
    policy(namespace, `seawall-airflow-${name}`, { ...selector, policyTypes: ["Ingress"], ingress: rules });
  return [
    policy(namespace, "seawall-airflow-default-deny", {
      podSelector: {},
      policyTypes: ["Ingress"],
      ingress: [],
    }),
    ingress("api-server", component("api-server"), [
      { from: [airflowPods, ...peers.apiServerClients], ports: [tcp(p.apiServer)] },
    ]),
    ingress("pgbouncer", component("pgbouncer"), [
      {
        from: [airflowPods, ...(celery && peers.kedaNamespace ? [inNamespace(peers.kedaNamespace)] : [])],
        ports: [tcp(p.pgbouncer)],
      },
      { from: [monitoring], ports: [tcp(p.pgbouncerScrape)] },
    ]),
    ingress("statsd", component("statsd"), [
      { from: [airflowPods], ports: [{ protocol: "UDP", port: p.statsdIngest }] },
      { from: [monitoring], ports: [tcp(p.statsdScrape)] },
    ]),
    ingress(
      "task-logs",
      {
        podSelector: {
          matchExpressions: [{ key: "component", operator: "In", values: ["worker", "triggerer"] }],
        },
      },
      [{ from: [component("api-server")], ports: [tcp(p.workerLogs), tcp(p.triggererLogs)] }],
    ),
    ...(celery
      ? [ingress("redis", component("redis"), [{ from: [airflowPods], ports: [tcp(p.redis)] }])]
      : []),
  ];
}

/** Prometheus scrapes the statsd exporter (Airflow's metrics) and PgBouncer's exporter. */
export function renderAirflowServiceMonitors(namespace: string): KubeObject[] {
  const monitor = (name: string, componentName: string, port: string) => ({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name: `seawall-airflow-${name}`, namespace, labels: LABELS },
    spec: {
      selector: { matchLabels: { tier: "airflow", component: componentName, release: AIRFLOW_RELEASE } },
      namespaceSelector: { matchNames: [namespace] },
      endpoints: [{ port, path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s" }],
    },
  });
  return [monitor("statsd", "statsd", "statsd-scrape"), monitor("pgbouncer", "pgbouncer", "pgb-metrics")];
}

/**
 * The DAG files as a ConfigMap mounted in Airflow's dags folder, and an `.airflowignore` so the
 * DAG processor skips the ConfigMap volume's own `..data` and timestamped directories.
 */
export function renderDagsConfigMap(
  namespace: string,
  name: string,
  files: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name, namespace, labels: LABELS },
    data: { ".airflowignore": "^\\.\\.\n", ...files },
  };
}

/** PgBouncer's in-cluster address (the chart's Service). */
export function pgbouncerHost(namespace: string): string {
  return `${AIRFLOW_RELEASE}-pgbouncer.${namespace}`;
}

/** The logical databases PgBouncer serves (the chart's names). */
export const PGBOUNCER_DATABASES = {
  metadata: `${AIRFLOW_RELEASE}-metadata`,
  resultBackend: `${AIRFLOW_RELEASE}-result-backend`,
};

/**
 * Airflow's SQLAlchemy URL of the metadata database, through PgBouncer (inside the namespace,
 * behind its NetworkPolicy); PgBouncer speaks TLS to the server (see {@link pgbouncerIni}). No
 * `sslmode` in the URL: Airflow 3 also opens it with asyncpg, which refuses that parameter
 * (apache/airflow#49383), and libpq's default (`prefer`) falls back to plain text to PgBouncer.
 */
export function metadataConnection(
  db: Pick<AirflowDatabase, "username">,
  password: string,
  namespace: string,
  scheme = "postgresql",
): string {
  const database = scheme === "postgresql" ? PGBOUNCER_DATABASES.metadata : PGBOUNCER_DATABASES.resultBackend;
  return `${scheme}://${encodeURIComponent(db.username)}:${encodeURIComponent(password)}@${pgbouncerHost(namespace)}:${AIRFLOW_PORTS.pgbouncer}/${database}`;
}

/** Where PgBouncer's exporter reads its stats: the admin console on loopback. */
export function pgbouncerStatsConnection(db: Pick<AirflowDatabase, "username">, password: string): string {
  return `postgresql://${encodeURIComponent(db.username)}:${encodeURIComponent(password)}@127.0.0.1:${AIRFLOW_PORTS.pgbouncer}/pgbouncer?sslmode=disable`;
}

/** Where PgBouncer keeps the CA it verifies the server with (the chart mounts `pgbouncer.ssl.ca` there). */
export const PGBOUNCER_CA_FILE = "/etc/pgbouncer/root.crt";

/**
 * PgBouncer's configuration: Airflow's databases on the cloud's server, TLS to it as the server
 * requires (`server_tls_sslmode`, with the CA for `verify-*`), SCRAM from Airflow, transaction pooling.
 */
export function pgbouncerIni(
  db: Omit<AirflowDatabase, "password" | "host" | "caCert"> & { host: string; hasCa: boolean },
  executor: AirflowExecutor,
  poolSize = 10,
): string {
  const server = `host=${db.host} dbname=${db.database} port=${db.port}`;
  return [
    "[databases]",
    `${PGBOUNCER_DATABASES.metadata} = ${server} pool_size=${poolSize}`,
    ...(executor === "CeleryExecutor"
      ? [`${PGBOUNCER_DATABASES.resultBackend} = ${server} pool_size=5`]
      : []),
    "",
    "[pgbouncer]",
    "pool_mode = transaction",
    `listen_port = ${AIRFLOW_PORTS.pgbouncer}`,
    "listen_addr = *",
    "auth_type = scram-sha-256",
    "auth_file = /etc/pgbouncer/users.txt",
    `stats_users = ${db.username}`,
    "ignore_startup_parameters = extra_float_digits",
    "max_client_conn = 200",
    `server_tls_sslmode = ${db.sslMode}`,
    ...(db.hasCa ? [`server_tls_ca_file = ${PGBOUNCER_CA_FILE}`] : []),
    "server_tls_protocols = tlsv1.2,tlsv1.3",
    "",
  ].join("\n");
}

/** PgBouncer's users file: the one role, its password quoted (`"` doubled, as PgBouncer reads it). */
export function pgbouncerUsers(username: string, password: string): string {
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return `${q(username)} ${q(password)}\n`;
}

/** Celery's broker URL: the chart's Redis, with its password. */
export function brokerUrl(password: string, namespace: string): string {
  return `redis://:${encodeURIComponent(password)}@${AIRFLOW_RELEASE}-redis.${namespace}:${AIRFLOW_PORTS.redis}/0`;
}

/** A Fernet key from 32 random bytes given as standard base64: Fernet wants URL-safe base64. */
export function fernetKey(base64: string): string {
  return base64.replace(/\+/g, "-").replace(/\//g, "_");
}
