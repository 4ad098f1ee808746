/**
 * The feature store's own Kubernetes objects as plain values (no Pulumi): Valkey's serving
 * certificate (cert-manager), its NetworkPolicy, and its alert rules on the exporter's metrics.
 */
import { CERT_MANAGER_GROUP, type IssuerRef } from "./certManagerValues";
import { alertRule, type AlertRule, renderPrometheusRule } from "./pipelineRules";
import type { KubeObject } from "./stageWorkersRender";
import { VALKEY_PORTS, VALKEY_SELECTOR, VALKEY_SERVICES } from "./valkeyValues";

const LABELS = { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" };

/** A Service's names: short, with the namespace, `.svc` and the cluster domain. */
function serviceNames(service: string, namespace: string, clusterDomain: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.${clusterDomain}`,
  ];
}

/**
 * The DNS names Valkey's certificate covers: its Services (Valkey, Sentinel, headless) in every
 * form, every pod behind the headless Service (Sentinel announces the primary by that name, and
 * the Sentinels run in the same pods), and loopback (the exporter and the probes connect there).
 */
export function valkeyDnsNames(namespace: string, clusterDomain = "cluster.local"): string[] {
  const headless = VALKEY_SERVICES.headless;
  return [
    ...serviceNames(VALKEY_SERVICES.valkey, namespace, clusterDomain),
    ...serviceNames(VALKEY_SERVICES.sentinel, namespace, clusterDomain),
    ...serviceNames(headless, namespace, clusterDomain),
    `*.${headless}.${namespace}.svc.${clusterDomain}`,
    `*.${headless}.${namespace}.svc`,
    `*.${headless}.${namespace}`,
    "localhost",
  ];
}

/**
 * Valkey's certificate: server and client use (replication and Sentinel connect with it too),
 * ECDSA P-256 rotated on renewal, one year, renewed 30 days before. The Secret holds `tls.crt`,
 * `tls.key` and `ca.crt` (the CA issuer's), which the chart mounts and the workers read `ca.crt` of.
 */
export function renderValkeyCertificate(
  namespace: string,
  secretName: string,
  issuerRef: IssuerRef,
  clusterDomain = "cluster.local",
): KubeObject {
  return {
    apiVersion: `${CERT_MANAGER_GROUP}/v1`,
    kind: "Certificate",
    metadata: { name: secretName, namespace, labels: LABELS },
    spec: {
      secretName,
      secretTemplate: { labels: LABELS },
      commonName: `${VALKEY_SERVICES.valkey}.${namespace}.svc`,
      dnsNames: valkeyDnsNames(namespace, clusterDomain),
      ipAddresses: ["127.0.0.1", "::1"],
      duration: "8760h",
      renewBefore: "720h",
      usages: ["digital signature", "key encipherment", "server auth", "client auth"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { group: CERT_MANAGER_GROUP, ...issuerRef },
    },
  };
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * Valkey's pods take connections on Valkey's and Sentinel's ports from pods of their own namespace
 * (the workers, the backup job, and each other for replication and Sentinel), and on the
 * exporter's port from the monitoring namespace; nothing else.
 */
export function renderValkeyNetworkPolicy(namespace: string, monitoringNamespace: string): KubeObject {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: VALKEY_SERVICES.valkey, namespace, labels: LABELS },
    spec: {
      podSelector: { matchLabels: VALKEY_SELECTOR },
      policyTypes: ["Ingress"],
      ingress: [
        { from: [{ podSelector: {} }], ports: [tcp(VALKEY_PORTS.valkey), tcp(VALKEY_PORTS.sentinel)] },
        {
          from: [
            { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": monitoringNamespace } } },
          ],
          ports: [tcp(VALKEY_PORTS.metrics)],
        },
      ],
    },
  };
}

/** Alert thresholds of the feature store. */
export interface ValkeyRuleInput {
  /** Valkey pods: with more than one, every primary must have `replicas - 1` replicas. */
  replicas: number;
  /** Memory used per `maxmemory` above which the store is nearly full. @defaultValue 0.9 */
  memoryRatio?: number;
}

const by = "by (namespace, service)";

/**
 * Valkey's alerts on redis_exporter's metrics (`redis_up`, `redis_memory_used_bytes`,
 * `redis_memory_max_bytes`, `redis_evicted_keys_total`, `redis_connected_slaves`,
 * `redis_master_link_up`, `redis_instance_info{role}`), as Prometheus scrapes them through the
 * chart's ServiceMonitor (`namespace` and `service` labels from the target).
 */
export function valkeyAlerts(input: ValkeyRuleInput): AlertRule[] {
  const ratio = input.memoryRatio ?? 0.9;
  const rules = [
    alertRule(
      "ValkeyDown",
      "redis_up == 0",
      "2m",
      "critical",
      "Valkey {{ $labels.pod }} is down",
      "The exporter cannot reach its Valkey (redis_up is 0): the pod is failing or TLS/auth broke.",
    ),
    alertRule(
      "ValkeyMemoryNearlyFull",
      `redis_memory_used_bytes / (redis_memory_max_bytes > 0) > ${ratio}`,
      "10m",
      "warning",
      "Valkey {{ $labels.pod }} uses over " + `${ratio * 100}` + "% of maxmemory",
      "Used memory is close to maxmemory: keys with a TTL will be evicted, then writes refused. Give the store more memory.",
    ),
    alertRule(
      "ValkeyKeysEvicted",
      `sum ${by} (increase(redis_evicted_keys_total[10m])) > 0`,
      "0m",
      "warning",
      "Valkey evicted keys in {{ $labels.namespace }}",
      "Valkey reached maxmemory and evicted keys (features with a TTL): reads miss until the writers refill them. Give the store more memory.",
    ),
    alertRule(
      "ValkeyReplicationBroken",
      "redis_master_link_up == 0",
      "2m",
      "critical",
      "Valkey replica {{ $labels.pod }} lost its primary",
      "A replica's link to its primary is down: it serves stale data and cannot take over without loss. Check the primary and Sentinel.",
    ),
    alertRule(
      "ValkeyNoPrimary",
      `count ${by} (redis_up == 1) unless count ${by} (redis_instance_info{role="master"})`,
      "1m",
      "critical",
      "Valkey in {{ $labels.namespace }} has no primary",
      "Valkey pods run but none is the primary: every write fails until Sentinel promotes one. Check Sentinel's logs and quorum.",
    ),
  ];
  if (input.replicas > 1) {
    rules.push(
      alertRule(
        "ValkeyReplicasMissing",
        `sum ${by} (redis_connected_slaves and on (pod) redis_instance_info{role="master"}) < ${input.replicas - 1}`,
        "5m",
        "warning",
        "Valkey's primary has fewer than " + `${input.replicas - 1}` + " replicas",
        "A replica is down or resynchronising: a failover now could lose writes or leave no replica.",
      ),
    );
  }
  return rules;
}

/** The rule file: one group, evaluated every minute. */
export function valkeyRuleGroups(input: ValkeyRuleInput): {
  groups: { name: string; interval: string; rules: AlertRule[] }[];
} {
  return { groups: [{ name: "seawall-valkey", interval: "1m", rules: valkeyAlerts(input) }] };
}

/** The PrometheusRule kube-prometheus-stack's Prometheus loads. */
export function renderValkeyPrometheusRule(namespace: string, input: ValkeyRuleInput): KubeObject {
  return renderPrometheusRule(VALKEY_SERVICES.valkey, namespace, valkeyRuleGroups(input));
}
