import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../validation";
import { KEDA_CHART_REPO, KEDA_CHART_VERSION, kedaValues } from "./kedaValues";
import { renderNamespace } from "./stageWorkersRender";

export interface KedaArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /**
   * The namespace KEDA runs in; the cluster's Pod Identity association for KEDA names it.
   * @defaultValue "keda"
   */
  namespace?: string;
  /** Replicas of each KEDA component (1 to 5). @defaultValue 2 */
  replicas?: number;
}

/** Checks {@link KedaArgs} and throws one error listing every problem. */
export function validateKedaArgs(args: Omit<KedaArgs, "provider">): void {
  const p = new Problems();
  p.wholeNumber("SEAWALL_K8S_KEDA_REPLICAS", "replicas", args.replicas, 1, 5);
  p.throwIfAny("Keda");
}

/**
 * KEDA from its official chart (`kubernetes:helm.sh/v3:Release`, pinned to
 * {@link KEDA_CHART_VERSION}), in its own namespace under the `restricted` Pod Security Standard,
 * with its CRDs (ScaledObject, TriggerAuthentication) that `StageWorkers` uses: pass this
 * component in the workers' `dependsOn`.
 */
export class Keda extends pulumi.ComponentResource {
  /** The Helm release. */
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;

  constructor(name: string, args: KedaArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:Keda", name, {}, opts);
    validateKedaArgs(args);
    this.namespace = args.namespace ?? "keda";
    const ns = renderNamespace(this.namespace);
    const namespace = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: ns.metadata },
      { parent: this, provider: args.provider },
    );
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: "keda",
        chart: "keda",
        version: KEDA_CHART_VERSION,
        repositoryOpts: { repo: KEDA_CHART_REPO },
        namespace: this.namespace,
        values: kedaValues({ replicas: args.replicas ?? 2 }),
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      { parent: this, provider: args.provider, dependsOn: [namespace] },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
