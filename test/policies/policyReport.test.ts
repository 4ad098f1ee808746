import Ajv from "ajv";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Evaluation, Verdict } from "../../policies/lib/evaluate";
import { loadPackConfig } from "../../policies/lib/packConfig";
import { buildReport, renderJson, renderSarif, renderText, Report } from "../../policies/lib/report";
import { allPolicies } from "../../policies/policies";

const policies = allPolicies();
const U = "urn:pulumi:dev::team-app::";
const logsUrn = `${U}aws:cloudwatch/logGroup:LogGroup::app-logs`;
const topicUrn = `${U}aws:sns/topic:Topic::alerts`;
const cacheUrn = `${U}aws:elasticache/replicationGroup:ReplicationGroup::rg`;
const remediation = (rule: string) => policies.find((p) => p.name === rule)!.remediationSteps;

/** Verdicts as the evaluator gives them, with the rule's path and value; `fix` filled in from the rule when absent. */
type Rich = Omit<Verdict, "fix" | "path" | "value"> & { path?: string; value?: unknown; fix?: string };
const verdicts: Rich[] = [
  {
    rule: "logGroupRetention",
    resource: "app-logs",
    urn: logsUrn,
    type: "aws:cloudwatch/logGroup:LogGroup",
    level: "mandatory",
    message: "retentionInDays is 7; at least 30 required",
    path: "retentionInDays",
    value: 7,
  },
  {
    rule: "snsTopicEncrypted",
    resource: "alerts",
    urn: topicUrn,
    type: "aws:sns/topic:Topic",
    level: "mandatory",
    message: "kmsMasterKeyId is not set",
    path: "kmsMasterKeyId",
    value: undefined,
  },
  {
    rule: "elasticacheMultiAz",
    resource: "rg",
    urn: cacheUrn,
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    level: "advisory",
    message: "multiAzEnabled is not true",
  },
];
const skipped = [
  {
    rule: "snsTopicEncrypted",
    urn: `${U}aws:sns/topic:Topic::audit`,
    reason: "string value at .kmsMasterKeyId can't be known during preview",
  },
];
const evaluation = { violations: verdicts, skipped, notApplicable: [] } as unknown as Evaluation;
const report = (): Report =>
  buildReport(evaluation, { resources: 4, config: "team", policies, warnings: [] });

describe("policy:check --json report", () => {
  it("gives the summary, every violation with URN, path, value and fix, and the skipped checks", () => {
    expect(JSON.parse(renderJson(report()))).toEqual({
      summary: { resources: 4, violations: 3, mandatory: 2, advisory: 1, skipped: 1, config: "team" },
      violations: [
        {
          rule: "logGroupRetention",
          level: "mandatory",
          urn: logsUrn,
          resource: "app-logs",
          type: "aws:cloudwatch/logGroup:LogGroup",
          message: "retentionInDays is 7; at least 30 required",
          path: "retentionInDays",
          value: 7,
          fix: remediation("logGroupRetention"),
        },
        {
          rule: "snsTopicEncrypted",
          level: "mandatory",
          urn: topicUrn,
          resource: "alerts",
          type: "aws:sns/topic:Topic",
          message: "kmsMasterKeyId is not set",
          path: "kmsMasterKeyId",
          fix: remediation("snsTopicEncrypted"),
        },
        {
          rule: "elasticacheMultiAz",
          level: "advisory",
          urn: cacheUrn,
          resource: "rg",
          type: "aws:elasticache/replicationGroup:ReplicationGroup",
          message: "multiAzEnabled is not true",
          path: null,
          fix: remediation("elasticacheMultiAz"),
        },
      ],
      skipped: [
        {
          rule: "snsTopicEncrypted",
          urn: `${U}aws:sns/topic:Topic::audit`,
          reason: "string value at .kmsMasterKeyId can't be known during preview",
        },
      ],
      warnings: [],
    });
    expect(remediation("logGroupRetention")).not.toBe("");
  });

  it("prefers the evaluator's fix and keeps an observed object value", () => {
    const withFix = buildReport(
      {
        ...evaluation,
        violations: [{ ...verdicts[0], value: { days: [7] }, fix: "Keep logs 30 days." } as Verdict],
      },
      { resources: 1, config: "x.json", policies },
    );
    expect([withFix.violations[0].fix, withFix.violations[0].value]).toEqual([
      "Keep logs 30 days.",
      { days: [7] },
    ]);
  });
});

describe("policy:check text report", () => {
  it("prints each violation with where, URN and fix, the warnings and the summary", () => {
    const text = renderText({ ...report(), warnings: ["the preview leaves out 2 unchanged resource(s)"] });
    expect(text).toBe(
      [
        "MANDATORY logGroupRetention  aws:cloudwatch/logGroup:LogGroup app-logs",
        "          retentionInDays is 7; at least 30 required",
        "          at:  retentionInDays = 7",
        `          urn: ${logsUrn}`,
        `          fix: ${remediation("logGroupRetention")}`,
        "MANDATORY snsTopicEncrypted  aws:sns/topic:Topic alerts",
        "          kmsMasterKeyId is not set",
        "          at:  kmsMasterKeyId (unset)",
        `          urn: ${topicUrn}`,
        `          fix: ${remediation("snsTopicEncrypted")}`,
        "ADVISORY  elasticacheMultiAz  aws:elasticache/replicationGroup:ReplicationGroup rg",
        "          multiAzEnabled is not true",
        `          urn: ${cacheUrn}`,
        `          fix: ${remediation("elasticacheMultiAz")}`,
        "warning: the preview leaves out 2 unchanged resource(s)",
        "",
        "Policy check (team config): 4 resources, 3 violation(s): 2 mandatory, 1 advisory; 1 check(s) skipped on values unknown until deploy or secret",
        "",
      ].join("\n"),
    );
  });
});

describe("policy:check --format sarif", () => {
  // The official schema is draft-04; its only draft-04 keyword is the top-level `id` (the other "id"s
  // are property names, and it has no boolean exclusiveMinimum), so ajv's draft-07 reads it once
  // that is `$id`. Formats (uri, date-time) are not checked: ajv-formats is not installed.
  const {
    $schema: _draft04,
    id,
    ...rest
  } = JSON.parse(
    readFileSync(path.resolve(__dirname, "..", "fixtures", "sarif", "sarif-schema-2.1.0.json"), "utf8"),
  );
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile({ $id: id, ...rest });
  const config = loadPackConfig("team", policies);
  const sources = new Map([[logsUrn, { file: "index.ts", line: 20, column: 18 }]]);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const sarif = (options: Partial<Parameters<typeof renderSarif>[1]> = {}): any =>
    renderSarif(report(), { policies, config, version: "0.1.0", ...options });

  it("is valid against the official SARIF 2.1.0 schema, with and without physical locations", () => {
    for (const log of [sarif(), sarif({ sources, root: "infra/app", programFile: "infra/app/index.ts" })]) {
      const valid = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    }
  });

  it("the schema check can fail: a result without a message is rejected", () => {
    const log = sarif();
    delete log.runs[0].results[0].message;
    expect(validate(log)).toBe(false);
  });

  it("lists the pack's rules with the remediation as help and the config's level as default", () => {
    const rules = sarif().runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(policies.map((p) => p.name));
    const multiAz = rules.find((r: { id: string }) => r.id === "elasticacheMultiAz");
    expect([multiAz.help.text, multiAz.defaultConfiguration]).toEqual([
      remediation("elasticacheMultiAz"),
      { level: "warning", enabled: true },
    ]);
    expect(rules.find((r: { id: string }) => r.id === "snsTopicEncrypted").defaultConfiguration.level).toBe(
      "error",
    );
  });

  it("gives each violation a level, a message with the fix, logical locations and a physical one where known", () => {
    const results = sarif({ sources, root: "infra/app", programFile: "infra/app/index.ts" }).runs[0].results;
    expect(results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level])).toEqual([
      ["logGroupRetention", "error"],
      ["snsTopicEncrypted", "error"],
      ["elasticacheMultiAz", "warning"],
    ]);
    expect(results[0].message.text).toBe(
      `aws:cloudwatch/logGroup:LogGroup app-logs: retentionInDays is 7; at least 30 required (retentionInDays = 7). Fix: ${remediation("logGroupRetention")}`,
    );
    expect(results[0].locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: "infra/app/index.ts" },
          region: { startLine: 20, startColumn: 18 },
        },
        logicalLocations: [
          { name: "app-logs", fullyQualifiedName: logsUrn, kind: "resource" },
          { name: "retentionInDays", fullyQualifiedName: `${logsUrn}.retentionInDays`, kind: "property" },
        ],
      },
    ]);
    // No source position: the program file, line 1.
    expect(results[2].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "infra/app/index.ts" },
      region: { startLine: 1 },
    });
    expect(results[2].ruleIndex).toBe(policies.findIndex((p) => p.name === "elasticacheMultiAz"));
  });

  it("locates results only logically when no file is known", () => {
    const results = sarif().runs[0].results;
    expect(results[2].locations).toEqual([
      { logicalLocations: [{ name: "rg", fullyQualifiedName: cacheUrn, kind: "resource" }] },
    ]);
  });
});
