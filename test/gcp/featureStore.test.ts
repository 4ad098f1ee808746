import {
  FeatureStore,
  FeatureStoreArgs,
  MEMORYSTORE_CLIENT_ROLE,
  validateFeatureStoreArgs,
} from "../../components/gcp/featureStore";
import {
  engineVersionName,
  isValkeyVersion,
  persistenceConfig,
  primaryEndpoint,
} from "../../components/gcp/featureStoreConfig";
import { CMEK_ROLE } from "../../components/gcp/kmsKey";
import { PROFILES } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { mockProjectNumber } from "../../scripts/synth/gcpMocks";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:gcp:FeatureStore",
  instance: "gcp:memorystore/instance:Instance",
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  identity: "gcp:projects/serviceIdentity:ServiceIdentity",
  member: "gcp:projects/iAMMember:IAMMember",
};

const PROJECT = "seawall-test";
const REGION = "europe-west1";
const GCP = { "gcp:project": PROJECT, "gcp:region": REGION };
const NETWORK = `projects/${PROJECT}/global/networks/data`;
const AGENT = `serviceAccount:service-${mockProjectNumber(PROJECT)}@gcp-sa-memorystore.iam.gserviceaccount.com`;

const base: FeatureStoreArgs = { network: NETWORK };

async function store(args: Partial<FeatureStoreArgs> = {}): Promise<Plan> {
  return plan(() => {
    const s = new FeatureStore("features", { ...base, ...args });
    return { connection: s.connection, kmsKeyId: s.kmsKeyId, serverCaCerts: s.serverCaCerts };
  }, GCP);
}

/** What the prod platform passes: prod's node type, replicas and backup retention. */
const prodArgs: Partial<FeatureStoreArgs> = {
  nodeType: PROFILES.prod.sizes.gcp.featureStore.nodeType,
  replicaCount: PROFILES.prod.featureStore.replicasPerShard,
  backupRetentionDays: PROFILES.prod.featureStore.snapshotRetentionDays,
  clientServiceAccounts: [`workers@${PROJECT}.iam.gserviceaccount.com`],
};

describe("GCP FeatureStore defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store({ labels: { team: "data" } });
  });

  it("creates the instance, a key ring and key, and the Memorystore service agent's grant, and nothing else", () => {
    expect(p.counts()).toEqual({
      [T.component]: 1,
      [T.ring]: 1,
      [T.key]: 1,
      [T.identity]: 1,
      [T.grant]: 1,
      [T.instance]: 1,
    });
  });

  it("runs Valkey 8.0 without cluster mode, IAM auth, TLS, AOF, daily backups, a replica across zones and CMEK", () => {
    const instance = p.one(T.instance, "features");
    expect(instance.inputs).toEqual({
      instanceId: "features",
      location: REGION,
      project: PROJECT,
      mode: "CLUSTER_DISABLED",
      shardCount: 1,
      replicaCount: 1,
      nodeType: "HIGHMEM_MEDIUM",
      engineVersion: "VALKEY_8_0",
      engineConfigs: { "maxmemory-policy": "volatile-lru" },
      zoneDistributionConfig: { mode: "MULTI_ZONE" },
      authorizationMode: "IAM_AUTH",
      transitEncryptionMode: "SERVER_AUTHENTICATION",
      persistenceConfig: { mode: "AOF", aofConfig: { appendFsync: "EVERY_SEC" } },
      automatedBackupConfig: {
        fixedFrequencySchedule: { startTime: { hours: 3 } },
        retention: `${7 * 86400}s`,
      },
      maintenancePolicy: {
        weeklyMaintenanceWindows: [{ day: "SUNDAY", startTime: { hours: 5, minutes: 0 } }],
      },
      desiredAutoCreatedEndpoints: [{ network: NETWORK, projectId: PROJECT }],
      kmsKey: expect.stringMatching(
        new RegExp(
          `^projects/${PROJECT}/locations/${REGION}/keyRings/features-key-ring-[0-9a-f]+/cryptoKeys/`,
        ),
      ),
      deletionProtectionEnabled: true,
      labels: { team: "data", "seawall-component": "feature-store" },
    });
    expect(instance.protect).toBe(true);
  });

  it("grants the Memorystore service agent the key, and creates the instance only after that grant", () => {
    expect(p.one(T.identity, "features-key-memorystore-agent").inputs).toEqual({
      service: "memorystore.googleapis.com",
      project: PROJECT,
    });
    const grant = p.one(T.grant, "features-key-memorystore-grant");
    expect(grant.inputs).toEqual({
      cryptoKeyId: p.one(T.instance, "features").inputs.kmsKey,
      role: CMEK_ROLE,
      member: AGENT,
    });
    expect(p.one(T.instance, "features").dependsOn).toContain(grant.urn);
  });

  it("connects with TLS and IAM auth (no secret) to the primary endpoint the instance reports", () => {
    // The mocks report a primary Private Service Connect endpoint, as Memorystore does once created.
    expect(p.output("connection")).toEqual({
      host: expect.stringMatching(/^10\.10\.16\.\d+$/),
      port: 6379,
      tls: true,
      authMode: "gcp-iam",
      caCert: (p.output("serverCaCerts") as string[]).join("\n"),
    });
    expect((p.output("serverCaCerts") as string[]).length).toBeGreaterThan(0);
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("GCP FeatureStore for prod", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await store(prodArgs);
  });

  it("takes prod's node type, two replicas across zones and 14 days of backups", () => {
    expect(p.one(T.instance, "features").inputs).toMatchObject({
      nodeType: "HIGHMEM_MEDIUM",
      replicaCount: 2,
      zoneDistributionConfig: { mode: "MULTI_ZONE" },
      automatedBackupConfig: { retention: `${14 * 86400}s` },
      deletionProtectionEnabled: true,
    });
  });

  it("grants the workload's service account roles/memorystore.dbConnectionUser on the project", () => {
    expect(p.one(T.member, "features-client-0").inputs).toEqual({
      project: PROJECT,
      role: MEMORYSTORE_CLIENT_ROLE,
      member: `serviceAccount:workers@${PROJECT}.iam.gserviceaccount.com`,
    });
  });

  it("passes every mandatory rule of the prod policy config, the Memorystore rules among them", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("is reported by the Memorystore rules once auth, TLS, persistence and replicas are gone (the check can fail)", async () => {
    const weakened = p.resources.map((r) =>
      r.type === T.instance
        ? {
            ...r,
            inputs: {
              ...r.inputs,
              authorizationMode: "AUTH_DISABLED",
              transitEncryptionMode: "TRANSIT_ENCRYPTION_DISABLED",
              persistenceConfig: { mode: "DISABLED" },
              replicaCount: 0,
            },
          }
        : r,
    );
    const verdicts = await evaluateResources(weakened, { environment: "prod" });
    expect(
      verdicts
        .filter((v) => v.level === "mandatory")
        .map((v) => v.rule)
        .sort(),
    ).toEqual([
      "memorystoreAuthEnabled",
      "memorystoreHighAvailability",
      "memorystorePersistence",
      "memorystoreTransitEncryption",
    ]);
  });
});

describe("GCP FeatureStore options", () => {
  it("takes RDB snapshots, no backups, a maintenance window, a version and no protection as given", async () => {
    const p = await store({
      instanceId: "pipeline-features",
      engineVersion: "7.2",
      nodeType: "SHARED_CORE_NANO",
      replicaCount: 0,
      maxmemoryPolicy: "allkeys-lfu",
      persistence: { mode: "RDB", rdbSnapshotPeriod: "SIX_HOURS" },
      backupRetentionDays: 0,
      maintenanceWindow: { day: "WEDNESDAY", hour: 2 },
      protect: false,
    });
    const instance = p.one(T.instance, "features");
    expect(instance.inputs).toMatchObject({
      instanceId: "pipeline-features",
      engineVersion: "VALKEY_7_2",
      nodeType: "SHARED_CORE_NANO",
      replicaCount: 0,
      engineConfigs: { "maxmemory-policy": "allkeys-lfu" },
      persistenceConfig: { mode: "RDB", rdbConfig: { rdbSnapshotPeriod: "SIX_HOURS" } },
      maintenancePolicy: {
        weeklyMaintenanceWindows: [{ day: "WEDNESDAY", startTime: { hours: 2, minutes: 0 } }],
      },
      deletionProtectionEnabled: false,
    });
    expect(instance.inputs.automatedBackupConfig).toBeUndefined();
    expect(instance.protect).toBe(false);
  });

  it("uses a brought key and grants the service agent on it", async () => {
    const brought = `projects/${PROJECT}/locations/${REGION}/keyRings/shared/cryptoKeys/cache`;
    const p = await store({ kmsKey: { existing: { keyId: brought } } });
    expect(p.ofType(T.key)).toEqual([]);
    expect(p.one(T.grant, "features-key-memorystore-grant").inputs).toEqual({
      cryptoKeyId: brought,
      role: CMEK_ROLE,
      member: AGENT,
    });
    expect(p.one(T.instance, "features").inputs.kmsKey).toBe(brought);
  });
});

describe("GCP FeatureStore validation", () => {
  it("lists every problem with its code, field and value", () => {
    expect(
      problemsThrownBy(() =>
        validateFeatureStoreArgs({
          region: REGION,
          network: "data",
          instanceId: "fs",
          engineVersion: "7.0",
          nodeType: "cache.r7g.large",
          replicaCount: 6,
          maxmemoryPolicy: "lru" as never,
          persistence: { mode: "RDB", appendFsync: "ALWAYS" } as never,
          backupRetentionDays: 400,
          backupStartHour: 24,
          maintenanceWindow: { day: "SUN" as never, hour: 5 },
          clientServiceAccounts: ["workers@example.com"],
          kmsKey: { skip: true } as never,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_FEATURESTORE_NETWORK", field: "network", value: "data" },
      { code: "SEAWALL_GCP_FEATURESTORE_INSTANCE_ID", field: "instanceId", value: "fs" },
      { code: "SEAWALL_FEATURESTORE_ENGINE_VERSION", field: "engineVersion", value: "7.0" },
      { code: "SEAWALL_GCP_FEATURESTORE_NODE_TYPE", field: "nodeType", value: "cache.r7g.large" },
      { code: "SEAWALL_GCP_FEATURESTORE_REPLICAS", field: "replicaCount", value: 6 },
      { code: "SEAWALL_FEATURESTORE_MAXMEMORY_POLICY", field: "maxmemoryPolicy", value: "lru" },
      { code: "SEAWALL_GCP_FEATURESTORE_PERSISTENCE", field: "persistence.appendFsync", value: "ALWAYS" },
      { code: "SEAWALL_GCP_FEATURESTORE_BACKUP_RETENTION", field: "backupRetentionDays", value: 400 },
      { code: "SEAWALL_GCP_FEATURESTORE_WINDOW_HOUR", field: "backupStartHour", value: 24 },
      { code: "SEAWALL_GCP_FEATURESTORE_MAINTENANCE_DAY", field: "maintenanceWindow.day", value: "SUN" },
      {
        code: "SEAWALL_GCP_FEATURESTORE_CLIENT_ACCOUNT",
        field: "clientServiceAccounts[0]",
        value: "workers@example.com",
      },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "kmsKey", value: "{ skip: true }" },
    ]);
  });

  it("refuses running without persistence and a maintenance window at the backup hour, and needs a region", () => {
    expect(
      problemsThrownBy(() =>
        validateFeatureStoreArgs(
          {
            network: NETWORK,
            persistence: { mode: "DISABLED" } as never,
            maintenanceWindow: { day: "SUNDAY", hour: 3 },
          },
          undefined,
        ),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_FEATURESTORE_REGION", field: "region", value: undefined },
      { code: "SEAWALL_GCP_FEATURESTORE_PERSISTENCE", field: "persistence.mode", value: "DISABLED" },
      { code: "SEAWALL_GCP_FEATURESTORE_WINDOWS_OVERLAP", field: "maintenanceWindow.hour", value: 3 },
    ]);
  });

  it("accepts every profile's GCP node type", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
      const { nodeType } = PROFILES[env].sizes.gcp.featureStore;
      expect(() => validateFeatureStoreArgs({ ...base, region: REGION, nodeType })).not.toThrow();
    }
  });
});

describe("GCP FeatureStore pure logic", () => {
  it("connects to the primary endpoint's PSC address, else the discovery endpoint's", () => {
    const conn = (connectionType: string, ipAddress: string) => ({
      pscAutoConnection: { connectionType, ipAddress, port: 6379 },
    });
    expect(
      primaryEndpoint([
        { connections: [conn("CONNECTION_TYPE_READER", "10.0.0.4")] },
        { connections: [conn("CONNECTION_TYPE_PRIMARY", "10.0.0.3")] },
      ]),
    ).toEqual({ host: "10.0.0.3", port: 6379 });
    expect(primaryEndpoint([{ connections: [conn("CONNECTION_TYPE_DISCOVERY", "10.0.0.2")] }])).toEqual({
      host: "10.0.0.2",
      port: 6379,
    });
    expect(primaryEndpoint(undefined)).toBeUndefined();
  });

  it("names versions as the API does and accepts 7.2 and later", () => {
    expect(engineVersionName("8.0")).toBe("VALKEY_8_0");
    expect([
      isValkeyVersion("7.2"),
      isValkeyVersion("9.0"),
      isValkeyVersion("7.0"),
      isValkeyVersion("8"),
    ]).toEqual([true, true, false, false]);
  });

  it("renders RDB with an hourly default and AOF flushed every second by default", () => {
    expect(persistenceConfig({ mode: "RDB" })).toEqual({
      mode: "RDB",
      rdbConfig: { rdbSnapshotPeriod: "ONE_HOUR" },
    });
    expect(persistenceConfig({ mode: "AOF" })).toEqual({
      mode: "AOF",
      aofConfig: { appendFsync: "EVERY_SEC" },
    });
  });
});
