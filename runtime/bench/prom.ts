/**
 * A worker's metrics read over HTTP, as a process outside it sees them: its `/metrics` (prom-client's
 * text exposition) parsed into one number per metric name, summed over the labels.
 */
import { request } from "undici";

/** Metric name → value summed over every label set (`seawall_records_in_total` → 212000). */
export type MetricTotals = ReadonlyMap<string, number>;

/**
 * Parses Prometheus text exposition: every sample line `name{labels} value [timestamp]` adds its
 * value to its name's total; comments and lines whose value is not a number are skipped.
 */
export function parsePromText(text: string): MetricTotals {
  const totals = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    // Label values may hold spaces and braces (escaped quotes too): take the name, skip the labels.
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (!name) continue;
    let rest = line.slice(name.length);
    if (rest.startsWith("{")) {
      const close = rest.lastIndexOf("}");
      if (close < 0) continue;
      rest = rest.slice(close + 1);
    }
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (!Number.isFinite(value)) continue;
    totals.set(name, (totals.get(name) ?? 0) + value);
  }
  return totals;
}

/** A metric's total, 0 when the worker has not reported it yet. */
export function metric(totals: MetricTotals, name: string): number {
  return totals.get(name) ?? 0;
}

/** Scrapes `http://127.0.0.1:<port>/metrics`; throws naming the port and status when it cannot. */
export async function scrapeMetrics(port: number): Promise<MetricTotals> {
  const res = await request(`http://127.0.0.1:${port}/metrics`, {
    headersTimeout: 10000,
    bodyTimeout: 10000,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`GET 127.0.0.1:${port}/metrics answered ${res.statusCode}: ${text.slice(0, 200)}`);
  return parsePromText(text);
}

/** The counters the bench reads, by their exposition names. */
export const M = {
  in: "seawall_records_in_total",
  out: "seawall_records_out_total",
  duplicates: "seawall_records_duplicate_total",
  deadLettered: "seawall_records_dead_lettered_total",
  lag: "seawall_consumer_lag",
} as const;
