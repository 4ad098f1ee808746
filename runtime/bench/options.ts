/**
 * The bench's command line: `[--json] [--events N] [--rate R] [--seconds S] [--entities N]
 * [--timeout S]`, validated. A bad option is reported on one line naming the option, the value given
 * and what it accepts; `bench.ts` prints every such line and exits 2, without a stack trace.
 */
import { parseArgs } from "node:util";

export interface BenchOptions {
  /** Print one JSON object instead of text. @defaultValue false */
  json: boolean;
  /** Distinct valid events produced to the raw topic. @defaultValue 200000 */
  events: number;
  /** Feature-server load, batched requests per second. @defaultValue 20000 */
  rate: number;
  /** How long the feature-server load runs, seconds. @defaultValue 5 */
  seconds: number;
  /** Entities the events and the feature reads spread over. @defaultValue 10000 */
  entities: number;
  /** Deadline of the end-to-end phase, seconds: a run that reaches it is marked timed out. @defaultValue 600 */
  timeoutSeconds: number;
}

interface NumberOption {
  key: Exclude<keyof BenchOptions, "json">;
  integer: boolean;
  min: number;
  max: number;
  default: number;
}

/** The numeric options by their flag, with their bounds. */
const NUMBERS: Record<string, NumberOption> = {
  events: { key: "events", integer: true, min: 100, max: 10_000_000, default: 200_000 },
  rate: { key: "rate", integer: true, min: 1, max: 1_000_000, default: 20_000 },
  seconds: { key: "seconds", integer: false, min: 0.1, max: 3600, default: 5 },
  entities: { key: "entities", integer: true, min: 1, max: 1_000_000, default: 10_000 },
  timeout: { key: "timeoutSeconds", integer: false, min: 0.001, max: 86_400, default: 600 },
};

export const BENCH_USAGE =
  "usage: npm run -w runtime bench -- [--json] [--events N] [--rate R] [--seconds S] [--entities N] [--timeout S]";

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
      ...Object.fromEntries(Object.keys(NUMBERS).map((k) => [k, { type: "string" as const }])),
    },
  });
  const problems: string[] = [];
  const out: BenchOptions = {
    json: false,
    ...(Object.fromEntries(Object.values(NUMBERS).map((o) => [o.key, o.default])) as Omit<
      BenchOptions,
      "json"
    >),
  };
  const known = ["--json", ...Object.keys(NUMBERS).map((k) => `--${k}`)].join(", ");
  for (const t of tokens) {
    if (t.kind === "positional") {
      problems.push(`${t.value}: unexpected argument; the options are ${known}`);
    } else if (t.kind === "option") {
      if (t.name === "json") {
        if (t.value !== undefined) problems.push(`${t.rawName}=${t.value}: --json takes no value`);
        else out.json = true;
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
