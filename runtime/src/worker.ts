/**
 * The consume → effect → commit loop every consuming stage shares. At-least-once: offsets are
 * committed only after the batch's effect is durable; a failed batch is rewound and replayed, and
 * the stages make their effects idempotent so the effect is exactly once.
 */
import { AimdController } from "./aimd";
import { crashPoint } from "./chaos";
import { isTransient } from "./errors";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import { firstPositions, nextPositions, type ConsumerTransport, type InRecord } from "./kafka/transport";

export interface BatchStage {
  /** Makes the batch's effect durable; throws to replay the whole batch. */
  process(records: InRecord[], concurrency: number): Promise<void>;
  /** Called when partitions move: drop per-partition caches. */
  onRebalance?(): void;
}

export interface LoopOptions {
  aimd: AimdController;
  /** @defaultValue 100 */
  pollTimeoutMs: number;
  signal: AbortSignal;
  log: Logger;
  metrics: Metrics;
  /** Called after each committed batch (tests and the local run watch progress with it). */
  onBatch?: (records: number) => void;
}

export async function runBatchLoop(
  consumer: ConsumerTransport,
  stage: BatchStage,
  o: LoopOptions,
): Promise<void> {
  consumer.onRebalance(() => stage.onRebalance?.());
  let failures = 0;
  // The next batch is fetched while this one is processed; it is dropped if this one fails.
  let prefetch: Promise<InRecord[]> | undefined;
  const drop = async () => {
    const p = prefetch;
    prefetch = undefined;
    if (p) await p.catch(() => undefined);
  };
  while (!o.signal.aborted) {
    let records: InRecord[];
    try {
      records = await (prefetch ?? consumer.poll(o.aimd.batchSize, o.pollTimeoutMs));
    } catch (err) {
      prefetch = undefined;
      o.log.warn({ err }, "poll failed");
      await sleep(Math.min(2000, 100 * 2 ** Math.min(failures++, 5)));
      continue;
    }
    prefetch = undefined;
    if (records.length === 0) {
      o.metrics.lag.set(consumer.lag());
      continue;
    }
    const started = performance.now();
    o.metrics.recordsIn.inc(records.length);
    if (!o.signal.aborted) prefetch = consumer.poll(o.aimd.batchSize, o.pollTimeoutMs);
    try {
      crashPoint("before-effect");
      await stage.process(records, o.aimd.concurrency);
      crashPoint("before-commit");
      await consumer.commit(nextPositions(records));
      crashPoint("after-commit");
      failures = 0;
    } catch (err) {
      failures++;
      o.metrics.batchFailures.inc();
      o.log.warn({ err, transient: isTransient(err), records: records.length }, "batch failed; replaying it");
      o.aimd.observe({
        latencyMs: performance.now() - started,
        records: records.length,
        lag: 0,
        failed: true,
      });
      await drop();
      await consumer.seek(firstPositions(records));
      await sleep(Math.min(2000, 50 * 2 ** Math.min(failures, 5)) * (0.5 + Math.random()));
      continue;
    }
    const latencyMs = performance.now() - started;
    o.metrics.batchLatency.observe(latencyMs / 1000);
    const lag = consumer.lag();
    o.metrics.lag.set(lag);
    const decision = o.aimd.observe({ latencyMs, records: records.length, lag });
    o.metrics.aimdDecisions.labels(decision).inc();
    o.metrics.aimdBatchSize.set(o.aimd.batchSize);
    o.metrics.aimdConcurrency.set(o.aimd.concurrency);
    o.onBatch?.(records.length);
  }
  // Stopping: what was fetched ahead is not processed, so it is not committed either.
  await drop();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Splits a batch by partition, keeping each partition's order: the unit of parallel work. */
export function byPartition<T extends { topic: string; partition: number }>(records: T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of records) {
    const k = `${r.topic}\u0000${r.partition}`;
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
  return out;
}
