/**
 * The bench's command line: `[--json] [--events N] [--rates R,R,...] [--seconds S] [--entities N]
 * [--timeout S]`, validated. A bad option is reported on one line naming the option, the value given
 * and what it accepts; `bench.ts` prints every such line and exits 2, without a stack trace.
 */
import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Print one JSON object instead of text. @defaultValue false */
  json: boolean;
  /** Distinct valid events produced to the raw topic (duplicates and malformed records come on top). @defaultValue 200000 */
  events: number;
  /**
   * The feature server's load curve: offered batched requests per second, one load step each, in
   * ascending order. @defaultValue [1000, 2000, 5000, 10000, 20000]
   */
  rates: number[];
  /** How long each feature-server load step runs, seconds. @defaultValue 5 */
  seconds: number;
  /** Entities the events and the feature reads spread over. @defaultValue 10000 */
  entities: number;
  /**
   * Deadline of each end-to-end and stage phase, seconds, from the moment its workers are up: a
   * phase that reaches it is marked timed out, the phases after it are skipped, and the bench exits 1.
   * @defaultValue 600
   */
  timeoutSeconds: number;
}

interface NumberOption {
  key: Exclude<keyof BenchOptions, "json" | "rates">;
  integer: boolean;
  min: number;
  max: number;
  default: number;
}

/** The numeric options by their flag, with their bounds. */
const NUMBERS: Record<string, NumberOption> = {
  events: { key: "events", integer: true, min: 100, max: 10_000_000, default: 200_000 },
  seconds: { key: "seconds", integer: false, min: 0.1, max: 3600, default: 5 },
  entities: { key: "entities", integer: true, min: 1, max: 1_000_000, default: 10_000 },
  timeout: { key: "timeoutSeconds", integer: false, min: 0.001, max: 86_400, default: 600 },
};

/** Bounds of `--rates`: each rate, and how many steps. */
const RATES = { min: 1, max: 1_000_000, most: 20, default: [1000, 2000, 5000, 10000, 20000] };

/** The flags in the order the usage and the errors list them. */
const FLAGS = ["json", "events", "rates", "seconds", "entities", "timeout"];

export const BENCH_USAGE =
  "usage: npm run -w runtime bench -- [--json] [--events N] [--rates R,R,...] [--seconds S] [--entities N] [--timeout S]";

/** Bad options, one line each (`SEAWALL_BENCH_USAGE`). */
export class BenchUsageError extends Error {
  readonly code = "SEAWALL_BENCH_USAGE";
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "BenchUsageError";
  }
}

const fmt = (n: number) => n.toLocaleString("en-US");

function accepts(o: NumberOption): string {
  return `${o.integer ? "an integer" : "a number"} from ${fmt(o.min)} to ${fmt(o.max)}`;
}

const ratesAccept = `up to ${RATES.most} distinct integers from ${fmt(RATES.min)} to ${fmt(RATES.max)}, comma-separated in ascending order (e.g. 1000,2000,5000)`;

/** The rates of `--rates`, or undefined when the value is not a valid list. */
function parseRates(text: string): number[] | undefined {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length > RATES.most || parts.some((p) => p === "")) return undefined;
  const rates = parts.map(Number);
  const ok = rates.every(
    (r, i) => Number.isSafeInteger(r) && r >= RATES.min && r <= RATES.max && (i === 0 || r > rates[i - 1]),
  );
  return ok ? rates : undefined;
}

/** Parses and validates the bench's arguments; throws a {@link BenchUsageError} listing every bad one. */
export function parseBenchArgs(argv: string[]): BenchOptions {
  // Not strict: node's strict mode rejects `--events -5` as "ambiguous" without saying what is
  // allowed. The tokens are checked here instead, one message per problem.
  const { tokens } = parseArgs({
    args: argv,
    strict: false,
    tokens: true,
    options: {
      json: { type: "boolean" },
      rates: { type: "string" },
      ...Object.fromEntries(Object.keys(NUMBERS).map((k) => [k, { type: "string" as const }])),
    },
  });
  const problems: string[] = [];
  const out: BenchOptions = {
    json: false,
    rates: [...RATES.default],
    ...(Object.fromEntries(Object.values(NUMBERS).map((o) => [o.key, o.default])) as Omit<
      BenchOptions,
      "json" | "rates"
    >),
  };
  const known = FLAGS.map((k) => `--${k}`).join(", ");
  for (const t of tokens) {
    if (t.kind === "positional") {
      problems.push(`${t.value}: unexpected argument; the options are ${known}`);
    } else if (t.kind === "option") {
      if (t.name === "json") {
        if (t.value !== undefined) problems.push(`${t.rawName}=${t.value}: --json takes no value`);
        else out.json = true;
        continue;
      }
      if (t.name === "rates") {
        if (t.value === undefined) {
          problems.push(`--rates: needs a value, ${ratesAccept}`);
          continue;
        }
        const rates = parseRates(t.value);
        if (!rates) problems.push(`--rates ${t.value}: use ${ratesAccept}`);
        else out.rates = rates;
        continue;
      }
      const o = NUMBERS[t.name];
      if (!o) {
        problems.push(`${t.rawName}: unknown option; the options are ${known}`);
        continue;
      }
      if (t.value === undefined) {
        problems.push(`--${t.name}: needs a value, ${accepts(o)}`);
        continue;
      }
      const v = t.value.trim() === "" ? NaN : Number(t.value);
      if (!Number.isFinite(v) || (o.integer && !Number.isSafeInteger(v)) || v < o.min || v > o.max) {
        problems.push(`--${t.name} ${t.value}: use ${accepts(o)}`);
        continue;
      }
      out[o.key] = v;
    }
  }
  if (problems.length) throw new BenchUsageError(problems);
  return out;
}
