/**
 * `compact --date YYYY-MM-DD [--topic T] [--min-objects N] [--target-bytes N] [--dry-run]`: merges
 * one date's small lake objects per topic and partition into larger ones and removes repeated event
 * ids (`lake/compaction.ts` says how it stays exactly once). Reads only the LAKE_* variables. Prints
 * one JSON line: objects read, written and deleted, records, duplicates removed, bytes before and after.
 */
import { setCrashAt, setCrashRate } from "../chaos";
import { compactLake, type CompactionReport } from "../lake/compaction";
import { parseLakeEnv } from "../lake/env";
import { callPolicy } from "../resilience";
import { createObjectStore } from "../store";
import { EXIT, UsageError, type MaintenanceCommand, type RawArgs } from "./command";

/** The checked flags of `compact`. */
export interface CompactArgs {
  date: string;
  topic?: string;
  /** @defaultValue 2 */
  minObjects: number;
  /** @defaultValue 134217728 (128 MiB) */
  targetBytes: number;
  /** @defaultValue false */
  dryRun: boolean;
}

const NAME = "compact";

function positiveInt(values: RawArgs, flag: string, fallback: number, example: string): number {
  const v = values[flag];
  if (v === undefined) return fallback;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(
      `${NAME}: --${flag}: got ${JSON.stringify(v)}; give a whole number of at least 1, e.g. --${flag} ${example}`,
    );
  }
  return n;
}

function parse(values: RawArgs): CompactArgs {
  const date = values.date;
  if (typeof date !== "string") {
    throw new UsageError(
      `${NAME}: --date: missing; give the UTC event date to compact, e.g. --date 2026-01-31`,
    );
  }
  if (
    !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
    new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date
  ) {
    throw new UsageError(
      `${NAME}: --date: got ${JSON.stringify(date)}; give a UTC date as YYYY-MM-DD, e.g. --date 2026-01-31`,
    );
  }
  const topic = values.topic;
  if (
    topic !== undefined &&
    (typeof topic !== "string" || !/^[A-Za-z0-9._-]{1,249}$/.test(topic) || /^\.\.?$/.test(topic))
  ) {
    throw new UsageError(
      `${NAME}: --topic: got ${JSON.stringify(topic)}; give a Kafka topic name (letters, digits, ".", "_", "-"), e.g. --topic events.unique`,
    );
  }
  return {
    date,
    ...(typeof topic === "string" ? { topic } : {}),
    minObjects: positiveInt(values, "min-objects", 2, "10"),
    targetBytes: positiveInt(values, "target-bytes", 128 * 1024 * 1024, "134217728"),
    dryRun: values["dry-run"] === true,
  };
}

export const compactCommand: MaintenanceCommand<CompactArgs> = {
  name: NAME,
  summary: "merge a date's small lake objects per topic and partition, keeping one record per eventId",
  options: {
    date: { type: "string" },
    topic: { type: "string" },
    "min-objects": { type: "string" },
    "target-bytes": { type: "string" },
    "dry-run": { type: "boolean" },
  },
  parse,
  async run(args, env) {
    const cfg = parseLakeEnv(env);
    setCrashRate(cfg.CHAOS_CRASH_RATE);
    setCrashAt(env.CHAOS_CRASH_AT);
    const store = await createObjectStore(cfg, env);
    // Reads and writes of whole objects up to --target-bytes: at least a minute per attempt.
    const policy = callPolicy({
      dependency: "object-store",
      timeoutMs: Math.max(cfg.CALL_TIMEOUT_MS, 60_000),
    });
    try {
      const report: CompactionReport = await compactLake(store, {
        prefix: cfg.LAKE_PREFIX,
        date: args.date,
        topic: args.topic,
        minObjects: args.minObjects,
        targetBytes: args.targetBytes,
        dryRun: args.dryRun,
        call: <T>(fn: () => Promise<T>) => policy.execute(() => fn()),
      });
      process.stdout.write(`${JSON.stringify({ command: NAME, ...report })}\n`);
      return EXIT.ok;
    } finally {
      (store as { destroy?: () => void }).destroy?.();
    }
  },
};

export default compactCommand;
