/**
 * Validates rendered Kubernetes objects and custom resources against the schemas the API server
 * applies (test/fixtures/deploy-schemas, copied from ../shared/schemas: Kubernetes 1.31
 * standalone-strict, the KEDA and prometheus-operator CRDs' strict schemas), as kubeconform would,
 * with no cluster.
 */
import Ajv, { type ValidateFunction } from "ajv";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The schemas, vendored from ../shared/schemas so a fresh clone tests with nothing beside it. */
export const SCHEMAS = join(__dirname, "../fixtures/deploy-schemas");

const FILES: Record<string, string> = {
  "v1/Namespace": "kubernetes/v1.31.0-standalone-strict/namespace-v1.json",
  "v1/ServiceAccount": "kubernetes/v1.31.0-standalone-strict/serviceaccount-v1.json",
  "v1/Service": "kubernetes/v1.31.0-standalone-strict/service-v1.json",
  "v1/Secret": "kubernetes/v1.31.0-standalone-strict/secret-v1.json",
  "v1/ConfigMap": "kubernetes/v1.31.0-standalone-strict/configmap-v1.json",
  "apps/v1/Deployment": "kubernetes/v1.31.0-standalone-strict/deployment-apps-v1.json",
  "policy/v1/PodDisruptionBudget": "kubernetes/v1.31.0-standalone-strict/poddisruptionbudget-policy-v1.json",
  "rbac.authorization.k8s.io/v1/Role": "kubernetes/v1.31.0-standalone-strict/role-rbac-v1.json",
  "rbac.authorization.k8s.io/v1/RoleBinding": "kubernetes/v1.31.0-standalone-strict/rolebinding-rbac-v1.json",
  "networking.k8s.io/v1/NetworkPolicy":
    "kubernetes/v1.31.0-standalone-strict/networkpolicy-networking-v1.json",
  "autoscaling/v2/HorizontalPodAutoscaler":
    "kubernetes/v1.31.0-standalone-strict/horizontalpodautoscaler-autoscaling-v2.json",
  "monitoring.coreos.com/v1/ServiceMonitor":
    "prometheus-operator/json-strict/prometheus-operator-servicemonitor-v1.json",
  "monitoring.coreos.com/v1/PrometheusRule":
    "prometheus-operator/json-strict/prometheus-operator-prometheusrule-v1.json",
  "keda.sh/v1alpha1/ScaledObject": "keda/json-strict/keda-scaledobject-v1alpha1.json",
  "keda.sh/v1alpha1/TriggerAuthentication": "keda/json-strict/keda-triggerauthentication-v1alpha1.json",
  "batch/v1/CronJob": "kubernetes/v1.31.0-standalone-strict/cronjob-batch-v1.json",
  "cert-manager.io/v1/Certificate": "cert-manager/json-strict/cert-manager-certificate-v1.json",
  "cert-manager.io/v1/Issuer": "cert-manager/json-strict/cert-manager-issuer-v1.json",
  "cert-manager.io/v1/ClusterIssuer": "cert-manager/json-strict/cert-manager-clusterissuer-v1.json",
  "kafka.strimzi.io/v1/Kafka": "strimzi/json-strict/strimzi-kafka-v1.json",
  "kafka.strimzi.io/v1/KafkaNodePool": "strimzi/json-strict/strimzi-kafkanodepool-v1.json",
  "kafka.strimzi.io/v1/KafkaTopic": "strimzi/json-strict/strimzi-kafkatopic-v1.json",
  "kafka.strimzi.io/v1/KafkaUser": "strimzi/json-strict/strimzi-kafkauser-v1.json",
  "monitoring.coreos.com/v1/PodMonitor":
    "prometheus-operator/json-strict/prometheus-operator-podmonitor-v1.json",
  "batch/v1/Job": "kubernetes/v1.31.0-standalone-strict/job-batch-v1.json",
  "postgresql.cnpg.io/v1/Cluster": "cloudnative-pg/json-strict/cloudnative-pg-cluster-v1.json",
  "postgresql.cnpg.io/v1/ScheduledBackup":
    "cloudnative-pg/json-strict/cloudnative-pg-scheduledbackup-v1.json",
};

const ajv = new Ajv({
  strict: false,
  allErrors: true,
  validateFormats: false,
  validateSchema: false,
  // Go's (?i) prefix, which one prometheus-operator pattern uses, becomes JavaScript's i flag.
  code: {
    regExp: ((pattern: string, flags: string) =>
      /^\^?\(\?i\)/.test(pattern)
        ? new RegExp(pattern.replace(/^(\^?)\(\?i\)/, "$1"), `${flags}i`)
        : new RegExp(pattern, flags)) as never,
  },
});
const compiled = new Map<string, ValidateFunction>();

/** The schema file for an object's apiVersion and kind; fails for a kind no schema covers. */
export function schemaFileOf(obj: { apiVersion?: unknown; kind?: unknown }): string {
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const file = FILES[key];
  if (!file) throw new Error(`no schema for ${key}`);
  const path = join(SCHEMAS, file);
  if (!existsSync(path))
    throw new Error(
      `schema ${path} is missing: copy it from ../shared/schemas into test/fixtures/deploy-schemas (see its SOURCE.md)`,
    );
  return path;
}

/** The schema errors of one object, as `instancePath message` lines; [] when it is valid. */
export function schemaErrors(
  obj: { apiVersion?: unknown; kind?: unknown } & Record<string, unknown>,
): string[] {
  const path = schemaFileOf(obj);
  let validate = compiled.get(path);
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(path, "utf8")));
    compiled.set(path, validate);
  }
  // JSON round trip: what the API server receives (undefined fields dropped).
  const ok = validate(JSON.parse(JSON.stringify(obj)));
  return ok
    ? []
    : (validate.errors ?? []).map(
        (e) => `${obj.kind} ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
      );
}
