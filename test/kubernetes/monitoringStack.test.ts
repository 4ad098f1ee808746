/* eslint-disable @typescript-eslint/no-explicit-any -- rendered values are checked as untyped JSON */
import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pipelineDashboard, renderDashboardConfigMap } from "../../components/kubernetes/dashboards";
import {
  MonitoringStack,
  type MonitoringStackArgs,
  validateMonitoringStackArgs,
} from "../../components/kubernetes/monitoringStack";
import {
  alertmanagerConfig,
  MONITORING_STACK_PROFILES,
  monitoringStackValues,
} from "../../components/kubernetes/monitoringStackValues";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { plan, type Plan, problemsThrownBy } from "../helpers";
import { chartDefaults, unknownValuePaths } from "./chartValues";
import { exportedMetricNames, KUBE_STATE_METRICS, metricNamesIn, PROM_CLIENT_DEFAULTS } from "./metricNames";
import { schemaErrors } from "./schemas";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const SNS = { sns: { topicArn: "arn:aws:sns:eu-west-1:123456789012:seawall-alerts", region: "eu-west-1" } };
const KPS_DEFAULTS = chartDefaults("kube-prometheus-stack");
// Alertmanager's own configuration and the CRDs' storage specs: not chart keys.
const FREE_FORM = [
  "alertmanager.config",
  "alertmanager.alertmanagerSpec.storage",
  "prometheus.prometheusSpec.storageSpec",
];

describe("kube-prometheus-stack values", () => {
  it.each(["dev", "staging", "prod"] as const)("%s: every key is one the chart knows", (env) => {
    for (const controlPlane of ["managed", "self-managed"] as const) {
      const values = monitoringStackValues({
        profile: MONITORING_STACK_PROFILES[env],
        controlPlane,
        receiver: SNS,
      });
      expect(unknownValuePaths(values, KPS_DEFAULTS, FREE_FORM)).toEqual([]);
    }
  });

  it("the key check catches a typo (it can fail)", () => {
    expect(
      unknownValuePaths({ prometheus: { prometheusSpec: { retension: "1d" } } }, KPS_DEFAULTS, FREE_FORM),
    ).toEqual(["prometheus.prometheusSpec.retension"]);
  });

  it("keeps prod's samples 15 days on two replicas with 100 GiB volumes, and selects every release's monitors and rules", () => {
    const v = monitoringStackValues({
      profile: MONITORING_STACK_PROFILES.prod,
      controlPlane: "managed",
      receiver: SNS,
      storageClassName: "gp3-encrypted",
    }) as any;
    expect(v.prometheus.prometheusSpec).toEqual({
      replicas: 2,
      retention: "15d",
      retentionSize: "90GB",
      storageSpec: {
        volumeClaimTemplate: {
          spec: {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: "100Gi" } },
            storageClassName: "gp3-encrypted",
          },
        },
      },
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(3);
    expect(v.grafana.sidecar.dashboards).toMatchObject({ label: "grafana_dashboard", labelValue: "1" });
  });

  it("turns off the control-plane scrapes and rules a managed cluster hides, and only there", () => {
    const managed = monitoringStackValues({
      profile: MONITORING_STACK_PROFILES.dev,
      controlPlane: "managed",
      receiver: SNS,
    }) as any;
    for (const k of ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"])
      expect(managed[k]).toEqual({ enabled: false });
    expect(managed.defaultRules.rules).toEqual({
      etcd: false,
      kubeControllerManager: false,
      kubeSchedulerAlerting: false,
      kubeSchedulerRecording: false,
      kubeProxy: false,
    });
    const self = monitoringStackValues({
      profile: MONITORING_STACK_PROFILES.dev,
      controlPlane: "self-managed",
      receiver: SNS,
    });
    expect(Object.keys(self)).toEqual(["alertmanager", "grafana", "prometheus"]);
  });

  it("routes every alert but the Watchdog to the SNS topic, signed with the pods' identity", () => {
    const c = alertmanagerConfig(SNS) as any;
    expect(c.route).toMatchObject({
      receiver: "seawall",
      routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
    });
    expect(c.receivers).toEqual([
      { name: "null" },
      {
        name: "seawall",
        sns_configs: [
          {
            topic_arn: "arn:aws:sns:eu-west-1:123456789012:seawall-alerts",
            sigv4: { region: "eu-west-1" },
            subject: '{{ template "sns.default.subject" . }}',
            send_resolved: true,
          },
        ],
      },
    ]);
    expect(
      (alertmanagerConfig({ webhook: { url: "https://relay.example/alerts" } }) as any).receivers[1],
    ).toEqual({
      name: "seawall",
      webhook_configs: [{ url: "https://relay.example/alerts", send_resolved: true }],
    });
  });
});

describe("the Grafana dashboard", () => {
  it("queries only metrics the runtime, prom-client and kube-state-metrics export", () => {
    const known = exportedMetricNames();
    const panels = pipelineDashboard().panels as { title: string; targets: { expr: string }[] }[];
    const used = panels.flatMap((p) => p.targets.flatMap((t) => metricNamesIn(t.expr)));
    expect(used.filter((m) => !known.has(m))).toEqual([]);
    expect(used).toContain("seawall_consumer_lag");
    expect(
      metricNamesIn("sum by (service) (rate(seawall_nope_total[5m]))").filter((m) => !known.has(m)),
    ).toEqual(["seawall_nope_total"]);
  });

  it("lists prom-client default metrics prom-client really registers", () => {
    const dir = join(__dirname, "../../node_modules/prom-client/lib/metrics");
    const text = readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    expect(PROM_CLIENT_DEFAULTS.filter((name) => !text.includes(`'${name}'`))).toEqual([]);
    expect(KUBE_STATE_METRICS.every((m) => m.startsWith("kube_"))).toBe(true);
  });

  it("ships in a ConfigMap the Grafana sidecar loads, valid against the Kubernetes schema", () => {
    const cm = renderDashboardConfigMap("seawall-dashboards", "monitoring");
    expect(cm.metadata.labels).toMatchObject({ grafana_dashboard: "1" });
    expect(schemaErrors(cm)).toEqual([]);
    expect(JSON.parse((cm.data as Record<string, string>)["seawall-pipeline.json"]).uid).toBe(
      "seawall-pipeline",
    );
  });
});

describe("MonitoringStack", () => {
  let p: Plan;
  const stack = (over: Partial<MonitoringStackArgs> = {}) =>
    plan(() => {
      const provider = new kubernetes.Provider("cluster", { kubeconfig: "{}" });
      new MonitoringStack("monitoring", { provider, environment: "prod", receiver: SNS, ...over });
    });
  beforeAll(async () => {
    p = await stack();
  });

  it("installs the pinned official chart into its namespace", () => {
    const r = p.one("kubernetes:helm.sh/v3:Release", "monitoring").inputs;
    expect({
      name: r.name,
      chart: r.chart,
      version: r.version,
      repositoryOpts: r.repositoryOpts,
      namespace: r.namespace,
      atomic: r.atomic,
    }).toEqual({
      name: "kube-prometheus-stack",
      chart: "kube-prometheus-stack",
      version: "88.5.3",
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
      atomic: true,
    });
    expect(r.values).toEqual(
      monitoringStackValues({
        profile: MONITORING_STACK_PROFILES.prod,
        controlPlane: "managed",
        receiver: SNS,
      }),
    );
    expect(p.one("kubernetes:core/v1:Namespace", "monitoring-namespace").inputs.metadata).toMatchObject({
      name: "monitoring",
      labels: { "pod-security.kubernetes.io/enforce": "privileged" },
    });
  });

  it("creates the pipeline's PrometheusRule and dashboard ConfigMap, valid against their schemas", () => {
    const rule = p.one("kubernetes:monitoring.coreos.com/v1:PrometheusRule", "monitoring-pipeline").inputs;
    const cm = p.one("kubernetes:core/v1:ConfigMap", "monitoring-dashboards").inputs;
    expect([
      ...schemaErrors(rule as never),
      ...schemaErrors({ ...cm, apiVersion: "v1", kind: "ConfigMap" }),
    ]).toEqual([]);
  });

  it("keeps a webhook URL secret in the release's values", async () => {
    const q = await stack({ receiver: { webhook: { url: pulumi.secret("https://relay.example/t0ken") } } });
    expect(q.one("kubernetes:helm.sh/v3:Release", "monitoring").inputs.values).toBeInstanceOf(Secret);
  });

  it("passes every mandatory rule of the prod policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("lists every problem of its arguments", () => {
    expect(
      problemsThrownBy(() =>
        validateMonitoringStackArgs({
          environment: "prod",
          profile: { retention: "two weeks", prometheusStorageGiB: 0, alertmanagerReplicas: 9 },
          receiver: { sns: { topicArn: "seawall-alerts", region: "eu-west-1" } },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_MONITORING_RETENTION", field: "profile.retention", value: "two weeks" },
      { code: "SEAWALL_K8S_MONITORING_STORAGE", field: "profile.prometheusStorageGiB", value: 0 },
      { code: "SEAWALL_K8S_MONITORING_REPLICAS", field: "profile.alertmanagerReplicas", value: 9 },
      { code: "SEAWALL_K8S_MONITORING_RECEIVER", field: "receiver.sns.topicArn", value: "seawall-alerts" },
    ]);
    expect(
      problemsThrownBy(() =>
        validateMonitoringStackArgs({ environment: "dev", receiver: { webhook: { url: "http://x" } } }),
      ),
    ).toEqual([
      { code: "SEAWALL_K8S_MONITORING_RECEIVER", field: "receiver.webhook.url", value: "(redacted)" },
    ]);
  });
});
