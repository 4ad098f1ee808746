/**
 * The batch loop against a scripted consumer that models a partitioned log exactly (positions,
 * seeks, commits), so every interleaving of a failed batch and the batch fetched ahead is
 * deterministic. Checks the one invariant that matters: no offset is ever committed past a record
 * that was neither processed nor dead-lettered.
 */
import { AimdController } from "../src/aimd";
import { PermanentError, TransientError } from "../src/errors";
import type { ConsumerTransport, InRecord, TopicPartitionOffset } from "../src/kafka/transport";
import { createLogger } from "../src/log";
import { createMetrics } from "../src/metrics";
import { LoopStoppedError, mapLimit, runBatchLoop, type BatchStage } from "../src/worker";

jest.setTimeout(30000);

/** A log of `perPartition` records in each of `partitions` partitions of topic "t". */
class ScriptedConsumer implements ConsumerTransport {
  readonly position = new Map<number, number>();
  readonly committed = new Map<number, number>();
  seeks: TopicPartitionOffset[][] = [];
  /** Fail the next `n` polls after the first `after` polls. */
  failPolls: { after: number; n: number } = { after: Infinity, n: 0 };
  failSeeks = 0;
  polls = 0;
  lagValue: number | undefined = 0;
  constructor(
    readonly partitions: number,
    readonly perPartition: number,
    /** Records per poll come from ONE partition, rotating: the batch ahead holds another partition. */
    readonly pollSize = 5,
  ) {
    for (let p = 0; p < partitions; p++) this.position.set(p, 0);
  }
  record(p: number, o: number): InRecord {
    return {
      topic: "t",
      partition: p,
      offset: o,
      key: null,
      value: Buffer.from(`${p}/${o}`),
      headers: {},
    };
  }
  async poll(): Promise<InRecord[]> {
    const n = this.polls++;
    if (n >= this.failPolls.after && this.failPolls.n > 0) {
      this.failPolls.n--;
      throw new TransientError("SEAWALL_KAFKA", "consume: Broker: Request timed out");
    }
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < this.partitions; i++) {
      const p = (n + i) % this.partitions;
      const from = this.position.get(p)!;
      if (from >= this.perPartition) continue;
      const to = Math.min(this.perPartition, from + this.pollSize);
      this.position.set(p, to);
      return Array.from({ length: to - from }, (_, k) => this.record(p, from + k));
    }
    return [];
  }
  async commit(positions: TopicPartitionOffset[]) {
    for (const p of positions) this.committed.set(p.partition, p.offset);
  }
  async seek(positions: TopicPartitionOffset[]) {
    if (this.failSeeks > 0) {
      this.failSeeks--;
      throw new TransientError("SEAWALL_KAFKA", "seek: Local: Erroneous state");
    }
    this.seeks.push(positions);
    for (const p of positions) this.position.set(p.partition, p.offset);
  }
  lag() {
    return this.lagValue;
  }
  onRebalance() {}
  async close() {}
  done() {
    return [...this.committed.values()].reduce((a, b) => a + b, 0) === this.partitions * this.perPartition;
  }
}

/** A stage that records what it processed, failing as `fail` says. */
function recordingStage(fail: (records: InRecord[], call: number) => Error | undefined) {
  const processed = new Set<string>();
  let calls = 0;
  const stage: BatchStage = {
    async process(records) {
      const err = fail(records, calls++);
      if (err) throw err;
      for (const r of records) processed.add(`${r.partition}/${r.offset}`);
    },
  };
  return { stage, processed, calls: () => calls };
}

async function run(
  consumer: ScriptedConsumer,
  stage: BatchStage,
  opts: { deadLettered?: InRecord[]; until?: () => boolean } = {},
) {
  const abort = new AbortController();
  const metrics = createMetrics("test");
  const loop = runBatchLoop(consumer, stage, {
    aimd: new AimdController({ minBatch: 5, maxBatch: 5, maxConcurrency: 1, targetLatencyMs: 1000 }),
    pollTimeoutMs: 1,
    signal: abort.signal,
    log: createLogger("test", "silent"),
    metrics,
    deadLetter: opts.deadLettered
      ? async (failed) => {
          opts.deadLettered!.push(...failed.map((f) => f.record));
        }
      : undefined,
  });
  const deadline = Date.now() + 10000;
  let stopped: unknown;
  loop.catch((err: unknown) => (stopped = err));
  while (!(opts.until ?? (() => consumer.done()))() && Date.now() < deadline && stopped === undefined)
    await new Promise((r) => setTimeout(r, 5));
  abort.abort();
  await loop.catch(() => undefined);
  return { metrics, stopped };
}

/** Every committed position covers only records that were processed or dead-lettered. */
function expectNoSkips(consumer: ScriptedConsumer, handled: Set<string>) {
  for (const [p, next] of consumer.committed)
    for (let o = 0; o < next; o++)
      expect({ at: `${p}/${o}`, handled: handled.has(`${p}/${o}`) }).toEqual({
        at: `${p}/${o}`,
        handled: true,
      });
}

describe("the batch loop", () => {
  it("rewinds the partitions of the batch fetched ahead when a batch fails, so none of its records is skipped", async () => {
    const consumer = new ScriptedConsumer(2, 20);
    // The first batch (partition 0) fails once while the batch ahead (partition 1) is in hand.
    const { stage, processed } = recordingStage((_, call) =>
      call === 0 ? new TransientError("SEAWALL_TEST", "redis went away") : undefined,
    );
    await run(consumer, stage);
    expect(consumer.done()).toBe(true);
    expect(consumer.seeks[0]).toEqual([
      { topic: "t", partition: 0, offset: 0 },
      { topic: "t", partition: 1, offset: 0 },
    ]);
    expectNoSkips(consumer, processed);
    expect(processed.size).toBe(40);
  });

  it("survives a failed fetch of the batch ahead without an unhandled rejection, and loses nothing", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on("unhandledRejection", onUnhandled);
    try {
      const consumer = new ScriptedConsumer(2, 20);
      consumer.failPolls = { after: 1, n: 3 };
      const { stage, processed } = recordingStage(() => undefined);
      const { metrics } = await run(consumer, stage);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
      expect(consumer.done()).toBe(true);
      expectNoSkips(consumer, processed);
      const errors = await metrics.clientErrors.get();
      expect(errors.values.map((v) => [v.labels, v.value])).toEqual([
        [{ client: "kafka-consumer", code: "SEAWALL_KAFKA" }, 3],
      ]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("splits a batch and dead-letters only the record that fails alone, then moves past it", async () => {
    const consumer = new ScriptedConsumer(1, 12);
    const poison = "0/7";
    const { stage, processed } = recordingStage((records) =>
      records.some((r) => `${r.partition}/${r.offset}` === poison)
        ? new PermanentError("SEAWALL_TEST_POISON", "value is a WRONGTYPE key")
        : undefined,
    );
    const deadLettered: InRecord[] = [];
    const { metrics } = await run(consumer, stage, { deadLettered });
    expect(consumer.done()).toBe(true);
    expect(deadLettered.map((r) => `${r.partition}/${r.offset}`)).toEqual([poison]);
    expect([...processed].sort()).toEqual(
      Array.from({ length: 12 }, (_, o) => `0/${o}`)
        .filter((k) => k !== poison)
        .sort(),
    );
    expectNoSkips(consumer, new Set([...processed, poison]));
    expect((await metrics.batchSplits.get()).values[0].value).toBeGreaterThan(0);
  });

  it("treats a Redis error reply about the data (WRONGTYPE) as the record's fault, not a reason to replay forever", async () => {
    const consumer = new ScriptedConsumer(1, 5);
    const wrongType = Object.assign(
      new (class SimpleError extends Error {})(
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      ),
    );
    const { stage } = recordingStage((records) =>
      records.some((r) => r.offset === 2) ? wrongType : undefined,
    );
    const deadLettered: InRecord[] = [];
    await run(consumer, stage, { deadLettered });
    expect(deadLettered.map((r) => r.offset)).toEqual([2]);
    expect(consumer.committed.get(0)).toBe(5);
  });

  it("never dead-letters for a systemic error (wrong credentials): it replays and commits nothing", async () => {
    const consumer = new ScriptedConsumer(1, 5);
    const { stage, calls } = recordingStage(
      () => new PermanentError("SEAWALL_TEST_AUTH", "WRONGPASS invalid password", { systemic: true }),
    );
    const deadLettered: InRecord[] = [];
    await run(consumer, stage, { deadLettered, until: () => calls() >= 2 });
    expect(calls()).toBeGreaterThanOrEqual(2);
    expect(deadLettered).toEqual([]);
    expect(consumer.committed.size).toBe(0);
  });

  it("retries a failed rewind, and stops (rather than commit past unprocessed records) when it keeps failing", async () => {
    const retried = new ScriptedConsumer(1, 10);
    retried.failSeeks = 2;
    let failed = false;
    const a = recordingStage(() =>
      failed ? undefined : ((failed = true), new TransientError("T", "timeout")),
    );
    await run(retried, a.stage);
    expect(retried.done()).toBe(true);
    expectNoSkips(retried, a.processed);

    const broken = new ScriptedConsumer(1, 10);
    broken.failSeeks = 1000;
    const b = recordingStage((_, call) => (call === 0 ? new TransientError("T", "timeout") : undefined));
    const { stopped } = await run(broken, b.stage);
    expect(stopped).toBeInstanceOf(LoopStoppedError);
    expect(broken.committed.size).toBe(0);
  });

  it("leaves the lag gauge alone when the lag cannot be read, instead of reporting 0", async () => {
    const consumer = new ScriptedConsumer(1, 10);
    consumer.lagValue = 7;
    const { stage } = recordingStage((_, call) => {
      if (call === 1) consumer.lagValue = undefined; // readable after the first batch, then not
      return undefined;
    });
    const { metrics } = await run(consumer, stage);
    expect((await metrics.lag.get()).values.map((v) => v.value)).toEqual([7]);
  });
});

describe("mapLimit", () => {
  it("settles every item in flight before it rethrows the first failure", async () => {
    const finished: number[] = [];
    const work = mapLimit([0, 1, 2, 3], 2, async (i) => {
      if (i === 0) throw new Error("first");
      await new Promise((r) => setTimeout(r, 30));
      finished.push(i);
      return i;
    });
    await expect(work).rejects.toThrow("first");
    // Item 1 was in flight when item 0 failed: it finished before the rejection; 2 and 3 never started.
    expect(finished).toEqual([1]);
  });
});
