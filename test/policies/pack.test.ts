import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { loadEnvironmentConfig } from "../../policies/lib/evaluate";
import { allPolicies } from "../../policies/policies";
import { renderRulesDoc, RULES_DOC } from "../../policies/scripts/generateRulesDoc";

const RULES_DIR = path.resolve(__dirname, "..", "..", "policies", "rules");

/** Every rule file under policies/rules/<cloud>/<service>/. */
function ruleFiles(dir = RULES_DIR): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return ruleFiles(full);
    return path.relative(RULES_DIR, full).split(path.sep).length === 3 ? [full] : [];
  });
}

describe("the policy pack", () => {
  const policies = allPolicies();

  it("has exactly these rules, in this order", () => {
    expect(policies.map((p) => p.name)).toEqual([
      "s3BucketEncryptedWithCmk",
      "s3BucketVersioningEnabled",
      "s3BucketPublicAccessBlocked",
      "s3BucketTlsOnlyPolicy",
      "s3BucketNoPublicAcl",
      "s3BucketOwnerEnforced",
      "s3ReplicationRulesEnabled",
      "s3BucketVersioningAttached",
      "s3BucketEncryptionAttached",
      "s3BucketPublicAccessBlockAttached",
      "s3BucketPolicyAttached",
      "s3BucketReplicatesInProduction",
      "mskEncryptionAtRestCmk",
      "mskTlsInTransit",
      "mskClientAuthentication",
      "mskNoPublicAccess",
      "mskBrokerLogsEnabled",
      "elasticacheEncryptionAtRest",
      "elasticacheEncryptionInTransit",
      "elasticacheAuthRequired",
      "elasticacheSnapshotRetention",
      "elasticacheMultiAz",
      "rdsStorageEncrypted",
      "rdsEncryptedWithCmk",
      "rdsBackupRetention",
      "rdsDeletionProtection",
      "rdsNotPubliclyAccessible",
      "ebsVolumeEncrypted",
      "kmsKeyRotationEnabled",
      "backupVaultCmk",
      "awsBackupCoversStatefulResources",
      "snsTopicEncrypted",
      "sqsQueueEncrypted",
      "logGroupEncrypted",
      "logGroupRetention",
      "awsAllowedRegions",
      "awsRequiredTags",
      "gcsBucketVersioning",
      "gcsUniformBucketLevelAccess",
      "gcsPublicAccessPrevention",
      "gcsNoPublicIamGrant",
      "gcsBucketCmek",
      "gcsBucketSoftDelete",
      "memorystoreAuthEnabled",
      "memorystoreTransitEncryption",
      "memorystorePersistence",
      "memorystoreHighAvailability",
      "managedKafkaCmek",
      "cloudSqlBackupsEnabled",
      "cloudSqlPointInTimeRecovery",
      "cloudSqlSslRequired",
      "cloudSqlNoPublicIp",
      "cloudSqlCmek",
      "gcpKmsKeyRotation",
      "storageHttpsOnly",
      "storageMinimumTls12",
      "storageNoPublicBlobAccess",
      "blobContainerNoPublicAccess",
      "storageNetworkRestricted",
      "storageGeoRedundant",
      "storageSharedKeyDisabled",
      "storageInfrastructureEncryption",
      "blobVersioningEnabled",
      "blobSoftDeleteEnabled",
      "blobPointInTimeRestore",
      "storageAccountBlobServiceAttached",
      "azureRedisTlsOnly",
      "azureRedisMinimumTls12",
      "azureRedisNoPublicNetwork",
      "eventHubsMinimumTls12",
      "eventHubsLocalAuthDisabled",
      "eventHubsKafkaTier",
      "postgresGeoRedundantBackup",
      "postgresBackupRetention",
      "k8sRunAsNonRoot",
      "k8sNoPrivilegedContainers",
      "k8sNoPrivilegeEscalation",
      "k8sReadOnlyRootFilesystem",
      "k8sResourceLimits",
      "k8sImagePinned",
      "strimziKafkaListenersSecure",
    ]);
  });

  it("registers one rule per file, named after its file, under rules/<cloud>/<service>/", () => {
    const files = ruleFiles()
      .filter((f) => !f.endsWith("index.ts"))
      .map((f) => path.basename(f, ".ts"))
      .sort();
    expect(files).toEqual(policies.map((p) => p.name).sort());
    for (const file of ruleFiles().filter((f) => !f.endsWith("index.ts"))) {
      const cloud = path.relative(RULES_DIR, file).split(path.sep)[0];
      expect(policies.find((p) => p.name === path.basename(file, ".ts"))?.clouds).toContain(cloud);
    }
  });

  it.each(policies.map((p) => [p.name, p] as const))(
    "%s says what is wrong, why, how to fix it, and its level",
    (_name, p) => {
      expect(p.description.length).toBeGreaterThan(80);
      expect(p.summary.length).toBeGreaterThan(30);
      expect(p.remediationSteps.length).toBeGreaterThan(20);
      expect(["advisory", "mandatory"]).toContain(p.enforcementLevel);
      expect(p.resourceTypes.length).toBeGreaterThan(0);
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        expect([key, schema.default]).not.toEqual([key, undefined]);
        expect(schema.description).toBeTruthy();
      }
    },
  );

  it("has unique names", () => {
    expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
  });

  it.each(["dev", "prod"] as const)(
    "config/%s.json only configures known rules, with valid levels and values its schema accepts",
    (env) => {
      const config = loadEnvironmentConfig(env);
      for (const [name, value] of Object.entries(config)) {
        const policy = policies.find((p) => p.name === name);
        expect([name, policy !== undefined]).toEqual([name, true]);
        const { enforcementLevel, ...props } =
          typeof value === "string" ? { enforcementLevel: value } : value;
        expect(["advisory", "mandatory", "disabled"]).toContain(enforcementLevel);
        for (const [key, value] of Object.entries(props)) {
          const schema = policy!.configSchema?.properties[key];
          expect([name, key, schema !== undefined]).toEqual([name, key, true]);
          const type = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
          expect([name, key, type]).toEqual([name, key, schema!.type]);
          if (typeof value === "number") {
            expect(value).toBeGreaterThanOrEqual(schema!.minimum ?? -Infinity);
            expect(value).toBeLessThanOrEqual(schema!.maximum ?? Infinity);
          }
        }
      }
    },
  );

  it("makes the production-only rules mandatory in prod and not in dev", () => {
    const prod = loadEnvironmentConfig("prod");
    const dev = loadEnvironmentConfig("dev");
    for (const name of [
      "s3BucketReplicatesInProduction",
      "elasticacheMultiAz",
      "gcsBucketCmek",
      "memorystoreHighAvailability",
      "storageGeoRedundant",
      "storageSharedKeyDisabled",
      "blobPointInTimeRestore",
      "postgresGeoRedundantBackup",
    ]) {
      expect([name, prod[name]]).toMatchObject([name, { enforcementLevel: "mandatory" }]);
      expect([name, dev[name]]).toMatchObject([name, { enforcementLevel: "advisory" }]);
    }
  });

  it("RULES.md is up to date (run `npm run policy:docs`)", () => {
    expect(readFileSync(RULES_DOC, "utf8")).toBe(renderRulesDoc());
  });

  it("RULES.md has one row per rule with its level and types", () => {
    const doc = renderRulesDoc();
    for (const p of policies) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${p.name}\``));
      expect(row).toContain(p.resourceTypes[0]);
      expect(row).toContain(p.enforcementLevel);
    }
  });
});
