/**
 * The values of kube-prometheus-stack (prometheus-community/helm-charts) as a plain object:
 * storage and retention per environment, the control-plane scrapes a managed cluster hides turned
 * off, every namespace's ServiceMonitors and PrometheusRules selected, Alertmanager routed to the
 * team's receiver. The chart has no values.schema.json; the tests check every key against the
 * chart's own values.yaml.
 */
import type { EnvironmentName } from "../profiles";

/** The chart's repository. */
export const KUBE_PROMETHEUS_STACK_REPO = "https://prometheus-community.github.io/helm-charts";
/** The pinned chart version (prometheus-operator 0.93.1, whose CRDs ../shared/schemas holds). */
export const KUBE_PROMETHEUS_STACK_VERSION = "88.5.3";

/** Storage, retention and replicas of Prometheus and Alertmanager in one environment. */
export interface MonitoringStackProfile {
  /** How long Prometheus keeps samples (a Prometheus duration). */
  retention: string;
  /** Prometheus's volume, GiB; retention by size stops at 90 % of it. */
  prometheusStorageGiB: number;
  prometheusReplicas: number;
  alertmanagerStorageGiB: number;
  alertmanagerReplicas: number;
}

/** Per environment: dev keeps 3 days on one replica, prod 15 days on two, Alertmanager clustered. */
export const MONITORING_STACK_PROFILES: Record<EnvironmentName, MonitoringStackProfile> = {
  dev: {
    retention: "3d",
    prometheusStorageGiB: 20,
    prometheusReplicas: 1,
    alertmanagerStorageGiB: 2,
    alertmanagerReplicas: 1,
  },
  staging: {
    retention: "7d",
    prometheusStorageGiB: 50,
    prometheusReplicas: 1,
    alertmanagerStorageGiB: 2,
    alertmanagerReplicas: 2,
  },
  prod: {
    retention: "15d",
    prometheusStorageGiB: 100,
    prometheusReplicas: 2,
    alertmanagerStorageGiB: 5,
    alertmanagerReplicas: 3,
  },
};

/**
 * Where Alertmanager sends the alerts:
 * - `sns`: an SNS topic (Alertmanager's `sns_configs`, signed with SigV4 by the Alertmanager pods'
 *   identity: on EKS a Pod Identity association for its service account allowed `sns:Publish`).
 * - `webhook`: any HTTPS endpoint (Pub/Sub has no Alertmanager receiver and takes no bare
 *   webhook: on GCP give a relay's URL, e.g. a Cloud Run service publishing to the topic; on Azure
 *   a Logic App's or an incident tool's URL). The URL often carries a token: pass it as a secret.
 */
export type AlertReceiver = { sns: { topicArn: string; region: string } } | { webhook: { url: string } };

/** What the values depend on. */
export interface MonitoringValuesInput {
  profile: MonitoringStackProfile;
  /** `managed`: EKS, GKE, AKS hide the controller manager, scheduler and etcd, and run no scrapeable kube-proxy. */
  controlPlane: "managed" | "self-managed";
  receiver: AlertReceiver;
  /** The StorageClass of the volumes. Unset: the cluster's default (encrypted on Seawall's clusters). */
  storageClassName?: string;
}

const claim = (gib: number, storageClassName?: string) => ({
  volumeClaimTemplate: {
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${gib}Gi` } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  },
});

/** Alertmanager's configuration: everything to the team's receiver, the Watchdog to nowhere. */
export function alertmanagerConfig(receiver: AlertReceiver): Record<string, unknown> {
  const team =
    "sns" in receiver
      ? {
          name: "seawall",
          sns_configs: [
            {
              topic_arn: receiver.sns.topicArn,
              sigv4: { region: receiver.sns.region },
              subject: '{{ template "sns.default.subject" . }}',
              send_resolved: true,
            },
          ],
        }
      : { name: "seawall", webhook_configs: [{ url: receiver.webhook.url, send_resolved: true }] };
  return {
    global: { resolve_timeout: "5m" },
    inhibit_rules: [
      {
        source_matchers: ["severity = critical"],
        target_matchers: ["severity =~ warning|info"],
        equal: ["namespace", "alertname"],
      },
    ],
    route: {
      group_by: ["namespace", "alertname"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      receiver: "seawall",
      routes: [{ receiver: "null", matchers: ['alertname = "Watchdog"'] }],
    },
    receivers: [{ name: "null" }, team],
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}

/** The chart's values. */
export function monitoringStackValues(input: MonitoringValuesInput): Record<string, unknown> {
  const p = input.profile;
  const managed = input.controlPlane === "managed";
  const off = { enabled: false };
  return {
    ...(managed
      ? {
          kubeControllerManager: off,
          kubeScheduler: off,
          kubeEtcd: off,
          kubeProxy: off,
          defaultRules: {
            rules: {
              etcd: false,
              kubeControllerManager: false,
              kubeSchedulerAlerting: false,
              kubeSchedulerRecording: false,
              kubeProxy: false,
            },
          },
        }
      : {}),
    alertmanager: {
      config: alertmanagerConfig(input.receiver),
      alertmanagerSpec: {
        replicas: p.alertmanagerReplicas,
        storage: claim(p.alertmanagerStorageGiB, input.storageClassName),
      },
    },
    grafana: {
      // The dashboards come from ConfigMaps labelled grafana_dashboard: "1", in every namespace.
      sidecar: {
        dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
      },
    },
    prometheus: {
      prometheusSpec: {
        replicas: p.prometheusReplicas,
        retention: p.retention,
        retentionSize: `${Math.floor(p.prometheusStorageGiB * 0.9)}GB`,
        storageSpec: claim(p.prometheusStorageGiB, input.storageClassName),
        // Select every release's ServiceMonitors, PodMonitors, Probes and rules, not only this chart's.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
      },
    },
  };
}
