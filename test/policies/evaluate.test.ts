import { isProxy } from "node:util/types";
import {
  evaluatePolicies,
  parseResources,
  MalformedResourceError,
  RuleError,
} from "../../policies/lib/evaluate";
import { resourceRule, stackRule } from "../../policies/lib/rule";
import { evaluateResources, environmentOfStack } from "../../policies/check";
import { ebsVolumeEncrypted } from "../../policies/rules/aws/ebs/ebsVolumeEncrypted";
import { elasticacheAuthRequired } from "../../policies/rules/aws/elasticache/elasticacheAuthRequired";
import { elasticacheMultiAz } from "../../policies/rules/aws/elasticache/elasticacheMultiAz";
import { logGroupRetention } from "../../policies/rules/aws/cloudwatch/logGroupRetention";
import { awsAllowedRegions } from "../../policies/rules/aws/general/awsAllowedRegions";
import { unknown } from "./helpers";

const volume = { type: "aws:ebs/volume:Volume", name: "vol", props: { size: 10 } };

describe("the offline evaluator", () => {
  it("reports a violation at the rule's default level", async () => {
    const { violations } = await evaluatePolicies([ebsVolumeEncrypted()], [volume]);
    // The rule's own path and value are its tests' concern; see "verdicts a person can act on".
    expect(violations.map(({ path: _path, value: _value, ...v }) => v)).toEqual([
      {
        rule: "ebsVolumeEncrypted",
        resource: "vol",
        urn: "urn:pulumi:offline::offline::aws:ebs/volume:Volume::vol",
        type: "aws:ebs/volume:Volume",
        level: "mandatory",
        message: "encrypted is not true",
        fix: ebsVolumeEncrypted().remediationSteps,
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

  it("never calls a rule on types it does not declare, and records only rules that apply and decline", async () => {
    const topic = { type: "aws:sns/topic:Topic", name: "t", props: {} };
    const result = await evaluatePolicies([ebsVolumeEncrypted(), awsAllowedRegions()], [topic, volume]);
    // awsAllowedRegions judges every aws:* resource and declines without allowedRegions configured.
    expect(result.notApplicable).toEqual([
      {
        rule: "awsAllowedRegions",
        urn: "urn:pulumi:offline::offline::aws:sns/topic:Topic::t",
        reason: "no allowedRegions configured",
      },
      {
        rule: "awsAllowedRegions",
        urn: "urn:pulumi:offline::offline::aws:ebs/volume:Volume::vol",
        reason: "no allowedRegions configured",
      },
    ]);
    // ebsVolumeEncrypted ran on the volume only; awsAllowedRegions on both.
    expect(result.summary.checks).toBe(3);
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

/** A resource rule that reports the property it judged, with the value it saw there. */
const encryptionRule = () =>
  resourceRule({
    file: "/rules/queueEncryption.ts",
    clouds: ["aws"],
    resourceTypes: ["aws:sqs/queue:Queue"],
    summary: "s",
    description: "d",
    remediation: "Set kmsMasterKeyId to a customer-managed key.",
    enforcementLevel: "mandatory",
    check: (props) =>
      props.kmsMasterKeyId
        ? undefined
        : [
            { message: "no key", path: "kmsMasterKeyId", value: props.kmsMasterKeyId },
            { message: "settings", path: "settings", value: props.settings },
            "a plain message",
          ],
  });

/** A stack rule that reports every queue, with a path and value. */
const everyQueueRule = () =>
  stackRule({
    file: "/rules/everyQueue.ts",
    clouds: ["aws"],
    resourceTypes: ["aws:sqs/queue:Queue"],
    summary: "s",
    description: "d",
    remediation: "Delete the queue.",
    enforcementLevel: "advisory",
    check: (resources) =>
      resources
        .filter((r) => r.type === "aws:sqs/queue:Queue")
        .map((r) => ({ urn: r.urn, message: `queue ${r.name}`, path: "name", value: r.props.name })),
  });

describe("verdicts a person can act on", () => {
  const queue = {
    type: "aws:sqs/queue:Queue",
    name: "q",
    props: { name: "orders", settings: { visibility: { seconds: 30 } } },
  };
  const urn = "urn:pulumi:offline::offline::aws:sqs/queue:Queue::q";

  it("carry the property path, the observed value (plain data, not a proxy) and the rule's remediation", async () => {
    const { violations } = await evaluatePolicies([encryptionRule(), everyQueueRule()], [queue]);
    const base = { resource: "q", urn, type: "aws:sqs/queue:Queue" };
    expect(violations).toEqual([
      {
        ...base,
        rule: "queueEncryption",
        level: "mandatory",
        message: "no key",
        path: "kmsMasterKeyId",
        value: undefined,
        fix: "Set kmsMasterKeyId to a customer-managed key.",
      },
      {
        ...base,
        rule: "queueEncryption",
        level: "mandatory",
        message: "settings",
        path: "settings",
        value: { visibility: { seconds: 30 } },
        fix: "Set kmsMasterKeyId to a customer-managed key.",
      },
      {
        ...base,
        rule: "queueEncryption",
        level: "mandatory",
        message: "a plain message",
        fix: "Set kmsMasterKeyId to a customer-managed key.",
      },
      {
        ...base,
        rule: "everyQueue",
        level: "advisory",
        message: "queue q",
        path: "name",
        value: "orders",
        fix: "Delete the queue.",
      },
    ]);
    expect(Object.keys(violations[0])).toContain("path");
    expect(Object.keys(violations[2])).not.toContain("path");
    expect(isProxy(violations[1].value)).toBe(false);
    expect(JSON.stringify(violations[1].value)).toBe('{"visibility":{"seconds":30}}');
  });

  it("come with the skipped-check count and a summary", async () => {
    const resources = [
      queue,
      { type: "aws:sqs/queue:Queue", name: "later", props: { kmsMasterKeyId: unknown.string } },
      volume,
      { type: "aws:ebs/volume:Volume", name: "v2", props: { encrypted: unknown.boolean } },
      { type: "aws:iam/role:Role", name: "role", props: {} },
    ];
    const result = await evaluatePolicies(
      [encryptionRule(), everyQueueRule(), ebsVolumeEncrypted(), logGroupRetention()],
      resources,
      { logGroupRetention: "disabled" },
    );
    expect(result.skippedCount).toBe(2);
    expect(result.skipped.map((s) => s.rule)).toEqual(["queueEncryption", "ebsVolumeEncrypted"]);
    expect(result.summary).toEqual({
      resources: 5,
      rulesRun: 3,
      // queueEncryption on 2 queues, ebsVolumeEncrypted on 2 volumes, everyQueue once.
      checks: 5,
      resourceTypes: 3,
      violations: { mandatory: 4, advisory: 2, total: 6 },
      skipped: 2,
    });
  });

  it("name the rule and the resource when a rule fails, instead of a bare stack trace", async () => {
    const broken = resourceRule({
      file: "/rules/broken.ts",
      clouds: ["aws"],
      resourceTypes: ["aws:sqs/queue:Queue"],
      summary: "s",
      description: "d",
      remediation: "r",
      enforcementLevel: "mandatory",
      check: (props) => (props.settings.missing.deeper ? "x" : undefined),
    });
    const run = evaluatePolicies([broken], [queue]);
    await expect(run).rejects.toThrow(RuleError);
    await expect(evaluatePolicies([broken], [queue])).rejects.toThrow(
      `rule broken failed on ${urn}: TypeError: Cannot read properties of undefined (reading 'deeper')`,
    );
  });
});
