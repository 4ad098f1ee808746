import { containersOf, WORKLOAD_TYPES } from "../../../lib/kubernetes";
import { resourceRule } from "../../../lib/rule";

export const k8sRunAsNonRoot = () =>
  resourceRule({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: WORKLOAD_TYPES,
    summary: "A container may run as root, so an escape or a mounted volume gives root on the node.",
    description:
      "A container may run as root: neither it nor its pod sets runAsNonRoot: true or a non-zero runAsUser " +
      "(Kubernetes then uses the image's user, often root), or it sets runAsUser: 0. A process running as root " +
      "turns any container escape or writable host mount into root on the node.",
    remediation:
      "Set securityContext.runAsNonRoot: true and a non-zero runAsUser on the pod (or every container), and build " +
      "the image with a non-root USER.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type }) =>
      containersOf(type, props).flatMap(({ label, container, pod, path, podPath }) => {
        // A container's own setting wins over its pod's; the path names where the value came from.
        const pick = (field: string) =>
          container.securityContext?.[field] !== undefined && container.securityContext?.[field] !== null
            ? { value: container.securityContext[field] as unknown, path: `${path}.securityContext.${field}` }
            : { value: pod.securityContext?.[field] as unknown, path: `${podPath}.securityContext.${field}` };
        const nonRoot = pick("runAsNonRoot");
        const user = pick("runAsUser");
        if (user.value === 0) return [{ message: `${label} runs as user 0 (root)`, ...user }];
        if (nonRoot.value === false) return [{ message: `${label} sets runAsNonRoot: false`, ...nonRoot }];
        if (nonRoot.value !== true && (user.value === undefined || user.value === null)) {
          return [
            {
              message: `${label} sets neither runAsNonRoot: true nor a non-zero runAsUser`,
              path: `${path}.securityContext.runAsNonRoot`,
              value: undefined,
            },
          ];
        }
        return [];
      }),
  });
