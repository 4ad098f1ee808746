/**
 * The stable codes of validation problems, part of Seawall's API: every problem a component, the
 * platform or the stack configuration reports carries one of these (`Problem.code`), and the error
 * message shows it in brackets. A code keeps its meaning across releases; a new kind of problem gets
 * a new code. Codes name the component (`SEAWALL_OBJECTSTORE_...`) unless the check is shared by
 * several components (`SEAWALL_HELPER_...`, `SEAWALL_KMS_...`, `SEAWALL_LOG_...`), in which case the
 * problem's field says where it is.
 */
export const PROBLEM_CODES = {
  // Shared by every component.
  SEAWALL_HELPER_SHAPE:
    "An `{ existing } | { args } | { skip: true }` option is not an object with exactly one of those keys (or has a key it does not know, or `skip` other than true).",
  SEAWALL_HELPER_FORM_UNSUPPORTED:
    "An `{ existing } | { args } | { skip: true }` option uses a form this field does not accept (e.g. `skip` for a required customer-managed key).",
  SEAWALL_KMS_DELETION_WINDOW: "keyDeletionWindowInDays is not a whole number from 7 to 30.",
  SEAWALL_LOG_RETENTION: "A log retention is not one of the periods CloudWatch Logs accepts.",

  // The data platform (DataPlatform) and the stack configuration.
  SEAWALL_PLATFORM_CLOUD_UNSUPPORTED: "The platform is not built for this cloud yet.",
  SEAWALL_PLATFORM_REPLICA_REGION_REQUIRED: "Replication is on but replicaRegion is not set.",
  SEAWALL_PLATFORM_REPLICA_REGION_SAME: "replicaRegion is the primary region.",
  SEAWALL_PLATFORM_BACKUP_COPY_REGION_REQUIRED:
    "The profile copies backups to another region but replicaRegion is not set.",
  SEAWALL_CONFIG_UNKNOWN_KEY: "A stack configuration key Seawall does not know.",
  SEAWALL_CONFIG_INVALID: "A stack configuration value of the wrong type, or outside what is allowed.",
  SEAWALL_CONFIG_REGION_REQUIRED: "The cloud's region key is not set in the stack configuration.",
  SEAWALL_CONFIG_PROJECT_REQUIRED:
    "The cloud's project key (gcp:project) is not set in the stack configuration.",
  SEAWALL_PLATFORM_GCP_UNSUPPORTED:
    "A platform setting has no equivalent on GCP (the fix says what to do instead).",
  SEAWALL_PLATFORM_GCP_LABEL: "A tag or the owner is not a valid GCP label key or value.",

  // Kubernetes stage workers (StageWorkers).
  SEAWALL_K8S_WORKERS_IMAGE: "image is not a pinned image reference (no tag, latest, or malformed).",
  SEAWALL_K8S_WORKERS_NAME:
    "The namespace or a workload's name is not a DNS label, or two workloads share a name.",
  SEAWALL_K8S_WORKERS_IDENTITY_NAMESPACE: "workloadIdentity.namespace is not the workers' namespace.",
  SEAWALL_K8S_WORKERS_WORKLOADS_EMPTY: "workloads is empty, or a workload has no stage.",
  SEAWALL_K8S_WORKERS_STAGE_UNKNOWN: "A workload names a stage the runtime does not have.",
  SEAWALL_K8S_WORKERS_STAGE_TWICE: "A stage runs in two workloads, or twice in one.",
  SEAWALL_K8S_WORKERS_CHAIN_ORDER:
    "A chain's stages are not in pipeline order, or the feature server is chained.",
  SEAWALL_K8S_WORKERS_REPLICAS:
    "A workload's minReplicas or maxReplicas is out of range, or min exceeds max.",
  SEAWALL_K8S_WORKERS_PARTITIONS:
    "An autoscaled workload's input topic has no partition count, or a bad one.",
  SEAWALL_K8S_WORKERS_ENV: "env names a variable the worker does not read, or a credential.",
  SEAWALL_K8S_WORKERS_LAG_THRESHOLD: "autoscaling.lagThreshold is not a whole number from 1 to 100000000.",
  SEAWALL_K8S_KEDA_REPLICAS: "Keda's replicas is not a whole number from 1 to 5.",
  SEAWALL_K8S_CERT_MANAGER_REPLICAS: "CertManager's replicas is not a whole number from 1 to 5.",
  SEAWALL_K8S_CERT_MANAGER_ISSUER:
    "CertManager's issuerRef has a kind other than Issuer or ClusterIssuer, or a bad name or group.",
  SEAWALL_K8S_VALKEY_REPLICAS: "FeatureStore's replicas is not 1, or a whole number from 3 to 9.",
  SEAWALL_K8S_VALKEY_MEMORY: "FeatureStore's memoryMiB is not a whole number from 256 to 262144.",
  SEAWALL_K8S_VALKEY_STORAGE: "FeatureStore's storageSizeGiB is not a whole number from 1 to 16384.",
  SEAWALL_K8S_VALKEY_MASTER_NAME:
    "FeatureStore's masterName is not 1 to 64 letters, digits, '_', '.' or '-'.",
  SEAWALL_K8S_VALKEY_BACKUP_SCHEDULE: "FeatureStore's backup.schedule is not a five-field cron expression.",
  SEAWALL_K8S_OBJECT_STORE_ENDPOINT: "ObjectStore's existing.endpoint is not an https URL without a path.",
  SEAWALL_K8S_OBJECT_STORE_BUCKET:
    "An ObjectStore bucket is not an S3 bucket name, or the backups bucket is the lake's.",
  SEAWALL_K8S_OBJECT_STORE_ISSUER:
    "ObjectStore installs a TLS gateway but has no issuerRef, or one that is not a ClusterIssuer.",
  SEAWALL_K8S_OBJECT_STORE_SIZE: "An ObjectStore volume size is not a whole number of GiB in range.",
  SEAWALL_K8S_OBJECT_STORE_REPLICATION:
    "ObjectStore replication SeaweedFS cannot give (a time objective, an existing store), a malformed replica, or none in prod.",
  SEAWALL_K8S_VELERO_RETENTION: "Velero's retentionDays is not a whole number from 1 to 3650.",
  SEAWALL_K8S_VELERO_SNAPSHOT_CLASS: "Velero's csiSnapshotClass is not a Kubernetes object name.",
  SEAWALL_K8S_AIRFLOW_DB_INSTANCES: "The Airflow database's instances is not a whole number from 1 to 9.",
  SEAWALL_K8S_AIRFLOW_DB_STORAGE: "The Airflow database's storageGiB is not a whole number from 1 to 16384.",
  SEAWALL_K8S_AIRFLOW_DB_RETENTION:
    "The Airflow database's backupRetentionDays is not a whole number from 1 to 365.",
  SEAWALL_PLATFORM_KUBERNETES_TARGET:
    "The kubernetes target lacks its cluster, or a setting asks for what it cannot run.",
  SEAWALL_PLATFORM_KUBERNETES_AIRFLOW: "The platform's Airflow was asked for on a cluster it does not build.",
  SEAWALL_K8S_AIRFLOW_EXECUTOR:
    "Airflow's executor is not one the component offers, or CeleryExecutor without KEDA.",
  SEAWALL_K8S_AIRFLOW_IDENTITY:
    "Airflow's namespace or service account is not the one the cloud bound to its identity.",
  SEAWALL_K8S_AIRFLOW_TAG: "Airflow's image tag is not an Airflow 3 release.",
  SEAWALL_K8S_KAFKA_NAME:
    "An EventStream name (cluster, topic, user, consumer group) is malformed or given twice.",
  SEAWALL_K8S_KAFKA_REPLICAS:
    "EventStream's brokers, replication factor or min ISR (cluster or topic) do not fit together.",
  SEAWALL_K8S_KAFKA_PARTITIONS: "A KafkaTopic's partitions is not a whole number from 1 to 10000.",
  SEAWALL_K8S_KAFKA_TOPIC: "A KafkaTopic's retentionHours is not a whole number of hours in range.",
  SEAWALL_K8S_KAFKA_USER_TOPIC: "A Kafka user reads or writes a topic the EventStream does not declare.",
  SEAWALL_K8S_KAFKA_AUTHENTICATION: "EventStream's clientAuthentication is not scram-sha-512 or tls.",
  SEAWALL_K8S_KAFKA_STORAGE: "EventStream's brokerStorage is not a size in Gi or Ti.",
  SEAWALL_K8S_KAFKA_OPERATOR_REPLICAS: "StrimziOperator's replicas is not a whole number from 1 to 3.",
  SEAWALL_K8S_MONITORING_RETENTION: "MonitoringStack's profile.retention is not a Prometheus duration.",
  SEAWALL_K8S_MONITORING_STORAGE: "A MonitoringStack volume size is not a whole number of GiB in range.",
  SEAWALL_K8S_MONITORING_REPLICAS: "A MonitoringStack replica count is not a whole number from 1 to 5.",
  SEAWALL_K8S_MONITORING_RECEIVER:
    "MonitoringStack's receiver is not one of sns and webhook, the topic is not an SNS ARN, or the URL is not https.",
  SEAWALL_K8S_PIPELINE_MONITORING_REQUIRED:
    "The Pipeline has no monitoring: kube-prometheus-stack to install, or yours.",
  SEAWALL_K8S_PIPELINE_PROMETHEUS_URL: "monitoring.existing.prometheusUrl is not an http(s) URL.",
  SEAWALL_K8S_PIPELINE_TOPICS: "The Pipeline's topics declare a topic twice.",
  SEAWALL_PLATFORM_KUBERNETES_ALERT_WEBHOOK:
    "kubernetes monitoring has no alert webhook where the cloud has no Alertmanager receiver (GCP, Azure), or it is not https.",
  SEAWALL_PLATFORM_KUBERNETES_KAFKA_AUTH:
    "The Kubernetes layer runs on AWS with MSK clients authenticating by SCRAM, not IAM.",

  // Network.
  SEAWALL_NETWORK_SUBNETS_TOO_FEW: "A brought VPC has fewer than two private subnets.",
  SEAWALL_NETWORK_ZONES_RANGE: "vpc.args.availabilityZones is not a whole number from 2 to 6.",
  SEAWALL_NETWORK_CIDR_INVALID: "vpc.args.cidrBlock is not an IPv4 network from /16 to /24.",
  SEAWALL_NETWORK_SUBNET_PREFIX: "The subnets of vpc.args.subnetPrefixLength do not fit in the VPC's block.",
  SEAWALL_NETWORK_ENDPOINT_INVALID: "An interface endpoint is not a service endpoint name.",
  SEAWALL_NETWORK_ENDPOINT_S3: "S3 is listed as an interface endpoint; it has a free gateway endpoint.",
  SEAWALL_NETWORK_ENDPOINT_DUPLICATE: "An interface endpoint is listed twice.",
  SEAWALL_NETWORK_KAFKA_AUTH: "kafka.clientAuthentication is empty or names an unknown authentication.",
  SEAWALL_NETWORK_REDIS_PORT: "redis.port is not a whole number from 1024 to 65535.",
  SEAWALL_NETWORK_FLOW_LOG_TRAFFIC: "flowLogs.args.trafficType is not ACCEPT, REJECT or ALL.",

  // ObjectStore.
  SEAWALL_OBJECTSTORE_LIFECYCLE_DAYS_RANGE: "A lifecycle day count is not a whole number in its range.",
  SEAWALL_OBJECTSTORE_LIFECYCLE_ORDER:
    "lifecycle.archiveAfterDays is less than 30 days after lifecycle.infrequentAccessAfterDays.",
  SEAWALL_OBJECTSTORE_ARCHIVE_CLASS: "lifecycle.archiveStorageClass is not an archive class.",
  SEAWALL_OBJECTSTORE_BUCKET_NAME: "A bucket name breaks the naming rules.",
  SEAWALL_OBJECTSTORE_PREFIX: "prefix starts with / or contains //.",
  SEAWALL_OBJECTSTORE_REGION_INVALID: "replication.region is not a region code.",
  SEAWALL_OBJECTSTORE_REPLICA_SAME_REGION: "replication.region is the primary bucket's region.",
  SEAWALL_OBJECTSTORE_LOCK_MODE: "objectLock.mode is not GOVERNANCE or COMPLIANCE.",
  SEAWALL_OBJECTSTORE_LOCK_DAYS: "objectLock.days is not set, or not a whole number from 1 to 36500.",
  SEAWALL_OBJECTSTORE_ACCESS_LOG_EXPIRY:
    "accessLogging.args.expireAfterDays is not a whole number from 1 to 3650.",
  SEAWALL_OBJECTSTORE_TIERING_DAYS_RANGE: "An Intelligent-Tiering archive day count is out of range.",
  SEAWALL_OBJECTSTORE_TIERING_ORDER:
    "intelligentTiering.deepArchiveAccessAfterDays is not later than archiveAccessAfterDays.",

  // EventStream.
  SEAWALL_EVENTSTREAM_SUBNETS: "subnetIds is not two or three subnets.",
  SEAWALL_EVENTSTREAM_SECURITY_GROUPS: "securityGroupIds is empty.",
  SEAWALL_EVENTSTREAM_KAFKA_VERSION: "kafkaVersion is not an MSK Kafka version.",
  SEAWALL_EVENTSTREAM_BROKER_COUNT: "brokerCount is not a whole number from 1 to 30.",
  SEAWALL_EVENTSTREAM_BROKERS_PER_ZONE: "brokerCount is not a multiple of the number of subnets.",
  SEAWALL_EVENTSTREAM_INSTANCE_TYPE: "instanceType is not a Standard broker size.",
  SEAWALL_EVENTSTREAM_VOLUME_RANGE: "A broker volume size is not a whole number from 1 to 16384 GiB.",
  SEAWALL_EVENTSTREAM_VOLUME_ORDER: "maxVolumeSizeGiB is below volumeSizeGiB.",
  SEAWALL_EVENTSTREAM_STORAGE_TARGET: "storageTargetUtilizationPercent is not a whole number from 10 to 80.",
  SEAWALL_EVENTSTREAM_CLIENT_AUTH: "clientAuthentication is not iam or scram.",
  SEAWALL_EVENTSTREAM_SCRAM_UNUSED: "scram is set but clientAuthentication is not scram.",
  SEAWALL_EVENTSTREAM_SCRAM_RECOVERY_WINDOW: "scram.recoveryWindowInDays is not a whole number from 7 to 30.",
  SEAWALL_EVENTSTREAM_SCRAM_USERNAME:
    "scram.username is not 1-64 letters, digits, dots, underscores or hyphens.",
  SEAWALL_EVENTSTREAM_REPLICATION_FACTOR: "defaultReplicationFactor is not from 1 to the broker count.",
  SEAWALL_EVENTSTREAM_MIN_INSYNC: "minInsyncReplicas is not from 1 to the replication factor.",
  SEAWALL_EVENTSTREAM_MIN_INSYNC_EQUALS_RF:
    "minInsyncReplicas equals the replication factor, so writes stop when one broker is down.",
  SEAWALL_EVENTSTREAM_SERVER_PROPERTY: "serverProperties sets a property the component owns.",
  SEAWALL_EVENTSTREAM_ENHANCED_MONITORING: "enhancedMonitoring is not an MSK monitoring level.",
  SEAWALL_EVENTSTREAM_TOPIC_NAME: "A topic name is not 1-249 letters, digits, dots, underscores or hyphens.",
  SEAWALL_EVENTSTREAM_TOPIC_DUPLICATE: "A topic is declared twice.",
  SEAWALL_EVENTSTREAM_TOPIC_PARTITIONS: "A topic's partitions are not set, or not from 1 to 10000.",
  SEAWALL_EVENTSTREAM_TOPIC_REPLICATION: "A topic's replicationFactor is not from 1 to the broker count.",
  SEAWALL_EVENTSTREAM_TOPIC_RETENTION: "A topic's retentionHours is not a whole number from 1 to 876000.",

  // FeatureStore.
  SEAWALL_FEATURESTORE_SUBNETS: "subnetIds is empty.",
  SEAWALL_FEATURESTORE_SECURITY_GROUPS: "securityGroupIds is empty.",
  SEAWALL_FEATURESTORE_ENGINE_VERSION: "engineVersion is not a Valkey version 7.2 or later.",
  SEAWALL_FEATURESTORE_NODE_TYPE: "nodeType is not an ElastiCache node type.",
  SEAWALL_FEATURESTORE_SHARDS: "shards is not a whole number from 1 to 500.",
  SEAWALL_FEATURESTORE_REPLICAS: "replicasPerShard is not a whole number from 0 to 5.",
  SEAWALL_FEATURESTORE_FAILOVER_NO_REPLICA: "automaticFailover is on with no replica to promote.",
  SEAWALL_FEATURESTORE_FAILOVER_CLUSTER_MODE: "automaticFailover is off with more than one shard.",
  SEAWALL_FEATURESTORE_MULTIAZ_NO_REPLICA: "multiAz is on with no replica in another zone.",
  SEAWALL_FEATURESTORE_MULTIAZ_NO_FAILOVER: "multiAz is on with automatic failover off.",
  SEAWALL_FEATURESTORE_MAXMEMORY_POLICY: "maxmemoryPolicy is not a Valkey eviction policy.",
  SEAWALL_FEATURESTORE_PORT: "port is not a whole number from 1024 to 65535.",
  SEAWALL_FEATURESTORE_SNAPSHOT_RETENTION: "snapshotRetentionDays is not a whole number from 0 to 35.",
  SEAWALL_FEATURESTORE_SNAPSHOT_WINDOW: "snapshotWindow is not hh:mm-hh:mm of at least 60 minutes.",
  SEAWALL_FEATURESTORE_MAINTENANCE_WINDOW:
    "maintenanceWindow is not ddd:hh:mm-ddd:hh:mm of at least 60 minutes.",
  SEAWALL_FEATURESTORE_WINDOWS_OVERLAP: "The snapshot window overlaps the maintenance window.",

  // Backups.
  SEAWALL_BACKUPS_CRON: "A schedule is not an AWS cron expression.",
  SEAWALL_BACKUPS_VAULT_NAME: "A vault name is not 2-50 letters, digits, hyphens and underscores.",
  SEAWALL_BACKUPS_RETENTION_RANGE: "A backup retention is not a whole number of days in range.",
  SEAWALL_BACKUPS_RETENTION_ORDER: "weeklyRetentionDays is below dailyRetentionDays.",
  SEAWALL_BACKUPS_WINDOW_RANGE: "startWindowMinutes or completionWindowMinutes is out of range.",
  SEAWALL_BACKUPS_WINDOW_ORDER: "completionWindowMinutes is not at least 60 minutes over startWindowMinutes.",
  SEAWALL_BACKUPS_SELECTION_TAG: "selectionTag has an empty key or value.",
  SEAWALL_BACKUPS_LOCK_RANGE: "A vault-lock day count is out of range.",
  SEAWALL_BACKUPS_LOCK_MIN_OVER_MAX: "vaultLock.minRetentionDays exceeds vaultLock.maxRetentionDays.",
  SEAWALL_BACKUPS_LOCK_MIN_OVER_DAILY: "vaultLock.minRetentionDays exceeds dailyRetentionDays.",
  SEAWALL_BACKUPS_LOCK_MAX_UNDER_WEEKLY: "vaultLock.maxRetentionDays is below weeklyRetentionDays.",
  SEAWALL_BACKUPS_COPY_REGION: "copy.region is not a region code.",
  SEAWALL_BACKUPS_COPY_SAME_REGION: "copy.region is the primary region.",
  SEAWALL_BACKUPS_RESTORE_TEST_WINDOW: "A restore-testing window is out of range.",

  // Monitoring.
  SEAWALL_MONITORING_THRESHOLD_RANGE: "An alarm threshold is not a whole number in its range.",
  SEAWALL_MONITORING_IDENTIFIER: "A monitored resource's name is empty.",
  SEAWALL_MONITORING_DASHBOARD_NAME: "dashboardName is not 1-255 letters, digits, hyphens and underscores.",
  SEAWALL_MONITORING_ALERT_EMAIL: "An alert email is not an email address.",
  SEAWALL_MONITORING_BROKER_COUNT: "eventStream.brokerCount is not set, or not from 1 to 30.",
  SEAWALL_MONITORING_MEMBER_CLUSTERS: "featureStore.memberClusterIds is empty.",

  // Google Cloud: the customer-managed key helper shared by the GCP components (gcp/kmsKey.ts).
  SEAWALL_GCP_KMS_ROTATION: "A Cloud KMS key's rotationPeriodDays is not a whole number from 2 to 90.",
  SEAWALL_GCP_KMS_PROTECTION_LEVEL: "A Cloud KMS key's protectionLevel is not SOFTWARE or HSM.",
  SEAWALL_GCP_KMS_DESTROY_DELAY:
    "A Cloud KMS key's destroyScheduledDays is not a whole number from 1 to 120.",
  SEAWALL_GCP_KMS_KEY_ID: "A brought Cloud KMS key is not a full key id (projects/.../cryptoKeys/...).",
  SEAWALL_GCP_KMS_LOCATION: "A brought Cloud KMS key is in another location than the resource it encrypts.",

  // Google Cloud Network (gcp/network.ts).
  SEAWALL_GCP_NETWORK_REGION: "The network's region is not set (nor gcp:region) or not a region name.",
  SEAWALL_GCP_NETWORK_CIDR: "A network range is not an RFC 1918 network of an allowed prefix length.",
  SEAWALL_GCP_NETWORK_CIDR_OVERLAP: "Two of the network's ranges overlap.",
  SEAWALL_GCP_NETWORK_SUBNETS: "A brought network has no subnet.",
  SEAWALL_GCP_NETWORK_CLIENTS: "clients is not one non-empty list of network tags or service accounts.",
  SEAWALL_GCP_NETWORK_PORTS: "A service's ports are not a non-empty list of ports or port ranges.",
  SEAWALL_GCP_NETWORK_CONNECTIVITY:
    "featureStore.connectivity is not valkey or redis, or a peering range is given without redis.",
  SEAWALL_GCP_NETWORK_FLOW_LOGS: "A flow-log setting is outside what VPC Flow Logs accepts.",
  SEAWALL_GCP_NETWORK_NAT_PORTS: "nat.args.minPortsPerVm is not a whole number from 2 to 65536.",

  // Google Cloud ObjectStore (gcp/objectStore.ts).
  SEAWALL_GCP_OBJECTSTORE_REGION: "The bucket's region is not set (nor gcp:region) or not a region name.",
  SEAWALL_GCP_OBJECTSTORE_PLACEMENT:
    "dualRegion does not form a dual-region with region (another continent, or a predefined pair without it).",
  SEAWALL_GCP_OBJECTSTORE_TURBO_SINGLE_REGION: "turboReplication is on for a single-region bucket.",
  SEAWALL_GCP_OBJECTSTORE_BUCKET_NAME: "bucketName breaks Cloud Storage's naming rules.",
  SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_DAYS: "A lifecycle day count is not a whole number from 1 to 36500.",
  SEAWALL_GCP_OBJECTSTORE_LIFECYCLE_ORDER: "The Nearline, Coldline and Archive moves are not in that order.",
  SEAWALL_GCP_OBJECTSTORE_AUTOCLASS_TIERS: "Lifecycle class moves are set beside autoclass.",
  SEAWALL_GCP_OBJECTSTORE_UNSUPPORTED:
    "A cloud-neutral setting Cloud Storage has no counterpart for (archiveStorageClass, intelligentTiering).",
  SEAWALL_GCP_OBJECTSTORE_SOFT_DELETE: "softDeleteDays is not 0 or a whole number from 7 to 90.",
  SEAWALL_GCP_OBJECTSTORE_RETENTION:
    "retentionPolicy.days is not set, or not a whole number from 1 to 36500.",

  // GCP Monitoring.
  SEAWALL_GCP_MONITORING_THRESHOLD_RANGE: "An alert threshold is not a whole number in its range.",
  SEAWALL_GCP_MONITORING_ALERT_EMAIL: "An alert email is not an email address.",
  SEAWALL_GCP_MONITORING_PUBSUB_TOPIC: "pubsub.topicId is not a full Pub/Sub topic id.",
  SEAWALL_GCP_MONITORING_DASHBOARD_NAME: "dashboardName is empty or longer than 255 characters.",
  SEAWALL_GCP_MONITORING_PROJECT:
    "project is not a project id, or is unset while the backup-failure alert needs it for its log filter.",
  SEAWALL_GCP_MONITORING_IDENTIFIER: "A watched resource's id is empty (or backups.enabled is not true).",
  SEAWALL_GCP_MONITORING_ENGINE: 'featureStore.engine is not "valkey" or "redis".',

  // GCP Backups.
  SEAWALL_GCP_BACKUPS_REGION: "The vault or a plan is asked for but region (or gcp:region) is not a region.",
  SEAWALL_GCP_BACKUPS_VAULT_ID: "vault.args.vaultId is not 3-63 lower-case letters, digits and hyphens.",
  SEAWALL_GCP_BACKUPS_RETENTION_RANGE:
    "A retention is not a whole number of days from 1 to 36159 (99 years).",
  SEAWALL_GCP_BACKUPS_RETENTION_ORDER:
    "A plan keeps daily backups shorter than the vault's minimum, or weekly ones shorter than daily ones.",
  SEAWALL_GCP_BACKUPS_LOCK_TIME: "vault.args.lockAfter is not an RFC 3339 UTC time.",
  SEAWALL_GCP_BACKUPS_ACCESS_RESTRICTION:
    "vault.args.accessRestriction is not a Backup and DR access restriction.",
  SEAWALL_GCP_BACKUPS_PROJECT_NUMBER:
    "vault.args.projectNumber is unset while the Backup and DR service agent must be granted the key, or is not a number.",
  SEAWALL_GCP_BACKUPS_PLAN_NEEDS_VAULT: "plans are given with no vault to store into.",
  SEAWALL_GCP_BACKUPS_RESOURCE_UNSUPPORTED:
    "A plan names a resource type Backup and DR does not protect (Seawall's buckets, Kafka and Memorystore among them).",
  SEAWALL_GCP_BACKUPS_WINDOW: "A plan's windowStartHour is not a whole number from 0 to 18.",

  // GCP EventStream (Managed Service for Apache Kafka).
  SEAWALL_GCP_EVENTSTREAM_REGION:
    "The event stream's region (or gcp:region) is not set or not a region code.",
  SEAWALL_GCP_EVENTSTREAM_SUBNETS: "subnetIds is not 1 to 10 subnets.",
  SEAWALL_GCP_EVENTSTREAM_SUBNET_ID: "A subnet is not projects/PROJECT/regions/REGION/subnetworks/SUBNET.",
  SEAWALL_GCP_EVENTSTREAM_SUBNET_REGION: "A subnet is in another region than the Managed Kafka cluster.",
  SEAWALL_GCP_EVENTSTREAM_CLUSTER_ID: "clusterId is not 1-63 lower-case letters, digits and hyphens.",
  SEAWALL_GCP_EVENTSTREAM_VCPU: "vcpuCount is not a whole number of 3 or more.",
  SEAWALL_GCP_EVENTSTREAM_MEMORY: "memoryGiB is not 1 to 8 GiB per vCPU, or is below 3 GiB.",
  SEAWALL_GCP_EVENTSTREAM_REBALANCE: "rebalanceMode is not AUTO_REBALANCE_ON_SCALE_UP or NO_REBALANCE.",
  SEAWALL_GCP_EVENTSTREAM_CLIENT_ACCOUNT: "A client service account is not a service account email.",

  // GCP FeatureStore (Memorystore for Valkey).
  SEAWALL_GCP_FEATURESTORE_REGION:
    "The feature store's region (or gcp:region) is not set or not a region code.",
  SEAWALL_GCP_FEATURESTORE_NETWORK: "network is not projects/PROJECT/global/networks/NETWORK.",
  SEAWALL_GCP_FEATURESTORE_INSTANCE_ID: "instanceId is not 4-63 lower-case letters, digits and hyphens.",
  SEAWALL_GCP_FEATURESTORE_NODE_TYPE: "nodeType is not a Memorystore for Valkey node type.",
  SEAWALL_GCP_FEATURESTORE_REPLICAS: "replicaCount is not a whole number from 0 to 5.",
  SEAWALL_GCP_FEATURESTORE_PERSISTENCE:
    "persistence is not RDB or AOF, or sets an RDB period or AOF fsync mode that does not fit its mode.",
  SEAWALL_GCP_FEATURESTORE_BACKUP_RETENTION: "backupRetentionDays is not a whole number from 0 to 365.",
  SEAWALL_GCP_FEATURESTORE_WINDOW_HOUR:
    "backupStartHour or maintenanceWindow.hour is not a whole number from 0 to 23.",
  SEAWALL_GCP_FEATURESTORE_MAINTENANCE_DAY:
    "maintenanceWindow.day is not a day of the week (MONDAY to SUNDAY).",
  SEAWALL_GCP_FEATURESTORE_WINDOWS_OVERLAP:
    "The maintenance window starts at the hour the daily backup starts.",
  SEAWALL_GCP_FEATURESTORE_CLIENT_ACCOUNT: "A client service account is not a service account email.",

  // Azure platform (DataPlatform on Azure) and its stack configuration.
  SEAWALL_PLATFORM_AZURE_UNSUPPORTED:
    "A platform setting has no equivalent on Azure (the fix says what to do instead).",
  SEAWALL_PLATFORM_AZURE_TAG:
    "A tag or the owner is not a valid Azure tag name or value, or there are too many tags.",
  SEAWALL_CONFIG_SUBSCRIPTION_REQUIRED:
    "The Azure subscription key (azure-native:subscriptionId) is not set in the stack configuration.",

  // Azure customer-managed key helper (components/azure/keyVaultKey.ts).
  SEAWALL_AZURE_KEYVAULT_ROTATION: "A Key Vault key's rotationDays is not a whole number from 7 to 365.",
  SEAWALL_AZURE_KEYVAULT_SOFT_DELETE:
    "A Key Vault's softDeleteRetentionDays is not a whole number from 7 to 90.",
  SEAWALL_AZURE_KEYVAULT_KEY_SIZE: "A Key Vault key's keySize is not 3072 or 4096.",
  SEAWALL_AZURE_KEYVAULT_NAME: "vaultName breaks Key Vault's naming rules.",
  SEAWALL_AZURE_KEYVAULT_KEY_ID:
    "A brought key is not a versionless Key Vault key id (https://<vault>.vault.azure.net/keys/<key>).",
  SEAWALL_AZURE_KEYVAULT_VAULT_ID:
    "A brought key's vaultId is not a vault's resource id, or names another vault than the key's.",

  // Azure Backups (components/azure/backups.ts).
  SEAWALL_AZURE_BACKUPS_VAULT_NAME:
    "vaultName is not 2-50 letters, digits and hyphens starting with a letter.",
  SEAWALL_AZURE_BACKUPS_REDUNDANCY:
    "storageRedundancy is not GeoRedundant, ZoneRedundant or LocallyRedundant.",
  SEAWALL_AZURE_BACKUPS_CROSS_REGION_RESTORE:
    "Cross-region restore is asked for without GeoRedundant storage.",
  SEAWALL_AZURE_BACKUPS_IMMUTABILITY: "immutability is not Disabled, Unlocked or Locked.",
  SEAWALL_AZURE_BACKUPS_RETENTION_RANGE:
    "A soft-delete, operational or vaulted retention is outside what the backup vault accepts.",
  SEAWALL_AZURE_BACKUPS_ACCOUNT_ID: "storageAccount.id is not a storage account's ARM id.",
  SEAWALL_AZURE_BACKUPS_HNS_UNSUPPORTED:
    "The storage account has a hierarchical namespace, which Azure Backup cannot protect.",
  SEAWALL_AZURE_BACKUPS_NEEDS_ACCOUNT: "Vaulted backup is asked for without a storage account.",
  SEAWALL_AZURE_BACKUPS_CONTAINERS: "vaulted.containers is not 1 to 100 valid container names.",
  SEAWALL_AZURE_BACKUPS_START_HOUR: "vaulted.startHourUtc is not a whole number from 0 to 23.",
  // Azure EventStream (Event Hubs).
  SEAWALL_AZURE_EVENTSTREAM_LOCATION:
    "The event stream's location (or azure-native:location) is not set or not a region name.",
  SEAWALL_AZURE_EVENTSTREAM_NAMESPACE_NAME: "namespaceName is not 6-50 letters, digits and hyphens.",
  SEAWALL_AZURE_EVENTSTREAM_TIER: "tier is not Standard or Premium (Basic has no Kafka endpoint).",
  SEAWALL_AZURE_EVENTSTREAM_CAPACITY:
    "capacity is not 1 to 40 throughput units (Standard) or 1, 2, 4, 8 or 16 processing units (Premium).",
  SEAWALL_AZURE_EVENTSTREAM_AUTO_INFLATE:
    "maxThroughputUnits is set on Premium, or is not 0 or from the capacity to 40 on Standard.",
  SEAWALL_AZURE_EVENTSTREAM_TOPIC_COUNT: "More topics than the tier's event hubs per namespace.",
  SEAWALL_AZURE_EVENTSTREAM_COMPACT_RETENTION:
    "A compacted topic sets retentionHours; Event Hubs has no compact-and-delete policy.",
  SEAWALL_AZURE_EVENTSTREAM_CONSUMER_GROUP:
    "A consumer group's name is invalid, its topic is not declared, or a topic has more groups than the tier allows.",
  SEAWALL_AZURE_EVENTSTREAM_PRINCIPAL_ID: "A client principal id is not an Entra ID object id (GUID).",
  SEAWALL_AZURE_EVENTSTREAM_PRIVATE_ENDPOINT: "A private endpoint's subnetId is not a subnet's resource id.",
  SEAWALL_AZURE_EVENTSTREAM_GEO_LOCATION:
    "geoDisasterRecovery.location is not a region name, or is the namespace's own region.",
  SEAWALL_AZURE_EVENTSTREAM_CMK_TIER: "A customer-managed key is asked for on Standard, which has none.",

  // Azure FeatureStore (Azure Managed Redis).
  SEAWALL_AZURE_FEATURESTORE_LOCATION:
    "The feature store's location (or azure-native:location) is not set or not a region name.",
  SEAWALL_AZURE_FEATURESTORE_CLUSTER_NAME: "clusterName is not 1-60 letters, digits and single hyphens.",
  SEAWALL_AZURE_FEATURESTORE_SKU: "sku is not an Azure Managed Redis SKU (or is a retiring Enterprise SKU).",
  SEAWALL_AZURE_FEATURESTORE_EVICTION_POLICY: "evictionPolicy is not an Azure Managed Redis eviction policy.",
  SEAWALL_AZURE_FEATURESTORE_PERSISTENCE:
    "persistence is not AOF or RDB, or its frequency does not fit its mode.",
  SEAWALL_AZURE_FEATURESTORE_PRINCIPAL_ID: "A client principal id is not an Entra ID object id (GUID).",
  SEAWALL_AZURE_FEATURESTORE_PRIVATE_ENDPOINT: "privateEndpoint.subnetId is not a subnet's resource id.",

  // Azure Monitoring (components/azure/monitoring.ts).
  SEAWALL_AZURE_MONITORING_RETENTION: "workspace.args.retentionDays is not a whole number from 30 to 730.",
  SEAWALL_AZURE_MONITORING_WORKSPACE_NAME: "workspace.args.workspaceName breaks Log Analytics' naming rules.",
  SEAWALL_AZURE_MONITORING_THRESHOLD_RANGE: "A threshold is unknown or outside its range.",
  SEAWALL_AZURE_MONITORING_UNSUPPORTED:
    "A threshold asks for a metric Azure Monitor does not publish (Event Hubs consumer lag).",
  SEAWALL_AZURE_MONITORING_ALERT_EMAIL: "An alert email is not an email address.",
  SEAWALL_AZURE_MONITORING_SHORT_NAME: "actionGroupShortName is not 1 to 12 characters.",
  SEAWALL_AZURE_MONITORING_RESOURCE_ID:
    "A watched resource's id is not the ARM id of a resource of the expected type.",

  // Azure Network (components/azure/network.ts).
  SEAWALL_AZURE_NETWORK_LOCATION:
    "The network's location (or azure-native:location) is not set or not a region name.",
  SEAWALL_AZURE_NETWORK_RESOURCE_GROUP: "A resource group name breaks Azure's naming rules.",
  SEAWALL_AZURE_NETWORK_CIDR:
    "A network range is not an RFC 1918 network of an allowed prefix length, or a subnet lies outside the address space.",
  SEAWALL_AZURE_NETWORK_CIDR_OVERLAP: "The workloads and private endpoints subnets overlap.",
  SEAWALL_AZURE_NETWORK_PORTS: "servicePorts is not a non-empty list of ports or port ranges.",
  SEAWALL_AZURE_NETWORK_RESOURCE_ID:
    "A brought network, subnet, DNS zone, storage account, identity or workspace is not given by its resource id.",
  SEAWALL_AZURE_NETWORK_FLOW_LOGS: "A flow-log setting is outside what Network Watcher accepts.",

  // Azure ObjectStore (components/azure/objectStore.ts).
  SEAWALL_AZURE_OBJECTSTORE_LOCATION:
    "The object store's location (or azure-native:location) is not set or not a region name.",
  SEAWALL_AZURE_OBJECTSTORE_ACCOUNT_NAME: "A storage account name is not 3-24 lower-case letters and digits.",
  SEAWALL_AZURE_OBJECTSTORE_CONTAINER_NAME: "containerName breaks Blob Storage's naming rules.",
  SEAWALL_AZURE_OBJECTSTORE_PREFIX: "prefix is not a key prefix without a leading slash.",
  SEAWALL_AZURE_OBJECTSTORE_SKU: "A storage account sku is not a Standard general-purpose v2 redundancy.",
  SEAWALL_AZURE_OBJECTSTORE_PRIVATE_ENDPOINT: "The private endpoints' subnet is not set or not a subnet id.",
  SEAWALL_AZURE_OBJECTSTORE_REPLICA_LOCATION:
    "The replica's location is not a region other than the account's.",
  SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_DAYS: "A lifecycle day count is not a whole number from 0 to 36500.",
  SEAWALL_AZURE_OBJECTSTORE_LIFECYCLE_ORDER: "The Cool, Cold and Archive moves are not in that order.",
  SEAWALL_AZURE_OBJECTSTORE_ARCHIVE_REDUNDANCY:
    "An Archive move is set on a zone-redundant account, where Azure offers no Archive tier.",
  SEAWALL_AZURE_OBJECTSTORE_UNSUPPORTED: "A setting asks for something Azure Blob Storage does not offer.",
  SEAWALL_AZURE_OBJECTSTORE_SOFT_DELETE:
    "A blob or container soft delete retention is outside what Azure allows.",
  SEAWALL_AZURE_OBJECTSTORE_RESTORE_DAYS:
    "pointInTimeRestoreDays is not fewer than softDeleteDays, or the change feed is kept no longer than it.",
  SEAWALL_AZURE_OBJECTSTORE_IMMUTABILITY: "immutability.days is not a whole number from 1 to 146000.",

  // Kubernetes clusters, every cloud (components/kubernetes/clusterProvider.ts).
  SEAWALL_K8S_CLUSTER_EXISTING_CONFLICT:
    "A brought cluster ({ existing }) is given with arguments only a built cluster takes, or with a key it does not know.",
  SEAWALL_K8S_KUBECONFIG_REQUIRED: "A brought cluster has no kubeconfig, or an empty one.",
  SEAWALL_K8S_NAME: "A namespace or service account name is not a DNS-1123 label.",

  // AWS Cluster (components/aws/cluster.ts).
  SEAWALL_AWS_CLUSTER_NAME: "clusterName breaks EKS's naming rules.",
  SEAWALL_AWS_CLUSTER_NETWORK: "network is not set, or has fewer than two private subnets.",
  SEAWALL_AWS_CLUSTER_ADMINS_REQUIRED:
    "adminPrincipalArns is empty, so nobody could reach a cluster whose creator gets no access.",
  SEAWALL_AWS_CLUSTER_PRINCIPAL_ARN: "An admin principal is not an IAM role or user ARN.",
  SEAWALL_AWS_CLUSTER_VERSION:
    "kubernetesVersion is not major.minor, or has no pinned add-on versions and addonVersions does not give them all.",
  SEAWALL_AWS_CLUSTER_ADDON_VERSION:
    "An addonVersions entry names an add-on the cluster does not install, or is not an EKS add-on version.",
  SEAWALL_AWS_CLUSTER_NODE_GROUPS:
    "nodeGroups is empty, or a node group's name or capacity type is invalid or its name repeated.",
  SEAWALL_AWS_CLUSTER_INSTANCE_TYPE:
    "A node group's instanceTypes is empty, names no EC2 instance type, or mixes architectures.",
  SEAWALL_AWS_CLUSTER_NODE_GROUP_SIZE:
    "A node group's sizes are not whole numbers with minSize <= desiredSize <= maxSize.",
  SEAWALL_AWS_CLUSTER_ROOT_VOLUME: "A node group's rootVolumeGiB is not a whole number from 20 to 16384.",

  // AWS Airflow metadata database (components/aws/airflowDatabase.ts).
  SEAWALL_AWS_AIRFLOW_DB_SUBNETS: "subnetIds is not two or more private subnets.",
  SEAWALL_AWS_AIRFLOW_DB_NETWORK: "vpcId or clientSecurityGroupId is empty.",
  SEAWALL_AWS_AIRFLOW_DB_IDENTIFIER: "identifier breaks RDS's naming rules.",
  SEAWALL_AWS_AIRFLOW_DB_ENGINE_VERSION:
    "engineVersion is not a PostgreSQL major version Airflow 3 supports and RDS keeps in standard support.",
  SEAWALL_AWS_AIRFLOW_DB_INSTANCE_CLASS: "instanceClass is not an RDS DB instance class.",
  SEAWALL_AWS_AIRFLOW_DB_STORAGE:
    "allocatedStorageGiB or maxAllocatedStorageGiB is not 20 to 65536 GiB, or the ceiling is below the start.",
  SEAWALL_AWS_AIRFLOW_DB_BACKUP_RETENTION: "backupRetentionDays is not a whole number from 1 to 35.",

  // GCP Cluster (components/gcp/cluster.ts).
  SEAWALL_GCP_CLUSTER_NAME: "clusterName breaks GKE's naming rules.",
  SEAWALL_GCP_CLUSTER_NETWORK: "network is not set, or has no subnet.",
  SEAWALL_GCP_CLUSTER_REGION: "Neither region nor gcp:region is set.",
  SEAWALL_GCP_CLUSTER_VERSION:
    "releaseChannel is not a GKE release channel, or minMasterVersion is not 1.35 or later.",
  SEAWALL_GCP_CLUSTER_NODE_POOL: "A node pool's sizes are out of range, or its minimum exceeds its maximum.",

  // GCP AirflowDatabase (components/gcp/airflowDatabase.ts, Cloud SQL for PostgreSQL).
  SEAWALL_GCP_AIRFLOW_DB_REGION: "The database's region (or gcp:region) is not set or not a region code.",
  SEAWALL_GCP_AIRFLOW_DB_NETWORK: "network is not projects/PROJECT/global/networks/NETWORK.",
  SEAWALL_GCP_AIRFLOW_DB_PRIVATE_ACCESS:
    "privateServiceAccess.args.cidr is not an RFC 1918 network from /16 to /24.",
  SEAWALL_GCP_AIRFLOW_DB_INSTANCE_NAME: "instanceName breaks Cloud SQL's naming rules.",
  SEAWALL_GCP_AIRFLOW_DB_VERSION: "databaseVersion is not a PostgreSQL major Airflow 3 supports.",
  SEAWALL_GCP_AIRFLOW_DB_TIER:
    "tier is not an Enterprise-edition Cloud SQL tier, or a custom tier's sizes are out of range.",
  SEAWALL_GCP_AIRFLOW_DB_AVAILABILITY: "availabilityType is not REGIONAL or ZONAL.",
  SEAWALL_GCP_AIRFLOW_DB_BACKUPS:
    "retainedBackups is not 2 to 365, or transactionLogRetentionDays is not 1 to 7 or not fewer than retainedBackups.",
  SEAWALL_GCP_AIRFLOW_DB_WINDOW:
    "backupStartTime is not HH:MM, or maintenanceWindow's day is not 1 to 7 or its hour not 0 to 23.",

  // Azure Cluster (components/azure/cluster.ts).
  SEAWALL_AZURE_CLUSTER_NAME: "clusterName breaks AKS's naming rules.",
  SEAWALL_AZURE_CLUSTER_NETWORK: "network is not set, or has no subnet.",
  SEAWALL_AZURE_CLUSTER_ADMINS:
    "adminGroupObjectIds is empty (local accounts are off, so nobody could administer the cluster) or not group object ids.",
  SEAWALL_AZURE_CLUSTER_VERSION:
    "kubernetesVersion is not 1.35 or later, or upgradeChannel is not an automatic upgrade channel.",
  SEAWALL_AZURE_CLUSTER_NODE_POOL:
    "A node pool's name is invalid or repeated, or its counts are out of range or minCount exceeds maxCount.",

  // Azure AirflowDatabase and Airflow's support (components/azure/airflowDatabase*.ts, airflowSupport.ts).
  SEAWALL_AZURE_AIRFLOW_DB_LOCATION:
    "The database's location (or azure-native:location) is not a region name.",
  SEAWALL_AZURE_AIRFLOW_DB_SERVER_NAME: "serverName breaks flexible server naming rules.",
  SEAWALL_AZURE_AIRFLOW_DB_VERSION: "version is not a PostgreSQL major version offered (16, 17, 18).",
  SEAWALL_AZURE_AIRFLOW_DB_SKU:
    "sku's tier or size is not a flexible server's, or high availability is asked for on Burstable.",
  SEAWALL_AZURE_AIRFLOW_DB_STORAGE: "storageSizeGB is not a Premium SSD size a flexible server takes.",
  SEAWALL_AZURE_AIRFLOW_DB_BACKUP_RETENTION: "backupRetentionDays is not a whole number from 7 to 35.",
  SEAWALL_AZURE_AIRFLOW_DB_GEO_BACKUP:
    "Geo-redundant backup with a customer-managed key has no known paired region, or geoBackupLocation is not the pair.",
  SEAWALL_AZURE_AIRFLOW_DB_NETWORK:
    "network.virtualNetworkId is not a virtual network's id, or privateDnsZoneId is not a *.postgres.database.azure.com zone.",
  SEAWALL_AZURE_AIRFLOW_DB_SUBNET:
    "network.subnet is not a delegated subnet's id, or its range or client ranges are not private networks.",
  SEAWALL_AZURE_AIRFLOW_DB_ENTRA_ADMIN: "entraAdmin has no object id (GUID) or principal name.",
  SEAWALL_AZURE_AIRFLOW_OIDC_ISSUER: "oidcIssuerUrl is not the AKS cluster's https OIDC issuer URL.",
} as const satisfies Record<string, string>;

/** A stable validation-problem code; see {@link PROBLEM_CODES} for what each means. */
export type ProblemCode = keyof typeof PROBLEM_CODES;
