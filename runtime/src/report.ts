/** Reads a worker's counters back out of its registry, for the local run's report and the bench. */
import type { Counter } from "prom-client";

export async function total(counter: Counter<string>): Promise<number> {
  const m = await counter.get();
  return m.values.reduce((s, v) => s + v.value, 0);
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
