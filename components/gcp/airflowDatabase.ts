import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AIRFLOW_DATABASE_NAME,
  AIRFLOW_DATABASE_USER,
  type AirflowDatabase as AirflowDatabaseConnection,
} from "../kubernetes/airflowContract";
import { parseCidr } from "../cidr";
import {
  AIRFLOW_DATABASE_DEFAULTS,
  AIRFLOW_DATABASE_FLAGS,
  type AirflowDatabaseArgs,
  backupConfiguration,
  caBundle,
  DEFAULT_AIRFLOW_POSTGRES_VERSION,
  DEFAULT_PRIVATE_SERVICE_ACCESS_CIDR,
  defaultTransactionLogDays,
  validateAirflowDatabaseArgs,
} from "./airflowDatabaseConfig";
import { gcpKmsKey } from "./kmsKey";

export type { AirflowDatabaseArgs } from "./airflowDatabaseConfig";
export { validateAirflowDatabaseArgs } from "./airflowDatabaseConfig";

/** The Cloud SQL Admin API, whose service agent encrypts the instance with its key. */
export const CLOUD_SQL_SERVICE = "sqladmin.googleapis.com";

/** The port Cloud SQL for PostgreSQL listens on. */
export const POSTGRES_PORT = 5432;

/** The length of the generated password: letters and digits only, about 190 bits. */
export const AIRFLOW_PASSWORD_LENGTH = 32;

/**
 * Airflow's metadata database on Cloud SQL for PostgreSQL (Enterprise edition), secure by default:
 * - private IP only, in the platform's VPC through private service access (created here or brought);
 *   no public IP, and the Data API (ExecuteSql from the internet) off;
 * - TLS required (`ENCRYPTED_ONLY`) with a per-instance server CA (`GOOGLE_MANAGED_INTERNAL_CA`),
 *   which Airflow verifies (`verify-ca`, see {@link AirflowDatabase.connection});
 * - disks and backups encrypted with a Cloud KMS key the Cloud SQL service agent is granted before
 *   the instance is created;
 * - daily backups with point-in-time recovery, a standby in another zone (`REGIONAL`) by default;
 * - in `protect`: Pulumi `protect`, the provider's and Cloud SQL's deletion protection, and
 *   backups kept after the instance is deleted;
 * - the CIS benchmark's logging flags; a database `airflow` and a built-in user `airflow` whose
 *   password is generated once (`random.RandomPassword`, a Pulumi secret) so updates keep it.
 *
 * Why a password and TLS rather than client certificates (`TRUSTED_CLIENT_CERTIFICATE_REQUIRED`):
 * Airflow's chart takes one connection for Airflow and PgBouncer, and a client certificate would be
 * one more long-lived secret to mount and rotate (Cloud SQL client certificates last 10 years and
 * their private key would sit in the Pulumi state) for no gain over a 190-bit password sent inside
 * a verified TLS session over a private network.
 */
export class AirflowDatabase extends pulumi.ComponentResource {
  /** What Airflow connects with: the cloud-neutral contract. */
  readonly connection: AirflowDatabaseConnection;
  readonly instance: gcp.sql.DatabaseInstance;
  readonly database: gcp.sql.Database;
  readonly user: gcp.sql.User;
  /** The instance's connection name, `project:region:instance` (for the Cloud SQL Auth Proxy). */
  readonly connectionName: pulumi.Output<string>;
  /** The full id of the instance's key. */
  readonly kmsKeyId: pulumi.Output<string>;
  /** The private service access connection, when the component created it. */
  readonly privateServiceAccess?: gcp.servicenetworking.Connection;

  constructor(name: string, args: AirflowDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:gcp:AirflowDatabase", name, {}, opts);
    const region = args.region ?? gcp.config.region;
    validateAirflowDatabaseArgs(args, region);
    const location = region as string;
    const project = args.project ?? gcp.config.project;
    const protect = args.protect ?? true;
    const labels = { ...args.labels, "seawall-component": "airflow-database" };
    const parent = { parent: this };

    const key = gcpKmsKey(this, `${name}-key`, args.kmsKey, {
      location,
      serviceAgents: [CLOUD_SQL_SERVICE],
      protect,
      labels,
      project,
    });
    this.kmsKeyId = key.keyId!;

    const access = args.privateServiceAccess ?? { args: {} };
    let peering: pulumi.Resource[] = [];
    let allocatedIpRange: pulumi.Input<string> | undefined;
    if ("existing" in access) {
      if (access.existing.connection) peering = [access.existing.connection];
      allocatedIpRange = access.existing.allocatedIpRange;
    } else {
      const cidr = access.args.cidr ?? DEFAULT_PRIVATE_SERVICE_ACCESS_CIDR;
      const range = new gcp.compute.GlobalAddress(
        `${name}-psa`,
        {
          network: args.network,
          purpose: "VPC_PEERING",
          addressType: "INTERNAL",
          address: cidr.split("/")[0],
          prefixLength: parseCidr(cidr)!.prefixLength,
          description: "Seawall: private service access range for Cloud SQL",
          project,
        },
        parent,
      );
      // Abandoned, not deleted, on destroy: Cloud SQL keeps using the peering for days after its
      // instances are deleted, and deleting it then fails.
      this.privateServiceAccess = new gcp.servicenetworking.Connection(
        `${name}-psa`,
        {
          network: args.network,
          service: "servicenetworking.googleapis.com",
          reservedPeeringRanges: [range.name],
          deletionPolicy: "ABANDON",
        },
        parent,
      );
      peering = [this.privateServiceAccess];
      allocatedIpRange = range.name;
    }

    const window = args.maintenanceWindow ?? AIRFLOW_DATABASE_DEFAULTS.maintenanceWindow;
    const retainedBackups = args.retainedBackups ?? AIRFLOW_DATABASE_DEFAULTS.retainedBackups;
    this.instance = new gcp.sql.DatabaseInstance(
      name,
      {
        ...(args.instanceName !== undefined ? { name: args.instanceName } : {}),
        project,
        region: location,
        databaseVersion: args.databaseVersion ?? DEFAULT_AIRFLOW_POSTGRES_VERSION,
        encryptionKeyName: key.keyId,
        deletionProtection: protect,
        settings: {
          edition: "ENTERPRISE",
          tier: args.tier ?? AIRFLOW_DATABASE_DEFAULTS.tier,
          availabilityType: args.availabilityType ?? AIRFLOW_DATABASE_DEFAULTS.availabilityType,
          diskType: "PD_SSD",
          diskAutoresize: true,
          ipConfiguration: {
            ipv4Enabled: false,
            privateNetwork: args.network,
            ...(allocatedIpRange !== undefined ? { allocatedIpRange } : {}),
            sslMode: "ENCRYPTED_ONLY",
            serverCaMode: "GOOGLE_MANAGED_INTERNAL_CA",
            enablePrivatePathForGoogleCloudServices: false,
          },
          dataApiAccess: "DISALLOW_DATA_API",
          backupConfiguration: backupConfiguration({
            retainedBackups,
            transactionLogRetentionDays:
              args.transactionLogRetentionDays ?? defaultTransactionLogDays(retainedBackups),
            startTime: args.backupStartTime ?? AIRFLOW_DATABASE_DEFAULTS.backupStartTime,
          }),
          maintenanceWindow: { day: window.day, hour: window.hour, updateTrack: "stable" },
          databaseFlags: AIRFLOW_DATABASE_FLAGS,
          deletionProtectionEnabled: protect,
          retainBackupsOnDelete: protect,
          userLabels: labels,
        },
      },
      // The service agent must hold the key, and the peering exist, before the instance is created.
      { parent: this, protect, dependsOn: [...key.grants, ...peering] },
    );
    this.connectionName = this.instance.connectionName;

    this.database = new gcp.sql.Database(
      `${name}-airflow`,
      {
        instance: this.instance.name,
        name: AIRFLOW_DATABASE_NAME,
        charset: "UTF8",
        collation: "en_US.UTF8",
        project,
      },
      { parent: this, protect },
    );

    const password = new random.RandomPassword(
      `${name}-airflow`,
      { length: AIRFLOW_PASSWORD_LENGTH, special: false, minLower: 1, minUpper: 1, minNumeric: 1 },
      parent,
    );
    const secret = pulumi.secret(password.result);
    this.user = new gcp.sql.User(
      `${name}-airflow`,
      {
        instance: this.instance.name,
        name: AIRFLOW_DATABASE_USER,
        type: "BUILT_IN",
        password: secret,
        // PostgreSQL refuses to drop a role that owns objects (Airflow's tables): on destroy the
        // user goes with the instance.
        deletionPolicy: "ABANDON",
        project,
      },
      parent,
    );

    this.connection = {
      host: pulumi.all([this.instance.privateIpAddress, this.user.id, this.database.id]).apply(([ip]) => ip),
      port: POSTGRES_PORT,
      database: AIRFLOW_DATABASE_NAME,
      username: AIRFLOW_DATABASE_USER,
      password: secret,
      // The per-instance CA signs only this instance's certificate, whose subject is the
      // connection name, not the IP Airflow dials: verify-ca authenticates the server; verify-full
      // would fail on the name.
      sslMode: "verify-ca",
      caCert: this.instance.serverCaCerts.apply((certs) => caBundle(certs)),
    };

    this.registerOutputs({
      host: this.connection.host,
      connectionName: this.connectionName,
      kmsKeyId: this.kmsKeyId,
    });
  }
}
