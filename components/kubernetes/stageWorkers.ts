import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workerEnvFromContracts } from "../../runtime/src/config";
import type { KafkaConnection, ObjectStoreLocation, RedisConnection } from "../contracts";
import type { MaintenancePods } from "./airflowContract";
import {
  DEFAULT_WORKLOADS,
  replicaBounds,
  type SecretKeyRef,
  type StageWorkload,
  validateStageWorkersConfig,
  workloadInput,
  workloadName,
} from "./stageWorkersConfig";
import {
  brokerPorts,
  type IdentityKind,
  type KubeObject,
  renderDeployment,
  type MaintenanceLauncher,
  maintenancePodLabels,
  renderMaintenanceEnv,
  renderMaintenanceNetworkPolicy,
  renderMaintenanceRole,
  renderMaintenanceRoleBinding,
  renderNamespace,
  renderNetworkPolicy,
  renderPodDisruptionBudget,
  renderSecret,
  renderService,
  renderServiceAccount,
  renderServiceMonitor,
  secretEnvOf,
  workerServiceAccountName,
  type WorkersRenderInput,
} from "./stageWorkersRender";
import { childOptions, customResource, k8sArgs } from "./kubeResources";
import {
  type LagSource,
  renderFeatureServerHpa,
  renderScaledObject,
  renderTriggerAuthentication,
} from "./stageWorkersScaling";

/**
 * The workers' cloud identity as the cluster bound it. Structurally a subset of the cluster
 * contract's `WorkloadIdentity` (components/kubernetes/clusterContract.ts), so a cluster's
 * `workloadIdentity` output can be passed as it is.
 */
export interface StageWorkersIdentity {
  /** `aws-pod-identity`, `gcp-workload-identity`, `azure-workload-identity` or `none`. */
  kind: IdentityKind;
  /** The namespace the cluster bound the identity in; must be the workers' namespace. */
  namespace?: string;
  /**
   * The one service account the cluster bound; every workload then runs as it.
   * @defaultValue unset: one ServiceAccount per workload, `seawall-<workload>` (bind each)
   */
  serviceAccountName?: string;
  /**
   * Annotations on the ServiceAccounts: GKE `iam.gke.io/gcp-service-account`, AKS
   * `azure.workload.identity/client-id`; none on EKS Pod Identity (the cluster's association binds
   * the service account; `eks.amazonaws.com/role-arn` is IRSA's and not used).
   * @defaultValue {}
   */
  serviceAccountAnnotations?: pulumi.Input<Record<string, string>>;
  /** Labels on the pods: AKS `azure.workload.identity/use: "true"`. @defaultValue {} */
  podLabels?: Record<string, string>;
}

/** How the workers scale; see {@link LagSource} for why each lag source. */
export interface StageWorkersAutoscaling {
  /** Partitions of each input topic, by topic name: a consumer's replicas never exceed them. */
  partitions: Record<string, number>;
  /**
   * Where KEDA reads the lag: `kafka-msk-iam` (MSK with IAM, through EKS Pod Identity of the KEDA
   * operator), `kafka-scram` (SCRAM with the workers' credentials Secret) or `prometheus` (the lag
   * the workers export; GCP Managed Kafka and Event Hubs).
   */
  lag:
    | { scaler: "kafka-msk-iam"; awsRegion: pulumi.Input<string> }
    | { scaler: "kafka-scram"; mechanism?: "SCRAM-SHA-512" | "SCRAM-SHA-256" }
    | {
        scaler: "prometheus";
        /** @defaultValue kube-prometheus-stack's Prometheus Service in `monitoringNamespace` */
        serverAddress?: pulumi.Input<string>;
      };
  /** Messages of lag per replica. @defaultValue 1000 */
  lagThreshold?: number;
  /** The feature server's HPA target CPU utilization, percent of requests. @defaultValue 70 */
  featureServerCpuUtilization?: number;
}

export interface StageWorkersArgs {
  /** The cluster's Kubernetes provider (a cluster component's `provider` output). */
  provider: kubernetes.Provider;
  /**
   * The runtime image, pinned: `registry/seawall-runtime@sha256:<digest>` (best) or a version tag
   * (not `latest`).
   */
  image: pulumi.Input<string>;
  /** The event stream's connection (the platform's output). */
  kafka: pulumi.Input<KafkaConnection>;
  /** The feature store's connection. */
  redis: pulumi.Input<RedisConnection>;
  /** The lake's location. */
  lake: pulumi.Input<ObjectStoreLocation>;
  /**
   * Credentials, written to a Kubernetes Secret and read through `secretKeyRef`: the Redis AUTH
   * password and the Kafka SASL `user:password` (SCRAM).
   * @defaultValue redisAuth: the Redis connection's `authSecret`; kafkaCredentials: none
   */
  secrets?: { redisAuth?: pulumi.Input<string>; kafkaCredentials?: pulumi.Input<string> };
  /** The workers' namespace. @defaultValue "seawall" */
  namespace?: string;
  /** Create the namespace (Pod Security `restricted`); false when it exists. @defaultValue true */
  createNamespace?: boolean;
  /** Which stages run in which Deployment. @defaultValue one workload per stage */
  workloads?: StageWorkload[];
  /** More worker variables (runtime/src/config.ts), over those from the contracts. @defaultValue {} */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Variables every workload reads from existing Secrets in its namespace (an operator's CA, a
   * generated password): `{ REDIS_CA_CERT: { name, key } }`. @defaultValue {}
   */
  secretEnv?: Record<string, SecretKeyRef>;
  /** The workers' cloud identity. @defaultValue `{ kind: "none" }` */
  workloadIdentity?: StageWorkersIdentity;
  /** The namespace Prometheus runs in (allowed to scrape). @defaultValue "monitoring" */
  monitoringNamespace?: string;
  /**
   * NetworkPolicy peers allowed to call the feature server.
   * @defaultValue every pod of the cluster (`namespaceSelector: {}`), nothing outside it
   */
  featureServerClients?: kubernetes.types.input.networking.v1.NetworkPolicyPeer[];
  /** Autoscaling: KEDA on lag for consumers, an HPA on CPU for the feature server. @defaultValue none: fixed replicas */
  autoscaling?: StageWorkersAutoscaling;
  /**
   * Maintenance pods (`restore-drill`, `compact`, `backfill`...) that another service account (the
   * Airflow component's) launches in the workers' namespace, as the workers' service account, with
   * their environment (a ConfigMap), their credentials Secret and a NetworkPolicy of their own.
   * @defaultValue none
   */
  maintenance?: { launcher: MaintenanceLauncher };
}

/** kube-prometheus-stack's Prometheus Service for a release named `name` in `namespace`. */
export function prometheusServerAddress(namespace: string, release = "kube-prometheus-stack"): string {
  return `http://${release}-prometheus.${namespace}.svc:9090`;
}

/**
 * The Seawall pipeline on Kubernetes: one Deployment per workload (a stage, or a chain of stages)
 * from the runtime image, hardened (restricted Pod Security), wired to the platform's contracts
 * through `workerEnvFromContracts()`, with its ServiceAccount, PodDisruptionBudget, default-deny
 * NetworkPolicy, Service and ServiceMonitor, and KEDA ScaledObjects on lag. ServiceMonitors and
 * ScaledObjects need their CRDs: pass the KEDA and kube-prometheus-stack releases in `dependsOn`.
 */
export class StageWorkers extends pulumi.ComponentResource {
  /** The workers' namespace. */
  readonly namespace: string;
  /** Each workload's service account, for the cluster's identity bindings. */
  readonly serviceAccounts: { namespace: string; name: string }[];
  /** The Deployments' names, by workload. */
  readonly deployments: Record<string, pulumi.Output<string>>;
  /** Where the launcher starts maintenance pods, when `maintenance` was given. */
  readonly maintenancePods?: pulumi.Output<MaintenancePods>;

  constructor(name: string, args: StageWorkersArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:StageWorkers", name, {}, opts);
    const namespace = args.namespace ?? "seawall";
    const workloads = args.workloads ?? [...DEFAULT_WORKLOADS];
    const identity = args.workloadIdentity ?? { kind: "none" as const };
    validateStageWorkersConfig({
      image: args.image,
      namespace,
      workloads,
      env: args.env,
      secretEnv: args.secretEnv,
      partitions: args.autoscaling?.partitions,
      autoscaling: args.autoscaling !== undefined,
      identityNamespace: identity.namespace,
      lagThreshold: args.autoscaling?.lagThreshold,
    });
    const monitoringNamespace = args.monitoringNamespace ?? "monitoring";
    const childOpts = childOptions(this, args.provider);

    const ns =
      args.createNamespace === false
        ? undefined
        : new kubernetes.core.v1.Namespace(
            `${name}-namespace`,
            k8sArgs(renderNamespace(namespace), []),
            childOpts(),
          );
    const inNamespace = ns ? [ns] : [];

    const scaling = args.autoscaling;
    const lagScaler = scaling?.lag.scaler;
    const secretName = `${name}-credentials`;
    // The Redis connection without its token: what the objects render from is not secret.
    const redis = pulumi.unsecret(
      pulumi.output(args.redis).apply((r) => ({ ...r, authSecret: undefined }) as RedisConnection),
    );
    const plain = pulumi.output({
      image: args.image,
      kafka: args.kafka,
      redis,
      lake: args.lake,
      env: args.env ?? {},
      annotations: identity.serviceAccountAnnotations ?? {},
      awsRegion: scaling?.lag.scaler === "kafka-msk-iam" ? scaling.lag.awsRegion : undefined,
    });
    const secrets = pulumi
      .all([args.secrets?.redisAuth, args.secrets?.kafkaCredentials, pulumi.output(args.redis)])
      .apply(([redisAuth, kafkaCredentials, redis]) => {
        const data: Record<string, string> = {};
        const auth =
          redisAuth ?? ((redis.authMode ?? "password") === "password" ? redis.authSecret : undefined);
        if (auth) data.REDIS_AUTH = auth;
        if (kafkaCredentials) {
          const cut = kafkaCredentials.indexOf(":");
          data.KAFKA_CREDENTIALS = kafkaCredentials;
          data["kafka-username"] = kafkaCredentials.slice(0, cut);
          data["kafka-password"] = kafkaCredentials.slice(cut + 1);
        }
        return data;
      });
    const secret = new kubernetes.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: {
          name: secretName,
          namespace,
          labels: renderSecret(secretName, namespace, {}).metadata.labels,
        },
        type: "Opaque",
        stringData: pulumi.secret(secrets),
      },
      childOpts(inNamespace),
    );

    const autoscaled = new Set(scaling ? workloads.map(workloadName) : []);
    // Which credential variables the Secret holds is known once the contracts are; the names are not secret.
    const secretKeys = pulumi.unsecret(secrets.apply((data) => Object.keys(data)));
    const input: pulumi.Output<WorkersRenderInput> = pulumi.all([plain, secretKeys]).apply(([p, held]) => {
      const env: Record<string, string> = {
        ...workerEnvFromContracts({ kafka: p.kafka, redis: p.redis, lake: p.lake }),
        ...(p.awsRegion ? { KAFKA_CLIENT_REGION: p.awsRegion } : {}),
        ...p.env,
      };
      const keys = (["REDIS_AUTH", "KAFKA_CREDENTIALS"] as const).filter((k) => held.includes(k));
      return {
        instance: name,
        namespace,
        image: p.image,
        workloads,
        env,
        secret: keys.length > 0 ? { name: secretName, keys } : undefined,
        secretEnv: args.secretEnv ?? {},
        identity: {
          kind: identity.kind,
          serviceAccountAnnotations: p.annotations,
          podLabels: identity.podLabels ?? {},
          serviceAccountName: identity.serviceAccountName,
        },
        kafkaPorts: brokerPorts(p.kafka.bootstrapServers),
        redisPort: p.redis.port,
        monitoringNamespace,
        autoscaled,
        featureServerClients: args.featureServerClients as Record<string, unknown>[] | undefined,
      };
    });

    // One ServiceAccount per workload, or the one the cluster bound for all of them.
    const accountOwners = identity.serviceAccountName
      ? [workloadName(workloads[0])]
      : workloads.map(workloadName);
    const serviceAccounts = accountOwners.map(
      (owner) =>
        new kubernetes.core.v1.ServiceAccount(
          `${name}-${workerServiceAccountName(identity, owner)}`,
          k8sArgs(
            input.apply((i) => renderServiceAccount(i, owner)),
            ["automountServiceAccountToken"],
          ),
          childOpts(inNamespace),
        ),
    );
    const accounts = accountOwners.map((owner) => workerServiceAccountName(identity, owner));
    this.namespace = namespace;
    this.serviceAccounts = accounts.map((a) => ({ namespace, name: a }));
    this.deployments = {};

    for (const w of workloads) {
      const wname = workloadName(w);
      const child = `${name}-${wname}`;
      const deployment = new kubernetes.apps.v1.Deployment(
        child,
        k8sArgs(
          input.apply((i) => renderDeployment(i, w)),
          ["spec"],
        ),
        childOpts([...inNamespace, secret, ...serviceAccounts]),
      );
      this.deployments[wname] = deployment.metadata.name;
      new kubernetes.policy.v1.PodDisruptionBudget(
        child,
        k8sArgs(
          input.apply((i) => renderPodDisruptionBudget(i, w)),
          ["spec"],
        ),
        childOpts(inNamespace),
      );
      new kubernetes.networking.v1.NetworkPolicy(
        child,
        k8sArgs(
          input.apply((i) => renderNetworkPolicy(i, w)),
          ["spec"],
        ),
        childOpts(inNamespace),
      );
      new kubernetes.core.v1.Service(
        child,
        k8sArgs(
          input.apply((i) => renderService(i, w)),
          ["spec"],
        ),
        childOpts(inNamespace),
      );
      customResource(
        child,
        SERVICE_MONITOR,
        input.apply((i) => renderServiceMonitor(i, w)),
        childOpts(inNamespace),
      );

      if (!scaling) continue;
      const consumed = workloadInput(w, args.env as Record<string, unknown> | undefined);
      if (!consumed) {
        const bounds = replicaBounds({ ...w, maxReplicas: w.maxReplicas ?? 10 }, undefined);
        new kubernetes.autoscaling.v2.HorizontalPodAutoscaler(
          child,
          k8sArgs(
            renderFeatureServerHpa({
              name: wname,
              namespace,
              instance: name,
              min: bounds.min,
              max: bounds.max,
              cpuUtilization: scaling.featureServerCpuUtilization ?? 70,
            }),
            ["spec"],
          ),
          childOpts([...inNamespace, deployment]),
        );
        continue;
      }
      const bounds = replicaBounds(w, scaling.partitions[consumed.topic]);
      const scaled = pulumi.all([plain, pulumi.output(scaling.lag)]).apply(([p, lag]) => {
        const source: LagSource =
          lag.scaler === "kafka-msk-iam"
            ? { scaler: "kafka-msk-iam", awsRegion: p.awsRegion as string }
            : lag.scaler === "kafka-scram"
              ? {
                  scaler: "kafka-scram",
                  mechanism:
                    (lag.mechanism ?? p.kafka.saslMechanism) === "SCRAM-SHA-256"
                      ? "scram_sha256"
                      : "scram_sha512",
                  secretName,
                }
              : {
                  scaler: "prometheus",
                  serverAddress: lag.serverAddress ?? prometheusServerAddress(monitoringNamespace),
                };
        return {
          name: wname,
          namespace,
          instance: name,
          topic: consumed.topic,
          group: consumed.group,
          bootstrapServers: p.kafka.bootstrapServers,
          min: bounds.min,
          max: bounds.max,
          lagThreshold: scaling.lagThreshold ?? 1000,
          source,
        };
      });
      const deps: pulumi.Resource[] = [...inNamespace, deployment];
      if (lagScaler !== "prometheus") {
        const auth = customResource(
          `${child}-kafka`,
          TRIGGER_AUTHENTICATION,
          scaled.apply((s) => renderTriggerAuthentication(s) as KubeObject),
          childOpts([...inNamespace, secret]),
        );
        deps.push(auth);
      }
      customResource(child, SCALED_OBJECT, scaled.apply(renderScaledObject), childOpts(deps));
    }
    if (args.maintenance) {
      const launcher = args.maintenance.launcher;
      const env = new kubernetes.core.v1.ConfigMap(
        `${name}-maintenance-env`,
        k8sArgs(input.apply(renderMaintenanceEnv), ["data"]),
        childOpts(inNamespace),
      );
      new kubernetes.networking.v1.NetworkPolicy(
        `${name}-maintenance`,
        k8sArgs(input.apply(renderMaintenanceNetworkPolicy), ["spec"]),
        childOpts(inNamespace),
      );
      const role = new kubernetes.rbac.v1.Role(
        `${name}-maintenance-launcher`,
        k8sArgs(input.apply(renderMaintenanceRole), ["rules"]),
        childOpts(inNamespace),
      );
      new kubernetes.rbac.v1.RoleBinding(
        `${name}-maintenance-launcher`,
        k8sArgs(
          input.apply((i) => renderMaintenanceRoleBinding(i, launcher)),
          ["roleRef", "subjects"],
        ),
        childOpts([...inNamespace, role]),
      );
      // The pods need the service accounts: the Output carries them as dependencies.
      const ready = pulumi.all(serviceAccounts.map((a) => a.urn));
      this.maintenancePods = pulumi.all([input, env.metadata.name, ready]).apply(
        ([i, envName]): MaintenancePods => ({
          image: i.image,
          namespace,
          serviceAccountName: workerServiceAccountName(identity, accountOwners[0]),
          podLabels: maintenancePodLabels(i),
          envConfigMap: envName,
          secretEnv: secretEnvOf(i),
        }),
      );
    }
    this.registerOutputs({ namespace, serviceAccounts: this.serviceAccounts, deployments: this.deployments });
  }
}

const SERVICE_MONITOR = { apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor" };
const SCALED_OBJECT = { apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject" };
const TRIGGER_AUTHENTICATION = { apiVersion: "keda.sh/v1alpha1", kind: "TriggerAuthentication" };
