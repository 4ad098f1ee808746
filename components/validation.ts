/**
 * Argument validation shared by every component: collect every problem, throw once. Each problem
 * carries a stable code (see `problemCodes.ts`) and names the field, the bad value, what is allowed
 * and how to fix it.
 */
import type { ProblemCode } from "./problemCodes";

export type { ProblemCode } from "./problemCodes";
export { PROBLEM_CODES } from "./problemCodes";

export interface Problem {
  /**
   * What kind of problem this is: a stable identifier, part of the API (see `PROBLEM_CODES`).
   * Programs and tests match on it; the wording of `fix` may change between releases.
   */
  code: ProblemCode;
  /** Dotted path of the argument, e.g. `lifecycle.archiveAfterDays`. */
  field: string;
  value: unknown;
  /** What is allowed, and how to fix it. */
  fix: string;
}

/** One problem as a line of text: `field = value: fix [CODE]`. */
export function formatProblem(p: Problem): string {
  return `${p.field} = ${formatValue(p.value)}: ${p.fix} [${p.code}]`;
}

export class SeawallValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: Problem[],
  ) {
    super(
      `${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "SeawallValidationError";
  }
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Collects problems; `throwIfAny` throws one {@link SeawallValidationError} listing them all. */
export class Problems {
  readonly list: Problem[] = [];

  add(code: ProblemCode, field: string, value: unknown, fix: string): void {
    this.list.push({ code, field, value, fix });
  }

  /** Adds a problem unless `value` is unset or a whole number within [min, max]. */
  wholeNumber(code: ProblemCode, field: string, value: unknown, min: number, max: number, fix = ""): void {
    if (value === undefined || !isKnown(value)) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.add(code, field, value, `must be a whole number from ${min} to ${max}${fix ? `; ${fix}` : ""}`);
    }
  }

  throwIfAny(subject: string): void {
    if (this.list.length > 0) throw new SeawallValidationError(subject, this.list);
  }
}

/**
 * Runs `check` (a component's `validate*Args`) and returns the problems it throws, each field
 * named under `prefix` (`lifecycle.archiveAfterDays` becomes `objectStore.lifecycle.archiveAfterDays`),
 * so a composite reports its parts' problems as its own fields. Any other error is rethrown.
 */
export function problemsUnder(prefix: string, check: () => void): Problem[] {
  try {
    check();
    return [];
  } catch (error) {
    if (!(error instanceof SeawallValidationError)) throw error;
    return error.problems.map((p) => ({ ...p, field: `${prefix}.${p.field}` }));
  }
}

/** The forms of a {@link Helper} option (`contracts.ts`): bring your own, create one, or do without. */
export type HelperForm = "existing" | "args" | "skip";

const HELPER_FORMS: readonly HelperForm[] = ["existing", "args", "skip"];

const FORM_TEXT: Record<HelperForm, string> = {
  existing: "{ existing: ... } (bring your own)",
  args: "{ args: {...} } (create one)",
  skip: "{ skip: true } (do without)",
};

/**
 * The one check of an `{ existing } | { args } | { skip: true }` option: returns the form `value`
 * takes, or `undefined` when it is unset (the caller's default applies) or malformed. A malformed
 * option (not an object; none, or more than one, of the three keys; `skip` other than `true`; a key
 * the option does not know) and a form the field does not accept each add a problem naming the
 * field, the keys given and the accepted forms. Values unknown before deployment pass.
 *
 * @param allowed the forms this field accepts, in the order the message lists them
 * @param options.extraKeys keys an option may carry beside its form (e.g. `prefix`)
 * @param options.why why a form the field does not accept is refused (replaces "skip is not accepted here")
 */
export function helperChoice<F extends HelperForm>(
  problems: Problems,
  field: string,
  value: unknown,
  allowed: readonly F[],
  options: { extraKeys?: readonly string[]; why?: string } = {},
): F | undefined {
  if (value === undefined || !isKnown(value)) return undefined;
  const accepted = `give exactly one of ${allowed.map((f) => FORM_TEXT[f]).join(", ")}`;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    problems.add("SEAWALL_HELPER_SHAPE", field, value, `must be an object; ${accepted}`);
    return undefined;
  }
  const keys = Object.keys(value);
  const forms = HELPER_FORMS.filter((f) => keys.includes(f));
  const unknown = keys.filter(
    (k) => !(HELPER_FORMS as readonly string[]).includes(k) && !(options.extraKeys ?? []).includes(k),
  );
  // The keys given, as `{ existing, args }`; skip with its value, since only `skip: true` is a form.
  const record = value as Record<string, unknown>;
  const shown =
    keys.length === 0
      ? "{}"
      : `{ ${keys.map((k) => (k === "skip" ? `skip: ${formatValue(record.skip)}` : k)).join(", ")} }`;
  if (forms.length !== 1 || unknown.length > 0) {
    const what =
      forms.length === 0
        ? "has none of existing, args, skip"
        : forms.length > 1
          ? `has ${forms.join(" and ")} at once`
          : `has unknown key${unknown.length === 1 ? "" : "s"} ${unknown.join(", ")}`;
    problems.add("SEAWALL_HELPER_SHAPE", field, shown, `${what}; ${accepted}`);
    return undefined;
  }
  const form = forms[0];
  const inner = record[form];
  if (form === "skip" && inner !== true) {
    problems.add("SEAWALL_HELPER_SHAPE", field, value, `skip must be true; ${accepted}`);
    return undefined;
  }
  if (form !== "skip" && (inner === null || typeof inner !== "object" || Array.isArray(inner))) {
    problems.add("SEAWALL_HELPER_SHAPE", `${field}.${form}`, inner, `must be an object; ${accepted}`);
    return undefined;
  }
  if (!(allowed as readonly HelperForm[]).includes(form)) {
    problems.add(
      "SEAWALL_HELPER_FORM_UNSUPPORTED",
      field,
      shown,
      `${options.why ?? `${form} is not accepted here`}; ${accepted}`,
    );
    return undefined;
  }
  return form as F;
}

/**
 * True when a value is known at synthesis time (a plain value, not a Pulumi Output or Promise).
 * Values unknown until deploy are not guessed at: they are checked by the provider instead.
 */
export function isKnown(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return true;
  const v = value as Record<string, unknown>;
  return !("__pulumiOutput" in v) && typeof v.then !== "function";
}
