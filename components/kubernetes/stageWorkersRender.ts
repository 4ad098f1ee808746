/**
 * The stage workers' Kubernetes objects as plain values (no Pulumi): the namespace, a
 * ServiceAccount, Deployment, PodDisruptionBudget, NetworkPolicy, Service and ServiceMonitor per
 * workload. `stageWorkers.ts` creates them from these; the tests validate them against the
 * Kubernetes 1.31 and prometheus-operator schemas.
 */
import {
  DEFAULT_RESOURCES,
  FEATURE_SERVER,
  isConsuming,
  RUNTIME_DEFAULTS,
  SECRET_ENV_NAMES,
  type SecretKeyRef,
  type Stage,
  type StageWorkload,
  workloadCommand,
  workloadName,
} from "./stageWorkersConfig";

/** A Kubernetes object as the API server takes it. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
} & Record<string, unknown>;

/** How the pods get their cloud identity; see {@link WorkersIdentity}. */
export type IdentityKind = "aws-pod-identity" | "gcp-workload-identity" | "azure-workload-identity" | "none";

/**
 * The workers' cloud identity, resolved: what the ServiceAccounts and pods carry. EKS Pod Identity
 * needs nothing on them (the cluster's associations bind the service accounts), GKE needs
 * `iam.gke.io/gcp-service-account` on the ServiceAccount, AKS `azure.workload.identity/client-id`
 * on it and the pod label `azure.workload.identity/use: "true"`.
 */
export interface WorkersIdentity {
  kind: IdentityKind;
  serviceAccountAnnotations: Record<string, string>;
  podLabels: Record<string, string>;
  /** One service account the cluster bound for every workload; unset: one per workload. */
  serviceAccountName?: string;
}

/** Everything the renderers need, with every platform output resolved. */
export interface WorkersRenderInput {
  /** The component's name: the `app.kubernetes.io/instance` label. */
  instance: string;
  namespace: string;
  image: string;
  workloads: StageWorkload[];
  /** Plain variables for every container (`workerEnvFromContracts()` and the user's `env`). */
  env: Record<string, string>;
  /** The Secret holding the credential variables, and which of them it holds. */
  secret?: { name: string; keys: (typeof SECRET_ENV_NAMES)[number][] };
  /** Variables every workload reads from existing Secrets. */
  secretEnv?: Record<string, SecretKeyRef>;
  identity: WorkersIdentity;
  /** Ports of the brokers (from the bootstrap servers) and of Redis, for the egress rules. */
  kafkaPorts: number[];
  redisPort: number;
  /** The namespace Prometheus scrapes from. */
  monitoringNamespace: string;
  /** Workloads whose replicas an autoscaler owns: their Deployments set no `replicas`. */
  autoscaled: ReadonlySet<string>;
  /** Pods allowed to call the feature server; unset: every pod of the cluster. */
  featureServerClients?: Record<string, unknown>[];
}

/** What each stage talks to (runtime/src/app.ts `stageTable`): the egress its NetworkPolicy allows. */
export const STAGE_DEPENDENCIES: Record<Stage, readonly ("kafka" | "redis" | "objectStore")[]> = {
  ingest: ["kafka"],
  dedup: ["kafka", "redis"],
  "lake-sink": ["kafka", "redis", "objectStore"],
  "feature-writer": ["kafka", "redis"],
  "feature-server": ["redis"],
};

/** The one HTTP port of a worker: probes, /metrics and the feature server's routes. */
export function httpPort(env: Record<string, string>): number {
  return env.HTTP_PORT ? Number(env.HTTP_PORT) : RUNTIME_DEFAULTS.httpPort;
}

/** The labels that select a workload's pods. */
export function selectorLabels(instance: string, workload: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "seawall-worker",
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": workload,
  };
}

/** Every label of a workload's objects. */
export function workloadLabels(instance: string, workload: string): Record<string, string> {
  return {
    ...selectorLabels(instance, workload),
    "app.kubernetes.io/part-of": "seawall",
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** The service account a workload runs as: the shared one the cluster bound, or `seawall-<workload>`. */
export function workerServiceAccountName(
  identity: Pick<WorkersIdentity, "serviceAccountName">,
  workload: string,
): string {
  return identity.serviceAccountName ?? `seawall-${workload}`;
}

/** The ports of a `host:port[,host:port]` list, sorted and without repeats. */
export function brokerPorts(bootstrapServers: string): number[] {
  const ports = bootstrapServers
    .split(",")
    .map((h) => h.trim())
    .filter((h) => h !== "")
    .map((h) => Number(h.slice(h.lastIndexOf(":") + 1)))
    .filter((n) => Number.isInteger(n) && n > 0 && n < 65536);
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The workers' namespace, enforcing the `restricted` Pod Security Standard. */
export function renderNamespace(namespace: string): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: namespace,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "app.kubernetes.io/part-of": "seawall",
        "app.kubernetes.io/managed-by": "pulumi",
      },
    },
  };
}

/** A workload's ServiceAccount (or the shared one), with the identity's annotations; no token mounted. */
export function renderServiceAccount(input: WorkersRenderInput, workload: string): KubeObject {
  const annotations = input.identity.serviceAccountAnnotations;
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: {
      name: workerServiceAccountName(input.identity, workload),
      namespace: input.namespace,
      labels: input.identity.serviceAccountName
        ? { "app.kubernetes.io/part-of": "seawall", "app.kubernetes.io/managed-by": "pulumi" }
        : workloadLabels(input.instance, workload),
      ...(Object.keys(annotations).length > 0 ? { annotations: { ...annotations } } : {}),
    },
    automountServiceAccountToken: false,
  };
}

/** The container's environment: plain variables sorted by name, then the secrets by reference. */
export function renderEnv(input: WorkersRenderInput, w?: StageWorkload): Record<string, unknown>[] {
  const env = { ...input.env, ...w?.env };
  const plain = Object.keys(env)
    .sort()
    .map((name) => ({ name, value: env[name] }));
  const refs = secretEnvOf(input, w);
  return [
    ...plain,
    ...Object.keys(refs).map((name) => ({ name, valueFrom: { secretKeyRef: { ...refs[name] } } })),
  ];
}

/**
 * The variables a workload reads from Secrets, by name: the component's own Secret's keys, then
 * the component's `secretEnv`, then the workload's (each over the one before).
 */
export function secretEnvOf(input: WorkersRenderInput, w?: StageWorkload): Record<string, SecretKeyRef> {
  const own = Object.fromEntries(
    (input.secret?.keys ?? []).map((key) => [key, { name: input.secret!.name, key }]),
  );
  return { ...own, ...input.secretEnv, ...w?.secretEnv };
}

/** A workload's Deployment: hardened pod, probes, resources, zone spread, the image's entry point. */
export function renderDeployment(input: WorkersRenderInput, w: StageWorkload): KubeObject {
  const name = workloadName(w);
  const port = httpPort(input.env);
  const deadline = input.env.SHUTDOWN_DEADLINE_MS
    ? Number(input.env.SHUTDOWN_DEADLINE_MS)
    : RUNTIME_DEFAULTS.shutdownDeadlineMs;
  const selector = selectorLabels(input.instance, name);
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: "http", scheme: "HTTP" },
    periodSeconds,
    timeoutSeconds: 3,
    failureThreshold,
  });
  const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable,
    labelSelector: { matchLabels: selector },
  });
  return workloadObject(input, name, "apps/v1", "Deployment", {
    ...(input.autoscaled.has(name) ? {} : { replicas: w.minReplicas ?? 2 }),
    revisionHistoryLimit: 5,
    selector: { matchLabels: selector },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    template: {
      metadata: { labels: { ...workloadLabels(input.instance, name), ...input.identity.podLabels } },
      spec: {
        serviceAccountName: workerServiceAccountName(input.identity, name),
        automountServiceAccountToken: false,
        enableServiceLinks: false,
        // The runtime finishes its batch and commits within SHUTDOWN_DEADLINE_MS of SIGTERM.
        terminationGracePeriodSeconds: Math.ceil(deadline / 1000) + 10,
        securityContext: {
          runAsNonRoot: true,
          // The image's USER is `node` (uid 1000): numeric here so the kubelet can verify non-root.
          runAsUser: 1000,
          runAsGroup: 1000,
          fsGroup: 1000,
          seccompProfile: { type: "RuntimeDefault" },
        },
        topologySpreadConstraints: [
          spread("topology.kubernetes.io/zone", "DoNotSchedule"),
          spread("kubernetes.io/hostname", "ScheduleAnyway"),
        ],
        containers: [
          {
            name: "worker",
            image: input.image,
            imagePullPolicy: "IfNotPresent",
            args: [workloadCommand(w)],
            ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
            env: renderEnv(input, w),
            resources: w.resources ?? DEFAULT_RESOURCES,
            startupProbe: probe("/healthz", 5, 24),
            livenessProbe: probe("/healthz", 10, 3),
            readinessProbe: probe("/readyz", 5, 3),
            securityContext: {
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ["ALL"] },
              seccompProfile: { type: "RuntimeDefault" },
            },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
      },
    },
  });
}

/** A workload's object of `apiVersion`/`kind`: named after the workload, in the workers' namespace, labelled. */
function workloadObject(
  input: WorkersRenderInput,
  name: string,
  apiVersion: string,
  kind: string,
  spec?: Record<string, unknown>,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: { name, namespace: input.namespace, labels: workloadLabels(input.instance, name) },
    ...(spec ? { spec } : {}),
  };
}

/** At most one pod of a workload evicted at a time (drains, node upgrades). */
export function renderPodDisruptionBudget(input: WorkersRenderInput, w: StageWorkload): KubeObject {
  const name = workloadName(w);
  return workloadObject(input, name, "policy/v1", "PodDisruptionBudget", {
    maxUnavailable: 1,
    selector: { matchLabels: selectorLabels(input.instance, name) },
    unhealthyPodEvictionPolicy: "AlwaysAllow",
  });
}

const tcp = (port: number) => ({ protocol: "TCP", port });

/**
 * Default deny, then only what the workload talks to: DNS, the brokers' ports, Redis's port, HTTPS
 * (the object store, and Entra ID's token endpoint on AKS), the node-local identity agent (EKS Pod
 * Identity, GKE's metadata server); in, the metrics port from the monitoring namespace, and the
 * feature server's port from its clients.
 */
export function renderNetworkPolicy(input: WorkersRenderInput, w: StageWorkload): KubeObject {
  const name = workloadName(w);
  const port = httpPort(input.env);
  const egress = egressRules(input, new Set(w.stages.flatMap((s) => STAGE_DEPENDENCIES[s])));
  const monitoring = {
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": input.monitoringNamespace } },
  };
  const from = w.stages.includes(FEATURE_SERVER)
    ? (input.featureServerClients ?? [{ namespaceSelector: {} }])
    : [monitoring];
  return workloadObject(input, name, "networking.k8s.io/v1", "NetworkPolicy", {
    podSelector: { matchLabels: selectorLabels(input.instance, name) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{ from, ports: [tcp(port)] }],
    egress,
  });
}

/** The egress a pod that talks to `needs` gets: DNS, those dependencies' ports, the identity agent. */
function egressRules(
  input: WorkersRenderInput,
  needs: ReadonlySet<"kafka" | "redis" | "objectStore">,
): Record<string, unknown>[] {
  const egress: Record<string, unknown>[] = [{ ports: [{ protocol: "UDP", port: 53 }, tcp(53)] }];
  if (needs.has("kafka") && input.kafkaPorts.length > 0) egress.push({ ports: input.kafkaPorts.map(tcp) });
  if (needs.has("redis")) egress.push({ ports: [tcp(input.redisPort)] });
  if (needs.has("objectStore") || input.identity.kind === "azure-workload-identity") {
    egress.push({ ports: [tcp(443)] });
  }
  if (input.identity.kind === "aws-pod-identity") {
    egress.push({ to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [tcp(80)] });
  }
  if (input.identity.kind === "gcp-workload-identity") {
    egress.push({ to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [tcp(80), tcp(988)] });
  }
  return egress;
}

/** The maintenance pods' name within the workers' labels (`app.kubernetes.io/component`). */
export const MAINTENANCE = "maintenance";

/** Who launches the maintenance pods: Airflow's service account. */
export interface MaintenanceLauncher {
  namespace: string;
  serviceAccountName: string;
}

/** The labels of the maintenance pods Airflow starts (its DAGs add them to every pod). */
export function maintenancePodLabels(input: WorkersRenderInput): Record<string, string> {
  return { ...workloadLabels(input.instance, MAINTENANCE), ...input.identity.podLabels };
}

/** The runtime's environment for the maintenance pods (the workers' plain variables). */
export function renderMaintenanceEnv(input: WorkersRenderInput): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: `${input.instance}-${MAINTENANCE}-env`,
      namespace: input.namespace,
      labels: workloadLabels(input.instance, MAINTENANCE),
    },
    data: { ...input.env },
  };
}

/** Maintenance pods take no connection and reach only Redis, the object store and the identity agent. */
export function renderMaintenanceNetworkPolicy(input: WorkersRenderInput): KubeObject {
  return workloadObject(input, MAINTENANCE, "networking.k8s.io/v1", "NetworkPolicy", {
    podSelector: { matchLabels: selectorLabels(input.instance, MAINTENANCE) },
    policyTypes: ["Ingress", "Egress"],
    ingress: [],
    egress: egressRules(input, new Set(["redis", "objectStore"] as const)),
  });
}

/**
 * What the launcher may do in the workers' namespace: run pods and read their logs and events (what
 * Airflow's KubernetesPodOperator needs), nothing else (no Secrets, no exec).
 */
export function renderMaintenanceRole(input: WorkersRenderInput): KubeObject {
  return {
    ...workloadObject(input, `${MAINTENANCE}-launcher`, "rbac.authorization.k8s.io/v1", "Role"),
    rules: [
      { apiGroups: [""], resources: ["pods"], verbs: ["create", "get", "list", "watch", "delete", "patch"] },
      { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "list"] },
      { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
    ],
  };
}

/** Binds {@link renderMaintenanceRole} to the launcher's service account. */
export function renderMaintenanceRoleBinding(
  input: WorkersRenderInput,
  launcher: MaintenanceLauncher,
): KubeObject {
  const name = `${MAINTENANCE}-launcher`;
  return {
    ...workloadObject(input, name, "rbac.authorization.k8s.io/v1", "RoleBinding"),
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ kind: "ServiceAccount", name: launcher.serviceAccountName, namespace: launcher.namespace }],
  };
}

/** The workload's Service: ClusterIP for the feature server, headless (discovery only) otherwise. */
export function renderService(input: WorkersRenderInput, w: StageWorkload): KubeObject {
  const name = workloadName(w);
  return workloadObject(input, name, "v1", "Service", {
    type: "ClusterIP",
    ...(isConsuming(w) ? { clusterIP: "None" } : {}),
    selector: selectorLabels(input.instance, name),
    ports: [{ name: "http", port: httpPort(input.env), targetPort: "http", protocol: "TCP" }],
  });
}

/** Prometheus scrapes the workload's `/metrics` every 30 s through its Service. */
export function renderServiceMonitor(input: WorkersRenderInput, w: StageWorkload): KubeObject {
  const name = workloadName(w);
  return workloadObject(input, name, "monitoring.coreos.com/v1", "ServiceMonitor", {
    selector: { matchLabels: selectorLabels(input.instance, name) },
    namespaceSelector: { matchNames: [input.namespace] },
    endpoints: [{ port: "http", path: "/metrics", scheme: "http", interval: "30s", scrapeTimeout: "10s" }],
  });
}

/** The Secret with the credential variables (values as `stringData`). */
export function renderSecret(
  name: string,
  namespace: string,
  stringData: Record<string, string>,
  labels: Record<string, string> = {
    "app.kubernetes.io/part-of": "seawall",
    "app.kubernetes.io/managed-by": "pulumi",
  },
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace, labels },
    type: "Opaque",
    stringData,
  };
}
