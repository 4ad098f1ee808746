/**
 * The offline evaluator at scale: input nested deeper than the call stack, and work that grows
 * linearly with the number of resources (counted, not timed: `npm run bench:policy` times it).
 */
import { ResourceValidation, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { evaluatePolicies, ResourceDescriptor } from "../../policies/lib/evaluate";
import { matchesAny, resourceRule, SeawallPolicy } from "../../policies/lib/rule";
import { unwrapSecrets } from "../../policies/lib/unwrap";
import { allPolicies } from "../../policies/policies";
import { awsResources, replicate, spreadResources } from "../../scripts/benchPolicyResources";

const DEPTH = 100000;
const PACK_DEPTH = 20000;
const SDK_SECRET = "4dabf18193072939515e22adb298388d";

/** `{ next: { next: ... { next: leaf } } }`, `depth` levels, as JSON.parse builds it from a document (it does not overflow). */
function nested(depth: number, leaf: unknown): Record<string, unknown> {
  let value: unknown = leaf;
  for (let i = 0; i < depth; i++) value = { next: value };
  return value as Record<string, unknown>;
}

/** The leaf of a `nested` value, walked without recursion. */
function leafOf(value: unknown): unknown {
  let v = value;
  while (v && typeof v === "object" && "next" in v) v = (v as { next: unknown }).next;
  return v;
}

describe("deeply nested properties", () => {
  it("are parsed from JSON, then unwrapped without overflowing the stack, secrets revealed at any depth", () => {
    const secret = { [SDK_SECRET]: "1b47061264138c4ac30d75fd1eb44270", value: "token" };
    const document = `${'{"next":'.repeat(DEPTH)}${JSON.stringify(secret)}${"}".repeat(DEPTH)}`;
    const unwrapped = unwrapSecrets(JSON.parse(document));
    expect(leafOf(unwrapped)).toBe("token");
  });

  it("leave the input untouched and uncopied when there is nothing to unwrap", () => {
    const props = nested(DEPTH, "leaf");
    expect(unwrapSecrets(props)).toBe(props);
  });

  it("drop undefined properties and keep shared and cyclic references", () => {
    const shared = {
      a: 1,
      gone: undefined,
      s: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: 2 },
    };
    const cyclic: Record<string, unknown> = { shared, again: shared };
    cyclic.self = cyclic;
    const out = unwrapSecrets(cyclic) as Record<string, Record<string, unknown>>;
    expect(out.shared).toEqual({ a: 1, s: 2 });
    expect(Object.keys(out.shared)).toEqual(["a", "s"]);
    expect(out.again).toBe(out.shared);
    expect(out.self).toBe(out);
  });

  it("are checked by every rule of the pack, with the verdicts of the same resource without them", async () => {
    // Every resource gets its own deep values; 20,000 levels is far past where a recursive walk
    // overflows on Node's default stack, and keeps the test to a second or two.
    const deep = () => ({
      annotations: nested(PACK_DEPTH, { [SDK_SECRET]: "1b47061264138c4ac30d75fd1eb44270", value: "y" }),
    });
    const shallow: ResourceDescriptor[] = [...awsResources(), ...spreadResources()];
    const withDeep = shallow.map((r) => ({ ...r, props: { ...r.props, ...deep() } }));
    const strip = (vs: { rule: string; urn: string; message: string }[]) =>
      vs.map((v) => `${v.rule} ${v.urn} ${v.message}`);
    const expected = await evaluatePolicies(allPolicies(), shallow);
    const actual = await evaluatePolicies(allPolicies(), withDeep);
    expect(strip(actual.violations)).toEqual(strip(expected.violations));
    expect(actual.violations.length).toBeGreaterThan(10);
  });

  it("reach a rule that reads them, through the unknown-checking proxy", async () => {
    const reader = resourceRule({
      file: "/rules/deepReader.ts",
      clouds: ["aws"],
      resourceTypes: ["aws:sqs/queue:Queue"],
      summary: "s",
      description: "d",
      remediation: "r",
      enforcementLevel: "mandatory",
      check: (props) => `top has ${Object.keys(props.policy.next).join(",")}`,
    });
    const { violations } = await evaluatePolicies(
      [reader],
      [{ type: "aws:sqs/queue:Queue", name: "q", props: { policy: nested(DEPTH, 1) } }],
    );
    expect(violations.map((v) => v.message)).toEqual(["top has next"]);
  });
});

/** Every policy, its invocations counted (`findings` and the SDK's validate functions). */
function counting(policies: SeawallPolicy[]): { policies: SeawallPolicy[]; calls: () => number } {
  let calls = 0;
  const counted = policies.map((p): SeawallPolicy => {
    if (p.kind === "resource") {
      const validate = p.validateResource as ResourceValidation;
      return {
        ...p,
        findings: (args: ResourceValidationArgs) => (calls++, p.findings(args)),
        validateResource: (args, report) => (calls++, validate(args, report)),
      };
    }
    return {
      ...p,
      findings: (args: StackValidationArgs) => (calls++, p.findings(args)),
      validateStack: (args, report) => (calls++, p.validateStack(args, report)),
    };
  });
  return { policies: counted, calls: () => calls };
}

/** Resources whose top-level property reads are counted (rules read through these). */
function countingReads(resources: ResourceDescriptor[]): {
  resources: ResourceDescriptor[];
  reads: () => number;
} {
  let reads = 0;
  const wrapped = resources.map((r) => ({
    ...r,
    props: new Proxy(r.props ?? {}, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    }),
  }));
  return { resources: wrapped, reads: () => reads };
}

describe("the evaluator's work", () => {
  const base = [...awsResources(), ...spreadResources()];

  async function work(n: number, policies: SeawallPolicy[]) {
    const c = counting(policies);
    const r = countingReads(replicate(base, n));
    const result = await evaluatePolicies(c.policies, r.resources);
    return { calls: c.calls(), reads: r.reads(), result };
  }

  it("calls each rule only on resources of the types it declares, resolving each type once", async () => {
    const policies = allPolicies();
    const { calls, result } = await work(2000, policies);
    const resources = replicate(base, 2000);
    const applicable = resources.reduce(
      (sum, r) =>
        sum + policies.filter((p) => p.kind === "resource" && matchesAny(p.resourceTypes, r.type)).length,
      0,
    );
    const stackRules = policies.filter((p) => p.kind === "stack").length;
    expect(calls).toBe(applicable + stackRules);
    expect(result.summary.checks).toBe(applicable + stackRules);
    expect(result.summary.resourceTypes).toBe(new Set(base.map((r) => r.type)).size);
  });

  it("grows linearly: 4x the resources, 4x the rule invocations and property reads", async () => {
    const policies = allPolicies();
    const small = await work(base.length * 16, policies);
    const large = await work(base.length * 64, policies);
    // Each stack rule runs once, whatever the count.
    const stackRules = policies.filter((p) => p.kind === "stack").length;
    expect(large.calls - stackRules).toBe(4 * (small.calls - stackRules));
    expect(large.reads).toBe(4 * small.reads);
    expect(large.result.notApplicable.length).toBe(4 * small.result.notApplicable.length);
    expect(large.result.violations.length).toBe(4 * small.result.violations.length);
  });
});
