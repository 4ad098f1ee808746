/**
 * Enforcement levels under a `--policy-pack-config`, as the Pulumi CLI applies them. Read from:
 * - pulumi/pulumi `pkg/resource/analyzer/config.go`: `parsePolicyPackConfig` (a string or
 *   `{ enforcementLevel, ...properties }` per key), `ReconcilePolicyPackConfig` and `applyConfig`
 *   (`all`'s valid level replaces every policy's level first; a policy's own entry replaces it only
 *   with a valid level of its own; its properties go over the schema defaults; `all`'s properties
 *   reach no policy);
 * - @pulumi/policy 1.21.0 `server.js`, `makeAnalyzeRpcFun` / `makeAnalyzeStackRpcFun` (level =
 *   configured || policy's || pack's; `remediate` reported as `mandatory`), and pulumi/pulumi
 *   `pkg/resource/deploy/step_generator.go` (stack policies cannot remediate: `mandatory`).
 */
import { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import { enforcementLevelOf, policyProperties, reportedLevel } from "../../policies/lib/enforcement";
import { evaluatePolicies } from "../../policies/lib/evaluate";
import { resourceRule, SeawallPolicy, stackRule } from "../../policies/lib/rule";

const QUEUE = { type: "aws:sqs/queue:Queue", name: "q", props: {} };

/** A resource rule that always reports, with one config property that it echoes. */
const alwaysRule = (name: string, enforcementLevel: EnforcementLevel) =>
  resourceRule<{ limit: number }>({
    file: `/rules/${name}.ts`,
    clouds: ["aws"],
    resourceTypes: [QUEUE.type],
    summary: "s",
    description: "d",
    remediation: "r",
    enforcementLevel,
    config: { limit: { type: "integer", default: 7, description: "a limit" } },
    check: (_props, { config }) => `limit ${config.limit}`,
  });

const alwaysStackRule = () =>
  stackRule({
    file: "/rules/stackWide.ts",
    clouds: ["aws"],
    resourceTypes: [QUEUE.type],
    summary: "s",
    description: "d",
    remediation: "r",
    enforcementLevel: "advisory",
    check: (resources) => resources.map((r) => ({ urn: r.urn, message: "seen" })),
  });

/** The reported level of each rule that ran (mandatoryRule defaults to mandatory, advisoryRule to advisory). */
async function levels(config: PolicyPackConfig): Promise<Record<string, string>> {
  const policies: SeawallPolicy[] = [
    alwaysRule("mandatoryRule", "mandatory"),
    alwaysRule("advisoryRule", "advisory"),
    alwaysStackRule(),
  ];
  const { violations } = await evaluatePolicies(policies, [QUEUE], config);
  return Object.fromEntries(violations.map((v) => [v.rule, v.level]));
}

describe("enforcement levels as the Pulumi CLI applies --policy-pack-config", () => {
  it.each<[string, PolicyPackConfig, Record<string, string>]>([
    [
      "no config: each policy's own level",
      {},
      { mandatoryRule: "mandatory", advisoryRule: "advisory", stackWide: "advisory" },
    ],
    [
      "`all` as a string sets every policy",
      { all: "advisory" },
      { mandatoryRule: "advisory", advisoryRule: "advisory", stackWide: "advisory" },
    ],
    [
      "`all` as an object sets every policy",
      { all: { enforcementLevel: "mandatory" } },
      { mandatoryRule: "mandatory", advisoryRule: "mandatory", stackWide: "mandatory" },
    ],
    [
      "`all: disabled` with one policy turned back on",
      { all: "disabled", advisoryRule: "mandatory" },
      { advisoryRule: "mandatory" },
    ],
    [
      "a policy's own level beats `all`, in either form",
      { all: "mandatory", advisoryRule: { enforcementLevel: "advisory" }, stackWide: "advisory" },
      { mandatoryRule: "mandatory", advisoryRule: "advisory", stackWide: "advisory" },
    ],
    // applyConfig: an entry with properties only keeps the level `all` gave (not the policy's default).
    [
      "an entry of properties alone keeps `all`'s level",
      { all: "advisory", mandatoryRule: { limit: 3 } },
      { mandatoryRule: "advisory", advisoryRule: "advisory", stackWide: "advisory" },
    ],
    [
      "an entry of properties alone, no `all`: the policy's level",
      { advisoryRule: { limit: 3 } },
      { mandatoryRule: "mandatory", advisoryRule: "advisory", stackWide: "advisory" },
    ],
    [
      "`all` with properties and no level changes no level",
      { all: { limit: 1 } },
      { mandatoryRule: "mandatory", advisoryRule: "advisory", stackWide: "advisory" },
    ],
    // These policies have no remediation: a violation at remediate reports as mandatory, for stack policies too.
    [
      "`remediate` reports as mandatory",
      { advisoryRule: "remediate", stackWide: { enforcementLevel: "remediate" } },
      { mandatoryRule: "mandatory", advisoryRule: "mandatory", stackWide: "mandatory" },
    ],
    [
      "`all: remediate` reports every policy as mandatory",
      { all: "remediate" },
      { mandatoryRule: "mandatory", advisoryRule: "mandatory", stackWide: "mandatory" },
    ],
  ])("%s", async (_name, config, expected) => {
    expect(await levels(config)).toEqual(expected);
  });

  it("gives a policy with no level of its own the pack's level, `advisory` by default", () => {
    expect(enforcementLevelOf({ name: "p" }, {})).toBe("advisory");
    expect(enforcementLevelOf({ name: "p" }, {}, "mandatory")).toBe("mandatory");
    expect(enforcementLevelOf({ name: "p" }, { all: "disabled" })).toBe("disabled");
  });

  it("maps levels to what a violation reports", () => {
    expect([reportedLevel("advisory"), reportedLevel("mandatory"), reportedLevel("remediate")]).toEqual([
      "advisory",
      "mandatory",
      "mandatory",
    ]);
    expect(reportedLevel("disabled")).toBeUndefined();
  });

  it("passes a policy its own properties over the schema defaults; `all`'s properties reach no policy", async () => {
    const policy = alwaysRule("mandatoryRule", "mandatory");
    expect(policyProperties(policy, { all: { enforcementLevel: "advisory", limit: 1 } })).toEqual({
      limit: 7,
    });
    expect(policyProperties(policy, { mandatoryRule: { enforcementLevel: "advisory", limit: 3 } })).toEqual({
      limit: 3,
    });
    const { violations } = await evaluatePolicies([policy], [QUEUE], {
      all: { limit: 1 },
      mandatoryRule: "advisory",
    });
    expect(violations.map((v) => [v.level, v.message])).toEqual([["advisory", "limit 7"]]);
  });

  it("does not take a policy named like an Object method from the prototype", () => {
    expect(enforcementLevelOf({ name: "toString", enforcementLevel: "mandatory" }, {})).toBe("mandatory");
  });
});
