import { containersOf, WORKLOAD_TYPES } from "../../../lib/kubernetes";
import { resourceRule } from "../../../lib/rule";

interface Config {
  requireCpuLimit: boolean;
}

export const k8sResourceLimits = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["kubernetes"],
    resourceTypes: WORKLOAD_TYPES,
    summary: "A container has no CPU or memory limit, so one runaway worker can starve or OOM its node.",
    description:
      "A container does not set resources.limits.memory (and, unless configured otherwise, resources.limits.cpu). " +
      "Ephemeral containers are exempt: the API allows them no resources. " +
      "A leak or a burst in one worker can then exhaust the node, getting other pods evicted or OOM-killed, " +
      "and the scheduler cannot plan capacity.",
    remediation:
      "Set resources.limits.cpu and resources.limits.memory (and matching requests) on every container.",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: {
      requireCpuLimit: {
        type: "boolean",
        default: true,
        description: "Also require a CPU limit (some teams prefer CPU requests only, to avoid throttling).",
      },
    },
    check: (props, { type, config }) =>
      containersOf(type, props).flatMap(({ label, container, path }) => {
        // The API forbids resources on ephemeral (debug) containers: they share the pod's.
        if (path.includes(".ephemeralContainers[")) return [];
        const limits = container.resources?.limits ?? {};
        const missing = [
          config.requireCpuLimit && !limits.cpu ? "cpu" : "",
          !limits.memory ? "memory" : "",
        ].filter(Boolean);
        if (missing.length === 0) return [];
        // The path of the first missing limit; both are named in the message.
        const field = missing[0];
        return [
          {
            message: `${label} has no ${missing.join(" or ")} limit`,
            path: `${path}.resources.limits.${field}`,
            value: limits[field] as unknown,
          },
        ];
      }),
  });
