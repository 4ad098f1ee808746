import { containersOf, isWindowsWorkload, WORKLOAD_TYPES } from "../../../lib/kubernetes";
import { resourceRule } from "../../../lib/rule";

export const k8sReadOnlyRootFilesystem = () =>
  resourceRule({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: WORKLOAD_TYPES,
    summary: "A container's root filesystem is writable, so an attacker can drop and run tools inside it.",
    description:
      "A container does not set securityContext.readOnlyRootFilesystem: true (the default is false). An " +
      "attacker or a bug can then modify binaries and configuration or stage tools in the container, and " +
      "writes escape the volumes you size and monitor. Windows pods (spec.os.name windows), where the API " +
      "forbids the field, are not judged.",
    remediation:
      "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for the paths the process writes (e.g. /tmp).",
    enforcementLevel: "mandatory",
    severity: "medium",
    check: (props, { type, args }) => {
      if (isWindowsWorkload(type, props)) {
        args.notApplicable("a Windows pod: the API forbids securityContext.readOnlyRootFilesystem");
      }
      return containersOf(type, props)
        .filter(({ container }) => container.securityContext?.readOnlyRootFilesystem !== true)
        .map(({ label, container, path }) => ({
          message: `${label} does not set readOnlyRootFilesystem: true`,
          path: `${path}.securityContext.readOnlyRootFilesystem`,
          value: container.securityContext?.readOnlyRootFilesystem as unknown,
        }));
    },
  });
