/**
 * Argument validation shared by every component: collect every problem, throw once. Each problem
 * names the field, the bad value, what is allowed and how to fix it.
 */

export interface Problem {
  /** Dotted path of the argument, e.g. `lifecycle.archiveAfterDays`. */
  field: string;
  value: unknown;
  /** What is allowed, and how to fix it. */
  fix: string;
}

export class SeawallValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly problems: Problem[],
  ) {
    super(
      `${subject}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p.field} = ${formatValue(p.value)}: ${p.fix}`).join("\n"),
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

  add(field: string, value: unknown, fix: string): void {
    this.list.push({ field, value, fix });
  }

  /** Adds a problem unless `value` is unset or a whole number within [min, max]. */
  wholeNumber(field: string, value: unknown, min: number, max: number, fix = ""): void {
    if (value === undefined || !isKnown(value)) return;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.add(field, value, `must be a whole number from ${min} to ${max}${fix ? `; ${fix}` : ""}`);
    }
  }

  throwIfAny(subject: string): void {
    if (this.list.length > 0) throw new SeawallValidationError(subject, this.list);
  }
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
