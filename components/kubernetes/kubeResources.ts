/** Rendered Kubernetes objects (plain values) as Pulumi resources' arguments. */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubeObject } from "./stageWorkersRender";

/** A rendered object as a typed resource's args: its `metadata` and the named top-level `fields`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function k8sArgs(obj: pulumi.Input<KubeObject>, fields: string[]): any {
  const o = pulumi.output(obj);
  return {
    metadata: o.apply((x) => x.metadata),
    ...Object.fromEntries(fields.map((k) => [k, o.apply((x) => (x as Record<string, unknown>)[k])])),
  };
}

/** A rendered custom resource (ServiceMonitor, ScaledObject, TriggerAuthentication) of a known kind. */
export function customResource(
  name: string,
  type: { apiVersion: string; kind: string },
  obj: pulumi.Output<KubeObject>,
  opts: pulumi.CustomResourceOptions,
): kubernetes.apiextensions.CustomResource {
  return new kubernetes.apiextensions.CustomResource(
    name,
    { ...type, metadata: obj.apply((o) => o.metadata), spec: obj.apply((o) => o.spec) },
    opts,
  );
}

/**
 * Options that make every resource a component creates wait for `deps`: a component's own
 * `dependsOn` does not hold back its children (a namespace, CRDs from a chart, an issuer).
 */
export function childrenDependOn(deps: pulumi.Input<pulumi.Resource>[]): pulumi.ComponentResourceOptions {
  return {
    transformations: [(a) => ({ props: a.props, opts: pulumi.mergeOptions(a.opts, { dependsOn: deps }) })],
  };
}

/**
 * The options of a component's Kubernetes children: parented to it, on the cluster's provider,
 * created after `deps` (and any `extra` options).
 */
export function childOptions(
  parent: pulumi.Resource,
  provider: kubernetes.Provider,
): (
  deps?: pulumi.Input<pulumi.Resource>[],
  extra?: pulumi.CustomResourceOptions,
) => pulumi.CustomResourceOptions {
  return (deps = [], extra = {}) => ({ parent, provider, dependsOn: deps, ...extra });
}
