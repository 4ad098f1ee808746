import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { RedisConnection } from "../contracts";
import { isKnown, Problems } from "../validation";
import { REGION, SERVICE_ACCOUNT_EMAIL } from "./eventStreamConfig";
import {
  AOF_FSYNCS,
  DAYS,
  DEFAULT_PERSISTENCE,
  DEFAULT_VALKEY_VERSION,
  engineVersionName,
  INSTANCE_ID,
  isValkeyVersion,
  MaintenanceWindow,
  MaxmemoryPolicy,
  MAXMEMORY_POLICIES,
  NETWORK_ID,
  NODE_TYPES,
  Persistence,
  persistenceConfig,
  primaryEndpoint,
  VALKEY_PORT,
  RDB_PERIODS,
  seconds,
} from "./featureStoreConfig";
import { checkGcpKmsKeyOption, gcpKmsKey, GcpKmsKeyOption } from "./kmsKey";

/** The Memorystore API, whose service agent must be able to use the instance's key. */
export const MEMORYSTORE_SERVICE = "memorystore.googleapis.com";

/** The role that lets a principal authenticate to a Memorystore instance with IAM (an access token). */
export const MEMORYSTORE_CLIENT_ROLE = "roles/memorystore.dbConnectionUser";

export interface FeatureStoreArgs {
  /** The region of the instance; its key is there too. @defaultValue - the provider's region (`gcp:region`) */
  region?: string;
  /** The project of the instance, its key and the IAM grants. @defaultValue - the provider's project (`gcp:project`) */
  project?: string;
  /**
   * The VPC network clients use, `projects/PROJECT/global/networks/NETWORK`. Memorystore creates the
   * instance's Private Service Connect endpoints in it; the network needs a service connection
   * policy for the `gcp-memorystore` service class (the Network component's). No public endpoint.
   */
  network: pulumi.Input<string>;
  /**
   * The instance id: 4 to 63 lower-case letters, digits and hyphens.
   * @defaultValue - the component's name
   */
  instanceId?: string;
  /** The Valkey version, `major.minor`, 7.2 or later. @defaultValue "8.0" */
  engineVersion?: string;
  /** Node type. See https://cloud.google.com/memorystore/docs/valkey/instance-node-specification @defaultValue "HIGHMEM_MEDIUM" */
  nodeType?: string;
  /**
   * Read replicas of the primary (0 to 5), placed in other zones than the primary (`MULTI_ZONE`);
   * one or more lets Memorystore fail over when the primary's zone fails.
   * @defaultValue 1
   */
  replicaCount?: number;
  /**
   * What Valkey evicts when memory is full: by default the least recently used keys that have a
   * TTL (features and dedup markers always carry one), never a key without one.
   * @defaultValue "volatile-lru"
   */
  maxmemoryPolicy?: MaxmemoryPolicy;
  /**
   * Persistence: RDB snapshots or an append-only file. Memorystore's default (off) is not offered.
   * @defaultValue { mode: "AOF", appendFsync: "EVERY_SEC" }
   */
  persistence?: Persistence;
  /** Days automated backups are kept (1 to 365); 0 turns automated backups off. @defaultValue 7 */
  backupRetentionDays?: number;
  /** Hour (UTC, 0 to 23) the daily automated backup starts. @defaultValue 3 */
  backupStartHour?: number;
  /** Weekly one-hour maintenance window, UTC, apart from the backup hour. @defaultValue { day: "SUNDAY", hour: 5 } */
  maintenanceWindow?: MaintenanceWindow;
  /**
   * Service accounts of the workloads that read and write features (emails). Each is granted
   * `roles/memorystore.dbConnectionUser` on the project, which is what IAM authentication checks.
   * @defaultValue []
   */
  clientServiceAccounts?: pulumi.Input<string>[];
  /**
   * The customer-managed key of the instance's data and backups; the Memorystore service agent is
   * granted it before the instance is created. Google-managed encryption (`skip`) is refused.
   * @defaultValue - a key ring and key are created in the region, rotated every 90 days
   */
  kmsKey?: GcpKmsKeyOption;
  /**
   * Protect the instance and its key: Pulumi `protect` and Memorystore's own deletion protection.
   * @defaultValue true
   */
  protect?: boolean;
  /** Labels for every resource that takes them. @defaultValue {} */
  labels?: Record<string, string>;
}

const DEFAULTS = {
  nodeType: "HIGHMEM_MEDIUM",
  replicaCount: 1,
  maxmemoryPolicy: "volatile-lru" as MaxmemoryPolicy,
  backupRetentionDays: 7,
  backupStartHour: 3,
  maintenanceWindow: { day: "SUNDAY", hour: 5 } as MaintenanceWindow,
};

/**
 * Checks a {@link FeatureStoreArgs} and throws one error listing every problem. Values that are
 * Outputs are not known yet and are left to the provider. `region` is the resolved region.
 */
export function validateFeatureStoreArgs(
  args: FeatureStoreArgs,
  region: string | undefined = args.region,
): void {
  const p = new Problems();
  if (region === undefined || !REGION.test(region)) {
    p.add(
      "SEAWALL_GCP_FEATURESTORE_REGION",
      "region",
      region,
      'set region (or the gcp:region config) to a region code such as "europe-west1"',
    );
  }
  if (args.network === undefined || (isKnown(args.network) && !NETWORK_ID.test(String(args.network)))) {
    p.add(
      "SEAWALL_GCP_FEATURESTORE_NETWORK",
      "network",
      args.network,
      "give the clients' VPC network as projects/PROJECT/global/networks/NETWORK (the Network's network id)",
    );
  }
  if (args.instanceId !== undefined && !INSTANCE_ID.test(args.instanceId)) {
    p.add(
      "SEAWALL_GCP_FEATURESTORE_INSTANCE_ID",
      "instanceId",
      args.instanceId,
      "must be 4-63 lower-case letters, digits and hyphens, not starting or ending with a hyphen",
    );
  }
  if (args.engineVersion !== undefined && !isValkeyVersion(args.engineVersion)) {
    p.add(
      "SEAWALL_FEATURESTORE_ENGINE_VERSION",
      "engineVersion",
      args.engineVersion,
      'must be a Valkey version "major.minor", 7.2 or later, such as "8.0"',
    );
  }
  if (args.nodeType !== undefined && !(NODE_TYPES as readonly string[]).includes(args.nodeType)) {
    p.add(
      "SEAWALL_GCP_FEATURESTORE_NODE_TYPE",
      "nodeType",
      args.nodeType,
      `must be a Memorystore for Valkey node type: ${NODE_TYPES.join(", ")}`,
    );
  }
  p.wholeNumber("SEAWALL_GCP_FEATURESTORE_REPLICAS", "replicaCount", args.replicaCount, 0, 5);
  if (
    args.maxmemoryPolicy !== undefined &&
    !(MAXMEMORY_POLICIES as readonly string[]).includes(args.maxmemoryPolicy)
  ) {
    p.add(
      "SEAWALL_FEATURESTORE_MAXMEMORY_POLICY",
      "maxmemoryPolicy",
      args.maxmemoryPolicy,
      `must be one of ${MAXMEMORY_POLICIES.join(", ")}`,
    );
  }
  const persistence = args.persistence as Record<string, unknown> | undefined;
  if (persistence !== undefined) {
    if (persistence.mode !== "RDB" && persistence.mode !== "AOF") {
      p.add(
        "SEAWALL_GCP_FEATURESTORE_PERSISTENCE",
        "persistence.mode",
        persistence.mode,
        'must be "RDB" (snapshots) or "AOF" (append-only file); running without persistence is not offered',
      );
    }
    const period = persistence.rdbSnapshotPeriod;
    if (
      period !== undefined &&
      (persistence.mode !== "RDB" || !(RDB_PERIODS as readonly unknown[]).includes(period))
    ) {
      p.add(
        "SEAWALL_GCP_FEATURESTORE_PERSISTENCE",
        "persistence.rdbSnapshotPeriod",
        period,
        `applies to mode "RDB" only, and must be one of ${RDB_PERIODS.join(", ")}`,
      );
    }
    const fsync = persistence.appendFsync;
    if (
      fsync !== undefined &&
      (persistence.mode !== "AOF" || !(AOF_FSYNCS as readonly unknown[]).includes(fsync))
    ) {
      p.add(
        "SEAWALL_GCP_FEATURESTORE_PERSISTENCE",
        "persistence.appendFsync",
        fsync,
        `applies to mode "AOF" only, and must be one of ${AOF_FSYNCS.join(", ")}`,
      );
    }
  }
  p.wholeNumber(
    "SEAWALL_GCP_FEATURESTORE_BACKUP_RETENTION",
    "backupRetentionDays",
    args.backupRetentionDays,
    0,
    365,
    "Memorystore keeps automated backups 1 to 365 days; 0 turns them off",
  );
  p.wholeNumber("SEAWALL_GCP_FEATURESTORE_WINDOW_HOUR", "backupStartHour", args.backupStartHour, 0, 23);
  const window = args.maintenanceWindow;
  if (window !== undefined) {
    if (!(DAYS as readonly unknown[]).includes(window.day)) {
      p.add(
        "SEAWALL_GCP_FEATURESTORE_MAINTENANCE_DAY",
        "maintenanceWindow.day",
        window.day,
        `must be one of ${DAYS.join(", ")}`,
      );
    }
    p.wholeNumber("SEAWALL_GCP_FEATURESTORE_WINDOW_HOUR", "maintenanceWindow.hour", window.hour, 0, 23);
  }
  const backups = (args.backupRetentionDays ?? DEFAULTS.backupRetentionDays) > 0;
  const backupHour = args.backupStartHour ?? DEFAULTS.backupStartHour;
  const maintenanceHour = (window ?? DEFAULTS.maintenanceWindow).hour;
  if (backups && backupHour === maintenanceHour) {
    p.add(
      "SEAWALL_GCP_FEATURESTORE_WINDOWS_OVERLAP",
      "maintenanceWindow.hour",
      maintenanceHour,
      `is the hour the daily backup starts (${backupHour}); move one of them so maintenance does not restart nodes during a backup`,
    );
  }
  (args.clientServiceAccounts ?? []).forEach((email, i) => {
    if (isKnown(email) && (typeof email !== "string" || !SERVICE_ACCOUNT_EMAIL.test(email))) {
      p.add(
        "SEAWALL_GCP_FEATURESTORE_CLIENT_ACCOUNT",
        `clientServiceAccounts[${i}]`,
        email,
        "must be a service account email, NAME@PROJECT.iam.gserviceaccount.com",
      );
    }
  });
  checkGcpKmsKeyOption(p, "kmsKey", args.kmsKey, {
    allowSkip: false,
    why: "Memorystore encrypts the instance's data and backups with it",
    location: region,
  });
  p.throwIfAny("seawall:gcp:FeatureStore: invalid arguments");
}

/**
 * A feature store on Memorystore for Valkey, cluster mode disabled (one primary, read replicas in
 * other zones): IAM authentication (clients send a Google access token as the AUTH password; no
 * static secret exists), TLS with server authentication (the instance's own CA, exported as
 * {@link FeatureStore.serverCaCerts}), persistence (AOF by default), daily automated backups, a
 * customer-managed key that the Memorystore service agent is granted before the instance exists,
 * Private Service Connect endpoints in the clients' network, a weekly maintenance window, and
 * Memorystore's deletion protection when protected.
 *
 * Why Valkey rather than Memorystore for Redis (`gcp.redis.Instance`, `STANDARD_HA`):
 * - The runtime's node-redis client is single-node (`createClient`, no cluster client). Valkey's
 *   `CLUSTER_DISABLED` mode is one primary endpoint, as Redis's is, so neither forces a client change.
 * - Authentication: Valkey offers IAM auth — no long-lived secret, access granted and revoked per
 *   service account, audited; the runtime sends an access token refreshed at every (re)connect.
 *   Redis offers only a static AUTH string that Memorystore cannot rotate in place.
 * - Persistence: Valkey has RDB and AOF (at most a second lost); Redis has RDB only.
 * - Backups: Valkey takes automated daily backups with a retention; Redis has only manual exports.
 * - Deletion protection: Valkey's is enforced by the service (`deletionProtectionEnabled`);
 *   Redis's `deletionProtection` is only a provider-side guard.
 * - Both offer TLS with server authentication and an exportable CA, CMEK, and replicas across
 *   zones; both are judged by the policy pack's Memorystore rules (auth, TLS, persistence, HA).
 * - Valkey is the engine of the AWS (ElastiCache) and Kubernetes feature stores too, so one engine
 *   version line is tested.
 * What Valkey costs: Private Service Connect needs a service connection policy in the network, and
 * the runtime needs a token provider (`REDIS_AUTH_MODE=gcp-iam`).
 */
export class FeatureStore extends pulumi.ComponentResource {
  /**
   * How clients connect: the cloud-neutral contract (TLS on, `authMode: "gcp-iam"`, no secret, and
   * `caCert`, the instance's server CA bundle, once Memorystore reports it).
   */
  readonly connection: pulumi.Output<RedisConnection>;
  readonly instance: gcp.memorystore.Instance;
  /** `projects/PROJECT/locations/REGION/instances/ID`. */
  readonly instanceName: pulumi.Output<string>;
  /** The PEM certificates of the instance's server CA, leaf to root: clients verify the server with them. */
  readonly serverCaCerts: pulumi.Output<string[]>;
  /** The full id of the instance's key. */
  readonly kmsKeyId: pulumi.Output<string>;

  constructor(name: string, args: FeatureStoreArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:FeatureStore", name, {}, opts);
    const region = args.region ?? gcp.config.region;
    validateFeatureStoreArgs(args, region);
    const location = region as string;
    const project = args.project ?? gcp.config.project;

    const labels = { ...args.labels, "seawall-component": "feature-store" };
    const protect = args.protect ?? true;
    const backupDays = args.backupRetentionDays ?? DEFAULTS.backupRetentionDays;
    const window = args.maintenanceWindow ?? DEFAULTS.maintenanceWindow;

    const key = gcpKmsKey(this, `${name}-key`, args.kmsKey, {
      location,
      serviceAgents: [MEMORYSTORE_SERVICE],
      protect,
      labels,
      project,
    });
    this.kmsKeyId = key.keyId!;

    this.instance = new gcp.memorystore.Instance(
      name,
      {
        instanceId: args.instanceId ?? name,
        location,
        project,
        mode: "CLUSTER_DISABLED",
        shardCount: 1,
        replicaCount: args.replicaCount ?? DEFAULTS.replicaCount,
        nodeType: args.nodeType ?? DEFAULTS.nodeType,
        engineVersion: engineVersionName(args.engineVersion ?? DEFAULT_VALKEY_VERSION),
        engineConfigs: { "maxmemory-policy": args.maxmemoryPolicy ?? DEFAULTS.maxmemoryPolicy },
        zoneDistributionConfig: { mode: "MULTI_ZONE" },
        authorizationMode: "IAM_AUTH",
        transitEncryptionMode: "SERVER_AUTHENTICATION",
        persistenceConfig: persistenceConfig(args.persistence ?? DEFAULT_PERSISTENCE),
        ...(backupDays > 0
          ? {
              automatedBackupConfig: {
                fixedFrequencySchedule: {
                  startTime: { hours: args.backupStartHour ?? DEFAULTS.backupStartHour },
                },
                retention: seconds(backupDays),
              },
            }
          : {}),
        maintenancePolicy: {
          weeklyMaintenanceWindows: [{ day: window.day, startTime: { hours: window.hour, minutes: 0 } }],
        },
        desiredAutoCreatedEndpoints: [
          { network: args.network, projectId: project ?? networkProject(args.network) },
        ],
        kmsKey: key.keyId,
        deletionProtectionEnabled: protect,
        labels,
      },
      // The service agent must hold the key before the instance is created with it.
      { parent: this, protect, dependsOn: key.grants },
    );
    this.instanceName = this.instance.name;
    this.serverCaCerts = this.instance.managedServerCas.apply((cas) =>
      (cas ?? []).flatMap((ca) => (ca.caCerts ?? []).flatMap((c) => c.certificates ?? [])),
    );

    (args.clientServiceAccounts ?? []).forEach((email, i) => {
      new gcp.projects.IAMMember(
        `${name}-client-${i}`,
        {
          project: project ?? this.instance.project,
          role: MEMORYSTORE_CLIENT_ROLE,
          member: pulumi.interpolate`serviceAccount:${email}`,
        },
        { parent: this },
      );
    });

    // The endpoints are reported once the instance exists; an instance that reports endpoints but
    // none a client can use is an error. Before they are reported (offline synthesis, whose mocks
    // echo the inputs) the host is empty.
    // Memorystore signs its server certificate with a per-instance CA: clients verify against it.
    this.connection = pulumi.all([this.instance.endpoints, this.serverCaCerts]).apply(([endpoints, cas]) => {
      const at = primaryEndpoint(endpoints);
      if (!at && (endpoints ?? []).length > 0) {
        throw new pulumi.ResourceError(
          "the Memorystore instance reports endpoints but no primary or discovery connection; check the network's service connection policy for gcp-memorystore",
          this,
        );
      }
      return {
        host: at?.host ?? "",
        port: at?.port ?? VALKEY_PORT,
        tls: true,
        authMode: "gcp-iam" as const,
        ...(cas.length > 0 ? { caCert: cas.join("\n") } : {}),
      };
    });

    this.registerOutputs({
      connection: this.connection,
      instanceName: this.instanceName,
      serverCaCerts: this.serverCaCerts,
      kmsKeyId: this.kmsKeyId,
    });
  }
}

/** The project of a `projects/PROJECT/global/networks/NETWORK` id. */
function networkProject(network: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.output(network).apply((n) => n.split("/")[1]);
}
