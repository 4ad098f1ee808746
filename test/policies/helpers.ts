import { PolicyPackConfig } from "@pulumi/policy";
import { evaluatePolicies, Evaluation, ResourceDescriptor } from "../../policies/lib/evaluate";
import { SeawallPolicy } from "../../policies/lib/rule";
import { UNKNOWN_VALUES } from "../../policies/lib/sdk";

/** The engine's sentinels for values unknown during a preview. */
export const unknown = UNKNOWN_VALUES;

export type Outcome = "violation" | "compliant" | "notApplicable" | "skipped";

export interface RuleCase {
  /** Says the behaviour: "fails if versioning is suspended". */
  name: string;
  type?: string;
  props: Record<string, unknown>;
  /** Substring each expected violation message contains (for violations). */
  message?: string;
  config?: Record<string, unknown>;
}

/** Runs one policy over resources with its config (enforcement forced to mandatory). */
export function runPolicy(
  policy: SeawallPolicy,
  resources: ResourceDescriptor[],
  config: Record<string, unknown> = {},
): Promise<Evaluation> {
  const packConfig: PolicyPackConfig = { [policy.name]: { enforcementLevel: "mandatory", ...config } };
  return evaluatePolicies([policy], resources, packConfig);
}

export async function outcomeOf(
  policy: SeawallPolicy,
  c: RuleCase,
  defaultType: string,
): Promise<{ outcome: Outcome; messages: string[] }> {
  const result = await runPolicy(
    policy,
    [{ type: c.type ?? defaultType, name: "subject", props: c.props }],
    c.config,
  );
  const messages = result.violations.map((v) => v.message);
  if (messages.length > 0) return { outcome: "violation", messages };
  if (result.skipped.length > 0) return { outcome: "skipped", messages };
  // Not applicable: the rule declined the resource, or (a type it does not declare) was never called on it.
  if (result.notApplicable.length > 0 || result.summary.checks === 0)
    return { outcome: "notApplicable", messages };
  return { outcome: "compliant", messages };
}

export interface RuleTable {
  type: string;
  compliant: RuleCase[];
  violating: RuleCase[];
  notApplicable?: RuleCase[];
  /** Cases whose props hold unknowns: the check must be skipped, never a violation. */
  unknown?: RuleCase[];
}

/** The cdk-nag pattern: per rule, compliant, several non-compliant, not-applicable and unknown cases. */
export function describeRule(make: () => SeawallPolicy, table: RuleTable): void {
  const policy = make();
  describe(policy.name, () => {
    for (const c of table.compliant) {
      it(c.name, async () => {
        expect(await outcomeOf(policy, c, table.type)).toEqual({ outcome: "compliant", messages: [] });
      });
    }
    for (const c of table.violating) {
      it(c.name, async () => {
        const { outcome, messages } = await outcomeOf(policy, c, table.type);
        expect(outcome).toBe("violation");
        if (c.message) expect(messages.join("\n")).toContain(c.message);
      });
    }
    for (const c of table.notApplicable ?? []) {
      it(c.name, async () => {
        expect(await outcomeOf(policy, c, table.type)).toEqual({ outcome: "notApplicable", messages: [] });
      });
    }
    for (const c of table.unknown ?? []) {
      it(c.name, async () => {
        expect(await outcomeOf(policy, c, table.type)).toEqual({ outcome: "skipped", messages: [] });
      });
    }
    it("is tested with a compliant case, several non-compliant cases and an unknown value", () => {
      expect(table.compliant.length).toBeGreaterThanOrEqual(1);
      expect(table.violating.length).toBeGreaterThanOrEqual(2);
      expect(table.unknown?.length ?? 0).toBeGreaterThanOrEqual(1);
    });
    it("is not applicable to unrelated resource types", async () => {
      const r = await outcomeOf(policy, { name: "other", props: {} }, "random:index/randomId:RandomId");
      expect(r.outcome).toBe(policy.kind === "stack" ? "compliant" : "notApplicable");
    });
  });
}
