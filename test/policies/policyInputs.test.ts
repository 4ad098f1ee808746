import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, MalformedResourceError } from "../../policies/check";
import { parseInput, parseSourcePosition, parseUrn, providerUrn } from "../../policies/lib/inputs";
import { loadPackConfig } from "../../policies/lib/packConfig";
import { UNKNOWN_VALUES } from "../../policies/lib/sdk";
import { allPolicies } from "../../policies/policies";

const fixtures = path.resolve(__dirname, "..", "fixtures", "pulumi-json");
const fixture = (name: string): unknown => JSON.parse(readFileSync(path.join(fixtures, name), "utf8"));

const U = "urn:pulumi:dev::team-app::";
const stackUrn = `${U}pulumi:pulumi:Stack::team-app-dev`;
const euProvider = `${U}pulumi:providers:aws::eu`;
const queueUrn = `${U}aws:sqs/queue:Queue::jobs::dlq`;
const alertsUrn = `${U}acme:app:Service$aws:sns/topic:Topic::orders-alerts`;
const auditUrn = `${U}acme:app:Service$aws:sns/topic:Topic::orders-audit`;
const logsUrn = `${U}aws:cloudwatch/logGroup:LogGroup::app-logs`;
const keyUrn = `${U}aws:kms/key:Key::data`;

async function verdicts(doc: unknown, config: PolicyPackConfig = loadPackConfig("team", allPolicies())) {
  const { resources } = parseInput(doc);
  const result = await evaluatePolicies(allPolicies(), resources, config);
  return {
    violations: result.violations
      .map((v) => `${v.level} ${v.rule} ${v.urn} ${v.resource} ${v.type}: ${v.message}`)
      .sort(),
    skipped: result.skipped.map((s) => `${s.rule} ${s.urn}`).sort(),
  };
}

describe("policy:check inputs: the three shapes", () => {
  const expected = {
    violations: [
      `mandatory logGroupRetention ${logsUrn} app-logs aws:cloudwatch/logGroup:LogGroup: retentionInDays is 7; at least 30 required`,
      `mandatory snsTopicEncrypted ${alertsUrn} orders-alerts aws:sns/topic:Topic: kmsMasterKeyId is not set`,
      `mandatory sqsQueueEncrypted ${queueUrn} jobs::dlq aws:sqs/queue:Queue: sqsManagedSseEnabled is false and no kmsMasterKeyId is set`,
    ],
    // The audit topic's key is a secret: ciphertext in the export, "[secret]" in the preview, unknown in the list.
    skipped: [`snsTopicEncrypted ${auditUrn}`],
  };

  it.each(["resources.json", "preview.json", "stack-export.json"])(
    "%s gives the fixture's verdicts",
    async (name) => {
      expect(await verdicts(fixture(name))).toEqual(expected);
    },
  );

  it("recognizes each shape and reads the same resources, URNs, parents, providers and dependencies", () => {
    const shapes = ["resources.json", "preview.json", "stack-export.json"].map((n) => parseInput(fixture(n)));
    expect(shapes.map((s) => s.format)).toEqual(["resource-list", "preview", "stack-export"]);
    const view = (s: (typeof shapes)[number]) =>
      s.resources
        .map((r) => [
          r.urn,
          r.type,
          r.name,
          r.parent ?? null,
          r.provider ?? null,
          r.dependsOn ?? [],
          r.propertyDependencies?.kmsKeyId ?? [],
        ])
        .sort();
    expect(view(shapes[1])).toEqual(view(shapes[0]));
    expect(view(shapes[2])).toEqual(view(shapes[0]));
    const queue = shapes[2].resources.find((r) => r.urn === queueUrn)!;
    expect([queue.type, queue.name, queue.provider, queue.parent]).toEqual([
      "aws:sqs/queue:Queue",
      "jobs::dlq",
      euProvider,
      stackUrn,
    ]);
    const logs = shapes[1].resources.find((r) => r.urn === logsUrn)!;
    expect([logs.dependsOn, logs.propertyDependencies?.kmsKeyId]).toEqual([[keyUrn], [keyUrn]]);
  });

  it("keeps the stack and the providers, as the engine hands them to a policy pack, and leaves out deletes and reads", () => {
    for (const name of ["preview.json", "stack-export.json"]) {
      const urns = parseInput(fixture(name)).resources.map((r) => r.urn);
      expect(urns).toContain(stackUrn);
      expect(urns).toContain(euProvider);
      // The preview's delete step and the export's pending delete and external (read) bucket.
      expect(urns.filter((u) => u!.includes("aws:s3/bucket:Bucket"))).toEqual([]);
      expect(urns).toHaveLength(9);
    }
  });

  it("judges a provider's inputs through the stripped provider reference", async () => {
    const config: PolicyPackConfig = {
      ...loadPackConfig("team", allPolicies()),
      awsAllowedRegions: { enforcementLevel: "mandatory", allowedRegions: ["us-east-1"] },
    };
    for (const name of ["resources.json", "preview.json", "stack-export.json"]) {
      const { violations } = await verdicts(fixture(name), config);
      expect(violations.filter((v) => v.includes("awsAllowedRegions"))).toEqual([
        `mandatory awsAllowedRegions ${logsUrn} app-logs aws:cloudwatch/logGroup:LogGroup: region "eu-west-1" is not one of us-east-1`,
        `mandatory awsAllowedRegions ${keyUrn} data aws:kms/key:Key: region "eu-west-1" is not one of us-east-1`,
        `mandatory awsAllowedRegions ${queueUrn} jobs::dlq aws:sqs/queue:Queue: region "eu-west-1" is not one of us-east-1`,
        // The rule judges providers too, which is why providers are kept.
        `mandatory awsAllowedRegions ${euProvider} eu pulumi:providers:aws: region "eu-west-1" is not one of us-east-1`,
      ]);
    }
  });

  it("reads engine values as the analyzer gets them: no __ keys, secrets unknown or decrypted, references as ids", () => {
    const SIG = "4dabf18193072939515e22adb298388d";
    const doc = {
      version: 3,
      deployment: {
        manifest: {},
        resources: [
          {
            urn: `${U}aws:sns/topic:Topic::t`,
            custom: true,
            type: "aws:sns/topic:Topic",
            inputs: {
              __defaults: ["name"],
              hidden: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" },
              shown: { [SIG]: "1b47061264138c4ac30d75fd1eb44270", plaintext: '{"a":[1,{"__meta":2}]}' },
              ref: { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: `${U}aws:kms/key:Key::k`, id: "key-1" },
              refNoId: { [SIG]: "5cf8f73096256a8f31e491e813e4eb8e", urn: `${U}acme:x:C::c` },
            },
          },
        ],
      },
    };
    expect(parseInput(doc).resources[0].inputs).toEqual({
      hidden: UNKNOWN_VALUES.string,
      shown: { a: [1, {}] },
      ref: "key-1",
      refNoId: `${U}acme:x:C::c`,
    });
  });

  it("warns when a preview leaves out unchanged resources (no --show-sames)", () => {
    const preview = fixture("preview.json") as { steps: { op: string }[] };
    const parsed = parseInput({ ...preview, steps: preview.steps.filter((s) => s.op !== "same") });
    expect(parsed.warnings).toEqual([
      "the preview leaves out 4 unchanged resource(s); run `pulumi preview --json --show-sames` so they are checked too",
    ]);
    expect(parseInput(preview).warnings).toEqual([]);
  });

  it("records the engine's source positions by URN", () => {
    const { sources } = parseInput(fixture("stack-export.json"));
    expect(sources.get(queueUrn)).toEqual({ file: "index.ts", line: 14, column: 13 });
    expect(parseSourcePosition("project:///src/my%20app.ts#7")).toEqual({ file: "src/my app.ts", line: 7 });
    expect(parseSourcePosition("file:///abs.ts#7")).toBeUndefined();
  });
});

describe("policy:check inputs: URNs and references", () => {
  it("takes type and name from a URN, with parent types and names that contain ::", () => {
    expect(parseUrn(`${U}acme:app:Service$aws:s3/bucket:Bucket::a::b`)).toEqual({
      stack: "dev",
      project: "team-app",
      type: "aws:s3/bucket:Bucket",
      name: "a::b",
    });
    expect(parseUrn("urn:pulumi:dev::p::aws:s3/bucket:Bucket")).toBeUndefined();
    expect(parseUrn("arn:aws:s3:::bucket")).toBeUndefined();
  });

  it("strips the id of a provider reference, also when the provider's name contains ::", () => {
    expect(providerUrn(`${U}pulumi:providers:aws::a::b::04da6b54-80e4-46f7-96ec-b56ff0331ba9`)).toBe(
      `${U}pulumi:providers:aws::a::b`,
    );
  });

  it("resolves a list's provider given as a URN or as an engine reference", () => {
    const provider = { urn: `${U}pulumi:providers:aws::p`, inputs: { region: "eu-west-1" } };
    const { resources } = parseInput([
      provider,
      { urn: `${U}aws:sqs/queue:Queue::a`, provider: `${provider.urn}::id-1` },
      { urn: `${U}aws:sqs/queue:Queue::b`, provider: provider.urn },
    ]);
    expect(resources.map((r) => [r.type, r.name, r.provider ?? null])).toEqual([
      ["pulumi:providers:aws", "p", null],
      ["aws:sqs/queue:Queue", "a", provider.urn],
      ["aws:sqs/queue:Queue", "b", provider.urn],
    ]);
  });
});

describe("policy:check inputs: malformed documents name the position and the field", () => {
  const bad = (doc: unknown) => () => parseInput(doc);
  const step = (newState: object) => ({
    steps: [{ op: "create", urn: `${U}aws:sqs/queue:Queue::q`, newState }],
  });
  const q = { urn: `${U}aws:sqs/queue:Queue::q`, custom: true, type: "aws:sqs/queue:Queue" };

  it.each([
    ["a number", 42, "got number 42"],
    ["an unrecognized object", { foo: 1 }, "expected a JSON list of resources"],
    ["a list entry without type or URN", [{ name: "x" }], 'resource [0]: "type" is missing or not a string'],
    ["a list entry with a bad URN", [{ urn: "q" }], 'resource [0]: "urn" is not a URN'],
    [
      "a list entry's bad dependsOn",
      [{ type: "t", name: "n", dependsOn: "x" }],
      'resource [0] (t): "dependsOn" must be a list of URNs',
    ],
    ["a step without op", { steps: [{ urn: q.urn }] }, 'steps[0]: "op" is missing or not a string'],
    [
      "a create step without newState",
      { steps: [{ op: "create", urn: q.urn }] },
      'steps[0] (create urn:pulumi:dev::team-app::aws:sqs/queue:Queue::q): "newState" is missing',
    ],
    [
      "a newState whose inputs are a list",
      step({ ...q, inputs: [] }),
      'steps[0].newState: "inputs" must be an object, got a list',
    ],
    [
      "a newState with another URN",
      step({ ...q, urn: `${U}aws:sqs/queue:Queue::other` }),
      'steps[0].newState: "urn" ',
    ],
    [
      "a bad provider reference",
      step({ ...q, provider: "aws-default" }),
      'steps[0].newState: "provider" is not a provider reference',
    ],
    ["a stack export of version 1", { version: 1, deployment: {} }, '"version" 1 is not supported'],
    [
      "a stack export without deployment",
      { version: 3, deployment: null },
      '"deployment" must be an object, got null',
    ],
    [
      "an exported resource without urn",
      { version: 3, deployment: { resources: [{ type: "aws:sqs/queue:Queue" }] } },
      'deployment.resources[0]: "urn" is missing',
    ],
    [
      "bad propertyDependencies",
      { version: 3, deployment: { resources: [{ ...q, propertyDependencies: { kmsKeyId: ["nope"] } }] } },
      'deployment.resources[0]: "propertyDependencies.kmsKeyId[0]" must be a URN, got string "nope"',
    ],
  ])("%s", (_what, doc, message) => {
    expect(bad(doc)).toThrow(MalformedResourceError);
    expect(bad(doc)).toThrow(message);
  });
});
