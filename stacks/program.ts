import * as pulumi from "@pulumi/pulumi";
import { DataPlatform } from "../components/platform";
import { parseStackConfig } from "./config";

/**
 * The Pulumi program: validate the stack's config, then build the data platform. Returns the
 * stack outputs: the connection contracts (secrets marked secret), bucket URIs and key ARNs.
 */
export async function program(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const args = parseStackConfig(stack, pulumi.runtime.allConfig());
  const platform = new DataPlatform(`seawall-${args.environment}`, args);
  const o = platform.outputs;
  return {
    environment: args.environment,
    cloud: args.cloud,
    objectStore: o.objectStore,
    bucketUri: o.bucketUri,
    ...(o.replicaBucketUri ? { replicaBucketUri: o.replicaBucketUri } : {}),
    kafka: o.kafka,
    ...(o.kafkaClientPolicyArn ? { kafkaClientPolicyArn: o.kafkaClientPolicyArn } : {}),
    // The auth token inside makes the whole contract secret; marked here too so it never depends on that.
    redis: pulumi.secret(o.redis),
    ...(o.network ? { network: o.network } : {}),
    ...(o.gcpNetwork ? { gcpNetwork: o.gcpNetwork } : {}),
    ...(o.workloadServiceAccount ? { workloadServiceAccount: o.workloadServiceAccount } : {}),
    ...(o.resourceGroupName ? { resourceGroupName: o.resourceGroupName } : {}),
    ...(o.azureNetwork ? { azureNetwork: o.azureNetwork } : {}),
    ...(o.workloadIdentity ? { workloadIdentity: o.workloadIdentity } : {}),
    ...(o.actionGroupId ? { actionGroupId: o.actionGroupId } : {}),
    ...(o.alertTopicArn ? { alertTopicArn: o.alertTopicArn } : {}),
    ...(o.alertTopicId ? { alertTopicId: o.alertTopicId } : {}),
    ...(o.dashboardUrl ? { dashboardUrl: o.dashboardUrl } : {}),
    kmsKeys: o.kmsKeys,
    ...(o.kubernetes
      ? {
          kubernetes: {
            clusterName: o.kubernetes.clusterName,
            namespace: o.kubernetes.namespace,
            monitoringNamespace: o.kubernetes.monitoringNamespace,
            deployments: o.kubernetes.deployments,
            ...(o.kubernetes.airflow ? { airflow: o.kubernetes.airflow } : {}),
          },
          // No credential in a built cluster's (it runs the cloud's CLI), but a brought one's may hold one.
          kubeconfig: pulumi.secret(o.kubernetes.kubeconfig),
        }
      : {}),
  };
}
