import * as pulumi from "@pulumi/pulumi";
import { AirflowDatabase, CLOUD_SQL_SERVICE } from "../../components/gcp/airflowDatabase";
import {
  AIRFLOW_DATABASE_FLAGS,
  type AirflowDatabaseArgs,
  caBundle,
  defaultTransactionLogDays,
  serviceAccountId,
  tierProblem,
  validateAirflowDatabaseArgs,
} from "../../components/gcp/airflowDatabaseConfig";
import {
  AIRFLOW_LOGS_ROLE,
  buildGcpAirflowSupport,
  type GcpAirflowSupportArgs,
  prefixCondition,
  validateGcpAirflowSupportArgs,
} from "../../components/gcp/airflowSupport";
import { WORKLOAD_IDENTITY_USER } from "../../components/gcp/cluster";
import { CMEK_ROLE } from "../../components/gcp/kmsKey";
import { PROFILES } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { mockProjectNumber } from "../../scripts/synth/gcpMocks";
import { plan, Plan, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:gcp:AirflowDatabase",
  instance: "gcp:sql/databaseInstance:DatabaseInstance",
  database: "gcp:sql/database:Database",
  user: "gcp:sql/user:User",
  password: "random:index/randomPassword:RandomPassword",
  ring: "gcp:kms/keyRing:KeyRing",
  key: "gcp:kms/cryptoKey:CryptoKey",
  grant: "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
  identity: "gcp:projects/serviceIdentity:ServiceIdentity",
  range: "gcp:compute/globalAddress:GlobalAddress",
  peering: "gcp:servicenetworking/connection:Connection",
  account: "gcp:serviceaccount/account:Account",
  accountMember: "gcp:serviceaccount/iAMMember:IAMMember",
  bucketMember: "gcp:storage/bucketIAMMember:BucketIAMMember",
};

const PROJECT = "seawall-test";
const REGION = "europe-west1";
const GCP = { "gcp:project": PROJECT, "gcp:region": REGION };
const NETWORK = `projects/${PROJECT}/global/networks/data`;
const BUCKET = "seawall-prod-lake";
const SQL_AGENT = `serviceAccount:service-${mockProjectNumber(PROJECT)}@gcp-sa-cloud-sql.iam.gserviceaccount.com`;

/** The secret's value, failing unless the input was marked secret. */
function secretValue(value: unknown): unknown {
  expect(value).toBeInstanceOf(Secret);
  return (value as Secret).value;
}

async function database(args: Partial<AirflowDatabaseArgs> = {}): Promise<Plan> {
  return plan(() => {
    const db = new AirflowDatabase("airflow", { network: NETWORK, ...args });
    return {
      host: db.connection.host,
      password: db.connection.password,
      caCert: db.connection.caCert,
      sslMode: db.connection.sslMode,
      port: db.connection.port,
      database: db.connection.database,
      username: db.connection.username,
      connectionName: db.connectionName,
    };
  }, GCP);
}

describe("GCP AirflowDatabase defaults", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await database({ labels: { team: "data" } });
  });

  it("creates the instance, its database and user, a key, the Cloud SQL agent's grant and private service access, and nothing else", () => {
    expect(p.counts()).toEqual({
      [T.component]: 1,
      [T.ring]: 1,
      [T.key]: 1,
      [T.identity]: 1,
      [T.grant]: 1,
      [T.range]: 1,
      [T.peering]: 1,
      [T.instance]: 1,
      [T.database]: 1,
      [T.password]: 1,
      [T.user]: 1,
    });
  });

  it("runs PostgreSQL 17 on private IP only, TLS required, CMEK, PITR backups, a standby, deletion protection and the CIS flags", () => {
    const instance = p.one(T.instance, "airflow");
    expect(instance.inputs).toEqual({
      project: PROJECT,
      region: REGION,
      databaseVersion: "POSTGRES_17",
      encryptionKeyName: expect.stringMatching(
        new RegExp(
          `^projects/${PROJECT}/locations/${REGION}/keyRings/airflow-key-ring-[0-9a-f]+/cryptoKeys/`,
        ),
      ),
      deletionProtection: true,
      settings: {
        edition: "ENTERPRISE",
        tier: "db-custom-2-7680",
        availabilityType: "REGIONAL",
        diskType: "PD_SSD",
        diskAutoresize: true,
        ipConfiguration: {
          ipv4Enabled: false,
          privateNetwork: NETWORK,
          allocatedIpRange: expect.stringMatching(/^airflow-psa-[0-9a-f]+$/),
          sslMode: "ENCRYPTED_ONLY",
          serverCaMode: "GOOGLE_MANAGED_INTERNAL_CA",
          enablePrivatePathForGoogleCloudServices: false,
        },
        dataApiAccess: "DISALLOW_DATA_API",
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: true,
          startTime: "02:00",
          transactionLogRetentionDays: 7,
          backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
        },
        maintenanceWindow: { day: 7, hour: 4, updateTrack: "stable" },
        databaseFlags: AIRFLOW_DATABASE_FLAGS,
        deletionProtectionEnabled: true,
        retainBackupsOnDelete: true,
        userLabels: { team: "data", "seawall-component": "airflow-database" },
      },
    });
    expect(instance.protect).toBe(true);
  });

  it("has no public IP and logs connections, disconnections and DDL", () => {
    const settings = p.one(T.instance, "airflow").inputs.settings as Record<string, Record<string, unknown>>;
    expect(settings.ipConfiguration.ipv4Enabled).toBe(false);
    expect(settings.ipConfiguration).not.toHaveProperty("authorizedNetworks");
    expect(settings.databaseFlags).toEqual(
      expect.arrayContaining([
        { name: "log_connections", value: "on" },
        { name: "log_disconnections", value: "on" },
        { name: "log_statement", value: "ddl" },
      ]),
    );
  });

  it("grants the Cloud SQL service agent the key, and creates the instance only after that grant", () => {
    expect(p.one(T.identity, "airflow-key-sqladmin-agent").inputs).toEqual({
      service: CLOUD_SQL_SERVICE,
      project: PROJECT,
    });
    const key = p.one(T.key, "airflow-key");
    const grant = p.one(T.grant, "airflow-key-sqladmin-grant");
    expect(grant.inputs).toEqual({
      cryptoKeyId: p.one(T.instance, "airflow").inputs.encryptionKeyName,
      role: CMEK_ROLE,
      member: SQL_AGENT,
    });
    expect(key.inputs).toMatchObject({ rotationPeriod: `${90 * 86400}s`, deletionPolicy: "PREVENT" });
    expect(key.protect).toBe(true);
    expect(p.one(T.instance, "airflow").dependsOn).toContain(grant.urn);
  });

  it("allocates a /20 for private service access, peers it with Google's services, and waits for the peering", () => {
    const range = p.one(T.range, "airflow-psa");
    expect(range.inputs).toEqual({
      network: NETWORK,
      purpose: "VPC_PEERING",
      addressType: "INTERNAL",
      address: "10.10.48.0",
      prefixLength: 20,
      description: "Seawall: private service access range for Cloud SQL",
      project: PROJECT,
    });
    const peering = p.one(T.peering, "airflow-psa");
    const settings = p.one(T.instance, "airflow").inputs.settings as {
      ipConfiguration: Record<string, unknown>;
    };
    expect(peering.inputs).toEqual({
      network: NETWORK,
      service: "servicenetworking.googleapis.com",
      reservedPeeringRanges: [settings.ipConfiguration.allocatedIpRange],
      deletionPolicy: "ABANDON",
    });
    expect(p.one(T.instance, "airflow").dependsOn).toContain(peering.urn);
  });

  it("creates the airflow database and a built-in airflow user with a generated 32-character secret password", () => {
    const instanceName = p.output("connectionName") as string;
    expect(p.one(T.database, "airflow-airflow").inputs).toEqual({
      instance: instanceName.split(":")[2],
      name: "airflow",
      charset: "UTF8",
      collation: "en_US.UTF8",
      project: PROJECT,
    });
    expect(p.one(T.database, "airflow-airflow").protect).toBe(true);
    expect(p.one(T.password, "airflow-airflow").inputs).toEqual({
      length: 32,
      special: false,
      minLower: 1,
      minUpper: 1,
      minNumeric: 1,
    });
    const user = p.one(T.user, "airflow-airflow");
    const { password, ...rest } = user.inputs;
    expect(rest).toEqual({
      instance: instanceName.split(":")[2],
      name: "airflow",
      type: "BUILT_IN",
      deletionPolicy: "ABANDON",
      project: PROJECT,
    });
    expect(secretValue(password)).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it("gives Airflow the private IP, verify-ca with the instance's CA, and the password as a secret", () => {
    const user = p.one(T.user, "airflow-airflow");
    expect(p.output("host")).toMatch(/^10\.10\.48\.\d+$/);
    expect(p.output("port")).toBe(5432);
    expect(p.output("database")).toBe("airflow");
    expect(p.output("username")).toBe("airflow");
    expect(p.output("sslMode")).toBe("verify-ca");
    expect(p.output("caCert")).toMatch(/^-----BEGIN CERTIFICATE-----\n.+\n-----END CERTIFICATE-----$/);
    expect(p.result.outputs.password).toEqual({ value: secretValue(user.inputs.password), secret: true });
    expect(p.output("connectionName")).toMatch(new RegExp(`^${PROJECT}:${REGION}:airflow-[0-9a-f]+$`));
  });

  it("logs no deprecation warnings", () => {
    expect(p.result.warnings).toEqual([]);
  });
});

describe("GCP AirflowDatabase options", () => {
  it("uses a brought private service access and key, a name, a version and no protection as given", async () => {
    const keyId = `projects/${PROJECT}/locations/${REGION}/keyRings/r/cryptoKeys/k`;
    const p = await database({
      privateServiceAccess: { existing: { allocatedIpRange: "google-managed-services-data" } },
      kmsKey: { existing: { keyId } },
      instanceName: "pipeline-airflow",
      databaseVersion: "POSTGRES_16",
      tier: "db-custom-4-15360",
      availabilityType: "ZONAL",
      retainedBackups: 3,
      backupStartTime: "23:30",
      maintenanceWindow: { day: 2, hour: 1 },
      protect: false,
    });
    expect(p.ofType(T.range)).toEqual([]);
    expect(p.ofType(T.peering)).toEqual([]);
    expect(p.ofType(T.key)).toEqual([]);
    const instance = p.one(T.instance, "airflow");
    expect(instance.inputs).toMatchObject({
      name: "pipeline-airflow",
      databaseVersion: "POSTGRES_16",
      encryptionKeyName: keyId,
      deletionProtection: false,
      settings: {
        tier: "db-custom-4-15360",
        availabilityType: "ZONAL",
        ipConfiguration: { allocatedIpRange: "google-managed-services-data", ipv4Enabled: false },
        backupConfiguration: {
          startTime: "23:30",
          transactionLogRetentionDays: 2,
          backupRetentionSettings: { retainedBackups: 3, retentionUnit: "COUNT" },
        },
        maintenanceWindow: { day: 2, hour: 1, updateTrack: "stable" },
        deletionProtectionEnabled: false,
        retainBackupsOnDelete: false,
      },
    });
    expect(instance.protect).toBe(false);
    expect(p.one(T.database, "airflow-airflow").protect).toBe(false);
    expect(p.one(T.grant, "airflow-key-sqladmin-grant").inputs.cryptoKeyId).toBe(keyId);
  });
});

describe("GCP AirflowDatabase validation", () => {
  const base: AirflowDatabaseArgs = { network: NETWORK, region: REGION };

  it("lists every problem at once, each naming the field and the value", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowDatabaseArgs({
          network: "default",
          region: "Europe",
          privateServiceAccess: { skip: true } as never,
          instanceName: "Airflow_DB",
          databaseVersion: "POSTGRES_12" as never,
          tier: "db-perf-optimized-N-2",
          availabilityType: "MULTI" as never,
          retainedBackups: 3,
          transactionLogRetentionDays: 3,
          backupStartTime: "25:00",
          maintenanceWindow: { day: 0, hour: 24 },
          kmsKey: { skip: true },
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_GCP_AIRFLOW_DB_REGION", field: "region", value: "Europe" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_NETWORK", field: "network", value: "default" },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "privateServiceAccess", value: "{ skip: true }" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_INSTANCE_NAME", field: "instanceName", value: "Airflow_DB" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_VERSION", field: "databaseVersion", value: "POSTGRES_12" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_TIER", field: "tier", value: "db-perf-optimized-N-2" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_AVAILABILITY", field: "availabilityType", value: "MULTI" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_BACKUPS", field: "transactionLogRetentionDays", value: 3 },
      { code: "SEAWALL_GCP_AIRFLOW_DB_WINDOW", field: "backupStartTime", value: "25:00" },
      { code: "SEAWALL_GCP_AIRFLOW_DB_WINDOW", field: "maintenanceWindow.day", value: 0 },
      { code: "SEAWALL_GCP_AIRFLOW_DB_WINDOW", field: "maintenanceWindow.hour", value: 24 },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "kmsKey", value: "{ skip: true }" },
    ]);
  });

  it("says why and how to fix, with the code last", () => {
    expect(() => validateAirflowDatabaseArgs({ ...base, tier: "db-custom-2-1024" })).toThrow(
      'tier = "db-custom-2-1024": a custom tier\'s memory is a multiple of 256 MiB, at least 3840 MiB and 0.9 to 6.5 GiB per vCPU (2048 to 13312 MiB for 2), not 1024 [SEAWALL_GCP_AIRFLOW_DB_TIER]',
    );
    expect(() => validateAirflowDatabaseArgs({ ...base, kmsKey: { skip: true } })).toThrow(
      "its key cannot be changed after creation",
    );
  });

  it("refuses a private service access range outside RFC 1918 or of the wrong size, and a key in another region", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowDatabaseArgs({
          ...base,
          privateServiceAccess: { args: { cidr: "8.8.0.0/20" } },
          kmsKey: { existing: { keyId: `projects/${PROJECT}/locations/us-east1/keyRings/r/cryptoKeys/k` } },
        }),
      ).map((x) => [x.code, x.field]),
    ).toEqual([
      ["SEAWALL_GCP_AIRFLOW_DB_PRIVATE_ACCESS", "privateServiceAccess.args.cidr"],
      ["SEAWALL_GCP_KMS_LOCATION", "kmsKey.existing.keyId"],
    ]);
  });

  it("accepts the defaults, and Outputs it cannot check yet", () => {
    expect(() => validateAirflowDatabaseArgs(base)).not.toThrow();
    expect(() => validateAirflowDatabaseArgs({ ...base, network: pulumi.output(NETWORK) })).not.toThrow();
  });

  it("checks custom tiers' vCPUs and memory", () => {
    expect(tierProblem("db-custom-1-3840")).toBeUndefined();
    expect(tierProblem("db-custom-96-638976")).toBeUndefined();
    expect(tierProblem("db-g1-small")).toBeUndefined();
    expect(tierProblem("db-n1-standard-4")).toBeUndefined();
    expect(tierProblem("db-custom-3-7680")).toMatch(/1 or an even number of vCPUs/);
    expect(tierProblem("db-custom-2-7000")).toMatch(/multiple of 256 MiB/);
    expect(tierProblem("db-custom-2-14336")).toMatch(/2048 to 13312 MiB/);
    expect(tierProblem("db-n1-standard-3")).toMatch(/Enterprise-edition tier/);
  });
});

describe("defaultTransactionLogDays", () => {
  it("keeps the most days of logs the edition allows, fewer than the backups kept", () => {
    expect([2, 3, 7, 8, 35].map(defaultTransactionLogDays)).toEqual([1, 2, 6, 7, 7]);
  });
});

describe("caBundle and serviceAccountId", () => {
  it("joins every trusted CA certificate, so a started CA rotation needs no client change", () => {
    expect(caBundle([{ cert: "A\n" }, { cert: "" }, {}, { cert: "B" }])).toBe("A\nB");
    expect(caBundle(undefined)).toBe("");
  });

  it("makes IAM-valid account ids: 6 to 30 characters, a letter first, no trailing hyphen", () => {
    expect(serviceAccountId("prod", "airflow")).toBe("prod-airflow");
    expect(serviceAccountId("9_Data", "airflow")).toBe("a9-data-airflow");
    expect(serviceAccountId("a", "b")).toBe("a-b000");
    expect(serviceAccountId("a-very-long-platform-name-here", "airflow")).toBe(
      "a-very-long-platform-name-here",
    );
  });
});

const stack = {
  networkId: NETWORK,
  lakeBucket: BUCKET,
  region: REGION,
} satisfies Partial<GcpAirflowSupportArgs>;

/** Stands for the GKE cluster the binding waits for. */
class GkeStandIn extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super("test:index:GkeCluster", name, {}, opts);
  }
}

async function support(
  environment: "dev" | "prod",
  args: Partial<GcpAirflowSupportArgs> = {},
): Promise<Plan> {
  return plan(() => {
    const platform = new pulumi.ComponentResource("test:index:Platform", "platform");
    const cluster = new GkeStandIn("gke", { parent: platform });
    const s = buildGcpAirflowSupport(
      platform,
      "seawall",
      { ...stack, cluster, ...args },
      PROFILES[environment],
      { environment },
    );
    return {
      host: s.database.host,
      password: s.database.password,
      sslMode: s.database.sslMode,
      kind: s.identity.kind,
      namespace: s.identity.namespace,
      serviceAccountName: s.identity.serviceAccountName,
      cloudIdentity: s.identity.cloudIdentity,
      annotations: s.identity.serviceAccountAnnotations,
      podLabels: s.identity.podLabels,
      baseLogFolder: s.logging.baseLogFolder,
      connectionId: s.logging.connectionId,
      connection: s.logging.connection,
    };
  }, GCP);
}

describe("buildGcpAirflowSupport in prod", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await support("prod");
  });

  it("sizes the database from the prod profile: two vCPUs, a standby, 35 daily backups, 7 days of PITR, protected", () => {
    const instance = p.one(T.instance, "seawall-airflow-db");
    expect(instance.inputs).toMatchObject({
      deletionProtection: true,
      settings: {
        tier: "db-custom-2-7680",
        availabilityType: "REGIONAL",
        backupConfiguration: {
          enabled: true,
          pointInTimeRecoveryEnabled: true,
          transactionLogRetentionDays: 7,
          backupRetentionSettings: { retainedBackups: PROFILES.prod.backup.dailyRetentionDays },
        },
        deletionProtectionEnabled: true,
        retainBackupsOnDelete: true,
        userLabels: { environment: "prod", "seawall-component": "airflow-database" },
      },
    });
    expect(PROFILES.prod.backup.dailyRetentionDays).toBe(35);
    expect(instance.protect).toBe(true);
    expect(p.one(T.key, "seawall-airflow-db-key").inputs.destroyScheduledDuration).toBe(`${30 * 86400}s`);
  });

  it("makes a Google service account only airflow/airflow in the project's workload pool may act as, once the cluster exists", () => {
    const account = p.one(T.account, "seawall-airflow");
    expect(account.inputs).toEqual({
      accountId: "seawall-airflow",
      displayName: "Seawall prod Airflow",
      description: "Workload Identity of airflow/airflow: Airflow's task logs under logs/ in the lake.",
    });
    const binding = p.one(T.accountMember, "seawall-airflow-workload-identity");
    expect(binding.inputs).toEqual({
      serviceAccountId: `projects/${PROJECT}/serviceAccounts/seawall-airflow@${PROJECT}.iam.gserviceaccount.com`,
      role: WORKLOAD_IDENTITY_USER,
      member: `serviceAccount:${PROJECT}.svc.id.goog[airflow/airflow]`,
    });
    expect(binding.dependsOn).toContain(p.resources.find((r) => r.type === "test:index:GkeCluster")!.urn);
  });

  it("grants it the lake's objects under logs/ and listings of that prefix, nothing else, and no key", () => {
    expect(p.ofType(T.bucketMember).map((r) => r.name)).toEqual(["seawall-airflow-logs"]);
    expect(p.one(T.bucketMember, "seawall-airflow-logs").inputs).toEqual({
      bucket: BUCKET,
      role: AIRFLOW_LOGS_ROLE,
      member: `serviceAccount:seawall-airflow@${PROJECT}.iam.gserviceaccount.com`,
      condition: {
        title: "airflow-task-logs",
        description: "Airflow's task logs: objects under logs/, and listings of that prefix",
        expression:
          `resource.name.startsWith("projects/_/buckets/${BUCKET}/objects/logs/") || ` +
          `(resource.type == "storage.googleapis.com/Bucket" && ` +
          `api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("logs/"))`,
      },
    });
    const keyGrants = p.ofType(T.grant).map((g) => g.inputs.member);
    expect(keyGrants).toEqual([SQL_AGENT]);
  });

  it("returns the workload identity the Airflow component annotates its service account with", () => {
    const email = `seawall-airflow@${PROJECT}.iam.gserviceaccount.com`;
    expect([p.output("kind"), p.output("namespace"), p.output("serviceAccountName")]).toEqual([
      "gcp-workload-identity",
      "airflow",
      "airflow",
    ]);
    expect(p.output("cloudIdentity")).toBe(email);
    expect(p.output("annotations")).toEqual({ "iam.gke.io/gcp-service-account": email });
    expect(p.output("podLabels")).toEqual({});
  });

  it("sends task logs to gs://<lake>/logs through google_cloud_default, which holds the project and no key", () => {
    expect(p.output("baseLogFolder")).toBe(`gs://${BUCKET}/logs`);
    expect(p.output("connectionId")).toBe("google_cloud_default");
    expect(JSON.parse(p.output("connection") as string)).toEqual({
      conn_type: "google_cloud_platform",
      extra: { project: PROJECT },
    });
    expect(p.result.outputs.password.secret).toBe(true);
    expect(p.output("sslMode")).toBe("verify-ca");
  });

  it("passes every mandatory rule of the prod policy config, the Cloud SQL rules among them", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });

  it("is reported by the Cloud SQL rules once its key, backups, PITR, TLS and private IP are gone (the check can fail)", async () => {
    const weakened = p.resources.map((r) => {
      if (r.type !== T.instance) return r;
      const settings = r.inputs.settings as Record<string, Record<string, unknown>>;
      return {
        ...r,
        inputs: {
          ...r.inputs,
          encryptionKeyName: undefined,
          settings: {
            ...settings,
            ipConfiguration: {
              ...settings.ipConfiguration,
              ipv4Enabled: true,
              sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
            },
            backupConfiguration: { enabled: false, pointInTimeRecoveryEnabled: false },
          },
        },
      };
    });
    const verdicts = await evaluateResources(weakened, { environment: "prod" });
    expect(
      verdicts
        .filter((v) => v.level === "mandatory")
        .map((v) => v.rule)
        .sort(),
    ).toEqual([
      "cloudSqlBackupsEnabled",
      "cloudSqlCmek",
      "cloudSqlNoPublicIp",
      "cloudSqlPointInTimeRecovery",
      "cloudSqlSslRequired",
    ]);
  });
});

describe("buildGcpAirflowSupport in dev, with the network's private service access", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await support("dev", {
      privateServiceAccess: { allocatedIpRange: "seawall-network-psa" },
      database: { tier: undefined, databaseVersion: "POSTGRES_16" },
    });
  });

  it("runs one vCPU in one zone, unprotected, with dev's 7 daily backups and 6 days of logs, on the network's range", () => {
    const instance = p.one(T.instance, "seawall-airflow-db");
    expect(instance.inputs).toMatchObject({
      databaseVersion: "POSTGRES_16",
      deletionProtection: false,
      settings: {
        tier: "db-custom-1-3840",
        availabilityType: "ZONAL",
        ipConfiguration: { ipv4Enabled: false, allocatedIpRange: "seawall-network-psa" },
        backupConfiguration: {
          transactionLogRetentionDays: 6,
          backupRetentionSettings: { retainedBackups: 7 },
        },
        deletionProtectionEnabled: false,
        retainBackupsOnDelete: false,
      },
    });
    expect(instance.protect).toBe(false);
    expect(p.ofType(T.range)).toEqual([]);
    expect(p.ofType(T.peering)).toEqual([]);
  });

  it("passes every mandatory rule of the dev policy config", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "dev" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("validateGcpAirflowSupportArgs", () => {
  it("names the database's problems under airflow.database", () => {
    expect(
      validateGcpAirflowSupportArgs(
        { region: REGION, database: { tier: "db-custom-3-3840", availabilityType: "ANYWHERE" as never } },
        PROFILES.prod,
      ).map((x) => [x.code, x.field]),
    ).toEqual([
      ["SEAWALL_GCP_AIRFLOW_DB_TIER", "airflow.database.tier"],
      ["SEAWALL_GCP_AIRFLOW_DB_AVAILABILITY", "airflow.database.availabilityType"],
    ]);
  });

  it("finds nothing wrong with each profile's own sizes", () => {
    for (const env of ["dev", "staging", "prod"] as const) {
      expect(validateGcpAirflowSupportArgs({ region: REGION }, PROFILES[env])).toEqual([]);
    }
  });
});

describe("prefixCondition", () => {
  it("limits objects to the prefix and listings to requests for it", () => {
    expect(prefixCondition("b", "logs/")).toBe(
      'resource.name.startsWith("projects/_/buckets/b/objects/logs/") || ' +
        '(resource.type == "storage.googleapis.com/Bucket" && ' +
        'api.getAttribute("storage.googleapis.com/objectListPrefix", "").startsWith("logs/"))',
    );
  });
});
