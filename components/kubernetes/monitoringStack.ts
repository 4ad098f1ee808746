import * as kubernetes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EnvironmentName } from "../profiles";
import { isKnown, Problems } from "../validation";
import { renderDashboardConfigMap } from "./dashboards";
import {
  type AlertReceiver,
  KUBE_PROMETHEUS_STACK_REPO,
  KUBE_PROMETHEUS_STACK_VERSION,
  MONITORING_STACK_PROFILES,
  type MonitoringStackProfile,
  monitoringStackValues,
} from "./monitoringStackValues";
import {
  DEFAULT_RULE_THRESHOLDS,
  type PipelineRuleThresholds,
  renderPipelinePrometheusRule,
} from "./pipelineRules";

export interface MonitoringStackArgs {
  /** The cluster's Kubernetes provider. */
  provider: kubernetes.Provider;
  /** The environment whose storage, retention and replicas apply ({@link MONITORING_STACK_PROFILES}). */
  environment: EnvironmentName;
  /** Fields over the environment's profile. @defaultValue {} */
  profile?: Partial<MonitoringStackProfile>;
  /** Where Alertmanager sends alerts: an SNS topic, or an HTTPS webhook (a secret when it holds a token). */
  receiver:
    | { sns: { topicArn: pulumi.Input<string>; region: pulumi.Input<string> } }
    | { webhook: { url: pulumi.Input<string> } };
  /** The namespace of the stack, the rules and the dashboards. @defaultValue "monitoring" */
  namespace?: string;
  /**
   * `managed` (EKS, GKE, AKS): no scrapes nor rules for the controller manager, scheduler, etcd and
   * kube-proxy, which the cloud hides or does not run. @defaultValue "managed"
   */
  controlPlane?: "managed" | "self-managed";
  /** The volumes' StorageClass. @defaultValue the cluster's default */
  storageClassName?: string;
  /** The pipeline alerts' thresholds. @defaultValue {@link DEFAULT_RULE_THRESHOLDS} */
  ruleThresholds?: Partial<PipelineRuleThresholds>;
}

const DURATION = /^[0-9]+(ms|s|m|h|d|w|y)$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$/;

/** Checks {@link MonitoringStackArgs} and throws one error listing every problem. */
export function validateMonitoringStackArgs(args: Omit<MonitoringStackArgs, "provider">): void {
  const p = new Problems();
  const profile = args.profile ?? {};
  if (profile.retention !== undefined && !DURATION.test(profile.retention)) {
    p.add(
      "SEAWALL_K8S_MONITORING_RETENTION",
      "profile.retention",
      profile.retention,
      "must be a Prometheus duration such as 15d or 720h",
    );
  }
  p.wholeNumber(
    "SEAWALL_K8S_MONITORING_STORAGE",
    "profile.prometheusStorageGiB",
    profile.prometheusStorageGiB,
    1,
    65536,
  );
  p.wholeNumber(
    "SEAWALL_K8S_MONITORING_STORAGE",
    "profile.alertmanagerStorageGiB",
    profile.alertmanagerStorageGiB,
    1,
    1024,
  );
  p.wholeNumber(
    "SEAWALL_K8S_MONITORING_REPLICAS",
    "profile.prometheusReplicas",
    profile.prometheusReplicas,
    1,
    5,
  );
  p.wholeNumber(
    "SEAWALL_K8S_MONITORING_REPLICAS",
    "profile.alertmanagerReplicas",
    profile.alertmanagerReplicas,
    1,
    5,
  );
  const r = args.receiver as Record<string, unknown> | undefined;
  const forms = r && typeof r === "object" ? Object.keys(r) : [];
  if (forms.length !== 1 || !["sns", "webhook"].includes(forms[0])) {
    p.add(
      "SEAWALL_K8S_MONITORING_RECEIVER",
      "receiver",
      forms,
      "give exactly one of { sns: { topicArn, region } } or { webhook: { url } }",
    );
  } else if (forms[0] === "sns") {
    const arn = (r!.sns as { topicArn?: unknown }).topicArn;
    if (isKnown(arn) && (typeof arn !== "string" || !TOPIC_ARN.test(arn))) {
      p.add(
        "SEAWALL_K8S_MONITORING_RECEIVER",
        "receiver.sns.topicArn",
        arn,
        "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<name>",
      );
    }
  } else {
    const url = (r!.webhook as { url?: unknown }).url;
    if (isKnown(url) && (typeof url !== "string" || !/^https:\/\/[^\s/]+/.test(url))) {
      p.add(
        "SEAWALL_K8S_MONITORING_RECEIVER",
        "receiver.webhook.url",
        "(redacted)",
        "must be an https:// URL: alerts leave the cluster",
      );
    }
  }
  p.throwIfAny("MonitoringStack");
}

/**
 * kube-prometheus-stack from its official chart (`kubernetes:helm.sh/v3:Release`, pinned to
 * {@link KUBE_PROMETHEUS_STACK_VERSION}) with the environment's storage and retention, the
 * pipeline's PrometheusRule and its Grafana dashboard. Its namespace enforces the `privileged`
 * Pod Security Standard: the node exporter needs the host's network, PID namespace and root
 * filesystem. Pass this component in the workers' `dependsOn` (their ServiceMonitors need its CRDs).
 */
export class MonitoringStack extends pulumi.ComponentResource {
  readonly release: kubernetes.helm.v3.Release;
  readonly namespace: string;

  constructor(name: string, args: MonitoringStackArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:kubernetes:MonitoringStack", name, {}, opts);
    validateMonitoringStackArgs(args);
    this.namespace = args.namespace ?? "monitoring";
    const child = { parent: this, provider: args.provider };
    const namespace = new kubernetes.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: this.namespace,
          labels: {
            "pod-security.kubernetes.io/enforce": "privileged",
            "app.kubernetes.io/part-of": "seawall",
            "app.kubernetes.io/managed-by": "pulumi",
          },
        },
      },
      child,
    );
    const profile = { ...MONITORING_STACK_PROFILES[args.environment], ...args.profile };
    const values = pulumi.output(args.receiver).apply((receiver) =>
      monitoringStackValues({
        profile,
        controlPlane: args.controlPlane ?? "managed",
        receiver: receiver as AlertReceiver,
        storageClassName: args.storageClassName,
      }),
    );
    this.release = new kubernetes.helm.v3.Release(
      name,
      {
        name: "kube-prometheus-stack",
        chart: "kube-prometheus-stack",
        version: KUBE_PROMETHEUS_STACK_VERSION,
        repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_REPO },
        namespace: this.namespace,
        values,
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      { ...child, dependsOn: [namespace] },
    );
    const rule = renderPipelinePrometheusRule(`${name}-pipeline`, this.namespace, {
      ...DEFAULT_RULE_THRESHOLDS,
      ...args.ruleThresholds,
    });
    new kubernetes.apiextensions.CustomResource(
      `${name}-pipeline`,
      { apiVersion: rule.apiVersion, kind: rule.kind, metadata: rule.metadata, spec: rule.spec },
      { ...child, dependsOn: [this.release] },
    );
    const dashboards = renderDashboardConfigMap(`${name}-dashboards`, this.namespace);
    new kubernetes.core.v1.ConfigMap(
      `${name}-dashboards`,
      { metadata: dashboards.metadata, data: dashboards.data as Record<string, string> },
      { ...child, dependsOn: [namespace] },
    );
    this.registerOutputs({ namespace: this.namespace, release: this.release.status });
  }
}
