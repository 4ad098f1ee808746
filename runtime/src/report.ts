/**
 * Reads a worker's metrics back out of its registry for the local run's report and the bench, and
 * checks the local run's report against the generator's own counts and the lake read back.
 */
import type { Counter, Gauge } from "prom-client";

/** A counter's value, summed over its labels. */
export async function total(counter: Counter<string>): Promise<number> {
  const m = await counter.get();
  return m.values.reduce((s, v) => s + v.value, 0);
}

/** A gauge's current value (the largest over its labels), or undefined before it was ever set. */
export async function gaugeValue(gauge: Gauge<string>): Promise<number | undefined> {
  const m = await gauge.get();
  return m.values.length ? Math.max(...m.values.map((v) => v.value)) : undefined;
}

/** The figures of a local run: the generator's own counts, the workers' metrics, the lake read back. */
export interface RunFigures {
  /** Counted by the generator as it generated the records (`SampleCounts`). */
  sent: { records: number; malformed: number; distinctValid: number };
  /** The workers' counters: ingest's in, out and dead-lettered; dedup's and the sink's duplicates; the sink's out. */
  metrics: { in: number; valid: number; deadLettered: number; duplicates: number; lake: number };
  /** Lines in the lake's objects, decoded, and their distinct event ids. */
  lake: { lines: number; distinctIds: number };
}

/**
 * Every way a run's report fails to add up, one line each; empty when it is consistent. The lake
 * must hold each distinct valid event sent exactly once, ingest must have dead-lettered exactly the
 * malformed records sent and seen every record, and the metrics must agree among themselves.
 */
export function checkRun(f: RunFigures): string[] {
  const problems: string[] = [];
  const { sent, metrics: m, lake } = f;
  if (m.in !== sent.records) problems.push(`events in ${fmt(m.in)} != records sent ${fmt(sent.records)}`);
  if (lake.lines !== sent.distinctValid) {
    const diff = lake.lines - sent.distinctValid;
    problems.push(
      `lake lines ${fmt(lake.lines)} != distinct valid events sent ${fmt(sent.distinctValid)} (${fmt(Math.abs(diff))} ${diff < 0 ? "lost" : "extra"})`,
    );
  }
  if (lake.distinctIds !== lake.lines) {
    problems.push(
      `lake ids: ${fmt(lake.lines - lake.distinctIds)} duplicated (${fmt(lake.lines)} lines, ${fmt(lake.distinctIds)} distinct ids)`,
    );
  }
  if (m.deadLettered !== sent.malformed)
    problems.push(`dead-lettered ${fmt(m.deadLettered)} != malformed records sent ${fmt(sent.malformed)}`);
  if (m.valid + m.deadLettered !== m.in)
    problems.push(`valid ${fmt(m.valid)} + dead-lettered ${fmt(m.deadLettered)} != events in ${fmt(m.in)}`);
  if (m.lake + m.duplicates !== m.valid)
    problems.push(`valid ${fmt(m.valid)} != lake ${fmt(m.lake)} + duplicates ${fmt(m.duplicates)}`);
  return problems;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}
