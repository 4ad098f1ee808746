/**
 * What the AWS layer gives `seawall:kubernetes:Airflow` (`AirflowCloudSupport`): the metadata
 * database on RDS for PostgreSQL, the EKS Pod Identity of Airflow's service account (the lake
 * bucket's `logs/` prefix and its key, nothing else), and remote task logging to that prefix.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  AIRFLOW_LOGS_PREFIX,
  AIRFLOW_SERVICE_ACCOUNT,
  type AirflowCloudSupport,
  type AirflowRemoteLogging,
  DEFAULT_AIRFLOW_NAMESPACE,
} from "../kubernetes/airflowContract";
import type { WorkloadIdentity } from "../kubernetes/clusterContract";
import type { Profile } from "../profiles";
import { type Problem, problemsUnder } from "../validation";
import { AirflowDatabase, type AirflowDatabaseArgs, validateAirflowDatabaseArgs } from "./airflowDatabase";
import { AIRFLOW_DATABASE_SIZES, backupRetentionDays } from "./airflowDatabaseConfig";
import type { ClusterNetwork } from "./cluster";
import { lakeAccessPolicy, podIdentityTrustPolicy } from "./clusterConfig";

/** The EKS cluster Airflow runs on, as the AWS platform's `Cluster` built it. */
export interface AirflowEksCluster {
  /** The EKS cluster's name (`Cluster.cluster.name`): the Pod Identity association names it. */
  name: pulumi.Input<string>;
  /** The EKS cluster's ARN (`Cluster.cluster.arn`): the role trusts Pod Identity of this cluster only. */
  arn: pulumi.Input<string>;
  /**
   * The security group EKS made for the cluster, which its nodes and so its pods carry
   * (`Cluster.clusterSecurityGroupId`): the only group the database admits.
   */
  securityGroupId: pulumi.Input<string>;
}

/** Settings of the metadata database that override the profile's size. */
export interface AirflowDatabaseSettings {
  /** PostgreSQL major version. @defaultValue "17" */
  engineVersion?: string;
  /** DB instance class. @defaultValue the profile's: db.t4g.medium in dev, db.m7g.large in staging and prod */
  instanceClass?: string;
  /** Initial gp3 storage, GiB. @defaultValue the profile's: 20 (dev), 50 (staging), 100 (prod) */
  allocatedStorageGiB?: number;
  /** Storage autoscaling's ceiling, GiB. @defaultValue the profile's: 100, 500, 1000 */
  maxAllocatedStorageGiB?: number;
  /** A Multi-AZ standby. @defaultValue the profile's: off in dev, on in staging and prod */
  multiAz?: boolean;
}

/** What the AWS platform built that Airflow's database, identity and logs use. */
export interface AwsAirflowSupportArgs {
  /** The platform's network (`PlatformOutputs.network`): the database goes in its private subnets. */
  network: pulumi.Input<ClusterNetwork>;
  /** The EKS cluster Airflow runs on. */
  cluster: AirflowEksCluster;
  /**
   * The lake: the platform's `objectStore` bucket and its key (`kmsKeys.objectStore`). Airflow may
   * list, read and write {@link AIRFLOW_LOGS_PREFIX} there, and use the key through S3.
   */
  lake: { bucket: pulumi.Input<string>; kmsKeyArn: pulumi.Input<string> };
  /** The platform's region: Airflow's S3 connection names it, and it picks the database's CA. */
  region: string;
  /** Overrides of the database's size. @defaultValue the profile's */
  database?: AirflowDatabaseSettings;
}

/** Where the database goes: its VPC, subnets and the one security group it admits. */
export type AirflowDatabasePlacement = Pick<
  AirflowDatabaseArgs,
  "vpcId" | "subnetIds" | "clientSecurityGroupId"
>;

/** The database's arguments: the profile's size and protection, then the platform team's settings. */
export function airflowDatabaseArgs(
  settings: Pick<AwsAirflowSupportArgs, "region" | "database">,
  profile: Profile,
  tags: Record<string, string>,
  placement: AirflowDatabasePlacement,
): AirflowDatabaseArgs {
  return {
    ...placement,
    ...AIRFLOW_DATABASE_SIZES[profile.environment],
    ...settings.database,
    backupRetentionDays: backupRetentionDays(profile),
    logRetentionInDays: profile.eventStream.logRetentionDays,
    keyDeletionWindowInDays: profile.keyDeletionWindowDays,
    protect: profile.deletionProtection,
    region: settings.region,
    tags,
  };
}

/**
 * Every problem with the database the platform would build from `settings` and `profile`, named
 * under `airflow.database` (`airflow.database.instanceClass`); the network's ids are placeholders.
 */
export function validateAwsAirflowSupportArgs(
  settings: Pick<AwsAirflowSupportArgs, "region" | "database">,
  profile: Profile,
): Problem[] {
  return problemsUnder("airflow.database", () =>
    validateAirflowDatabaseArgs(
      airflowDatabaseArgs(
        settings,
        profile,
        {},
        {
          vpcId: "vpc-placeholder",
          subnetIds: ["subnet-placeholder-0", "subnet-placeholder-1"],
          clientSecurityGroupId: "sg-placeholder",
        },
      ),
    ),
  );
}

/**
 * Builds Airflow's database, identity and remote logging on AWS, children of `parent`, named after
 * `name` (`<name>-airflow-db`, `<name>-airflow`). The database carries `tags`, so the platform's
 * AWS Backup selection (the `seawall:backup` tag) covers it.
 */
export function buildAwsAirflowSupport(
  parent: pulumi.Resource,
  name: string,
  args: AwsAirflowSupportArgs,
  profile: Profile,
  tags: Record<string, string>,
): AirflowCloudSupport {
  const network = pulumi.output(args.network);
  const placement = {
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    clientSecurityGroupId: args.cluster.securityGroupId,
  };
  const database = new AirflowDatabase(
    `${name}-airflow-db`,
    airflowDatabaseArgs(args, profile, tags, placement),
    { parent },
  );
  return {
    database: database.connection,
    identity: airflowIdentity(parent, name, args, tags),
    logging: s3RemoteLogging(args.lake.bucket, args.region),
  };
}

/**
 * Airflow's Pod Identity: a role only this cluster's Pod Identity may hand out, to
 * `airflow/airflow` only, that may list, read and write the lake bucket's `logs/` prefix and use
 * the bucket's key through S3.
 */
function airflowIdentity(
  parent: pulumi.Resource,
  name: string,
  args: AwsAirflowSupportArgs,
  tags: Record<string, string>,
): WorkloadIdentity {
  const opts = { parent };
  const accountId = aws.getCallerIdentityOutput({}, opts).accountId;
  const partition = aws.getPartitionOutput({}, opts).partition;
  const namespace = DEFAULT_AIRFLOW_NAMESPACE;
  const role = new aws.iam.Role(
    `${name}-airflow`,
    {
      assumeRolePolicy: pulumi
        .all([accountId, args.cluster.arn])
        .apply(([a, c]) => JSON.stringify(podIdentityTrustPolicy(a, c))),
      description: `Pod Identity of ${namespace}/${AIRFLOW_SERVICE_ACCOUNT}: Airflow's task logs`,
      tags,
    },
    opts,
  );
  new aws.iam.RolePolicy(
    `${name}-airflow`,
    {
      role: role.name,
      policy: pulumi
        .all([partition, args.lake.bucket, args.lake.kmsKeyArn])
        .apply(([pt, bucket, kmsKeyArn]) =>
          JSON.stringify(lakeAccessPolicy(pt, { bucket, prefix: AIRFLOW_LOGS_PREFIX, kmsKeyArn })),
        ),
    },
    opts,
  );
  new aws.eks.PodIdentityAssociation(
    `${name}-airflow`,
    {
      clusterName: args.cluster.name,
      namespace,
      serviceAccount: AIRFLOW_SERVICE_ACCOUNT,
      roleArn: role.arn,
      tags,
    },
    opts,
  );
  return {
    kind: "aws-pod-identity",
    namespace,
    serviceAccountName: AIRFLOW_SERVICE_ACCOUNT,
    cloudIdentity: role.arn,
    serviceAccountAnnotations: pulumi.output<Record<string, string>>({}),
    podLabels: {},
  };
}

/**
 * Remote task logs in `s3://<bucket>/logs` through the `aws_default` connection, which names only
 * the region: the Amazon provider's hook finds the pod's Pod Identity credentials. Leave Airflow's
 * `encrypt_s3_logs` off: the bucket encrypts with its own key, and its policy refuses uploads that
 * ask for SSE-S3.
 */
export function s3RemoteLogging(bucket: pulumi.Input<string>, region: string): AirflowRemoteLogging {
  return {
    baseLogFolder: pulumi.interpolate`s3://${bucket}/${AIRFLOW_LOGS_PREFIX.replace(/\/$/, "")}`,
    connectionId: "aws_default",
    connection: pulumi.output(JSON.stringify({ conn_type: "aws", extra: { region_name: region } })),
  };
}
