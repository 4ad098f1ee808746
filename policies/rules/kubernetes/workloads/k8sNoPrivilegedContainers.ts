import { containersOf, WORKLOAD_TYPES } from "../../../lib/kubernetes";
import { resourceRule } from "../../../lib/rule";

export const k8sNoPrivilegedContainers = () =>
  resourceRule({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: WORKLOAD_TYPES,
    summary: "A container is privileged, which is root on the node with every device and capability.",
    description:
      "A container sets securityContext.privileged: true. It gets every Linux capability and access to the " +
      "host's devices: a compromise of the container is a compromise of the node and every pod on it.",
    remediation: "Remove privileged: true; grant only the specific capabilities the process needs, if any.",
    enforcementLevel: "mandatory",
    severity: "critical",
    check: (props, { type }) =>
      containersOf(type, props)
        .filter(({ container }) => container.securityContext?.privileged === true)
        .map(({ label, path }) => ({
          message: `${label} is privileged`,
          path: `${path}.securityContext.privileged`,
          value: true,
        })),
  });
