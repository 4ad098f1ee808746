import * as kubernetes from "@pulumi/kubernetes";
import { Keda, validateKedaArgs } from "../../components/kubernetes/keda";
import { evaluateResources } from "../../policies/check";
import { kedaValues } from "../../components/kubernetes/kedaValues";
import { plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { schemaErrors } from "./schemas";

describe("KEDA", () => {
  it("sets only keys KEDA 2.20.2's chart knows", () => {
    expect(unknownValuePaths(kedaValues({ replicas: 2 }), chartDefaults("keda/chart/2.20.2"))).toEqual([]);
    expect(unknownValuePaths({ operator: { replicas: 2 } }, chartDefaults("keda/chart/2.20.2"))).toEqual([
      "operator.replicas",
    ]);
  });

  it("installs the pinned official chart, HA with disruption budgets and ServiceMonitors, in a restricted namespace", async () => {
    const p = await plan(() => {
      const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
      new Keda("keda", { provider });
    });
    const r = p.one("kubernetes:helm.sh/v3:Release", "keda").inputs;
    expect(r).toMatchObject({
      name: "keda",
      chart: "keda",
      version: "2.20.2",
      repositoryOpts: { repo: "https://kedacore.github.io/charts" },
      namespace: "keda",
    });
    expect(r.values).toEqual({
      crds: { install: true },
      operator: { replicaCount: 2 },
      metricsServer: { replicaCount: 2 },
      webhooks: { replicaCount: 2 },
      podDisruptionBudget: {
        operator: { maxUnavailable: 1 },
        metricServer: { maxUnavailable: 1 },
        webhooks: { maxUnavailable: 1 },
      },
      prometheus: {
        operator: { enabled: true, serviceMonitor: { enabled: true } },
        metricServer: { enabled: true, serviceMonitor: { enabled: true } },
      },
    });
    const ns = p.one("kubernetes:core/v1:Namespace", "keda-namespace").inputs;
    expect(schemaErrors({ ...ns, apiVersion: "v1", kind: "Namespace" })).toEqual([]);
    expect(
      (ns.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"],
    ).toBe("restricted");
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("refuses replicas outside 1 to 5", () => {
    expect(problemsThrownBy(() => validateKedaArgs({ replicas: 0 }))).toEqual([
      { code: "SEAWALL_K8S_KEDA_REPLICAS", field: "replicas", value: 0 },
    ]);
  });
});
