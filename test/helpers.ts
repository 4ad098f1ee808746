import { RecordedResource, synthesize, SynthResult } from "../scripts/synth/harness";
import { SeawallValidationError } from "../components/validation";

/** Test helpers over a synthesis result: find resources by type and name, with clear failures. */
export class Plan {
  constructor(readonly result: SynthResult) {}

  get resources(): RecordedResource[] {
    return this.result.resources;
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  /** The one resource with this type and name; fails listing what there is otherwise. */
  one(type: string, name: string): RecordedResource {
    const found = this.resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
      const names = this.ofType(type).map((r) => r.name);
      throw new Error(
        `expected one ${type} named ${name}, found ${found.length}; names of that type: ${names.join(", ")}`,
      );
    }
    return found[0];
  }

  byUrn(urn: string): RecordedResource {
    const r = this.resources.find((x) => x.urn === urn);
    if (!r) throw new Error(`no resource with URN ${urn}`);
    return r;
  }

  names(type: string): string[] {
    return this.ofType(type)
      .map((r) => r.name)
      .sort();
  }

  /** Count of resources per type. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.resources) out[r.type] = (out[r.type] ?? 0) + 1;
    return out;
  }

  output(key: string): unknown {
    return this.result.outputs[key]?.value;
  }
}

export async function plan(program: () => unknown, config: Record<string, string> = {}): Promise<Plan> {
  return new Plan(await synthesize(program, { config: { "aws:region": "us-east-1", ...config } }));
}

/** Parses a JSON policy document input. */
export function policyOf(r: RecordedResource, key = "policy"): { Statement: Record<string, unknown>[] } {
  return JSON.parse(r.inputs[key] as string);
}

/**
 * The `{ code, field, value }` of each problem `validate` throws in a SeawallValidationError; fails
 * on any other error (a TypeError from a malformed argument is a defect) and on no error at all.
 */
export function problemsThrownBy(validate: () => void): { code: string; field: string; value: unknown }[] {
  try {
    validate();
  } catch (error) {
    if (!(error instanceof SeawallValidationError)) throw error;
    return error.problems.map(({ code, field, value }) => ({ code, field, value }));
  }
  throw new Error("expected a SeawallValidationError, but the arguments passed validation");
}

/** The fix text of a malformed `{ existing | args | skip }` option that accepts `forms`. */
export const acceptedForms = (forms: ("existing" | "args" | "skip")[]): string =>
  "give exactly one of " +
  forms
    .map(
      (f) =>
        ({
          existing: "{ existing: ... } (bring your own)",
          args: "{ args: {...} } (create one)",
          skip: "{ skip: true } (do without)",
        })[f],
    )
    .join(", ");
