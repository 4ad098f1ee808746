import { X509Certificate } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { AirflowDatabase, validateAirflowDatabaseArgs } from "../../components/aws/airflowDatabase";
import {
  airflowDatabaseTls,
  backupRetentionDays,
  RDS_IDENTIFIER,
  rdsIdentifier,
} from "../../components/aws/airflowDatabaseConfig";
import {
  AwsAirflowSupportArgs,
  buildAwsAirflowSupport,
  validateAwsAirflowSupportArgs,
} from "../../components/aws/airflowSupport";
import { Backups } from "../../components/aws/backups";
import { podIdentityTrustPolicy } from "../../components/aws/clusterConfig";
import { RDS_ROOT_CAS } from "../../components/aws/rdsCaCertificates";
import type { AirflowCloudSupport } from "../../components/kubernetes/airflowContract";
import { PROFILES, resolveProfile, type Profile } from "../../components/profiles";
import { evaluateResources } from "../../policies/check";
import { Secret } from "../../scripts/synth/harness";
import { plan, Plan, policyOf, problemsThrownBy } from "../helpers";

const T = {
  component: "seawall:aws:AirflowDatabase",
  instance: "aws:rds/instance:Instance",
  subnetGroup: "aws:rds/subnetGroup:SubnetGroup",
  parameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  key: "aws:kms/key:Key",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  password: "random:index/randomPassword:RandomPassword",
  snapshotSuffix: "random:index/randomId:RandomId",
  role: "aws:iam/role:Role",
  inline: "aws:iam/rolePolicy:RolePolicy",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

const CLUSTER_ARN = "arn:aws:eks:us-east-1:123456789012:cluster/seawall";
const LAKE_KEY = "arn:aws:kms:us-east-1:123456789012:key/lake";
const ARGS: AwsAirflowSupportArgs = {
  network: {
    vpcId: "vpc-1",
    privateSubnetIds: ["subnet-a", "subnet-b", "subnet-c"],
    clientSecurityGroupId: "sg-client",
  },
  cluster: { name: "seawall", arn: CLUSTER_ARN, securityGroupId: "sg-eks-cluster" },
  lake: { bucket: "seawall-lake", kmsKeyArn: LAKE_KEY },
  region: "us-east-1",
};

/** The platform's tags (`platformTags`), with the one its AWS Backup selection selects. */
const tagsOf = (profile: Profile) => ({
  "seawall:environment": profile.environment,
  "seawall:owner": "data",
  "seawall:data-classification": "internal",
  "seawall:backup": "true",
});

/** The support on AWS as the platform builds it, beside the platform's AWS Backup plan when asked. */
async function support(
  profile: Profile,
  options: { backups?: boolean; args?: Partial<AwsAirflowSupportArgs> } = {},
): Promise<Plan> {
  return plan(() => {
    const parent = new pulumi.ComponentResource("seawall:index:DataPlatform", "seawall");
    const tags = tagsOf(profile);
    if (options.backups) new Backups("seawall-backups", { tags }, { parent });
    const s: AirflowCloudSupport = buildAwsAirflowSupport(
      parent,
      "seawall",
      { ...ARGS, ...options.args },
      profile,
      tags,
    );
    return {
      host: s.database.host,
      password: s.database.password,
      caCert: s.database.caCert,
      database: { ...s.database, host: undefined, password: undefined, caCert: undefined },
      identity: { ...s.identity, cloudIdentity: undefined, serviceAccountAnnotations: undefined },
      roleArn: s.identity.cloudIdentity,
      annotations: s.identity.serviceAccountAnnotations,
      baseLogFolder: s.logging.baseLogFolder,
      connectionId: s.logging.connectionId,
      connection: s.logging.connection,
    };
  });
}

describe("Airflow's database on AWS, prod", () => {
  let p: Plan;
  const tags = { ...tagsOf(PROFILES.prod), "seawall:component": "AirflowDatabase" };
  const name = "seawall-airflow-db";
  beforeAll(async () => {
    p = await support(PROFILES.prod, { backups: true });
  });

  it("makes the instance with its key, log groups, subnet group, security group, parameters and password", () => {
    const mine = p.resources.filter((r) => r.name.startsWith(name));
    const counts: Record<string, number> = {};
    for (const r of mine) counts[r.type] = (counts[r.type] ?? 0) + 1;
    expect(counts).toEqual({
      [T.component]: 1,
      [T.key]: 1,
      [T.logGroup]: 2,
      [T.subnetGroup]: 1,
      [T.securityGroup]: 1,
      [T.ingress]: 1,
      [T.parameterGroup]: 1,
      [T.password]: 1,
      [T.snapshotSuffix]: 1,
      [T.instance]: 1,
    });
    const component = p.one(T.component, name);
    expect(component.parent).toBe(p.one("seawall:index:DataPlatform", "seawall").urn);
    for (const r of mine.filter((x) => x !== component)) expect(r.parent).toBe(component.urn);
  });

  it("runs a Multi-AZ, encrypted, private PostgreSQL 17 with TLS, backups and deletion protection", () => {
    const db = p.one(T.instance, name);
    const keyArn = p.one(T.key, `${name}-key`);
    const { password, finalSnapshotIdentifier, kmsKeyId, performanceInsightsKmsKeyId, ...inputs } = db.inputs;
    expect(inputs).toEqual({
      identifier: name,
      engine: "postgres",
      engineVersion: "17",
      instanceClass: "db.m7g.large",
      storageType: "gp3",
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      storageEncrypted: true,
      dbName: "airflow",
      username: "airflow",
      port: 5432,
      dbSubnetGroupName: expect.stringMatching(/^seawall-airflow-db-[0-9a-f]{7}$/),
      vpcSecurityGroupIds: [expect.stringMatching(/^sg-[0-9a-f]{17}$/)],
      publiclyAccessible: false,
      multiAz: true,
      parameterGroupName: expect.stringMatching(/^seawall-airflow-db-postgres17-/),
      caCertIdentifier: "rds-ca-rsa2048-g1",
      autoMinorVersionUpgrade: true,
      backupRetentionPeriod: 35,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:00-sun:05:00",
      copyTagsToSnapshot: true,
      deleteAutomatedBackups: false,
      deletionProtection: true,
      skipFinalSnapshot: false,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 7,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      tags,
    });
    expect(kmsKeyId).toMatch(/^arn:aws:kms:us-east-1:123456789012:key\//);
    expect(performanceInsightsKmsKeyId).toBe(kmsKeyId);
    expect(db.propertyDependencies.kmsKeyId).toEqual([keyArn.urn]);
    expect(finalSnapshotIdentifier).toMatch(/^seawall-airflow-db-final-[0-9a-f]{8}$/);
    expect(password).toBeInstanceOf(Secret);
    expect((password as Secret).value).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(db.protect).toBe(true);
    // The log groups exist before RDS would make its own, unencrypted ones.
    for (const log of ["postgresql", "upgrade"]) {
      expect(db.dependsOn).toContain(p.one(T.logGroup, `${name}-${log}`).urn);
    }
    expect(db.propertyDependencies.vpcSecurityGroupIds).toEqual([p.one(T.securityGroup, name).urn]);
    expect(db.propertyDependencies.parameterGroupName).toEqual([
      p.one(T.parameterGroup, `${name}-postgres17`).urn,
    ]);
  });

  it("generates a 40-character password of letters and digits, a secret in the output", () => {
    expect(p.one(T.password, `${name}-password`).inputs).toEqual({ length: 40, special: false });
    expect(p.result.outputs.password.secret).toBe(true);
    expect(p.output("password")).toBe((p.one(T.instance, name).inputs.password as Secret).value);
    expect(p.one(T.snapshotSuffix, `${name}-final-snapshot`).inputs).toEqual({ byteLength: 4 });
  });

  it("admits PostgreSQL from the EKS cluster's security group only, on 5432", () => {
    const group = p.one(T.securityGroup, name);
    expect(group.inputs).toEqual({
      vpcId: "vpc-1",
      description: "Seawall Airflow database seawall-airflow-db: PostgreSQL from the cluster's nodes only",
      tags: { ...tags, Name: name },
    });
    expect(p.ofType(T.ingress).filter((r) => r.name.startsWith(name))).toHaveLength(1);
    const rule = p.one(T.ingress, `${name}-5432`);
    expect(rule.inputs).toEqual({
      securityGroupId: expect.stringMatching(/^sg-/),
      referencedSecurityGroupId: "sg-eks-cluster",
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      description: "PostgreSQL (TLS) on 5432 from the cluster's nodes",
      tags,
    });
    expect(rule.propertyDependencies.securityGroupId).toEqual([group.urn]);
  });

  it("places the instance in the private subnets and requires TLS in a postgres17 group", () => {
    expect(p.one(T.subnetGroup, name).inputs).toEqual({
      description: "Seawall Airflow database seawall-airflow-db: private subnets",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      tags,
    });
    expect(p.one(T.parameterGroup, `${name}-postgres17`).inputs).toEqual({
      family: "postgres17",
      description: "Seawall Airflow database seawall-airflow-db: postgres17, TLS required",
      parameters: [{ name: "rds.force_ssl", value: "1" }],
      tags,
    });
  });

  it("encrypts the exported logs with its key, kept as long as the profile says, and protects them", () => {
    const key = p.one(T.key, `${name}-key`);
    expect(key.inputs).toMatchObject({
      description:
        "Seawall Airflow database seawall-airflow-db: storage, snapshots, Performance Insights and logs",
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    expect(policyOf(key).Statement.map((s) => s.Sid)).toEqual([
      "AccountAdministersKeyThroughIam",
      "CloudWatchLogsEncryptsThisAccountsLogGroups",
    ]);
    expect(key.protect).toBe(true);
    for (const log of ["postgresql", "upgrade"]) {
      const group = p.one(T.logGroup, `${name}-${log}`);
      expect(group.inputs).toEqual({
        name: `/aws/rds/instance/seawall-airflow-db/${log}`,
        kmsKeyId: expect.stringMatching(/^arn:aws:kms:/),
        retentionInDays: 90,
        tags,
      });
      expect(group.propertyDependencies.kmsKeyId).toEqual([key.urn]);
      expect(group.protect).toBe(true);
    }
  });

  it("gives Airflow the endpoint, the user and verify-full against the region's RDS root CA", () => {
    expect(p.output("host")).toMatch(/^seawall-airflow-db\.c[0-9a-f]{11}\.us-east-1\.rds\.amazonaws\.com$/);
    expect(p.output("database")).toEqual({
      port: 5432,
      database: "airflow",
      username: "airflow",
      sslMode: "verify-full",
    });
    expect(p.output("caCert")).toBe(RDS_ROOT_CAS["us-east-1"]);
  });

  it("binds airflow/airflow to a role of this cluster's Pod Identity that may use the logs prefix only", () => {
    const role = p.one(T.role, "seawall-airflow");
    expect(role.inputs).toEqual({
      assumeRolePolicy: expect.any(String),
      description: "Pod Identity of airflow/airflow: Airflow's task logs",
      tags: tagsOf(PROFILES.prod),
    });
    // Only this cluster's Pod Identity may hand the role out (the document is pinned in clusterConfig's tests).
    expect(JSON.parse(role.inputs.assumeRolePolicy as string)).toEqual(
      podIdentityTrustPolicy("123456789012", CLUSTER_ARN),
    );
    const inline = p.one(T.inline, "seawall-airflow");
    expect(inline.propertyDependencies.role).toEqual([role.urn]);
    expect(policyOf(inline)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ListLakePrefix",
          Effect: "Allow",
          Action: "s3:ListBucket",
          Resource: "arn:aws:s3:::seawall-lake",
          Condition: { StringLike: { "s3:prefix": ["logs/*"] } },
        },
        {
          Sid: "ReadWriteLakeObjects",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
          Resource: "arn:aws:s3:::seawall-lake/logs/*",
        },
        {
          Sid: "UseLakeKeyThroughS3",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey"],
          Resource: LAKE_KEY,
          Condition: { StringLike: { "kms:ViaService": "s3.*.amazonaws.com" } },
        },
      ],
    });
    const association = p.one(T.podIdentity, "seawall-airflow");
    expect(association.inputs).toEqual({
      clusterName: "seawall",
      namespace: "airflow",
      serviceAccount: "airflow",
      roleArn: expect.stringMatching(/^arn:aws:iam::123456789012:role\/seawall-airflow-/),
      tags: tagsOf(PROFILES.prod),
    });
    expect(association.propertyDependencies.roleArn).toEqual([role.urn]);
    expect(p.output("roleArn")).toBe(association.inputs.roleArn);
    expect(p.output("identity")).toEqual({
      kind: "aws-pod-identity",
      namespace: "airflow",
      serviceAccountName: "airflow",
      podLabels: {},
    });
    expect(p.output("annotations")).toEqual({});
  });

  it("sends task logs to s3://<lake>/logs through an aws_default connection that holds no key", () => {
    expect(p.output("baseLogFolder")).toBe("s3://seawall-lake/logs");
    expect(p.output("connectionId")).toBe("aws_default");
    expect(JSON.parse(p.output("connection") as string)).toEqual({
      conn_type: "aws",
      extra: { region_name: "us-east-1" },
    });
  });

  it("passes every mandatory rule of the prod policy config, AWS Backup covering the instance by its tag", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "prod" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
    // Without the platform's backup plan, the instance is the one stateful resource left uncovered.
    const alone = p.resources.filter((r) => !r.type.startsWith("aws:backup/"));
    const uncovered = await evaluateResources(alone, { environment: "prod" });
    expect(uncovered.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([
      `awsBackupCoversStatefulResources ${name}`,
    ]);
  });
});

describe("Airflow's database on AWS, dev", () => {
  let p: Plan;
  beforeAll(async () => {
    p = await support(PROFILES.dev, { backups: true, args: { region: "il-central-1" } });
  });

  it("is a smaller single-AZ instance without protect, with a week of backups and two weeks of logs", () => {
    const db = p.one(T.instance, "seawall-airflow-db");
    expect(db.inputs).toMatchObject({
      instanceClass: "db.t4g.medium",
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      multiAz: false,
      backupRetentionPeriod: 7,
      // The policy pack requires RDS deletion protection in every environment; only protect differs.
      deletionProtection: true,
      deleteAutomatedBackups: true,
      // A final snapshot still, on every teardown.
      skipFinalSnapshot: false,
      storageEncrypted: true,
      publiclyAccessible: false,
    });
    expect(db.protect).toBe(false);
    expect(p.one(T.key, "seawall-airflow-db-key").inputs.deletionWindowInDays).toBe(7);
    expect(p.one(T.key, "seawall-airflow-db-key").protect).toBe(false);
    for (const log of ["postgresql", "upgrade"]) {
      expect(p.one(T.logGroup, `seawall-airflow-db-${log}`).inputs.retentionInDays).toBe(14);
    }
  });

  it("only requires TLS in a region whose RDS root CA Seawall does not carry", () => {
    expect(p.output("database")).toEqual({
      port: 5432,
      database: "airflow",
      username: "airflow",
      sslMode: "require",
    });
    expect(p.output("caCert")).toBeUndefined();
    expect(JSON.parse(p.output("connection") as string).extra).toEqual({ region_name: "il-central-1" });
  });

  it("passes every mandatory rule of the dev policy config with the platform's backup plan", async () => {
    const verdicts = await evaluateResources(p.resources, { environment: "dev" });
    expect(verdicts.filter((v) => v.level === "mandatory").map((v) => `${v.rule} ${v.resource}`)).toEqual([]);
  });
});

describe("AirflowDatabase on its own", () => {
  it("takes the component's defaults and its own identifier, and the aws:region config's CA", async () => {
    const p = await plan(
      () => {
        const db = new AirflowDatabase("Airflow_Metadata", {
          vpcId: "vpc-1",
          subnetIds: ["subnet-a", "subnet-b"],
          clientSecurityGroupId: "sg-nodes",
        });
        return { sslMode: db.connection.sslMode, caCert: db.connection.caCert };
      },
      { "aws:region": "eu-west-1" },
    );
    expect(p.one(T.instance, "Airflow_Metadata").inputs).toMatchObject({
      identifier: "airflow-metadata",
      instanceClass: "db.m7g.large",
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      multiAz: true,
      backupRetentionPeriod: 7,
      deletionProtection: true,
      tags: { "seawall:component": "AirflowDatabase" },
    });
    expect(p.one(T.logGroup, "Airflow_Metadata-postgresql").inputs.name).toBe(
      "/aws/rds/instance/airflow-metadata/postgresql",
    );
    expect(p.output("sslMode")).toBe("verify-full");
    expect(p.output("caCert")).toBe(RDS_ROOT_CAS["eu-west-1"]);
  });
});

describe("AirflowDatabase arguments", () => {
  const base = { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], clientSecurityGroupId: "sg" };

  it("names every bad field with its value and code, at once", () => {
    expect(
      problemsThrownBy(() =>
        validateAirflowDatabaseArgs({
          ...base,
          subnetIds: ["subnet-a"],
          identifier: "airflow--db",
          engineVersion: "13",
          allocatedStorageGiB: 200,
          maxAllocatedStorageGiB: 100,
          backupRetentionDays: 36,
          logRetentionInDays: 10,
          kmsKey: { skip: true } as never,
        }),
      ),
    ).toEqual([
      { code: "SEAWALL_AWS_AIRFLOW_DB_SUBNETS", field: "subnetIds", value: ["subnet-a"] },
      { code: "SEAWALL_AWS_AIRFLOW_DB_IDENTIFIER", field: "identifier", value: "airflow--db" },
      { code: "SEAWALL_AWS_AIRFLOW_DB_ENGINE_VERSION", field: "engineVersion", value: "13" },
      { code: "SEAWALL_AWS_AIRFLOW_DB_STORAGE", field: "maxAllocatedStorageGiB", value: 100 },
      { code: "SEAWALL_AWS_AIRFLOW_DB_BACKUP_RETENTION", field: "backupRetentionDays", value: 36 },
      { code: "SEAWALL_LOG_RETENTION", field: "logRetentionInDays", value: 10 },
      { code: "SEAWALL_HELPER_FORM_UNSUPPORTED", field: "kmsKey", value: "{ skip: true }" },
    ]);
  });

  it("says how to fix an identifier, with one RDS accepts", () => {
    expect(() => validateAirflowDatabaseArgs({ ...base, identifier: "Airflow_DB" })).toThrow(
      'identifier = "Airflow_DB": must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter, without "--" or a trailing hyphen, e.g. "airflow-db" [SEAWALL_AWS_AIRFLOW_DB_IDENTIFIER]',
    );
  });

  it("leaves values unknown until deploy to the provider", () => {
    expect(() =>
      validateAirflowDatabaseArgs({
        vpcId: pulumi.output("vpc-1"),
        subnetIds: pulumi.output(["subnet-a"]),
        clientSecurityGroupId: pulumi.output(""),
      }),
    ).not.toThrow();
  });

  it("reports the platform's overrides under airflow.database", () => {
    expect(
      validateAwsAirflowSupportArgs(
        { region: "us-east-1", database: { instanceClass: "large", engineVersion: "18" } },
        PROFILES.prod,
      ).map(({ code, field, value }) => ({ code, field, value })),
    ).toEqual([
      { code: "SEAWALL_AWS_AIRFLOW_DB_ENGINE_VERSION", field: "airflow.database.engineVersion", value: "18" },
      {
        code: "SEAWALL_AWS_AIRFLOW_DB_INSTANCE_CLASS",
        field: "airflow.database.instanceClass",
        value: "large",
      },
    ]);
    expect(validateAwsAirflowSupportArgs({ region: "us-east-1" }, PROFILES.dev)).toEqual([]);
  });
});

describe("Airflow database logic", () => {
  it("derives an identifier RDS accepts from any name", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (name) => {
        const id = rdsIdentifier(name);
        expect(id).toMatch(RDS_IDENTIFIER);
      }),
    );
    expect(rdsIdentifier("seawall-prod-airflow-db")).toBe("seawall-prod-airflow-db");
    expect(rdsIdentifier("9_Lives__DB-")).toBe("db-9-lives-db");
  });

  it("keeps automated backups as long as the profile's daily backups, up to RDS's 35 days", () => {
    expect(backupRetentionDays(PROFILES.dev)).toBe(7);
    expect(backupRetentionDays(PROFILES.staging)).toBe(14);
    expect(backupRetentionDays(resolveProfile("prod", { backup: { dailyRetentionDays: 90 } }))).toBe(35);
  });

  it("verifies the server only where it has the region's CA", () => {
    expect(airflowDatabaseTls("eu-central-1")).toEqual({
      sslMode: "verify-full",
      caCert: RDS_ROOT_CAS["eu-central-1"],
    });
    expect(airflowDatabaseTls(undefined)).toEqual({ sslMode: "require" });
    expect(airflowDatabaseTls("mx-central-1")).toEqual({ sslMode: "require" });
  });

  it("carries each region's self-signed RSA2048 G1 root, valid past 2060", () => {
    expect(Object.keys(RDS_ROOT_CAS).length).toBeGreaterThanOrEqual(27);
    for (const [region, pem] of Object.entries(RDS_ROOT_CAS)) {
      const cert = new X509Certificate(pem);
      expect(cert.subject).toContain(`CN=Amazon RDS ${region} Root CA RSA2048 G1`);
      expect(cert.ca).toBe(true);
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(new Date(cert.validTo).getUTCFullYear()).toBeGreaterThanOrEqual(2061);
    }
  });
});
