import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Backups, validateBackupsArgs } from "../components/aws/backups";
import { validateEventStreamArgs } from "../components/aws/eventStream";
import { validateFeatureStoreArgs } from "../components/aws/featureStore";
import { validateMonitoringArgs } from "../components/aws/monitoring";
import { validateNetworkArgs } from "../components/aws/network";
import { validateObjectStoreArgs } from "../components/aws/objectStore";
import { validateEventStreamArgs as validateGcpEventStreamArgs } from "../components/gcp/eventStream";
import { validateFeatureStoreArgs as validateGcpFeatureStoreArgs } from "../components/gcp/featureStore";
import { gcpSettingProblems } from "../components/gcp/platformSettings";
import { azureSettingProblems } from "../components/azure/platformSettings";
import { checkGcpKmsKeyOption } from "../components/gcp/kmsKey";
import { checkAzureKeyVaultKeyOption } from "../components/azure/keyVaultKey";
import { validateAzureNetworkArgs } from "../components/azure/network";
import { validateAzureObjectStoreArgs } from "../components/azure/objectStore";
import { validateGcpNetworkArgs } from "../components/gcp/network";
import { validateGcpObjectStoreArgs } from "../components/gcp/objectStore";
import { validateGcpBackupsArgs } from "../components/gcp/backups";
import { validateGcpMonitoringArgs } from "../components/gcp/monitoring";
import { validateEventStreamArgs as validateAzureEventStreamArgs } from "../components/azure/eventStream";
import { validateFeatureStoreArgs as validateAzureFeatureStoreArgs } from "../components/azure/featureStore";
import { validateAzureBackupsArgs } from "../components/azure/backups";
import { validateAzureMonitoringArgs } from "../components/azure/monitoring";
import { validateAirflowArgs } from "../components/kubernetes/airflow";
import { validateKedaArgs } from "../components/kubernetes/keda";
import { validateEventStreamArgs as validateK8sEventStreamArgs } from "../components/kubernetes/eventStream";
import { validateStrimziOperatorArgs } from "../components/kubernetes/strimziOperator";
import { validateCertManagerArgs } from "../components/kubernetes/certManager";
import { validateObjectStoreArgs as validateK8sObjectStoreArgs } from "../components/kubernetes/objectStore";
import { validateVeleroArgs } from "../components/kubernetes/velero";
import { validateAirflowDatabaseArgs as validateK8sAirflowDatabaseArgs } from "../components/kubernetes/airflowDatabase";
import { validateFeatureStoreArgs as validateValkeyArgs } from "../components/kubernetes/valkey";
import { validateMonitoringStackArgs } from "../components/kubernetes/monitoringStack";
import { validateStageWorkersConfig } from "../components/kubernetes/stageWorkersConfig";
import { validatePipelineArgs } from "../components/kubernetes/pipeline";
import { kubernetesSettingProblems } from "../components/kubernetes/platformPipeline";
import { validateClusterArgs as validateAwsClusterArgs } from "../components/aws/cluster";
import { validateAirflowDatabaseArgs } from "../components/aws/airflowDatabase";
import { validateGkeClusterArgs } from "../components/gcp/cluster";
import { validateAirflowDatabaseArgs as validateGcpAirflowDatabaseArgs } from "../components/gcp/airflowDatabaseConfig";
import { validateAksClusterArgs } from "../components/azure/cluster";
import { validateAirflowDatabaseArgs as validateAzureAirflowDatabaseArgs } from "../components/azure/airflowDatabaseConfig";
import { validateAzureAirflowSupportArgs } from "../components/azure/airflowSupport";
import { PROFILES } from "../components/profiles";
import { DataPlatformArgs, validateDataPlatformArgs } from "../components/platform";
import { PROBLEM_CODES, ProblemCode } from "../components/problemCodes";
import { Problem, Problems, SeawallValidationError } from "../components/validation";
import { parseStackConfig, StackConfigError } from "../stacks/config";
import { plan } from "./helpers";

/**
 * The problems `check` reports: the ones it throws (a component's validation error, a stack
 * configuration error, also from a synthesis) or returns (the platform's list).
 */
async function reported(check: () => unknown): Promise<Problem[]> {
  try {
    const result = await check();
    return Array.isArray(result) ? (result as Problem[]) : [];
  } catch (error) {
    if (error instanceof SeawallValidationError || error instanceof StackConfigError) return error.problems;
    throw error;
  }
}

const k8sIssuer = { name: "seawall-ca-issuer", kind: "ClusterIssuer" as const };
const k8sKafka = (args: object) => () =>
  validateK8sEventStreamArgs({
    environment: "prod",
    topics: [{ name: "events.raw", partitions: 3 }],
    users: [],
    ...args,
  } as never);
const subnets = { subnetIds: ["subnet-a", "subnet-b", "subnet-c"] };
const stream = (args: object) => () =>
  validateEventStreamArgs({ ...subnets, securityGroupIds: ["sg"], ...args } as never);
const cache = (args: object) => () =>
  validateFeatureStoreArgs({ ...subnets, securityGroupIds: ["sg"], ...args } as never);
const network = (args: object) => () => validateNetworkArgs(args as never);
const store = (args: object, region?: string) => () => validateObjectStoreArgs(args as never, region);
const backups = (args: object) => () => validateBackupsArgs(args as never);
const monitoring = (args: object) => () => validateMonitoringArgs(args as never);
const gcpStream = (args: object) => () =>
  validateGcpEventStreamArgs({
    region: "europe-west1",
    subnetIds: ["projects/p/regions/europe-west1/subnetworks/data"],
    ...args,
  } as never);
const gcpCache = (args: object) => () =>
  validateGcpFeatureStoreArgs({
    region: "europe-west1",
    network: "projects/p/global/networks/data",
    ...args,
  } as never);
const gcpMonitoring = (args: object) => () => validateGcpMonitoringArgs(args as never);
const k8sWorkers = (args: object) => () =>
  validateStageWorkersConfig({ image: "r/seawall:1.0.0", autoscaling: false, ...args } as never);
const k8sMonitoring = (args: object) => () =>
  validateMonitoringStackArgs({
    environment: "prod",
    receiver: { webhook: { url: "https://x" } },
    ...args,
  } as never);
const AZURE_SUBNET =
  "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v/subnets/endpoints";
const azureStream = (args: object) => () =>
  validateAzureEventStreamArgs({
    resourceGroupName: "data",
    location: "westeurope",
    privateEndpoint: { subnetId: AZURE_SUBNET },
    ...args,
  } as never);
const azureCache = (args: object) => () =>
  validateAzureFeatureStoreArgs({
    resourceGroupName: "data",
    location: "westeurope",
    privateEndpoint: { subnetId: AZURE_SUBNET },
    ...args,
  } as never);
const gcpBackups = (args: object) => () =>
  validateGcpBackupsArgs({ region: "europe-west1", ...args } as never);
const gcpVault = (vault: object) =>
  gcpBackups({ vault: { args: { projectNumber: "123456789012", ...vault } } });
const gcpKey = (option: object, location?: string) => () => {
  const p = new Problems();
  checkGcpKmsKeyOption(p, "kmsKey", option, { location });
  p.throwIfAny("kmsKey");
};
const gcpNetwork = (args: object) => () => validateGcpNetworkArgs(args as never, "europe-west1");
const gcpStore = (args: object) => () => validateGcpObjectStoreArgs(args as never, "europe-west1");
const platform: DataPlatformArgs = {
  cloud: "aws",
  environment: "prod",
  owner: "data",
  region: "us-east-1",
  replicaRegion: "us-west-2",
};
const config = (patch: Record<string, string | undefined>) => () => {
  const all: Record<string, string> = {
    "seawall:cloud": "aws",
    "seawall:environment": "dev",
    "seawall:owner": "data",
    "aws:region": "us-east-1",
  };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete all[k];
    else all[k] = v;
  }
  return parseStackConfig("dev-aws", all);
};

const AWS_CLUSTER_BASE = {
  network: { vpcId: "vpc", privateSubnetIds: ["subnet-a", "subnet-b"], clientSecurityGroupId: "sg" },
  adminPrincipalArns: ["arn:aws:iam::123456789012:role/admin"],
};
const awsCluster = (args: object) => () => validateAwsClusterArgs({ ...AWS_CLUSTER_BASE, ...args } as never);
const awsNodeGroup = (group: object) => awsCluster({ nodeGroups: [group] });
const awsAirflowDb = (args: object) => () =>
  validateAirflowDatabaseArgs({
    vpcId: "vpc",
    subnetIds: ["subnet-a", "subnet-b"],
    clientSecurityGroupId: "sg",
    ...args,
  } as never);
const gkeCluster = (args: object) => () =>
  validateGkeClusterArgs({
    network: { networkId: "projects/p/global/networks/data", subnetIds: ["s"] },
    region: "europe-west1",
    ...args,
  } as never);
const gcpAirflowDb = (args: object) => () =>
  validateGcpAirflowDatabaseArgs({
    network: "projects/p/global/networks/data",
    region: "europe-west1",
    ...args,
  } as never);
const aksCluster = (args: object) => () =>
  validateAksClusterArgs({
    resourceGroupName: "data",
    network: { vnetId: "v", subnetIds: ["s"] },
    adminGroupObjectIds: ["11111111-2222-4333-8444-555555555555"],
    ...args,
  } as never);
/** Every code, the field it names and an input that triggers it. */
const azureKey = (option: object) => () => {
  const p = new Problems();
  checkAzureKeyVaultKeyOption(p, "key", option);
  p.throwIfAny("key");
};
const azureNetwork =
  (args: object, location: string | undefined = "westeurope") =>
  () =>
    validateAzureNetworkArgs(args as never, location);
const azureStore = (args: object) => () =>
  validateAzureObjectStoreArgs(
    {
      resourceGroupName: "data",
      privateEndpoints: {
        subnetId:
          "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/pe",
      },
      ...args,
    } as never,
    "westeurope",
  );
const AZURE_VAULT_ID =
  "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/g/providers/Microsoft.KeyVault/vaults/lake-keys";

const azureMonitoring = (args: object) => () =>
  validateAzureMonitoringArgs({ resourceGroupName: "data", ...args } as never);
const azureBackups = (args: object) => () =>
  validateAzureBackupsArgs({ resourceGroupName: "data", ...args } as never);
const AZURE_VNET = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/v";
const azureAirflowDb =
  (args: object, location = "westeurope") =>
  () =>
    validateAzureAirflowDatabaseArgs(
      {
        network: {
          virtualNetworkId: AZURE_VNET,
          subnet: { args: { addressPrefix: "10.20.17.0/24", clientAddressPrefixes: ["10.20.0.0/20"] } },
        },
        ...args,
      } as never,
      location,
    );
const TABLE: [ProblemCode, string, () => unknown][] = [
  ["SEAWALL_HELPER_SHAPE", "accessLogging", store({ accessLogging: { prefix: "logs/" } })],
  ["SEAWALL_HELPER_FORM_UNSUPPORTED", "kmsKey", store({ kmsKey: { skip: true } })],
  ["SEAWALL_KMS_DELETION_WINDOW", "keyDeletionWindowInDays", backups({ keyDeletionWindowInDays: 31 })],
  ["SEAWALL_LOG_RETENTION", "logRetentionInDays", stream({ logRetentionInDays: 2 })],

  [
    "SEAWALL_PLATFORM_CLOUD_UNSUPPORTED",
    "cloud",
    () => validateDataPlatformArgs({ ...platform, cloud: "oracle" as never }),
  ],
  [
    "SEAWALL_PLATFORM_REPLICA_REGION_REQUIRED",
    "replicaRegion",
    () => validateDataPlatformArgs({ ...platform, replicaRegion: undefined }),
  ],
  [
    "SEAWALL_PLATFORM_REPLICA_REGION_SAME",
    "replicaRegion",
    () => validateDataPlatformArgs({ ...platform, replicaRegion: "us-east-1" }),
  ],
  [
    "SEAWALL_PLATFORM_BACKUP_COPY_REGION_REQUIRED",
    "replicaRegion",
    () =>
      validateDataPlatformArgs({
        ...platform,
        replicaRegion: undefined,
        objectStore: { replication: false },
      }),
  ],
  ["SEAWALL_CONFIG_UNKNOWN_KEY", "seawall:colour", config({ "seawall:colour": "blue" })],
  ["SEAWALL_CONFIG_INVALID", "seawall:environment", config({ "seawall:environment": "qa" })],
  ["SEAWALL_CONFIG_REGION_REQUIRED", "aws:region", config({ "aws:region": undefined })],
  [
    "SEAWALL_CONFIG_PROJECT_REQUIRED",
    "gcp:project",
    config({ "seawall:cloud": "gcp", "gcp:region": "us-central1" }),
  ],
  [
    "SEAWALL_PLATFORM_GCP_UNSUPPORTED",
    "eventStream.clientAuthentication",
    () => gcpSettingProblems({ ...platform, cloud: "gcp", eventStream: { clientAuthentication: "scram" } }),
  ],
  ["SEAWALL_PLATFORM_GCP_LABEL", "tags.Team", () => gcpSettingProblems({ ...platform, tags: { Team: "x" } })],

  [
    "SEAWALL_NETWORK_SUBNETS_TOO_FEW",
    "vpc.existing.subnetIds",
    network({ vpc: { existing: { vpcId: "v", subnetIds: ["a"] } } }),
  ],
  [
    "SEAWALL_NETWORK_ZONES_RANGE",
    "vpc.args.availabilityZones",
    network({ vpc: { args: { availabilityZones: 1 } } }),
  ],
  [
    "SEAWALL_NETWORK_CIDR_INVALID",
    "vpc.args.cidrBlock",
    network({ vpc: { args: { cidrBlock: "10.0.0.0/8" } } }),
  ],
  [
    "SEAWALL_NETWORK_SUBNET_PREFIX",
    "vpc.args.subnetPrefixLength",
    network({ vpc: { args: { subnetPrefixLength: 29 } } }),
  ],
  [
    "SEAWALL_NETWORK_ENDPOINT_INVALID",
    "vpc.args.interfaceEndpoints[0]",
    network({ vpc: { args: { interfaceEndpoints: ["STS"] } } }),
  ],
  [
    "SEAWALL_NETWORK_ENDPOINT_S3",
    "vpc.args.interfaceEndpoints[0]",
    network({ vpc: { args: { interfaceEndpoints: ["s3"] } } }),
  ],
  [
    "SEAWALL_NETWORK_ENDPOINT_DUPLICATE",
    "vpc.args.interfaceEndpoints[1]",
    network({ vpc: { args: { interfaceEndpoints: ["sts", "sts"] } } }),
  ],
  [
    "SEAWALL_NETWORK_KAFKA_AUTH",
    "kafka.clientAuthentication",
    network({ kafka: { clientAuthentication: [] } }),
  ],
  ["SEAWALL_NETWORK_REDIS_PORT", "redis.port", network({ redis: { port: 80 } })],
  [
    "SEAWALL_NETWORK_FLOW_LOG_TRAFFIC",
    "flowLogs.args.trafficType",
    network({ flowLogs: { args: { trafficType: "SOME" } } }),
  ],

  [
    "SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE",
    "lifecycle.expireNoncurrentAfterDays",
    store({ lifecycle: { expireNoncurrentAfterDays: 0 } }),
  ],
  [
    "SEAWALL_OBJECTSTORE_LIFECYCLE_ORDER",
    "lifecycle.archiveAfterDays",
    store({ lifecycle: { archiveAfterDays: 40 } }),
  ],
  [
    "SEAWALL_OBJECTSTORE_ARCHIVE_CLASS",
    "lifecycle.archiveStorageClass",
    store({ lifecycle: { archiveStorageClass: "COLD" } }),
  ],
  ["SEAWALL_OBJECTSTORE_BUCKET_NAME", "bucketName", store({ bucketName: "Bad_Name" })],
  ["SEAWALL_OBJECTSTORE_PREFIX", "prefix", store({ prefix: "/events" })],
  ["SEAWALL_OBJECTSTORE_REGION_INVALID", "replication.region", store({ replication: { region: "nowhere" } })],
  [
    "SEAWALL_OBJECTSTORE_REPLICA_SAME_REGION",
    "replication.region",
    store({ replication: { region: "us-east-1" } }, "us-east-1"),
  ],
  ["SEAWALL_OBJECTSTORE_LOCK_MODE", "objectLock.mode", store({ objectLock: { mode: "STRICT", days: 1 } })],
  ["SEAWALL_OBJECTSTORE_LOCK_DAYS", "objectLock.days", store({ objectLock: { mode: "GOVERNANCE" } })],
  [
    "SEAWALL_OBJECTSTORE_ACCESS_LOG_EXPIRY",
    "accessLogging.args.expireAfterDays",
    store({ accessLogging: { args: { expireAfterDays: 0 } } }),
  ],
  [
    "SEAWALL_OBJECTSTORE_TIERING_DAYS_RANGE",
    "intelligentTiering.archiveAccessAfterDays",
    store({ intelligentTiering: { archiveAccessAfterDays: 10 } }),
  ],
  [
    "SEAWALL_OBJECTSTORE_TIERING_ORDER",
    "intelligentTiering.deepArchiveAccessAfterDays",
    store({ intelligentTiering: { archiveAccessAfterDays: 200, deepArchiveAccessAfterDays: 190 } }),
  ],

  ["SEAWALL_EVENTSTREAM_SUBNETS", "subnetIds", stream({ subnetIds: ["a"] })],
  ["SEAWALL_EVENTSTREAM_SECURITY_GROUPS", "securityGroupIds", stream({ securityGroupIds: [] })],
  ["SEAWALL_EVENTSTREAM_KAFKA_VERSION", "kafkaVersion", stream({ kafkaVersion: "latest" })],
  ["SEAWALL_EVENTSTREAM_BROKER_COUNT", "brokerCount", stream({ brokerCount: 31 })],
  ["SEAWALL_EVENTSTREAM_BROKERS_PER_ZONE", "brokerCount", stream({ brokerCount: 4 })],
  ["SEAWALL_EVENTSTREAM_INSTANCE_TYPE", "instanceType", stream({ instanceType: "m7g.large" })],
  ["SEAWALL_EVENTSTREAM_VOLUME_RANGE", "volumeSizeGiB", stream({ volumeSizeGiB: 0 })],
  [
    "SEAWALL_EVENTSTREAM_VOLUME_ORDER",
    "maxVolumeSizeGiB",
    stream({ volumeSizeGiB: 500, maxVolumeSizeGiB: 100 }),
  ],
  [
    "SEAWALL_EVENTSTREAM_STORAGE_TARGET",
    "storageTargetUtilizationPercent",
    stream({ storageTargetUtilizationPercent: 90 }),
  ],
  ["SEAWALL_EVENTSTREAM_CLIENT_AUTH", "clientAuthentication", stream({ clientAuthentication: "none" })],
  ["SEAWALL_EVENTSTREAM_SCRAM_UNUSED", "scram", stream({ scram: {} })],
  [
    "SEAWALL_EVENTSTREAM_SCRAM_RECOVERY_WINDOW",
    "scram.recoveryWindowInDays",
    stream({ clientAuthentication: "scram", scram: { recoveryWindowInDays: 3 } }),
  ],
  [
    "SEAWALL_EVENTSTREAM_SCRAM_USERNAME",
    "scram.username",
    stream({ clientAuthentication: "scram", scram: { username: "a b" } }),
  ],
  [
    "SEAWALL_EVENTSTREAM_REPLICATION_FACTOR",
    "defaultReplicationFactor",
    stream({ defaultReplicationFactor: 4 }),
  ],
  ["SEAWALL_EVENTSTREAM_MIN_INSYNC", "minInsyncReplicas", stream({ minInsyncReplicas: 0 })],
  ["SEAWALL_EVENTSTREAM_MIN_INSYNC_EQUALS_RF", "minInsyncReplicas", stream({ minInsyncReplicas: 3 })],
  [
    "SEAWALL_EVENTSTREAM_SERVER_PROPERTY",
    "serverProperties.auto.create.topics.enable",
    stream({ serverProperties: { "auto.create.topics.enable": "true" } }),
  ],
  ["SEAWALL_EVENTSTREAM_ENHANCED_MONITORING", "enhancedMonitoring", stream({ enhancedMonitoring: "ALL" })],
  ["SEAWALL_EVENTSTREAM_TOPIC_NAME", "topics[0].name", stream({ topics: [{ name: "a b", partitions: 1 }] })],
  [
    "SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE",
    "topics[1].name",
    stream({
      topics: [
        { name: "t", partitions: 1 },
        { name: "t", partitions: 1 },
      ],
    }),
  ],
  ["SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS", "topics[0].partitions", stream({ topics: [{ name: "t" }] })],
  [
    "SEAWALL_EVENTSTREAM_TOPIC_REPLICATION",
    "topics[0].replicationFactor",
    stream({ topics: [{ name: "t", partitions: 1, replicationFactor: 4 }] }),
  ],
  [
    "SEAWALL_EVENTSTREAM_TOPIC_RETENTION",
    "topics[0].retentionHours",
    stream({ topics: [{ name: "t", partitions: 1, retentionHours: 0 }] }),
  ],

  ["SEAWALL_FEATURESTORE_SUBNETS", "subnetIds", cache({ subnetIds: [] })],
  ["SEAWALL_FEATURESTORE_SECURITY_GROUPS", "securityGroupIds", cache({ securityGroupIds: [] })],
  ["SEAWALL_FEATURESTORE_ENGINE_VERSION", "engineVersion", cache({ engineVersion: "6.2" })],
  ["SEAWALL_FEATURESTORE_NODE_TYPE", "nodeType", cache({ nodeType: "r7g.large" })],
  ["SEAWALL_FEATURESTORE_SHARDS", "shards", cache({ shards: 0 })],
  ["SEAWALL_FEATURESTORE_REPLICAS", "replicasPerShard", cache({ replicasPerShard: 6 })],
  [
    "SEAWALL_FEATURESTORE_FAILOVER_NO_REPLICA",
    "automaticFailover",
    cache({ replicasPerShard: 0, automaticFailover: true }),
  ],
  [
    "SEAWALL_FEATURESTORE_FAILOVER_CLUSTER_MODE",
    "automaticFailover",
    cache({ shards: 2, automaticFailover: false }),
  ],
  ["SEAWALL_FEATURESTORE_MULTIAZ_NO_REPLICA", "multiAz", cache({ replicasPerShard: 0, multiAz: true })],
  [
    "SEAWALL_FEATURESTORE_MULTIAZ_NO_FAILOVER",
    "multiAz",
    cache({ replicasPerShard: 1, automaticFailover: false, multiAz: true }),
  ],
  ["SEAWALL_FEATURESTORE_MAXMEMORY_POLICY", "maxmemoryPolicy", cache({ maxmemoryPolicy: "random" })],
  ["SEAWALL_FEATURESTORE_PORT", "port", cache({ port: 80 })],
  ["SEAWALL_FEATURESTORE_SNAPSHOT_RETENTION", "snapshotRetentionDays", cache({ snapshotRetentionDays: 36 })],
  ["SEAWALL_FEATURESTORE_SNAPSHOT_WINDOW", "snapshotWindow", cache({ snapshotWindow: "03:00-03:30" })],
  ["SEAWALL_FEATURESTORE_MAINTENANCE_WINDOW", "maintenanceWindow", cache({ maintenanceWindow: "sunday" })],
  [
    "SEAWALL_FEATURESTORE_WINDOWS_OVERLAP",
    "snapshotWindow",
    cache({ snapshotWindow: "05:00-06:00", maintenanceWindow: "sun:05:30-sun:06:30" }),
  ],

  ["SEAWALL_BACKUPS_CRON", "dailySchedule", backups({ dailySchedule: "0 5 * * *" })],
  ["SEAWALL_BACKUPS_VAULT_NAME", "vaultName", backups({ vaultName: "a" })],
  ["SEAWALL_BACKUPS_RETENTION_RANGE", "dailyRetentionDays", backups({ dailyRetentionDays: 0 })],
  [
    "SEAWALL_BACKUPS_RETENTION_ORDER",
    "weeklyRetentionDays",
    backups({ dailyRetentionDays: 60, weeklyRetentionDays: 30 }),
  ],
  ["SEAWALL_BACKUPS_WINDOW_RANGE", "startWindowMinutes", backups({ startWindowMinutes: 10 })],
  [
    "SEAWALL_BACKUPS_WINDOW_ORDER",
    "completionWindowMinutes",
    backups({ startWindowMinutes: 120, completionWindowMinutes: 150 }),
  ],
  ["SEAWALL_BACKUPS_SELECTION_TAG", "selectionTag", backups({ selectionTag: { key: "", value: "x" } })],
  [
    "SEAWALL_BACKUPS_LOCK_RANGE",
    "vaultLock.changeableForDays",
    backups({ vaultLock: { changeableForDays: 1 } }),
  ],
  [
    "SEAWALL_BACKUPS_LOCK_MIN_OVER_MAX",
    "vaultLock.minRetentionDays",
    backups({ vaultLock: { minRetentionDays: 20, maxRetentionDays: 10 } }),
  ],
  [
    "SEAWALL_BACKUPS_LOCK_MIN_OVER_DAILY",
    "vaultLock.minRetentionDays",
    backups({ dailyRetentionDays: 7, vaultLock: { minRetentionDays: 8 } }),
  ],
  [
    "SEAWALL_BACKUPS_LOCK_MAX_UNDER_WEEKLY",
    "vaultLock.maxRetentionDays",
    backups({ weeklyRetentionDays: 365, vaultLock: { maxRetentionDays: 100 } }),
  ],
  ["SEAWALL_BACKUPS_COPY_REGION", "copy.region", backups({ copy: { region: "west" } })],
  [
    "SEAWALL_BACKUPS_COPY_SAME_REGION",
    "copy.region",
    // Known only where the component runs: the primary region comes from the provider's config.
    () => plan(() => new Backups("backups", { copy: { region: "us-east-1" } })),
  ],
  [
    "SEAWALL_BACKUPS_RESTORE_TEST_WINDOW",
    "restoreTesting.startWindowHours",
    backups({ restoreTesting: { startWindowHours: 0 } }),
  ],

  [
    "SEAWALL_MONITORING_THRESHOLD_RANGE",
    "thresholds.kafkaCpuPercent",
    monitoring({ thresholds: { kafkaCpuPercent: 101 } }),
  ],
  [
    "SEAWALL_MONITORING_IDENTIFIER",
    "eventStream.clusterName",
    monitoring({ eventStream: { clusterName: " ", brokerCount: 3 } }),
  ],
  ["SEAWALL_MONITORING_DASHBOARD_NAME", "dashboardName", monitoring({ dashboardName: "a b" })],
  ["SEAWALL_MONITORING_ALERT_EMAIL", "alertEmails[0]", monitoring({ alertEmails: ["oncall"] })],
  [
    "SEAWALL_MONITORING_BROKER_COUNT",
    "eventStream.brokerCount",
    monitoring({ eventStream: { clusterName: "c" } }),
  ],
  [
    "SEAWALL_MONITORING_MEMBER_CLUSTERS",
    "featureStore.memberClusterIds",
    monitoring({ featureStore: { replicationGroupId: "g", memberClusterIds: [] } }),
  ],

  [
    "SEAWALL_GCP_KMS_ROTATION",
    "kmsKey.args.rotationPeriodDays",
    gcpKey({ args: { rotationPeriodDays: 365 } }),
  ],
  [
    "SEAWALL_GCP_KMS_PROTECTION_LEVEL",
    "kmsKey.args.protectionLevel",
    gcpKey({ args: { protectionLevel: "X" } }),
  ],
  [
    "SEAWALL_GCP_KMS_DESTROY_DELAY",
    "kmsKey.args.destroyScheduledDays",
    gcpKey({ args: { destroyScheduledDays: 0 } }),
  ],
  ["SEAWALL_GCP_KMS_KEY_ID", "kmsKey.existing.keyId", gcpKey({ existing: { keyId: "k" } })],
  [
    "SEAWALL_GCP_KMS_LOCATION",
    "kmsKey.existing.keyId",
    gcpKey({ existing: { keyId: "projects/p/locations/us-east1/keyRings/r/cryptoKeys/k" } }, "europe-west1"),
  ],
  [
    "SEAWALL_GCP_MONITORING_THRESHOLD_RANGE",
    "thresholds.cacheCpuPercent",
    gcpMonitoring({ thresholds: { cacheCpuPercent: 0 } }),
  ],
  ["SEAWALL_GCP_MONITORING_ALERT_EMAIL", "alertEmails[0]", gcpMonitoring({ alertEmails: ["oncall"] })],
  ["SEAWALL_GCP_MONITORING_PUBSUB_TOPIC", "pubsub.topicId", gcpMonitoring({ pubsub: { topicId: "alerts" } })],
  ["SEAWALL_GCP_MONITORING_DASHBOARD_NAME", "dashboardName", gcpMonitoring({ dashboardName: "" })],
  ["SEAWALL_GCP_MONITORING_PROJECT", "project", gcpMonitoring({ backups: { enabled: true } })],
  ["SEAWALL_GCP_MONITORING_IDENTIFIER", "objectStore.bucket", gcpMonitoring({ objectStore: { bucket: "" } })],
  [
    "SEAWALL_GCP_MONITORING_ENGINE",
    "featureStore.engine",
    gcpMonitoring({ featureStore: { engine: "x", instanceId: "i" } }),
  ],
  [
    "SEAWALL_GCP_BACKUPS_REGION",
    "region",
    gcpBackups({ region: "Europe", vault: { args: { projectNumber: "123456789012" } } }),
  ],
  ["SEAWALL_GCP_BACKUPS_VAULT_ID", "vault.args.vaultId", gcpVault({ vaultId: "Vault" })],
  [
    "SEAWALL_GCP_BACKUPS_RETENTION_RANGE",
    "vault.args.minimumEnforcedRetentionDays",
    gcpVault({ minimumEnforcedRetentionDays: 0 }),
  ],
  [
    "SEAWALL_GCP_BACKUPS_RETENTION_ORDER",
    "plans[0].dailyRetentionDays",
    gcpBackups({
      vault: { args: { projectNumber: "123456789012" } },
      plans: [{ resourceType: "compute.googleapis.com/Disk", dailyRetentionDays: 7 }],
    }),
  ],
  ["SEAWALL_GCP_BACKUPS_LOCK_TIME", "vault.args.lockAfter", gcpVault({ lockAfter: "tomorrow" })],
  [
    "SEAWALL_GCP_BACKUPS_ACCESS_RESTRICTION",
    "vault.args.accessRestriction",
    gcpVault({ accessRestriction: "OPEN" }),
  ],
  ["SEAWALL_GCP_BACKUPS_PROJECT_NUMBER", "vault.args.projectNumber", gcpBackups({ vault: { args: {} } })],
  [
    "SEAWALL_GCP_BACKUPS_PLAN_NEEDS_VAULT",
    "plans",
    gcpBackups({ plans: [{ resourceType: "compute.googleapis.com/Disk" }] }),
  ],
  [
    "SEAWALL_GCP_BACKUPS_RESOURCE_UNSUPPORTED",
    "plans[0].resourceType",
    gcpBackups({
      vault: { existing: { vaultId: "v" } },
      plans: [{ resourceType: "storage.googleapis.com/Bucket" }],
    }),
  ],
  [
    "SEAWALL_GCP_BACKUPS_WINDOW",
    "plans[0].windowStartHour",
    gcpBackups({
      vault: { existing: { vaultId: "v" } },
      plans: [{ resourceType: "compute.googleapis.com/Disk", windowStartHour: 19 }],
    }),
  ],
  ["SEAWALL_GCP_EVENTSTREAM_REGION", "region", gcpStream({ region: "Europe" })],
  ["SEAWALL_GCP_EVENTSTREAM_SUBNETS", "subnetIds", gcpStream({ subnetIds: [] })],
  ["SEAWALL_GCP_EVENTSTREAM_SUBNET_ID", "subnetIds[0]", gcpStream({ subnetIds: ["subnet-a"] })],
  [
    "SEAWALL_GCP_EVENTSTREAM_SUBNET_REGION",
    "subnetIds[0]",
    gcpStream({ subnetIds: ["projects/p/regions/us-east1/subnetworks/data"] }),
  ],
  ["SEAWALL_GCP_EVENTSTREAM_CLUSTER_ID", "clusterId", gcpStream({ clusterId: "Events" })],
  ["SEAWALL_GCP_EVENTSTREAM_VCPU", "vcpuCount", gcpStream({ vcpuCount: 2 })],
  ["SEAWALL_GCP_EVENTSTREAM_MEMORY", "memoryGiB", gcpStream({ vcpuCount: 3, memoryGiB: 25 })],
  ["SEAWALL_GCP_EVENTSTREAM_REBALANCE", "rebalanceMode", gcpStream({ rebalanceMode: "ALWAYS" })],
  [
    "SEAWALL_GCP_EVENTSTREAM_CLIENT_ACCOUNT",
    "clientServiceAccounts[0]",
    gcpStream({ clientServiceAccounts: ["workers"] }),
  ],
  ["SEAWALL_GCP_NETWORK_REGION", "region", gcpNetwork({ region: "Europe" })],
  [
    "SEAWALL_GCP_NETWORK_CIDR",
    "network.args.workloadsCidr",
    gcpNetwork({ network: { args: { workloadsCidr: "8.8.0.0/16" } } }),
  ],
  [
    "SEAWALL_GCP_NETWORK_CIDR_OVERLAP",
    "network.args.servicesCidr",
    gcpNetwork({ network: { args: { workloadsCidr: "10.0.0.0/16", servicesCidr: "10.0.4.0/24" } } }),
  ],
  [
    "SEAWALL_GCP_NETWORK_SUBNETS",
    "network.existing.subnetIds",
    gcpNetwork({ network: { existing: { networkId: "n", subnetIds: [] } } }),
  ],
  ["SEAWALL_GCP_NETWORK_CLIENTS", "clients", gcpNetwork({ clients: { tags: [] } })],
  ["SEAWALL_GCP_NETWORK_PORTS", "kafka.ports", gcpNetwork({ kafka: { ports: ["0"] } })],
  [
    "SEAWALL_GCP_NETWORK_CONNECTIVITY",
    "featureStore.connectivity",
    gcpNetwork({ featureStore: { connectivity: "memcached" } }),
  ],
  [
    "SEAWALL_GCP_NETWORK_FLOW_LOGS",
    "flowLogs.args.flowSampling",
    gcpNetwork({ flowLogs: { args: { flowSampling: 2 } } }),
  ],
  [
    "SEAWALL_GCP_NETWORK_NAT_PORTS",
    "nat.args.minPortsPerVm",
    gcpNetwork({ nat: { args: { minPortsPerVm: 1 } } }),
  ],
  ["SEAWALL_GCP_FEATURESTORE_REGION", "region", gcpCache({ region: undefined })],
  ["SEAWALL_GCP_FEATURESTORE_NETWORK", "network", gcpCache({ network: "default" })],
  ["SEAWALL_GCP_FEATURESTORE_INSTANCE_ID", "instanceId", gcpCache({ instanceId: "fs" })],
  ["SEAWALL_GCP_FEATURESTORE_NODE_TYPE", "nodeType", gcpCache({ nodeType: "cache.r7g.large" })],
  ["SEAWALL_GCP_FEATURESTORE_REPLICAS", "replicaCount", gcpCache({ replicaCount: 6 })],
  [
    "SEAWALL_GCP_FEATURESTORE_PERSISTENCE",
    "persistence.mode",
    gcpCache({ persistence: { mode: "DISABLED" } }),
  ],
  [
    "SEAWALL_GCP_FEATURESTORE_BACKUP_RETENTION",
    "backupRetentionDays",
    gcpCache({ backupRetentionDays: 366 }),
  ],
  ["SEAWALL_GCP_FEATURESTORE_WINDOW_HOUR", "backupStartHour", gcpCache({ backupStartHour: 24 })],
  [
    "SEAWALL_GCP_FEATURESTORE_MAINTENANCE_DAY",
    "maintenanceWindow.day",
    gcpCache({ maintenanceWindow: { day: "SUN", hour: 5 } }),
  ],
  [
    "SEAWALL_GCP_FEATURESTORE_WINDOWS_OVERLAP",
    "maintenanceWindow.hour",
    gcpCache({ backupStartHour: 5, maintenanceWindow: { day: "SUNDAY", hour: 5 } }),
  ],
  [
    "SEAWALL_GCP_FEATURESTORE_CLIENT_ACCOUNT",
    "clientServiceAccounts[0]",
    gcpCache({ clientServiceAccounts: ["workers@example.com"] }),
  ],
  ["SEAWALL_GCP_OBJECTSTORE_REGION", "region", gcpStore({ region: "Europe" })],
  [
    "SEAWALL_GCP_OBJECTSTORE_PLACEMENT",
    "dualRegion.replicaRegion",
    gcpStore({ dualRegion: { replicaRegion: "us-east1" } }),
  ],
  ["SEAWALL_GCP_OBJECTSTORE_TURBO_SINGLE_REGION", "turboReplication", gcpStore({ turboReplication: true })],
  ["SEAWALL_GCP_OBJECTSTORE_BUCKET_NAME", "bucketName", gcpStore({ bucketName: "Lake" })],
  [
    "SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_DAYS",
    "lifecycle.expireNoncurrentAfterDays",
    gcpStore({ lifecycle: { expireNoncurrentAfterDays: 0 } }),
  ],
  [
    "SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_ORDER",
    "lifecycle.archiveAfterDays",
    gcpStore({ lifecycle: { archiveAfterDays: 20 } }),
  ],
  [
    "SEAWALL_GCP_OBJECTSTORE_AUTOCLASS_TIERS",
    "lifecycle",
    gcpStore({ autoclass: true, lifecycle: { archiveAfterDays: 60 } }),
  ],
  ["SEAWALL_GCP_OBJECTSTORE_UNSUPPORTED", "intelligentTiering", gcpStore({ intelligentTiering: {} })],
  ["SEAWALL_GCP_OBJECTSTORE_SOFT_DELETE", "softDeleteDays", gcpStore({ softDeleteDays: 3 })],
  ["SEAWALL_GCP_OBJECTSTORE_RETENTION", "retentionPolicy.days", gcpStore({ retentionPolicy: { days: 0 } })],
  // Azure platform.
  [
    "SEAWALL_PLATFORM_AZURE_UNSUPPORTED",
    "eventStream.clientAuthentication",
    () =>
      azureSettingProblems({ ...platform, cloud: "azure", eventStream: { clientAuthentication: "scram" } }),
  ],
  [
    "SEAWALL_PLATFORM_AZURE_TAG",
    "tags.a/b",
    () => azureSettingProblems({ ...platform, tags: { "a/b": "x" } }),
  ],
  [
    "SEAWALL_CONFIG_SUBSCRIPTION_REQUIRED",
    "azure-native:subscriptionId",
    config({ "seawall:cloud": "azure", "azure-native:location": "westeurope" }),
  ],
  // Azure customer-managed key helper.
  ["SEAWALL_AZURE_KEYVAULT_ROTATION", "key.args.rotationDays", azureKey({ args: { rotationDays: 1 } })],
  [
    "SEAWALL_AZURE_KEYVAULT_SOFT_DELETE",
    "key.args.softDeleteRetentionDays",
    azureKey({ args: { softDeleteRetentionDays: 1 } }),
  ],
  ["SEAWALL_AZURE_KEYVAULT_KEY_SIZE", "key.args.keySize", azureKey({ args: { keySize: 2048 } })],
  ["SEAWALL_AZURE_KEYVAULT_NAME", "key.args.vaultName", azureKey({ args: { vaultName: "a" } })],
  [
    "SEAWALL_AZURE_KEYVAULT_KEY_ID",
    "key.existing.keyId",
    azureKey({ existing: { keyId: "lake", vaultId: AZURE_VAULT_ID } }),
  ],
  [
    "SEAWALL_AZURE_KEYVAULT_VAULT_ID",
    "key.existing.vaultId",
    azureKey({ existing: { keyId: "https://lake-keys.vault.azure.net/keys/lake", vaultId: "lake-keys" } }),
  ],
  // Azure ObjectStore.
  ["SEAWALL_AZURE_OBJECTSTORE_LOCATION", "location", azureStore({ location: "West Europe" })],
  ["SEAWALL_AZURE_OBJECTSTORE_ACCOUNT_NAME", "accountName", azureStore({ accountName: "Lake" })],
  ["SEAWALL_AZURE_OBJECTSTORE_CONTAINER_NAME", "containerName", azureStore({ containerName: "a" })],
  ["SEAWALL_AZURE_OBJECTSTORE_PREFIX", "prefix", azureStore({ prefix: "/x" })],
  ["SEAWALL_AZURE_OBJECTSTORE_SKU", "sku", azureStore({ sku: "Premium_LRS" })],
  [
    "SEAWALL_AZURE_OBJECTSTORE_PRIVATE_ENDPOINT",
    "privateEndpoints.subnetId",
    azureStore({ privateEndpoints: { subnetId: "pe" } }),
  ],
  [
    "SEAWALL_AZURE_OBJECTSTORE_REPLICA_LOCATION",
    "replication.args.location",
    azureStore({ replication: { args: { location: "westeurope" } } }),
  ],
  [
    "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_DAYS",
    "lifecycle.expireNoncurrentAfterDays",
    azureStore({ lifecycle: { expireNoncurrentAfterDays: -1 } }),
  ],
  [
    "SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_ORDER",
    "lifecycle.coldAfterDays",
    azureStore({ lifecycle: { coldAfterDays: 10 } }),
  ],
  [
    "SEAWALL_AZURE_OBJECTSTORE_ARCHIVE_REDUNDANCY",
    "lifecycle.archiveAfterDays",
    azureStore({ lifecycle: { archiveAfterDays: 365 } }),
  ],
  [
    "SEAWALL_AZURE_OBJECTSTORE_UNSUPPORTED",
    "lifecycle.abortIncompleteMultipartAfterDays",
    azureStore({ lifecycle: { abortIncompleteMultipartAfterDays: 7 } }),
  ],
  ["SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE", "softDeleteDays", azureStore({ softDeleteDays: 1 })],
  [
    "SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS",
    "pointInTimeRestoreDays",
    azureStore({ pointInTimeRestoreDays: 30 }),
  ],
  ["SEAWALL_AZURE_OBJECTSTORE_IMMUTABILITY", "immutability.days", azureStore({ immutability: { days: 0 } })],
  // Azure Network.
  ["SEAWALL_AZURE_NETWORK_LOCATION", "location", azureNetwork({ location: "West Europe" })],
  [
    "SEAWALL_AZURE_NETWORK_RESOURCE_GROUP",
    "resourceGroup.existing.name",
    azureNetwork({ resourceGroup: { existing: { name: "bad." } } }),
  ],
  [
    "SEAWALL_AZURE_NETWORK_CIDR",
    "network.args.addressSpace",
    azureNetwork({ network: { args: { addressSpace: "8.8.0.0/16" } } }),
  ],
  [
    "SEAWALL_AZURE_NETWORK_CIDR_OVERLAP",
    "network.args.privateEndpointsCidr",
    azureNetwork({ network: { args: { privateEndpointsCidr: "10.20.0.0/24" } } }),
  ],
  [
    "SEAWALL_AZURE_NETWORK_PORTS",
    "network.args.servicePorts",
    azureNetwork({ network: { args: { servicePorts: [] } } }),
  ],
  [
    "SEAWALL_AZURE_NETWORK_RESOURCE_ID",
    "flowLogs.args.storageAccountId",
    azureNetwork({ flowLogs: { args: { storageAccountId: "logs" } } }),
  ],
  [
    "SEAWALL_AZURE_NETWORK_FLOW_LOGS",
    "flowLogs.args.retentionDays",
    azureNetwork({
      flowLogs: {
        args: {
          storageAccountId:
            "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/logs",
          retentionDays: 0,
        },
      },
    }),
  ],
  // Azure Backups.
  ["SEAWALL_AZURE_BACKUPS_VAULT_NAME", "vaultName", azureBackups({ vaultName: "1vault" })],
  ["SEAWALL_AZURE_BACKUPS_REDUNDANCY", "storageRedundancy", azureBackups({ storageRedundancy: "RAGRS" })],
  [
    "SEAWALL_AZURE_BACKUPS_CROSS_REGION_RESTORE",
    "crossRegionRestore",
    azureBackups({ storageRedundancy: "ZoneRedundant", crossRegionRestore: true }),
  ],
  ["SEAWALL_AZURE_BACKUPS_IMMUTABILITY", "immutability", azureBackups({ immutability: "Frozen" })],
  [
    "SEAWALL_AZURE_BACKUPS_RETENTION_RANGE",
    "softDeleteRetentionDays",
    azureBackups({ softDeleteRetentionDays: 7 }),
  ],
  ["SEAWALL_AZURE_BACKUPS_ACCOUNT_ID", "storageAccount.id", azureBackups({ storageAccount: { id: "lake" } })],
  [
    "SEAWALL_AZURE_BACKUPS_HNS_UNSUPPORTED",
    "storageAccount.hierarchicalNamespace",
    azureBackups({
      storageAccount: {
        id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/lake",
        hierarchicalNamespace: true,
      },
    }),
  ],
  ["SEAWALL_AZURE_BACKUPS_NEEDS_ACCOUNT", "vaulted", azureBackups({ vaulted: { containers: ["lake"] } })],
  ["SEAWALL_AZURE_BACKUPS_CONTAINERS", "vaulted.containers", azureBackups({ vaulted: { containers: [] } })],
  [
    "SEAWALL_AZURE_BACKUPS_START_HOUR",
    "vaulted.startHourUtc",
    azureBackups({ vaulted: { containers: ["lake"], startHourUtc: 24 } }),
  ],
  // Azure Monitoring.
  [
    "SEAWALL_AZURE_MONITORING_RETENTION",
    "workspace.args.retentionDays",
    azureMonitoring({ workspace: { args: { retentionDays: 14 } } }),
  ],
  [
    "SEAWALL_AZURE_MONITORING_WORKSPACE_NAME",
    "workspace.args.workspaceName",
    azureMonitoring({ workspace: { args: { workspaceName: "-logs" } } }),
  ],
  [
    "SEAWALL_AZURE_MONITORING_THRESHOLD_RANGE",
    "thresholds.cacheCpuPercent",
    azureMonitoring({ thresholds: { cacheCpuPercent: 101 } }),
  ],
  [
    "SEAWALL_AZURE_MONITORING_UNSUPPORTED",
    "thresholds.consumerLagMessages",
    azureMonitoring({ thresholds: { consumerLagMessages: 1000 } }),
  ],
  ["SEAWALL_AZURE_MONITORING_ALERT_EMAIL", "alertEmails[0]", azureMonitoring({ alertEmails: ["oncall"] })],
  [
    "SEAWALL_AZURE_MONITORING_SHORT_NAME",
    "actionGroupShortName",
    azureMonitoring({ actionGroupShortName: "seawall-alerts" }),
  ],
  [
    "SEAWALL_AZURE_MONITORING_RESOURCE_ID",
    "eventStream.namespaceId",
    azureMonitoring({ eventStream: { namespaceId: "events" } }),
  ],
  ["SEAWALL_AZURE_EVENTSTREAM_LOCATION", "location", azureStream({ location: "West Europe" })],
  ["SEAWALL_AZURE_EVENTSTREAM_NAMESPACE_NAME", "namespaceName", azureStream({ namespaceName: "ev" })],
  ["SEAWALL_AZURE_EVENTSTREAM_TIER", "tier", azureStream({ tier: "Basic" })],
  ["SEAWALL_AZURE_EVENTSTREAM_CAPACITY", "capacity", azureStream({ capacity: 3 })],
  ["SEAWALL_AZURE_EVENTSTREAM_AUTO_INFLATE", "maxThroughputUnits", azureStream({ maxThroughputUnits: 2 })],
  [
    "SEAWALL_AZURE_EVENTSTREAM_TOPIC_COUNT",
    "topics",
    azureStream({
      tier: "Standard",
      topics: Array.from({ length: 11 }, (_, i) => ({ name: `t${i}`, partitions: 1 })),
    }),
  ],
  [
    "SEAWALL_AZURE_EVENTSTREAM_COMPACT_RETENTION",
    "topics[0].retentionHours",
    azureStream({ topics: [{ name: "f", partitions: 1, compaction: true, retentionHours: 24 }] }),
  ],
  [
    "SEAWALL_AZURE_EVENTSTREAM_CONSUMER_GROUP",
    "consumerGroups[0].topic",
    azureStream({ consumerGroups: [{ group: "g", topic: "none" }] }),
  ],
  [
    "SEAWALL_AZURE_EVENTSTREAM_PRINCIPAL_ID",
    "clientPrincipalIds[0]",
    azureStream({ clientPrincipalIds: ["w"] }),
  ],
  [
    "SEAWALL_AZURE_EVENTSTREAM_PRIVATE_ENDPOINT",
    "privateEndpoint.subnetId",
    azureStream({ privateEndpoint: { subnetId: "s" } }),
  ],
  [
    "SEAWALL_AZURE_EVENTSTREAM_GEO_LOCATION",
    "geoDisasterRecovery.location",
    azureStream({ geoDisasterRecovery: { location: "westeurope" } }),
  ],
  [
    "SEAWALL_AZURE_EVENTSTREAM_CMK_TIER",
    "customerManagedKey",
    azureStream({ tier: "Standard", customerManagedKey: { args: {} } }),
  ],
  ["SEAWALL_AZURE_FEATURESTORE_LOCATION", "location", azureCache({ location: "West Europe" })],
  ["SEAWALL_AZURE_FEATURESTORE_CLUSTER_NAME", "clusterName", azureCache({ clusterName: "-fs" })],
  ["SEAWALL_AZURE_FEATURESTORE_SKU", "sku", azureCache({ sku: "Enterprise_E10" })],
  ["SEAWALL_AZURE_FEATURESTORE_EVICTION_POLICY", "evictionPolicy", azureCache({ evictionPolicy: "lru" })],
  [
    "SEAWALL_AZURE_FEATURESTORE_PERSISTENCE",
    "persistence.mode",
    azureCache({ persistence: { mode: "OFF" } }),
  ],
  [
    "SEAWALL_AZURE_FEATURESTORE_PRINCIPAL_ID",
    "clientPrincipalIds[0]",
    azureCache({ clientPrincipalIds: ["w"] }),
  ],
  [
    "SEAWALL_AZURE_FEATURESTORE_PRIVATE_ENDPOINT",
    "privateEndpoint.subnetId",
    azureCache({ privateEndpoint: { subnetId: "s" } }),
  ],
  ["SEAWALL_K8S_WORKERS_IMAGE", "image", k8sWorkers({ image: "r/seawall:latest" })],
  ["SEAWALL_K8S_WORKERS_NAME", "namespace", k8sWorkers({ namespace: "Seawall" })],
  [
    "SEAWALL_K8S_WORKERS_IDENTITY_NAMESPACE",
    "workloadIdentity.namespace",
    k8sWorkers({ identityNamespace: "other" }),
  ],
  ["SEAWALL_K8S_WORKERS_WORKLOADS_EMPTY", "workloads", k8sWorkers({ workloads: [] })],
  [
    "SEAWALL_K8S_WORKERS_STAGE_UNKNOWN",
    "workloads[0].stages[0]",
    k8sWorkers({ workloads: [{ stages: ["nope"] }] }),
  ],
  [
    "SEAWALL_K8S_WORKERS_STAGE_TWICE",
    "workloads[1].stages[0]",
    k8sWorkers({ workloads: [{ stages: ["ingest"] }, { stages: ["ingest"], name: "again" }] }),
  ],
  [
    "SEAWALL_K8S_WORKERS_CHAIN_ORDER",
    "workloads[0].stages",
    k8sWorkers({ workloads: [{ stages: ["dedup", "ingest"] }] }),
  ],
  [
    "SEAWALL_K8S_WORKERS_REPLICAS",
    "workloads[0].minReplicas",
    k8sWorkers({ workloads: [{ stages: ["ingest"], minReplicas: 0 }] }),
  ],
  [
    "SEAWALL_K8S_WORKERS_PARTITIONS",
    'autoscaling.partitions["events.raw"]',
    k8sWorkers({ workloads: [{ stages: ["ingest"] }], autoscaling: true, partitions: {} }),
  ],
  ["SEAWALL_K8S_WORKERS_ENV", "env.REDIS_AUTH", k8sWorkers({ env: { REDIS_AUTH: "x" } })],
  ["SEAWALL_K8S_WORKERS_LAG_THRESHOLD", "autoscaling.lagThreshold", k8sWorkers({ lagThreshold: 0 })],
  ["SEAWALL_K8S_KEDA_REPLICAS", "replicas", () => validateKedaArgs({ replicas: 9 })],
  ["SEAWALL_K8S_KAFKA_NAME", "clusterName", k8sKafka({ clusterName: "Seawall" })],
  ["SEAWALL_K8S_KAFKA_REPLICAS", "replicationFactor", k8sKafka({ replicationFactor: 5 })],
  [
    "SEAWALL_K8S_KAFKA_PARTITIONS",
    "topics[0].partitions",
    k8sKafka({ topics: [{ name: "t", partitions: 0 }] }),
  ],
  [
    "SEAWALL_K8S_KAFKA_TOPIC",
    "topics[0].retentionHours",
    k8sKafka({ topics: [{ name: "t", partitions: 1, retentionHours: 0 }] }),
  ],
  [
    "SEAWALL_K8S_KAFKA_USER_TOPIC",
    "users[0].produces[0]",
    k8sKafka({ users: [{ name: "seawall-x", produces: ["nowhere"] }] }),
  ],
  ["SEAWALL_K8S_KAFKA_AUTHENTICATION", "clientAuthentication", k8sKafka({ clientAuthentication: "plain" })],
  ["SEAWALL_K8S_KAFKA_STORAGE", "brokerStorage", k8sKafka({ brokerStorage: "1TB" })],
  [
    "SEAWALL_K8S_KAFKA_OPERATOR_REPLICAS",
    "replicas",
    () => validateStrimziOperatorArgs({ watchNamespaces: ["seawall"], replicas: 0 }),
  ],
  [
    "SEAWALL_K8S_CERT_MANAGER_REPLICAS",
    "replicas",
    () => validateCertManagerArgs({ environment: "prod", replicas: 9 }),
  ],
  [
    "SEAWALL_K8S_CERT_MANAGER_ISSUER",
    "issuerRef.kind",
    () =>
      validateCertManagerArgs({ environment: "prod", issuerRef: { name: "pki", kind: "Vault" as never } }),
  ],
  [
    "SEAWALL_K8S_OBJECT_STORE_ENDPOINT",
    "existing.endpoint",
    () =>
      validateK8sObjectStoreArgs({ environment: "dev", existing: { endpoint: "http://s3", bucket: "lake" } }),
  ],
  [
    "SEAWALL_K8S_OBJECT_STORE_BUCKET",
    "bucket",
    () => validateK8sObjectStoreArgs({ environment: "dev", issuerRef: k8sIssuer, bucket: "A" }),
  ],
  ["SEAWALL_K8S_OBJECT_STORE_ISSUER", "issuerRef", () => validateK8sObjectStoreArgs({ environment: "dev" })],
  [
    "SEAWALL_K8S_OBJECT_STORE_SIZE",
    "volumeSizeGiB",
    () => validateK8sObjectStoreArgs({ environment: "dev", issuerRef: k8sIssuer, volumeSizeGiB: 0 }),
  ],
  [
    "SEAWALL_K8S_OBJECT_STORE_REPLICATION",
    "replica",
    () => validateK8sObjectStoreArgs({ environment: "prod", issuerRef: k8sIssuer }),
  ],
  [
    "SEAWALL_K8S_VELERO_RETENTION",
    "retentionDays",
    () => validateVeleroArgs({ environment: "prod", retentionDays: 0 }),
  ],
  [
    "SEAWALL_K8S_VELERO_SNAPSHOT_CLASS",
    "csiSnapshotClass",
    () => validateVeleroArgs({ environment: "prod", csiSnapshotClass: "Bad Class" }),
  ],
  [
    "SEAWALL_K8S_AIRFLOW_DB_INSTANCES",
    "instances",
    () => validateK8sAirflowDatabaseArgs({ environment: "prod", instances: 0 }),
  ],
  [
    "SEAWALL_K8S_AIRFLOW_DB_STORAGE",
    "storageGiB",
    () => validateK8sAirflowDatabaseArgs({ environment: "prod", storageGiB: 0 }),
  ],
  [
    "SEAWALL_K8S_AIRFLOW_DB_RETENTION",
    "backupRetentionDays",
    () => validateK8sAirflowDatabaseArgs({ environment: "prod", backupRetentionDays: 0 }),
  ],
  ["SEAWALL_K8S_VALKEY_REPLICAS", "replicas", () => validateValkeyArgs({ environment: "prod", replicas: 2 })],
  [
    "SEAWALL_K8S_VALKEY_MEMORY",
    "memoryMiB",
    () => validateValkeyArgs({ environment: "prod", memoryMiB: 64 }),
  ],
  [
    "SEAWALL_K8S_VALKEY_STORAGE",
    "storageSizeGiB",
    () => validateValkeyArgs({ environment: "prod", storageSizeGiB: 0 }),
  ],
  [
    "SEAWALL_K8S_VALKEY_MASTER_NAME",
    "masterName",
    () => validateValkeyArgs({ environment: "prod", masterName: "my master" }),
  ],
  [
    "SEAWALL_K8S_VALKEY_BACKUP_SCHEDULE",
    "backup.schedule",
    () => validateValkeyArgs({ environment: "prod", backup: { schedule: "hourly" } }),
  ],
  [
    "SEAWALL_K8S_AIRFLOW_EXECUTOR",
    "executor",
    () => validateAirflowArgs({ executor: "LocalExecutor" as never }),
  ],
  [
    "SEAWALL_K8S_AIRFLOW_IDENTITY",
    "namespace",
    () =>
      validateAirflowArgs({
        namespace: "tools",
        identity: { namespace: "airflow", serviceAccountName: "airflow" },
      }),
  ],
  ["SEAWALL_K8S_AIRFLOW_TAG", "airflowTag", () => validateAirflowArgs({ airflowTag: "2.10.5" })],
  [
    "SEAWALL_K8S_MONITORING_RETENTION",
    "profile.retention",
    k8sMonitoring({ profile: { retention: "2 weeks" } }),
  ],
  [
    "SEAWALL_K8S_MONITORING_STORAGE",
    "profile.prometheusStorageGiB",
    k8sMonitoring({ profile: { prometheusStorageGiB: 0 } }),
  ],
  [
    "SEAWALL_K8S_MONITORING_REPLICAS",
    "profile.prometheusReplicas",
    k8sMonitoring({ profile: { prometheusReplicas: 0 } }),
  ],
  ["SEAWALL_K8S_MONITORING_RECEIVER", "receiver", k8sMonitoring({ receiver: {} })],
  [
    "SEAWALL_K8S_PIPELINE_MONITORING_REQUIRED",
    "monitoring",
    () => validatePipelineArgs({ environment: "dev", image: "r/i:1", topics: [] } as never),
  ],
  [
    "SEAWALL_K8S_PIPELINE_PROMETHEUS_URL",
    "monitoring.existing.prometheusUrl",
    () =>
      validatePipelineArgs({
        environment: "dev",
        image: "r/i:1",
        topics: [],
        monitoring: { existing: { namespace: "monitoring", prometheusUrl: "prometheus:9090" } },
      }),
  ],
  [
    "SEAWALL_K8S_PIPELINE_TOPICS",
    "topics[1].name",
    () =>
      validatePipelineArgs({
        environment: "dev",
        image: "r/i:1",
        topics: [
          { name: "events.raw", partitions: 3 },
          { name: "events.raw", partitions: 6 },
        ],
        monitoring: { existing: { namespace: "monitoring" } },
      }),
  ],
  [
    "SEAWALL_PLATFORM_KUBERNETES_ALERT_WEBHOOK",
    "kubernetes.args.monitoring.args.alertWebhookUrl",
    () =>
      kubernetesSettingProblems(
        { ...platform, cloud: "gcp", kubernetes: { args: { image: "r/i:1" } } },
        "webhook",
      ),
  ],
  [
    "SEAWALL_PLATFORM_KUBERNETES_TARGET",
    "kubernetes",
    () =>
      validateDataPlatformArgs({
        ...platform,
        cloud: "kubernetes",
        region: "dc-1",
        kubernetes: { skip: true },
      }),
  ],
  [
    "SEAWALL_PLATFORM_KUBERNETES_AIRFLOW",
    "kubernetes.existing.airflow",
    () =>
      kubernetesSettingProblems(
        {
          ...platform,
          kubernetes: { existing: { image: "r/i:1", kubeconfig: "apiVersion: v1", airflow: { args: {} } } },
        },
        "sns",
      ),
  ],
  [
    "SEAWALL_PLATFORM_KUBERNETES_KAFKA_AUTH",
    "eventStream.clientAuthentication",
    () =>
      validateDataPlatformArgs({
        ...platform,
        eventStream: { clientAuthentication: "scram" },
        kubernetes: { existing: { kubeconfig: "apiVersion: v1", image: "r/i:1" } },
      }),
  ],
  [
    "SEAWALL_K8S_CLUSTER_EXISTING_CONFLICT",
    "existing",
    () => validateAwsClusterArgs({ existing: { kubeconfig: "k" }, clusterName: "c" } as never),
  ],
  [
    "SEAWALL_K8S_KUBECONFIG_REQUIRED",
    "existing.kubeconfig",
    () => validateAwsClusterArgs({ existing: { kubeconfig: "" } }),
  ],
  ["SEAWALL_K8S_NAME", "workloads.namespace", awsCluster({ workloads: { namespace: "Seawall" } })],
  ["SEAWALL_AWS_CLUSTER_NAME", "clusterName", awsCluster({ clusterName: "-c" })],
  ["SEAWALL_AWS_CLUSTER_NETWORK", "network", awsCluster({ network: undefined })],
  ["SEAWALL_AWS_CLUSTER_ADMINS_REQUIRED", "adminPrincipalArns", awsCluster({ adminPrincipalArns: [] })],
  [
    "SEAWALL_AWS_CLUSTER_PRINCIPAL_ARN",
    "adminPrincipalArns[0]",
    awsCluster({ adminPrincipalArns: ["admin"] }),
  ],
  ["SEAWALL_AWS_CLUSTER_VERSION", "kubernetesVersion", awsCluster({ kubernetesVersion: "1.29" })],
  [
    "SEAWALL_AWS_CLUSTER_ADDON_VERSION",
    "addonVersions.coredns",
    awsCluster({ addonVersions: { coredns: "1" } }),
  ],
  ["SEAWALL_AWS_CLUSTER_NODE_GROUPS", "nodeGroups", awsCluster({ nodeGroups: [] })],
  ["SEAWALL_AWS_CLUSTER_INSTANCE_TYPE", "nodeGroups[0].instanceTypes", awsNodeGroup({ instanceTypes: [] })],
  ["SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE", "nodeGroups[0]", awsNodeGroup({ minSize: 4, maxSize: 2 })],
  ["SEAWALL_AWS_CLUSTER_ROOT_VOLUME", "nodeGroups[0].rootVolumeGiB", awsNodeGroup({ rootVolumeGiB: 4 })],
  ["SEAWALL_AWS_AIRFLOW_DB_SUBNETS", "subnetIds", awsAirflowDb({ subnetIds: ["subnet-a"] })],
  ["SEAWALL_AWS_AIRFLOW_DB_NETWORK", "clientSecurityGroupId", awsAirflowDb({ clientSecurityGroupId: "" })],
  ["SEAWALL_AWS_AIRFLOW_DB_IDENTIFIER", "identifier", awsAirflowDb({ identifier: "Airflow_DB" })],
  ["SEAWALL_AWS_AIRFLOW_DB_ENGINE_VERSION", "engineVersion", awsAirflowDb({ engineVersion: "17.4" })],
  ["SEAWALL_AWS_AIRFLOW_DB_INSTANCE_CLASS", "instanceClass", awsAirflowDb({ instanceClass: "m7g.large" })],
  ["SEAWALL_AWS_AIRFLOW_DB_STORAGE", "allocatedStorageGiB", awsAirflowDb({ allocatedStorageGiB: 10 })],
  [
    "SEAWALL_AWS_AIRFLOW_DB_BACKUP_RETENTION",
    "backupRetentionDays",
    awsAirflowDb({ backupRetentionDays: 0 }),
  ],
  ["SEAWALL_GCP_CLUSTER_NAME", "clusterName", gkeCluster({ clusterName: "Data" })],
  [
    "SEAWALL_GCP_CLUSTER_NETWORK",
    "network.subnetIds",
    gkeCluster({ network: { networkId: "n", subnetIds: [] } }),
  ],
  ["SEAWALL_GCP_CLUSTER_REGION", "region", gkeCluster({ region: undefined })],
  ["SEAWALL_GCP_CLUSTER_VERSION", "minMasterVersion", gkeCluster({ minMasterVersion: "1.30" })],
  ["SEAWALL_GCP_CLUSTER_NODE_POOL", "nodePools[0]", gkeCluster({ nodePools: [{ minNodesPerZone: 4 }] })],
  ["SEAWALL_GCP_AIRFLOW_DB_REGION", "region", gcpAirflowDb({ region: "Europe" })],
  ["SEAWALL_GCP_AIRFLOW_DB_NETWORK", "network", gcpAirflowDb({ network: "default" })],
  [
    "SEAWALL_GCP_AIRFLOW_DB_PRIVATE_ACCESS",
    "privateServiceAccess.args.cidr",
    gcpAirflowDb({ privateServiceAccess: { args: { cidr: "10.10.48.0/26" } } }),
  ],
  ["SEAWALL_GCP_AIRFLOW_DB_INSTANCE_NAME", "instanceName", gcpAirflowDb({ instanceName: "Airflow" })],
  ["SEAWALL_GCP_AIRFLOW_DB_VERSION", "databaseVersion", gcpAirflowDb({ databaseVersion: "POSTGRES_12" })],
  ["SEAWALL_GCP_AIRFLOW_DB_TIER", "tier", gcpAirflowDb({ tier: "db-custom-3-7680" })],
  [
    "SEAWALL_GCP_AIRFLOW_DB_AVAILABILITY",
    "availabilityType",
    gcpAirflowDb({ availabilityType: "MULTI_ZONE" }),
  ],
  ["SEAWALL_GCP_AIRFLOW_DB_BACKUPS", "retainedBackups", gcpAirflowDb({ retainedBackups: 1 })],
  ["SEAWALL_GCP_AIRFLOW_DB_WINDOW", "backupStartTime", gcpAirflowDb({ backupStartTime: "2am" })],
  ["SEAWALL_AZURE_CLUSTER_NAME", "clusterName", aksCluster({ clusterName: "-data" })],
  ["SEAWALL_AZURE_CLUSTER_NETWORK", "network", aksCluster({ network: undefined })],
  ["SEAWALL_AZURE_CLUSTER_ADMINS", "adminGroupObjectIds", aksCluster({ adminGroupObjectIds: [] })],
  ["SEAWALL_AZURE_CLUSTER_VERSION", "kubernetesVersion", aksCluster({ kubernetesVersion: "1.29" })],
  ["SEAWALL_AZURE_CLUSTER_NODE_POOL", "nodePools[0].name", aksCluster({ nodePools: [{ name: "System" }] })],
  ["SEAWALL_AZURE_AIRFLOW_DB_LOCATION", "location", azureAirflowDb({}, "West Europe")],
  ["SEAWALL_AZURE_AIRFLOW_DB_SERVER_NAME", "serverName", azureAirflowDb({ serverName: "Airflow" })],
  ["SEAWALL_AZURE_AIRFLOW_DB_VERSION", "version", azureAirflowDb({ version: "13" })],
  [
    "SEAWALL_AZURE_AIRFLOW_DB_SKU",
    "sku.tier",
    azureAirflowDb({ sku: { name: "Standard_D4ds_v5", tier: "Premium" } }),
  ],
  ["SEAWALL_AZURE_AIRFLOW_DB_STORAGE", "storageSizeGB", azureAirflowDb({ storageSizeGB: 100 })],
  [
    "SEAWALL_AZURE_AIRFLOW_DB_BACKUP_RETENTION",
    "backupRetentionDays",
    azureAirflowDb({ backupRetentionDays: 90 }),
  ],
  ["SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP", "geoBackupLocation", azureAirflowDb({}, "italynorth")],
  [
    "SEAWALL_AZURE_AIRFLOW_DB_NETWORK",
    "network.privateDnsZoneId",
    azureAirflowDb({
      network: {
        virtualNetworkId: AZURE_VNET,
        subnet: { existing: { subnetId: AZURE_SUBNET } },
        privateDnsZoneId: "zone",
      },
    }),
  ],
  [
    "SEAWALL_AZURE_AIRFLOW_DB_SUBNET",
    "network.subnet.existing.subnetId",
    azureAirflowDb({
      network: { virtualNetworkId: AZURE_VNET, subnet: { existing: { subnetId: "postgres" } } },
    }),
  ],
  [
    "SEAWALL_AZURE_AIRFLOW_DB_ENTRA_ADMIN",
    "entraAdmin.objectId",
    azureAirflowDb({ entraAdmin: { objectId: "dba", principalName: "dba" } }),
  ],
  [
    "SEAWALL_AZURE_AIRFLOW_OIDC_ISSUER",
    "oidcIssuerUrl",
    () =>
      validateAzureAirflowSupportArgs(
        {
          resourceGroupName: "data",
          location: "westeurope",
          network: { vnetId: AZURE_VNET, subnetIds: [AZURE_SUBNET] },
          databaseSubnet: { addressPrefix: "10.20.17.0/24", clientAddressPrefixes: ["10.20.0.0/20"] },
          lake: { accountId: "a", accountName: "lake", containerName: "lake" },
          oidcIssuerUrl: "http://issuer",
        },
        PROFILES.prod,
      ),
  ],
];

/** The TypeScript sources under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("validation problem codes", () => {
  it.each(TABLE)("%s: reported on %s", async (code, field, trigger) => {
    expect(await reported(trigger)).toContainEqual(expect.objectContaining({ code, field }));
  });

  it("has a triggering input for every documented code, and documents every code in the table", () => {
    const tabled = TABLE.map(([code]) => code);
    expect(new Set(tabled).size).toBe(tabled.length);
    expect([...tabled].sort()).toEqual(Object.keys(PROBLEM_CODES).sort());
  });

  it("uses every code somewhere in the components or the stack configuration", () => {
    const root = join(__dirname, "..");
    const text = [...sources(join(root, "components")), ...sources(join(root, "stacks"))]
      .filter((path) => !path.endsWith("problemCodes.ts"))
      .map((path) => readFileSync(path, "utf8"))
      .join("\n");
    const unused = Object.keys(PROBLEM_CODES).filter((code) => !text.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });

  it("names codes SEAWALL_ and upper snake case, each with a description", () => {
    for (const [code, meaning] of Object.entries(PROBLEM_CODES)) {
      expect(code).toMatch(/^SEAWALL_[A-Z0-9]+(_[A-Z0-9]+)+$/);
      expect(meaning.length).toBeGreaterThan(10);
    }
  });

  it("shows the code in the error message, after the fix", () => {
    expect(() => validateNetworkArgs({ redis: { port: 80 } })).toThrow(
      "  - redis.port = 80: must be a whole number from 1024 to 65535; ElastiCache accepts ports 1024 to 65535 [SEAWALL_NETWORK_REDIS_PORT]",
    );
    expect(() => parseStackConfig("dev-aws", { "seawall:colour": "blue" })).toThrow(
      /seawall:colour = "blue": unknown key; .* \[SEAWALL_CONFIG_UNKNOWN_KEY\]/,
    );
  });
});
