import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  AIRFLOW_DATABASE_NAME,
  AIRFLOW_DATABASE_USER,
  type AirflowDatabase as AirflowDatabaseConnection,
} from "../kubernetes/airflowContract";
import { isKnown, Problems } from "../validation";
import {
  airflowDatabaseTls,
  BACKUP_WINDOW,
  DEFAULT_POSTGRES_MAJOR_VERSION,
  MAINTENANCE_WINDOW,
  POSTGRES_LOG_EXPORTS,
  POSTGRES_MAJOR_VERSIONS,
  POSTGRES_PORT,
  postgresFamily,
  postgresParameters,
  RDS_CA_IDENTIFIER,
  RDS_IDENTIFIER,
  RDS_INSTANCE_CLASS,
  RDS_MAX_BACKUP_RETENTION_DAYS,
  rdsIdentifier,
  rdsLogGroupName,
} from "./airflowDatabaseConfig";
import { checkKmsKeyOption, KmsKeyOption, resolveKmsKey } from "./kmsKey";
import { checkLogRetention } from "./logs";
import { logsKeyOption } from "./logsKey";

export interface AirflowDatabaseArgs {
  /** The VPC of the subnets. */
  vpcId: pulumi.Input<string>;
  /** Private subnets in two or more availability zones (the platform's `network.privateSubnetIds`). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * The one security group whose members may connect, on 5432 only: the EKS cluster's security
   * group, which the nodes (and so the pods) carry (`Cluster.clusterSecurityGroupId`). It must let
   * its members out to the database (EKS's cluster group allows all egress).
   */
  clientSecurityGroupId: pulumi.Input<string>;
  /**
   * The RDS instance identifier, also in the names of its log groups: 1 to 63 lower-case letters,
   * digits and hyphens, starting with a letter.
   * @defaultValue the component's name made into one (`rdsIdentifier`)
   */
  identifier?: string;
  /**
   * The PostgreSQL major version, one of {@link POSTGRES_MAJOR_VERSIONS}; RDS applies its minor
   * versions in the maintenance window.
   * @defaultValue "17"
   */
  engineVersion?: string;
  /** The DB instance class. @defaultValue "db.m7g.large" */
  instanceClass?: string;
  /** Initial gp3 storage in GiB (20 to 65536). @defaultValue 20 */
  allocatedStorageGiB?: number;
  /** Storage autoscaling's ceiling in GiB, at least `allocatedStorageGiB`. @defaultValue 100 */
  maxAllocatedStorageGiB?: number;
  /** A synchronous standby in another zone that RDS fails over to. @defaultValue true */
  multiAz?: boolean;
  /** Days of automated backups and point-in-time recovery (1 to 35). @defaultValue 7 */
  backupRetentionDays?: number;
  /** Days CloudWatch keeps the exported PostgreSQL logs; a period CloudWatch accepts. @defaultValue 30 */
  logRetentionInDays?: number;
  /**
   * The customer-managed key of the storage, snapshots, Performance Insights and the log groups. A
   * key brought with `existing` must let CloudWatch Logs use it.
   * @defaultValue a key is created, rotation on, with a policy that lets CloudWatch Logs use it
   */
  kmsKey?: KmsKeyOption;
  /** Days a scheduled deletion of a key this component creates waits (7 to 30). @defaultValue 30 */
  keyDeletionWindowInDays?: number;
  /**
   * Protect the instance, its key and its logs with `protect`, and keep the instance's automated
   * backups after it is deleted.
   * @defaultValue true
   */
  protect?: boolean;
  /**
   * RDS deletion protection: no API call deletes the instance until it is turned off. The policy
   * pack requires it in every environment (`rdsDeletionProtection`); a throwaway stack turns it
   * off in one update before `pulumi destroy`.
   * @defaultValue true
   */
  deletionProtection?: boolean;
  /**
   * The region the instance is in: Airflow verifies the server (`verify-full`) against that
   * region's RDS root CA when Seawall carries it, and only requires TLS otherwise.
   * @defaultValue the `aws:region` config
   */
  region?: string;
  /** Tags for every resource; the platform's carry the tag its AWS Backup plan selects. @defaultValue {} */
  tags?: Record<string, string>;
}

const DEFAULTS = {
  instanceClass: "db.m7g.large",
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 100,
  backupRetentionDays: 7,
  logRetentionInDays: 30,
};

/** gp3 storage RDS accepts for PostgreSQL, GiB. */
const MIN_STORAGE_GIB = 20;
const MAX_STORAGE_GIB = 65536;

/**
 * Checks an {@link AirflowDatabaseArgs} and throws one error listing every problem. Values that
 * are Outputs are not known yet and are left to the provider.
 */
export function validateAirflowDatabaseArgs(args: AirflowDatabaseArgs): void {
  const p = new Problems();
  const subnets: unknown = args.subnetIds;
  if (isKnown(subnets) && (!Array.isArray(subnets) || subnets.length < 2)) {
    p.add(
      "SEAWALL_AWS_AIRFLOW_DB_SUBNETS",
      "subnetIds",
      subnets,
      "give private subnets in at least two availability zones (the platform's network.privateSubnetIds); an RDS subnet group needs two",
    );
  }
  for (const field of ["vpcId", "clientSecurityGroupId"] as const) {
    const v: unknown = args[field];
    if (isKnown(v) && (typeof v !== "string" || v === "")) {
      p.add(
        "SEAWALL_AWS_AIRFLOW_DB_NETWORK",
        field,
        v,
        field === "vpcId"
          ? "give the VPC of the private subnets"
          : "give the security group of the cluster's nodes (Cluster.clusterSecurityGroupId): it is the only one admitted",
      );
    }
  }
  if (args.identifier !== undefined && !RDS_IDENTIFIER.test(args.identifier)) {
    p.add(
      "SEAWALL_AWS_AIRFLOW_DB_IDENTIFIER",
      "identifier",
      args.identifier,
      `must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter, without "--" or a trailing hyphen, e.g. "${rdsIdentifier(String(args.identifier))}"`,
    );
  }
  if (
    args.engineVersion !== undefined &&
    !(POSTGRES_MAJOR_VERSIONS as readonly string[]).includes(args.engineVersion)
  ) {
    p.add(
      "SEAWALL_AWS_AIRFLOW_DB_ENGINE_VERSION",
      "engineVersion",
      args.engineVersion,
      `must be a PostgreSQL major version Airflow 3 supports and RDS keeps in standard support: ${POSTGRES_MAJOR_VERSIONS.join(", ")} (RDS picks the minor)`,
    );
  }
  if (args.instanceClass !== undefined && !RDS_INSTANCE_CLASS.test(args.instanceClass)) {
    p.add(
      "SEAWALL_AWS_AIRFLOW_DB_INSTANCE_CLASS",
      "instanceClass",
      args.instanceClass,
      'must be an RDS DB instance class such as "db.m7g.large"',
    );
  }
  p.wholeNumber(
    "SEAWALL_AWS_AIRFLOW_DB_STORAGE",
    "allocatedStorageGiB",
    args.allocatedStorageGiB,
    MIN_STORAGE_GIB,
    MAX_STORAGE_GIB,
    "RDS gives PostgreSQL 20 GiB to 64 TiB of gp3",
  );
  p.wholeNumber(
    "SEAWALL_AWS_AIRFLOW_DB_STORAGE",
    "maxAllocatedStorageGiB",
    args.maxAllocatedStorageGiB,
    MIN_STORAGE_GIB,
    MAX_STORAGE_GIB,
  );
  const allocated = args.allocatedStorageGiB ?? DEFAULTS.allocatedStorageGiB;
  const ceiling = args.maxAllocatedStorageGiB ?? Math.max(DEFAULTS.maxAllocatedStorageGiB, allocated);
  if (Number.isInteger(allocated) && Number.isInteger(ceiling) && ceiling < allocated) {
    p.add(
      "SEAWALL_AWS_AIRFLOW_DB_STORAGE",
      "maxAllocatedStorageGiB",
      ceiling,
      `must be at least allocatedStorageGiB (${allocated}); set it to ${allocated} or more`,
    );
  }
  p.wholeNumber(
    "SEAWALL_AWS_AIRFLOW_DB_BACKUP_RETENTION",
    "backupRetentionDays",
    args.backupRetentionDays,
    1,
    RDS_MAX_BACKUP_RETENTION_DAYS,
    "RDS keeps automated backups up to 35 days, and 0 would turn point-in-time recovery off",
  );
  checkLogRetention(p, "logRetentionInDays", args.logRetentionInDays);
  checkKmsKeyOption(p, "kmsKey", args.kmsKey, "RDS encrypts the database with it");
  p.wholeNumber(
    "SEAWALL_KMS_DELETION_WINDOW",
    "keyDeletionWindowInDays",
    args.keyDeletionWindowInDays,
    7,
    30,
    "KMS accepts 7 to 30 days",
  );
  p.throwIfAny("seawall:aws:AirflowDatabase: invalid arguments");
}

/**
 * Airflow's metadata database on RDS for PostgreSQL, secure by default: in private subnets behind
 * a security group that admits 5432 from the cluster's nodes only, never publicly accessible,
 * storage, snapshots, Performance Insights and the exported logs encrypted with a customer-managed
 * key, TLS required on every connection (`rds.force_ssl`) with the server's CA pinned so Airflow
 * verifies it (`verify-full`), automated backups with point-in-time recovery, copied tags so AWS
 * Backup's recovery points carry them, Multi-AZ, automatic minor upgrades, RDS deletion protection
 * and a final snapshot; when protected, `protect` and automated backups kept after deletion. The password is generated once as a Pulumi secret (`random.RandomPassword`) rather than
 * managed by RDS in Secrets Manager, since Airflow reads it from a Kubernetes Secret.
 *
 * RDS for PostgreSQL rather than Aurora: Airflow's metadata database is small and write-light, a
 * single instance with a Multi-AZ standby covers its availability at a fraction of an Aurora
 * cluster's cost and resource count, and AWS Backup and the policy pack's RDS rules judge it as one
 * resource.
 */
export class AirflowDatabase extends pulumi.ComponentResource {
  /** What Airflow connects with: the cloud-neutral contract (`password` is a Pulumi secret). */
  readonly connection: AirflowDatabaseConnection;
  readonly instance: aws.rds.Instance;
  readonly securityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: AirflowDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("seawall:aws:AirflowDatabase", name, {}, opts);
    validateAirflowDatabaseArgs(args);

    const tags = { ...args.tags, "seawall:component": "AirflowDatabase" };
    const protect = args.protect ?? true;
    const identifier = args.identifier ?? rdsIdentifier(name);
    const major = args.engineVersion ?? DEFAULT_POSTGRES_MAJOR_VERSION;
    const family = postgresFamily(major);
    const allocated = args.allocatedStorageGiB ?? DEFAULTS.allocatedStorageGiB;

    const key = resolveKmsKey(
      `${name}-key`,
      logsKeyOption(args.kmsKey, this),
      {
        description: `Seawall Airflow database ${identifier}: storage, snapshots, Performance Insights and logs`,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        tags,
      },
      { parent: this, protect },
    );
    this.kmsKeyArn = key.arn;

    // RDS writes to these fixed names; made first, they are ours (encrypted, kept for a set time).
    const logGroups = POSTGRES_LOG_EXPORTS.map(
      (log) =>
        new aws.cloudwatch.LogGroup(
          `${name}-${log}`,
          {
            name: rdsLogGroupName(identifier, log),
            kmsKeyId: key.arn,
            retentionInDays: args.logRetentionInDays ?? DEFAULTS.logRetentionInDays,
            tags,
          },
          { parent: this, protect },
        ),
    );

    const subnetGroup = new aws.rds.SubnetGroup(
      name,
      {
        description: `Seawall Airflow database ${identifier}: private subnets`,
        subnetIds: args.subnetIds,
        tags,
      },
      { parent: this },
    );
    const group = new aws.ec2.SecurityGroup(
      name,
      {
        vpcId: args.vpcId,
        description: `Seawall Airflow database ${identifier}: PostgreSQL from the cluster's nodes only`,
        tags: { ...tags, Name: name },
      },
      { parent: this },
    );
    this.securityGroupId = group.id;
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-${POSTGRES_PORT}`,
      {
        securityGroupId: group.id,
        referencedSecurityGroupId: args.clientSecurityGroupId,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        description: `PostgreSQL (TLS) on ${POSTGRES_PORT} from the cluster's nodes`,
        tags,
      },
      { parent: this },
    );
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-${family}`,
      {
        family,
        description: `Seawall Airflow database ${identifier}: ${family}, TLS required`,
        parameters: postgresParameters(),
        tags,
      },
      { parent: this },
    );

    // Letters and digits only (no escaping in a connection URL); 40 of them carry over 230 bits.
    const password = new random.RandomPassword(
      `${name}-password`,
      { length: 40, special: false },
      { parent: this },
    );
    const secretPassword = pulumi.secret(password.result);
    // RDS refuses a final snapshot whose name exists, so each teardown's name gets a suffix drawn once.
    const suffix = new random.RandomId(`${name}-final-snapshot`, { byteLength: 4 }, { parent: this });

    this.instance = new aws.rds.Instance(
      name,
      {
        identifier,
        engine: "postgres",
        engineVersion: major,
        instanceClass: args.instanceClass ?? DEFAULTS.instanceClass,
        storageType: "gp3",
        allocatedStorage: allocated,
        maxAllocatedStorage:
          args.maxAllocatedStorageGiB ?? Math.max(DEFAULTS.maxAllocatedStorageGiB, allocated),
        storageEncrypted: true,
        kmsKeyId: key.arn,
        dbName: AIRFLOW_DATABASE_NAME,
        username: AIRFLOW_DATABASE_USER,
        password: secretPassword,
        port: POSTGRES_PORT,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [group.id],
        publiclyAccessible: false,
        multiAz: args.multiAz ?? true,
        parameterGroupName: parameterGroup.name,
        caCertIdentifier: RDS_CA_IDENTIFIER,
        autoMinorVersionUpgrade: true,
        backupRetentionPeriod: args.backupRetentionDays ?? DEFAULTS.backupRetentionDays,
        backupWindow: BACKUP_WINDOW,
        maintenanceWindow: MAINTENANCE_WINDOW,
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: !protect,
        deletionProtection: args.deletionProtection ?? true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: pulumi.interpolate`${identifier}-final-${suffix.hex}`,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: key.arn,
        performanceInsightsRetentionPeriod: 7,
        enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
        tags,
      },
      { parent: this, protect, dependsOn: logGroups },
    );

    const tls = airflowDatabaseTls(args.region ?? aws.config.region);
    this.connection = {
      host: this.instance.address,
      port: POSTGRES_PORT,
      database: AIRFLOW_DATABASE_NAME,
      username: AIRFLOW_DATABASE_USER,
      password: secretPassword,
      ...(tls.sslMode === "verify-full"
        ? { sslMode: tls.sslMode, caCert: pulumi.output(tls.caCert) }
        : { sslMode: tls.sslMode }),
    };

    this.registerOutputs({
      host: this.connection.host,
      password: secretPassword,
      securityGroupId: this.securityGroupId,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
