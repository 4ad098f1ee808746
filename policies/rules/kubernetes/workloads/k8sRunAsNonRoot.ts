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
      containersOf(type, props).flatMap(({ label, container, pod }) => {
        const nonRoot = container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        const user = container.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
        if (user === 0) return [`${label} runs as user 0 (root)`];
        if (nonRoot === false) return [`${label} sets runAsNonRoot: false`];
        if (nonRoot !== true && (user === undefined || user === null)) {
          return [`${label} sets neither runAsNonRoot: true nor a non-zero runAsUser`];
        }
        return [];
      }),
  });
