import { containersOf, isWindowsWorkload, WORKLOAD_TYPES } from "../../../lib/kubernetes";
import { resourceRule } from "../../../lib/rule";

export const k8sNoPrivilegeEscalation = () =>
  resourceRule({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: WORKLOAD_TYPES,
    summary:
      "A container allows privilege escalation (the Kubernetes default), so setuid binaries can gain root.",
    description:
      "A container does not set securityContext.allowPrivilegeEscalation: false; Kubernetes defaults it to true. " +
      "A process can then gain more privileges than its parent through setuid/setgid binaries or file " +
      "capabilities, undoing runAsNonRoot. Windows pods (spec.os.name windows), where the API forbids the field, " +
      "are not judged.",
    remediation: "Set securityContext.allowPrivilegeEscalation: false on every container.",
    enforcementLevel: "mandatory",
    severity: "high",
    check: (props, { type, args }) => {
      if (isWindowsWorkload(type, props)) {
        args.notApplicable("a Windows pod: the API forbids securityContext.allowPrivilegeEscalation");
      }
      return containersOf(type, props)
        .filter(({ container }) => container.securityContext?.allowPrivilegeEscalation !== false)
        .map(({ label, container, path }) => ({
          message: `${label} does not set allowPrivilegeEscalation: false`,
          path: `${path}.securityContext.allowPrivilegeEscalation`,
          value: container.securityContext?.allowPrivilegeEscalation as unknown,
        }));
    },
  });
