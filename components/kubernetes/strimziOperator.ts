/**
 * `seawall:kubernetes:StrimziOperator`: Strimzi's cluster operator from its official chart, in its
 * own namespace, watching the namespace the Kafka cluster runs in.
 */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../validation";
import { checkKubernetesName } from "./clusterProvider";
import { k8sArgs } from "./kubeResources";
import { renderNamespace } from "./stageWorkersRender";

/** Strimzi's chart repository (OCI registry since Strimzi 0.40; the chart is the same). */
export const STRIMZI_CHART_REPO = "https://strimzi.io/charts/";
/** The pinned chart (Strimzi 1.2.0, whose `kafka.strimzi.io/v1` CRDs the tests validate against). */
export const STRIMZI_CHART_VERSION = "1.2.0";

/** What the operator's values depend on. */
export interface StrimziOperatorValuesInput {
  /** The namespaces the operator reconciles Kafka resources in (the workers'). */
  watchNamespaces: string[];
  /** Operator replicas; above 1 they elect a leader and a PodDisruptionBudget keeps one up. */
  replicas: number;
}

/**
 * The chart's values: watch only the workers' namespace (the chart binds the operator's Roles
 * there); pods of every operand (brokers, controllers, entity operator, Cruise Control, exporter)
 * under the `restricted` Pod Security Standard through `STRIMZI_POD_SECURITY_PROVIDER_CLASS=restricted`
 * (supported since Strimzi 0.31: the operands then run non-root, with all capabilities dropped,
 * no privilege escalation and seccomp RuntimeDefault, so the workers' namespace can enforce
 * `restricted`); the operator's own pod is restricted by the chart's default securityContext.
 * Strimzi's generated NetworkPolicies and PodDisruptionBudgets stay on (the chart's defaults,
 * stated here).
 */
export function strimziOperatorValues(input: StrimziOperatorValuesInput): Record<string, unknown> {
  return {
    replicas: input.replicas,
    watchNamespaces: input.watchNamespaces,
    watchAnyNamespace: false,
    extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
    podDisruptionBudget: { enabled: input.replicas > 1, minAvailable: 1 },
    leaderElection: { enable: true },
    generateNetworkPolicy: true,
    generatePodDisruptionBudget: true,
    resources: {
      requests: { memory: "384Mi", cpu: "200m" },
      limits: { memory: "384Mi", cpu: "1000m" },
    },
  };
}

export interface StrimziOperatorArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** The namespaces it watches (they must exist: the chart makes its RoleBindings there). */
  watchNamespaces: string[];
  /** Its own namespace (`restricted`). @defaultValue "strimzi" */
  namespace?: string;
  /** Replicas (1 to 3), leader-elected. @defaultValue 1 */
  replicas?: number;
}

/** Checks {@link StrimziOperatorArgs} and throws one error listing every problem. */
export function validateStrimziOperatorArgs(args: Omit<StrimziOperatorArgs, "provider">): void {
  const p = new Problems();
  if (args.namespace !== undefined) checkKubernetesName(p, "namespace", args.namespace);
  args.watchNamespaces.forEach((n, i) => checkKubernetesName(p, `watchNamespaces[${i}]`, n));
  p.wholeNumber("SEAWALL_K8S_KAFKA_OPERATOR_REPLICAS", "replicas", args.replicas, 1, 3);
  p.throwIfAny("seawall:kubernetes:StrimziOperator");
}

/**
 * The Strimzi cluster operator (`kubernetes:helm.sh/v3:Release` of the official chart pinned to
 * {@link STRIMZI_CHART_VERSION}, with its CRDs) in its own `restricted` namespace.
 */
export class StrimziOperator extends pulumi.ComponentResource {
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;

  constructor(name: string, args: StrimziOperatorArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:StrimziOperator", name, {}, opts);
    validateStrimziOperatorArgs(args);
    this.namespace = args.namespace ?? "strimzi";
    const ns = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      k8sArgs(renderNamespace(this.namespace), []),
      { parent: this, provider: args.provider },
    );
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: "strimzi",
        chart: "strimzi-kafka-operator",
        version: STRIMZI_CHART_VERSION,
        repositoryOpts: { repo: STRIMZI_CHART_REPO },
        namespace: this.namespace,
        values: strimziOperatorValues({
          watchNamespaces: args.watchNamespaces,
          replicas: args.replicas ?? 1,
        }),
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      { parent: this, provider: args.provider, dependsOn: [ns] },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
