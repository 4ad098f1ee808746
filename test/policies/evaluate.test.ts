import { evaluatePolicies, parseResources, MalformedResourceError } from "../../policies/lib/evaluate";
import { evaluateResources, environmentOfStack } from "../../policies/check";
import { ebsVolumeEncrypted } from "../../policies/rules/aws/ebs/ebsVolumeEncrypted";
import { elasticacheAuthRequired } from "../../policies/rules/aws/elasticache/elasticacheAuthRequired";
import { elasticacheMultiAz } from "../../policies/rules/aws/elasticache/elasticacheMultiAz";
import { logGroupRetention } from "../../policies/rules/aws/cloudwatch/logGroupRetention";
import { unknown } from "./helpers";

const volume = { type: "aws:ebs/volume:Volume", name: "vol", props: { size: 10 } };

describe("the offline evaluator", () => {
  it("reports a violation at the rule's default level", async () => {
    const { violations } = await evaluatePolicies([ebsVolumeEncrypted()], [volume]);
    expect(violations).toEqual([
      {
        rule: "ebsVolumeEncrypted",
        resource: "vol",
        urn: "urn:pulumi:offline::offline::aws:ebs/volume:Volume::vol",
        type: "aws:ebs/volume:Volume",
        level: "mandatory",
        message: "encrypted is not true",
      },
    ]);
  });

  it("takes the level from the policy config, as a string or an object, and from `all`", async () => {
    const run = async (config: object) =>
      (await evaluatePolicies([ebsVolumeEncrypted()], [volume], config as never)).violations.map(
        (v) => v.level,
      );
    expect(await run({ ebsVolumeEncrypted: "advisory" })).toEqual(["advisory"]);
    expect(await run({ ebsVolumeEncrypted: { enforcementLevel: "advisory" } })).toEqual(["advisory"]);
    expect(await run({ all: "advisory" })).toEqual(["advisory"]);
    expect(await run({ ebsVolumeEncrypted: "disabled" })).toEqual([]);
    expect(await run({ ebsVolumeEncrypted: "remediate" })).toEqual(["mandatory"]);
  });

  it("passes config properties over the schema defaults", async () => {
    const group = { type: "aws:cloudwatch/logGroup:LogGroup", name: "g", props: { retentionInDays: 60 } };
    expect((await evaluatePolicies([logGroupRetention()], [group])).violations).toEqual([]);
    const strict = await evaluatePolicies([logGroupRetention()], [group], {
      logGroupRetention: { minimumRetentionDays: 90 },
    });
    expect(strict.violations.map((v) => v.message)).toEqual(["retentionInDays is 60; at least 90 required"]);
  });

  it("reads props from `inputs` (the plan --json shape) and unwraps secrets", async () => {
    const group = {
      type: "aws:elasticache/replicationGroup:ReplicationGroup",
      name: "rg",
      inputs: { authToken: { toJSON: () => "[secret]", value: "token-from-a-secret" } },
    };
    expect((await evaluatePolicies([elasticacheAuthRequired()], [group])).violations).toEqual([]);
    const sdkSecret = {
      ...group,
      inputs: {
        authToken: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "t" },
      },
    };
    expect((await evaluatePolicies([elasticacheAuthRequired()], [sdkSecret])).violations).toEqual([]);
  });

  it("records an unknown value as skipped, never as a violation", async () => {
    const result = await evaluatePolicies(
      [ebsVolumeEncrypted()],
      [{ ...volume, props: { encrypted: unknown.boolean } }],
    );
    expect(result.violations).toEqual([]);
    expect(result.skipped).toEqual([
      expect.objectContaining({
        rule: "ebsVolumeEncrypted",
        reason: "boolean value at .encrypted can't be known during preview",
      }),
    ]);
  });

  it("records other types as not applicable", async () => {
    const result = await evaluatePolicies(
      [ebsVolumeEncrypted()],
      [{ type: "aws:sns/topic:Topic", name: "t", props: {} }],
    );
    expect(result.notApplicable).toEqual([expect.objectContaining({ rule: "ebsVolumeEncrypted" })]);
  });

  it("evaluateResources applies the environment's config", async () => {
    const group = {
      type: "aws:elasticache/replicationGroup:ReplicationGroup",
      name: "rg",
      props: { authToken: "t", multiAzEnabled: true },
    };
    const levels = async (environment: "dev" | "prod") =>
      (await evaluateResources([group], { environment }))
        .filter((v) => v.rule === elasticacheMultiAz().name)
        .map((v) => v.level);
    expect(await levels("dev")).toEqual(["advisory"]);
    expect(await levels("prod")).toEqual(["mandatory"]);
  });

  it("maps stacks to environments", () => {
    expect(environmentOfStack("prod-aws")).toBe("prod");
    expect(environmentOfStack("dev-gcp")).toBe("dev");
  });
});

describe("parseResources", () => {
  it("accepts the plan --json shape and { type, name, props }", () => {
    expect(
      parseResources([
        { type: "t", name: "n", inputs: {} },
        { type: "t", props: {} },
      ]),
    ).toEqual([
      { type: "t", name: "n", inputs: {} },
      { type: "t", name: "resource-1", props: {} },
    ]);
  });
  it.each([
    [{ resources: [] }, "expected a JSON array"],
    [[{ name: "x" }], 'resource [0]: "type" is missing'],
    [[1], "resource [0]: expected an object"],
    [[{ type: "t", props: [] }], '"props" must be an object'],
    [[{ type: "t", propertyDependencies: { bucket: "urn" } }], "propertyDependencies.bucket must be a list"],
  ])("rejects %j with a clear message", (doc, message) => {
    expect(() => parseResources(doc)).toThrow(MalformedResourceError);
    expect(() => parseResources(doc)).toThrow(message);
  });
});
