import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import fc from "fast-check";
import type { WorkerConfig } from "../src/config";
import { featureKey } from "../src/features";
import type { InRecord, OutRecord } from "../src/kafka/transport";
import { createMetrics } from "../src/metrics";
import { callPolicy } from "../src/resilience";
import { sampleStream } from "../src/sample";
import { chainLatencyTarget, chainStages, createChain, parseChain, TopologyError } from "../src/stages/chain";
import { createLakeSink } from "../src/stages/lakeSink";
import { FsObjectStore } from "../src/store/fsStore";
import { expectedFeatures } from "./expected";
import { readLake, unique, useRedis } from "./support";

jest.setTimeout(120000);

const local = useRedis();
const run = promisify(execFile);

const topics = {
  KAFKA_GROUP_PREFIX: "seawall",
  TOPIC_RAW: "events.raw",
  TOPIC_VALID: "events.valid",
  TOPIC_EVENTS: "events.unique",
  TOPIC_FEATURES: "features",
};

const messageOf = (topology: string) => {
  try {
    chainStages(topology);
  } catch (err) {
    if (err instanceof TopologyError) return err.message;
    throw err;
  }
  return undefined;
};

describe("a chain's topology", () => {
  it("runs its stages in pipeline order, consumes the first one's input with its own group", () => {
    const plan = parseChain("lake-sink+dedup+feature-writer+ingest", topics);
    expect(plan.stages).toEqual(["ingest", "dedup", "lake-sink", "feature-writer"]);
    expect(plan.name).toBe("ingest+dedup+lake-sink+feature-writer");
    expect(plan.group).toBe("seawall-ingest+dedup+lake-sink+feature-writer");
    expect(plan.topic).toBe("events.raw");
    expect(parseChain("chained", topics).name).toBe("ingest+dedup+lake-sink+feature-writer");
    const tail = parseChain("dedup+lake-sink", topics);
    expect([tail.topic, tail.group]).toEqual(["events.valid", "seawall-dedup+lake-sink"]);
    expect(parseChain("ingest+dedup", topics).has("lake-sink")).toBe(false);
  });

  it("aims each chained batch at the latency target of every stage it holds", () => {
    expect(chainLatencyTarget(parseChain("chained", topics), { TARGET_BATCH_LATENCY_MS: 250 })).toBe(1000);
    expect(chainLatencyTarget(parseChain("ingest+dedup", topics), { TARGET_BATCH_LATENCY_MS: 300 })).toBe(
      600,
    );
  });

  it("refuses what is not a chain, naming the value and the fix", () => {
    expect(messageOf("ingest+feature-server")).toBe(
      'topology "ingest+feature-server": "feature-server" cannot be chained; chain the consuming stages ingest, dedup, lake-sink, feature-writer joined by "+" (e.g. ingest+dedup+lake-sink+feature-writer) or use a named topology (chained); run feature-server as its own process: it serves reads and consumes nothing',
    );
    expect(messageOf("ingest+lake-sink")).toMatch(
      /^topology "ingest\+lake-sink": not a chain; a chain is two or more stages where each one's input is made in the same process/,
    );
    expect(messageOf("dedup+dedup")).toBe('topology "dedup+dedup": a stage is named twice; name each once');
    expect(messageOf("lake-sink+feature-writer")).toMatch(/not a chain/);
    expect(messageOf("ingest+dedup+lake-sink")).toBeUndefined();
  });

  it("main exits 2 with the one-line reason and the usage for a topology that cannot run", async () => {
    const err = (await run(
      process.execPath,
      ["--import", "tsx", join(__dirname, "..", "src", "main.ts"), "ingest+lake-sink"],
      { env: { PATH: process.env.PATH } },
    ).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    const lines = err.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^topology "ingest\+lake-sink": not a chain;/);
    expect(lines[1]).toMatch(
      /^usage: main <stage> \| <stage>\+<stage>\.\.\. \| chained \| <command> \[--flag value\]\.\.\., where a stage is one of: .*; a command one of: compact, backup-features, restore-drill, backfill$/,
    );
  });
});

const WINDOW_SECONDS = 1800;

function chainOf(dir: string, prefix: string, sent: OutRecord[][]) {
  const cfg = {
    ...topics,
    TOPIC_DEAD_LETTER: "events.dead-letter",
    LAKE_PREFIX: prefix,
    LAKE_FORMAT: "jsonl.gz",
    DEDUP_TTL_SECONDS: 3600,
    FEATURE_WINDOW_SECONDS: WINDOW_SECONDS,
    FEATURE_TTL_SECONDS: 3600,
    DEAD_LETTER_MAX_BYTES: 4096,
    MAX_RECORD_BYTES: 65536,
  } satisfies Partial<WorkerConfig>;
  const metrics = createMetrics("chain");
  const redis = local.client;
  const redisPolicy = callPolicy({ dependency: "redis" });
  const lake = createLakeSink(cfg, {
    store: new FsObjectStore(dir),
    storePolicy: callPolicy({ dependency: "object-store" }),
    redis,
    redisPolicy,
    metrics,
    deadLetter: async (rejected) => {
      if (rejected.length > 0) throw new Error(`the chain let ${rejected.length} non-events reach the lake`);
    },
  });
  const plan = parseChain("chained", topics);
  const producer = {
    // One send per batch: the chain produces a batch's features and dead letters at once.
    send: async (records: OutRecord[]) => void sent.push(records),
    close: async () => undefined,
  };
  return createChain(plan, cfg, { producer, redis, redisPolicy, metrics, lake });
}

describe("the chained stages in one process", () => {
  it("stay exactly once in the lake and the features when batches of any size are replayed from any earlier commit after crashes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ size: fc.integer({ min: 1, max: 60 }), crash: fc.boolean(), back: fc.nat(80) }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        fc.integer({ min: 1, max: 1000 }),
        async (steps, seed) => {
          const dir = mkdtempSync(join(tmpdir(), "chain-"));
          await local.client.flushAll();
          try {
            const topic = unique("raw");
            // One partition's records: valid events, repeats at later offsets, malformed records.
            const stream = [
              ...sampleStream({ events: 150, entities: 7, duplicateRate: 0.1, malformedRate: 0.03, seed }),
            ];
            const records: InRecord[] = stream.map((r, offset) => ({
              topic,
              partition: 2,
              offset,
              key: Buffer.from(r.key),
              value: r.value,
              headers: {},
            }));
            const sends: OutRecord[][] = [];
            let chain = chainOf(dir, "lake", sends);
            let committed = 0;
            let position = 0;
            for (const s of steps) {
              if (position >= records.length) break;
              const batch = records.slice(position, position + s.size);
              await chain.process(batch, 2);
              position += batch.length;
              if (s.crash) {
                chain = chainOf(dir, "lake", sends);
                position = committed = Math.max(0, Math.min(committed, position - s.back));
              } else committed = position;
            }
            while (position < records.length) {
              const batch = records.slice(position, position + 23);
              await chain.process(batch, 2);
              position += batch.length;
            }
            const valid = stream.filter((r) => r.kind === "valid").map((r) => JSON.parse(r.value.toString()));
            const sent = sends.flat();
            // The lake: each valid event once, named after the raw topic, at its raw position.
            const lake = await readLake(dir);
            expect(lake.lines.map((l) => l.eventId).sort()).toEqual(
              valid.map((e) => e.eventId as string).sort(),
            );
            for (const l of lake.lines) {
              expect(l.file.startsWith(`lake/${topic}/dt=`)).toBe(true);
              expect(stream[l._offset].value.toString()).toContain(`"eventId":"${l.eventId}"`);
            }
            // The features: exactly what the distinct events imply.
            const want = expectedFeatures(valid, WINDOW_SECONDS * 1000);
            for (const [entity, w] of want) {
              const got = await local.client.hGetAll(featureKey(entity));
              expect({ entity, count: Number(got.count), sum: Number(got.sum) }).toEqual({ entity, ...w });
            }
            // Every malformed record dead-lettered with ingest's reason; nothing else.
            const dead = sent.filter((r) => r.topic === "events.dead-letter");
            const malformed = stream.filter((r) => r.kind !== "valid" && r.kind !== "duplicate");
            expect([...new Set(dead.map((d) => `${d.key}:${d.headers!["x-reason"]}`))].sort()).toEqual(
              [...new Set(malformed.map((m) => `${m.key}:${m.kind}`))].sort(),
            );
            // One snapshot per entity per batch on the features topic, never more; no events topic.
            for (const batch of sends) {
              const entities = batch.filter((r) => r.topic === "features").map((r) => String(r.key));
              expect(entities.length).toBe(new Set(entities).size);
            }
            expect(sent.filter((r) => r.topic === "features").length).toBeGreaterThan(0);
            expect(sent.filter((r) => r.topic === "events.unique")).toEqual([]);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
