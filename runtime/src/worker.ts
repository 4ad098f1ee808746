/**
 * The consume → effect → commit loop every consuming stage shares. At-least-once: offsets are
 * committed only after the batch's effect is durable; a failed batch is rewound and replayed, and
 * the stages make their effects idempotent so the effect is exactly once.
 *
 * What can go wrong, and what the loop does:
 * - a transient failure (timeout, connection, throttling): every partition of the failed batch AND
 *   of the batch fetched ahead is rewound to its first unprocessed offset, and the batch is replayed
 *   after a backoff with jitter;
 * - a record is to blame (`failureKind` = "record"): the batch is split in halves until the records
 *   that fail alone are found; those are dead-lettered with their reason and the rest is processed,
 *   so a poison record never stops its partition;
 * - a systemic failure (credentials, permissions): replayed after a longer backoff, never
 *   dead-lettered;
 * - a failed fetch (also one fetched ahead): logged, counted, fetched again after a backoff;
 * - a rewind that keeps failing: the loop stops with an error (the worker turns not ready and exits
 *   non-zero, and the group replays from the last commit), because going on would commit past
 *   records never processed.
 */
import { AimdController } from "./aimd";
import { crashPoint } from "./chaos";
import { errorCode, failureKind } from "./errors";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";
import {
  firstPositions,
  nextPositions,
  type ConsumerTransport,
  type InRecord,
  type TopicPartitionOffset,
} from "./kafka/transport";

export interface BatchStage {
  /** Makes the batch's effect durable; throws to replay the batch (or split it: see `failureKind`). */
  process(records: InRecord[], concurrency: number): Promise<void>;
  /** Called when partitions move: drop per-partition caches. */
  onRebalance?(): void;
}

/** Sends records that failed alone, with their error, to the dead-letter topic. */
export type DeadLetterFailed = (failed: Array<{ record: InRecord; error: unknown }>) => Promise<void>;

export interface LoopOptions {
  aimd: AimdController;
  /** @defaultValue 100 */
  pollTimeoutMs: number;
  signal: AbortSignal;
  log: Logger;
  metrics: Metrics;
  /** Where the records a stage rejects alone go. Without it, such a batch is replayed like a systemic failure. */
  deadLetter?: DeadLetterFailed;
  /** Attempts to rewind after a failure before the loop gives up. @defaultValue 5 */
  seekAttempts?: number;
  /** Called after each committed batch (tests and the local run watch progress with it). */
  onBatch?: (records: number) => void;
}

/** Thrown when the loop cannot rewind: committing on would skip records, so the worker must stop. */
export class LoopStoppedError extends Error {
  readonly code = "SEAWALL_LOOP_STOPPED";
}

type Fetched = { ok: true; records: InRecord[] } | { ok: false; error: unknown };

export async function runBatchLoop(
  consumer: ConsumerTransport,
  stage: BatchStage,
  o: LoopOptions,
): Promise<void> {
  consumer.onRebalance(() => stage.onRebalance?.());
  const seekAttempts = o.seekAttempts ?? 5;
  let failures = 0;
  // Fetch failures count apart from batch failures: librdkafka retries a failed fetch itself and
  // reports each one, so a burst of them between good fetches must not grow into seconds of sleep.
  let fetchFailures = 0;
  const fetch = (): Promise<Fetched> =>
    consumer.poll(o.aimd.batchSize, o.pollTimeoutMs).then(
      (records): Fetched => ({ ok: true, records }),
      (error: unknown): Fetched => ({ ok: false, error }),
    );
  // The next batch is fetched while this one is processed. A fetch never rejects (the outcome is a
  // value), so a failed fetch ahead is handled by the loop, not as an unhandled rejection.
  let ahead: Promise<Fetched> | undefined;
  const takeAhead = async (): Promise<InRecord[]> => {
    const p = ahead;
    ahead = undefined;
    const r = p ? await p : undefined;
    if (!r) return [];
    if (!r.ok) {
      fetchFailed(r.error);
      return [];
    }
    return r.records;
  };
  const fetchFailed = (err: unknown) => {
    o.metrics.clientErrors.labels("kafka-consumer", errorCode(err)).inc();
    o.log.warn({ err }, "fetch failed; fetching again");
  };

  /** Rewinds to `positions`, retrying; throws LoopStoppedError when it cannot. */
  const rewind = async (positions: TopicPartitionOffset[]) => {
    if (positions.length === 0) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await consumer.seek(positions);
        return;
      } catch (err) {
        o.metrics.clientErrors.labels("kafka-consumer", "seek").inc();
        if (attempt >= seekAttempts) {
          throw new LoopStoppedError(
            `could not rewind after ${attempt} attempts: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        o.log.warn({ err, attempt }, "rewind failed; retrying");
        await sleep(backoff(attempt, 100, 2000));
      }
    }
  };

  const dispatch = async (records: InRecord[]): Promise<void> => {
    try {
      await stage.process(records, o.aimd.concurrency);
    } catch (err) {
      if (failureKind(err) !== "record" || !o.deadLetter) throw err;
      if (records.length === 1) {
        o.log.warn(
          {
            err,
            topic: records[0].topic,
            partition: records[0].partition,
            offset: records[0].offset,
          },
          "record failed alone; dead-lettered",
        );
        await o.deadLetter([{ record: records[0], error: err }]);
        return;
      }
      // Halves in order, so a partition's records keep their order; effects are idempotent.
      o.metrics.batchSplits.inc();
      const mid = records.length >> 1;
      await dispatch(records.slice(0, mid));
      await dispatch(records.slice(mid));
    }
  };

  while (!o.signal.aborted) {
    const fetched: Fetched = ahead ? await ahead : await fetch();
    ahead = undefined;
    if (!fetched.ok) {
      // The binding returns an error only when it returned no record, and the consumer's position
      // moves only past records it returned: nothing to rewind, wait and fetch again.
      fetchFailed(fetched.error);
      await sleep(backoff(++fetchFailures, 50, 1000));
      continue;
    }
    fetchFailures = 0;
    const records = fetched.records;
    if (records.length === 0) {
      setLag(consumer, o.metrics);
      continue;
    }
    const started = performance.now();
    o.metrics.recordsIn.inc(records.length);
    if (!o.signal.aborted) ahead = fetch();
    try {
      crashPoint("before-effect");
      await dispatch(records);
      crashPoint("before-commit");
      await consumer.commit(nextPositions(records));
      crashPoint("after-commit");
      failures = 0;
    } catch (err) {
      failures++;
      const kind = failureKind(err);
      o.metrics.batchFailures.labels(kind).inc();
      const log = kind === "systemic" ? o.log.error.bind(o.log) : o.log.warn.bind(o.log);
      log({ err, kind, code: errorCode(err), records: records.length }, "batch failed; replaying it");
      o.aimd.observe({
        latencyMs: performance.now() - started,
        records: records.length,
        lag: 0,
        failed: true,
      });
      // Replay from the failed batch's first records on its partitions, and from the first records
      // fetched ahead on the others: nothing fetched ahead may be skipped by a later commit.
      const aheadRecords = await takeAhead();
      const from = firstPositions([...records, ...aheadRecords]);
      await rewind(from);
      await sleep(backoff(failures, kind === "systemic" ? 1000 : 50, kind === "systemic" ? 30000 : 2000));
      continue;
    }
    const latencyMs = performance.now() - started;
    o.metrics.batchLatency.observe(latencyMs / 1000);
    const lag = setLag(consumer, o.metrics);
    const decision = o.aimd.observe({ latencyMs, records: records.length, lag: lag ?? 0 });
    o.metrics.aimdDecisions.labels(decision).inc();
    o.metrics.aimdBatchSize.set(o.aimd.batchSize);
    o.metrics.aimdConcurrency.set(o.aimd.concurrency);
    o.onBatch?.(records.length);
  }
  // Stopping: what was fetched ahead is not processed, so it is not committed either.
  await takeAhead();
}

function setLag(consumer: ConsumerTransport, metrics: Metrics): number | undefined {
  const lag = consumer.lag();
  if (lag !== undefined) metrics.lag.set(lag);
  return lag;
}

/** Exponential backoff with full jitter in [base·2^(n-1)/2, base·2^(n-1)], capped. */
export function backoff(attempt: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 16));
  return ceiling * (0.5 + Math.random() / 2);
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

/**
 * Runs `fn` over `items` with at most `limit` in flight. If one fails, no new item starts, and the
 * first error is thrown only once every item in flight has settled: a caller that replays never
 * races effects still running from the failed attempt.
 */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  let first: unknown;
  const run = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]);
      } catch (err) {
        if (!failed) first = err;
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
  if (failed) throw first;
  return out;
}
