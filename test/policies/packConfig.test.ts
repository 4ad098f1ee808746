import Ajv from "ajv";
import {
  assertSupportedSchema,
  BUILT_IN_CONFIGS,
  checkValue,
  loadPackConfig,
  PackConfigError,
  resolvePackConfig,
  validatePackConfig,
} from "../../policies/lib/packConfig";
import { allPolicies } from "../../policies/policies";

const policies = allPolicies();
const LEVELS = "advisory, mandatory, remediate, disabled";

describe("pack config validation", () => {
  it("lists every problem at once: unknown rule, bad levels, a string threshold, out of range, unknown setting", () => {
    expect(
      validatePackConfig(
        {
          nosuchRule: "mandatory",
          snsTopicEncrypted: "blocking",
          sqsQueueEncrypted: { enforcementLevel: "warn" },
          rdsBackupRetention: { enforcementLevel: "mandatory", minimumRetentionDays: "7" },
          logGroupRetention: { minimumRetentionDays: 0 },
          elasticacheSnapshotRetention: { minimumRetentionDays: 36 },
          kmsKeyRotationEnabled: { maximumRotationPeriodDays: 7.5 },
          gcsBucketSoftDelete: { minimumRetentionDay: 7 },
          ebsVolumeEncrypted: { enabled: true },
          awsRequiredTags: { requiredTags: ["owner", 7] },
          k8sImagePinned: { requireDigest: "yes" },
          mskTlsInTransit: 3,
          all: "strict",
        },
        policies,
      ),
    ).toEqual([
      "nosuchRule: unknown rule (the pack's rules are listed in policies/RULES.md)",
      `snsTopicEncrypted: string "blocking" is not an enforcement level; use one of ${LEVELS}`,
      `sqsQueueEncrypted.enforcementLevel: string "warn" is not an enforcement level; use one of ${LEVELS}`,
      'rdsBackupRetention.minimumRetentionDays: expected an integer, got string "7"',
      "logGroupRetention.minimumRetentionDays: 0 is below the minimum 1",
      "elasticacheSnapshotRetention.minimumRetentionDays: 36 is above the maximum 35",
      "kmsKeyRotationEnabled.maximumRotationPeriodDays: expected an integer, got number 7.5",
      "gcsBucketSoftDelete.minimumRetentionDay: unknown setting; gcsBucketSoftDelete takes enforcementLevel, minimumRetentionDays",
      "ebsVolumeEncrypted.enabled: unknown setting; ebsVolumeEncrypted takes only enforcementLevel",
      "awsRequiredTags.requiredTags[1]: expected a string, got number 7",
      'k8sImagePinned.requireDigest: expected a boolean, got string "yes"',
      "mskTlsInTransit: expected an enforcement level or an object of settings, got number 3",
      `all: string "strict" is not an enforcement level; use one of ${LEVELS}`,
    ]);
  });

  it("accepts every level the CLI accepts, an empty file and ESC environments", () => {
    for (const level of ["advisory", "mandatory", "remediate", "disabled"]) {
      expect(
        validatePackConfig({ all: level, snsTopicEncrypted: { enforcementLevel: level } }, policies),
      ).toEqual([]);
    }
    expect(validatePackConfig({ environments: ["acme/policy"] }, policies)).toEqual([]);
    expect(validatePackConfig({ environments: "acme/policy" }, policies)).toEqual([
      'environments: expected a list of environment names, got string "acme/policy"',
    ]);
    expect(loadPackConfig("empty.json", policies, () => "  \n").snsTopicEncrypted).toEqual({
      enforcementLevel: "mandatory",
    });
  });

  it("throws one PackConfigError naming the file and every problem", () => {
    const load = () =>
      loadPackConfig("mine.json", policies, () =>
        JSON.stringify({ snsTopicEncrypted: "blocking", rdsBackupRetention: { minimumRetentionDays: 99 } }),
      );
    expect(load).toThrow(PackConfigError);
    expect(load).toThrow(
      "the pack config mine.json has 2 problems:\n" +
        `  - snsTopicEncrypted: string "blocking" is not an enforcement level; use one of ${LEVELS}\n` +
        "  - rdsBackupRetention.minimumRetentionDays: 99 is above the maximum 35",
    );
    expect(() => loadPackConfig("bad.json", policies, () => "[")).toThrow(
      "the pack config bad.json: is not valid JSON",
    );
    expect(() => loadPackConfig("list.json", policies, () => "[]")).toThrow(
      "the pack config list.json: expected an object of rule name to enforcement level or settings, got a list []",
    );
  });

  it("applies all as the Pulumi CLI does: every rule's level first, a rule's own level over it", () => {
    const resolved = resolvePackConfig(
      {
        all: "advisory",
        snsTopicEncrypted: "mandatory",
        rdsBackupRetention: { minimumRetentionDays: 14 },
        sqsQueueEncrypted: { enforcementLevel: "disabled" },
      },
      policies,
    );
    expect([
      resolved.snsTopicEncrypted,
      resolved.rdsBackupRetention,
      resolved.sqsQueueEncrypted,
      resolved.ebsVolumeEncrypted,
    ]).toEqual([
      { enforcementLevel: "mandatory" },
      // A rule's settings without a level keep the level `all` gave it.
      { enforcementLevel: "advisory", minimumRetentionDays: 14 },
      { enforcementLevel: "disabled" },
      { enforcementLevel: "advisory" },
    ]);
    // Without all, a rule keeps its own default level.
    expect(resolvePackConfig({}, policies).elasticacheMultiAz).toEqual({ enforcementLevel: "advisory" });
  });

  it.each(BUILT_IN_CONFIGS)("the built-in %s config is valid", (name) => {
    expect(() => loadPackConfig(name, policies)).not.toThrow();
  });

  it("the team config requires no tags and keeps the security rules mandatory, the costly resilience rules advisory", () => {
    const team = loadPackConfig("team", policies) as Record<
      string,
      { enforcementLevel: string; requiredTags?: string[] }
    >;
    expect(team.awsRequiredTags.requiredTags).toEqual([]);
    const levels = (names: string[]) => names.map((n) => team[n].enforcementLevel);
    expect(
      levels([
        "snsTopicEncrypted",
        "s3BucketPublicAccessBlocked",
        "rdsNotPubliclyAccessible",
        "elasticacheEncryptionInTransit",
        "storageHttpsOnly",
      ]),
    ).toEqual(["mandatory", "mandatory", "mandatory", "mandatory", "mandatory"]);
    expect(
      levels([
        "s3BucketReplicatesInProduction",
        "elasticacheMultiAz",
        "storageGeoRedundant",
        "postgresGeoRedundantBackup",
      ]),
    ).toEqual(["advisory", "advisory", "advisory", "advisory"]);
  });
});

describe("the config schema check agrees with ajv on the rules' schemas", () => {
  const ajv = new Ajv({ allErrors: true });
  const samples = [
    7,
    0,
    -1,
    1,
    35,
    36,
    90,
    2560,
    2561,
    7.5,
    "7",
    true,
    false,
    null,
    [],
    ["a"],
    ["a", 1],
    {},
    "x",
  ];

  it("uses only keywords the check understands", () => {
    for (const p of policies) {
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        expect(() =>
          assertSupportedSchema(`${p.name}.${key}`, schema as Record<string, unknown>),
        ).not.toThrow();
      }
    }
    expect(() => assertSupportedSchema("r.x", { type: "string", format: "uri" })).toThrow(
      'r.x: the config schema keyword "format" is not supported by packConfig.ts',
    );
  });

  it("gives ajv's verdict for every setting of every rule on a spread of values", () => {
    let compared = 0;
    for (const p of policies) {
      for (const [key, schema] of Object.entries(p.configSchema?.properties ?? {})) {
        const validate = ajv.compile(schema as object);
        for (const v of samples) {
          expect([
            `${p.name}.${key}`,
            v,
            checkValue(v, schema as Record<string, unknown>, key).length === 0,
          ]).toEqual([`${p.name}.${key}`, v, validate(v)]);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
  });
});
