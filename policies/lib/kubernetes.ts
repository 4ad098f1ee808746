import { Props } from "./rule";

/** Workload kinds and where their pod spec lives; older API groups are aliases of the same kinds. */
const POD_SPEC_PATHS: [tokens: string[], path: string[]][] = [
  [["kubernetes:core/v1:Pod"], ["spec"]],
  [
    [
      "kubernetes:apps/v1:Deployment",
      "kubernetes:apps/v1beta1:Deployment",
      "kubernetes:apps/v1beta2:Deployment",
      "kubernetes:extensions/v1beta1:Deployment",
      "kubernetes:apps/v1:StatefulSet",
      "kubernetes:apps/v1beta1:StatefulSet",
      "kubernetes:apps/v1beta2:StatefulSet",
      "kubernetes:apps/v1:DaemonSet",
      "kubernetes:apps/v1beta2:DaemonSet",
      "kubernetes:extensions/v1beta1:DaemonSet",
      "kubernetes:apps/v1:ReplicaSet",
      "kubernetes:apps/v1beta2:ReplicaSet",
      "kubernetes:extensions/v1beta1:ReplicaSet",
      "kubernetes:core/v1:ReplicationController",
      "kubernetes:batch/v1:Job",
    ],
    ["spec", "template", "spec"],
  ],
  [
    ["kubernetes:batch/v1:CronJob", "kubernetes:batch/v1beta1:CronJob"],
    ["spec", "jobTemplate", "spec", "template", "spec"],
  ],
];

export const WORKLOAD_TYPES: string[] = POD_SPEC_PATHS.flatMap(([tokens]) => tokens);

/** The input path of a workload's pod spec (`spec.template.spec`), or "" for unknown kinds. */
export function podSpecPathOf(type: string): string {
  return (POD_SPEC_PATHS.find(([tokens]) => tokens.includes(type))?.[1] ?? []).join(".");
}

/** The pod spec of a workload's props; undefined when the program left it out. */
export function podSpecOf(type: string, props: Props): Props | undefined {
  const path = POD_SPEC_PATHS.find(([tokens]) => tokens.includes(type))?.[1] ?? [];
  let node: Props | undefined = props;
  for (const key of path) node = node?.[key] as Props | undefined;
  return node;
}

export interface ContainerView {
  label: string;
  container: Props;
  pod: Props;
  /** Input path of the container, e.g. `spec.template.spec.containers[0]`. */
  path: string;
  /** Input path of the pod spec, e.g. `spec.template.spec`. */
  podPath: string;
}

/** Every container, init container and ephemeral container of the workload. */
export function containersOf(type: string, props: Props): ContainerView[] {
  const pod = podSpecOf(type, props);
  if (!pod) return [];
  const podPath = podSpecPathOf(type);
  const groups: [string, string, unknown][] = [
    ["container", "containers", pod.containers],
    ["init container", "initContainers", pod.initContainers],
    ["ephemeral container", "ephemeralContainers", pod.ephemeralContainers],
  ];
  return groups.flatMap(([kind, field, list]) =>
    Array.isArray(list)
      ? (list as Props[]).map((container, i) => ({
          label: `${kind} "${container.name ?? i}"`,
          container,
          pod,
          path: `${podPath}.${field}[${i}]`,
          podPath,
        }))
      : [],
  );
}

/**
 * Whether the workload's pods run Windows (`spec.os.name: windows`): the API then rejects
 * securityContext.privileged, allowPrivilegeEscalation, readOnlyRootFilesystem and runAsUser.
 */
export function isWindowsWorkload(type: string, props: Props): boolean {
  return String(podSpecOf(type, props)?.os?.name ?? "").toLowerCase() === "windows";
}
