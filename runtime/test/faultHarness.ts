/**
 * The fault tests' harness: each scenario runs the four consuming stages as separate supervised
 * processes against one file's real services (redis-server, the mock cluster, a filesystem lake),
 * feeds a sample stream while the scenario injects its fault, waits until the lake holds every
 * valid event (or stops moving), and measures what came out: ids lost and duplicated in the lake
 * (sorted lists, not sets), feature hashes that differ from what the events imply, what reached the
 * dead-letter topic, and how the workers died. It prints one summary line per scenario and appends
 * it to {@link reportFile}, then the test asserts on the figures.
 */
import { createHash } from "node:crypto";
import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WorkerConfig } from "../src/config";
import { createProducer } from "../src/kafka/rdkafka";
import type { InRecord } from "../src/kafka/transport";
import { connectRedis } from "../src/redis";
import { mulberry32, sampleStream } from "../src/sample";
import { freePort } from "../src/services/local";
import { featureKey } from "../src/features";
import { expectedFeatures } from "./expected";
import { supervise, unexpectedExits, type Exit, type Supervised } from "./supervisor";
import { readLake, readTopic, startServices, type Services } from "./support";

/** The consuming stages, each its own process in every scenario. */
export const STAGES = ["ingest", "dedup", "lake-sink", "feature-writer"] as const;

/** `SEAWALL_FAULTS_FULL=1`: the long variant (about 40,000 events per scenario, more faults). */
export const FULL = process.env.SEAWALL_FAULTS_FULL === "1";

/** Where every scenario's summary line is appended (also printed). */
export const reportFile = process.env.SEAWALL_FAULTS_REPORT ?? join(tmpdir(), "seawall-faults-report.txt");

/** The feature window the scenarios run with, in seconds (the sample stream spans two hours). */
export const WINDOW_SECONDS = 1800;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * One record the test sends to the raw topic, and where it must end up: `lake` (a valid event, once),
 * `duplicate` (a repeat of a valid event: dropped), `dead-letter` (with `reason` when the reason is
 * known), or `lake-or-dead-letter` (either is correct, silently vanishing is not).
 */
export interface FeedRecord {
  key: string;
  value: Buffer;
  expect: "lake" | "duplicate" | "dead-letter" | "lake-or-dead-letter";
  reason?: string;
  /** A name for a poison record, used in the figures. */
  poison?: string;
}

/** The sample stream (valid events, repeats, malformed records of every kind) as feed records. */
export function sampleFeed(o: { events: number; seed: number; entities?: number }): FeedRecord[] {
  return [
    ...sampleStream({
      events: o.events,
      entities: o.entities ?? 40,
      duplicateRate: 0.08,
      malformedRate: 0.01,
      seed: o.seed,
    }),
  ].map((r) => ({
    key: r.key,
    value: r.value,
    expect: r.kind === "valid" ? "lake" : r.kind === "duplicate" ? "duplicate" : "dead-letter",
    ...(r.kind === "valid" || r.kind === "duplicate" ? {} : { reason: r.kind }),
  }));
}

/** The topics of each scenario: `<name>.raw|valid|events|features` with 4 partitions, `<name>.dlq` with 1. */
export function scenarioTopics(names: string[], partitions = 4): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of names) {
    for (const t of ["raw", "valid", "events", "features"]) out[`${n}.${t}`] = partitions;
    out[`${n}.dlq`] = 1;
  }
  return out;
}

/** Kafka protocol API keys (https://kafka.apache.org/protocol#protocol_api_keys), for `errors <apiKey> ...`. */
export const API = { PRODUCE: 0, FETCH: 1, OFFSET_COMMIT: 8 } as const;

/**
 * Fails the next Produce ×20 (NOT_LEADER_OR_FOLLOWER), Fetch ×20 (REQUEST_TIMED_OUT) and
 * OffsetCommit ×10 (COORDINATOR_NOT_AVAILABLE) requests: errors a client must retry through.
 */
export async function retriableRequestErrors(ctx: Pick<FaultContext, "svc" | "note">): Promise<void> {
  await ctx.note(
    "Produce ×20 NOT_LEADER_OR_FOLLOWER, Fetch ×20 REQUEST_TIMED_OUT, OffsetCommit ×10 COORDINATOR_NOT_AVAILABLE",
  );
  await ctx.svc.kafka.command(`errors ${API.PRODUCE} 20 6`);
  await ctx.svc.kafka.command(`errors ${API.FETCH} 20 7`);
  await ctx.svc.kafka.command(`errors ${API.OFFSET_COMMIT} 10 15`);
}

/** One file's services, with every scenario's topics declared up front (the mock cluster needs them). */
export function startFaultServices(names: string[]): Promise<Services> {
  return startServices(scenarioTopics(names), "unused");
}

/** What a scenario's fault script can use while the stream is fed. */
export interface FaultContext {
  svc: Services;
  workers: Supervised[];
  /** Seeded randomness (CHAOS_SEED overrides the seed). */
  rnd: () => number;
  /** Resolves once the first `n` slices of the stream have been sent (the test's producer is then idle). */
  afterSlice(n: number): Promise<void>;
  /** The number of slices the stream is fed in. */
  slices: number;
  /**
   * Resolves once the lake holds `fraction` of the valid events: a fault timed by progress meets
   * batches in flight, whatever the machine's speed. Resolves anyway after `timeoutMs`.
   */
  whenLake(fraction: number, timeoutMs?: number): Promise<void>;
  /** Sends more records (counted with the stream), e.g. repeats that must arrive after a fault. */
  send(records: FeedRecord[]): Promise<void>;
  /** Notes a fault for the report, with how far the lake was at that moment. */
  note(fault: string): Promise<void>;
}

export interface ScenarioOptions {
  /** The scenario's name: its topic prefix, consumer-group prefix and lake prefix. */
  name: string;
  records: FeedRecord[];
  /** Injects the fault while the stream is fed; the harness waits for it before measuring. */
  fault(ctx: FaultContext): Promise<void>;
  /** Extra worker environment. */
  env?: Record<string, string>;
  /** Records per slice of the feed. @defaultValue 250 */
  sliceSize?: number;
  /** Pause between slices, in ms. @defaultValue 300 */
  slicePauseMs?: number;
  /** Stop waiting for the lake after this long without a new line, in ms. @defaultValue 20000 */
  idleMs?: number;
  /** Stop waiting for the lake after this long in all, in ms. @defaultValue 120000 */
  deadlineMs?: number;
  /** Entities whose features are checked only for being finite (their values are poison). */
  poisonEntities?: string[];
  /** The feature window, in seconds. @defaultValue WINDOW_SECONDS */
  windowSeconds?: number;
  /** librdkafka settings for the test's own producer (e.g. a raised `message.max.bytes`). */
  producerExtra?: Record<string, string | number | boolean>;
  /**
   * The worker processes, each a stage or a chain (`ingest+dedup+lake-sink+feature-writer`, `chained`).
   * @defaultValue STAGES, one process each
   */
  workers?: readonly string[];
}

/** One dead-letter record as read back. */
export interface DeadLetter {
  key: string;
  reason: string;
  stage: string;
  source: string;
  value: Buffer;
  sha256?: string;
}

export interface ScenarioResult {
  scenario: string;
  faults: string[];
  /** Records the test sent (slices resent after a failed send count again). */
  sent: number;
  /** Distinct valid event ids the lake must hold. */
  valid: number;
  lakeLines: number;
  /** Expected ids missing from the lake. */
  lost: string[];
  /** Ids the lake holds more than once (one entry per extra copy). */
  duplicated: string[];
  /** Ids in the lake the test never sent as valid (a record that should have been dead-lettered). */
  stray: string[];
  /** Entities the valid events touch (the feature hashes compared). */
  entities: number;
  /** Entities whose feature hash differs from what the events imply, with both. */
  featuresOff: Array<{ entity: string; want?: { count: number; sum: number }; got: Record<string, string> }>;
  /** Dead-letter records, one per source position. */
  deadLetters: DeadLetter[];
  /** Records that should be dead-lettered and are not (by key and reason, or by value for poison). */
  missingDeadLetters: string[];
  /** Poison records expected in the dead-letter topic, and what became of each. */
  poison: Array<{ name: string; deadLetter?: DeadLetter; inLake: number }>;
  /** Valid events sent after a poison record with its key (so in its partition) that the lake lacks. */
  behindPoisonMissing: string[];
  /** Non-finite feature fields of the poison entities. */
  nonFiniteFeatures: string[];
  /** The worker processes the scenario ran (a stage or a chain each). */
  workers: string[];
  restarts: number;
  kills: number;
  crashPoints: number;
  unexpected: Exit[];
  /** Each worker's exit code on SIGTERM, in the order of the scenario's workers. */
  exitCodes: Array<number | null>;
  /** Each worker's /readyz status before SIGTERM. */
  ready: number[];
  seconds: number;
  /** Seconds from the start at which each phase ended: ready, fed, lake, deadLetters, features, stopped. */
  timings: Record<string, number>;
  logDir: string;
}

/** The one-line summary of a scenario, as the closing notes quote it. */
export function summary(r: ScenarioResult): string {
  return (
    `[faults] ${r.scenario}: sent=${r.sent} valid=${r.valid} lake=${r.lakeLines} lost=${r.lost.length} ` +
    `duplicated=${r.duplicated.length} stray=${r.stray.length} featuresOff=${r.featuresOff.length} ` +
    `deadLettered=${r.deadLetters.length} missingDeadLetters=${r.missingDeadLetters.length} ` +
    `behindPoisonMissing=${r.behindPoisonMissing.length} restarts=${r.restarts} kills=${r.kills} ` +
    `crashPoints=${r.crashPoints} unexpectedExits=${r.unexpected.length} exitCodes=${r.exitCodes.join(",")} ` +
    `ready=${r.ready.join(",")} seconds=${r.seconds.toFixed(1)} faults=[${r.faults.join("; ")}]`
  );
}

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** Sends records in slices through one producer; a slice whose send fails is sent again. */
async function feed(
  cfg: WorkerConfig,
  topic: string,
  records: FeedRecord[],
  o: { sliceSize: number; pauseMs: number; extra?: Record<string, string | number | boolean> },
  onSlice: (n: number) => void,
): Promise<number> {
  const p = await createProducer(cfg, { clientId: "fault-test-feed", extra: o.extra });
  let sent = 0;
  try {
    for (let i = 0, n = 0; i < records.length; i += o.sliceSize, n++) {
      const slice = records.slice(i, i + o.sliceSize).map((r) => ({ topic, key: r.key, value: r.value }));
      for (let attempt = 0; ; attempt++) {
        sent += slice.length;
        try {
          await p.send(slice);
          break;
        } catch (err) {
          if (attempt >= 5) throw err;
          await sleep(500);
        }
      }
      onSlice(n + 1);
      await sleep(o.pauseMs);
    }
  } finally {
    await p.close();
  }
  return sent;
}

const eventIdOf = (value: Buffer): string | undefined => {
  try {
    const id = (JSON.parse(value.toString("utf8")) as { eventId?: unknown }).eventId;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
};

/** Runs one scenario to its end and measures it. Never throws for a bad figure: the test asserts. */
export async function runScenario(svc: Services, o: ScenarioOptions): Promise<ScenarioResult> {
  const began = Date.now();
  const logDir = mkdtempSync(join(tmpdir(), `seawall-faults-${o.name}-`));
  const faults: string[] = [];
  const lakePrefix = `lake-${o.name}`;
  const base = svc.rawEnv({
    TOPIC_RAW: `${o.name}.raw`,
    TOPIC_VALID: `${o.name}.valid`,
    TOPIC_EVENTS: `${o.name}.events`,
    TOPIC_FEATURES: `${o.name}.features`,
    TOPIC_DEAD_LETTER: `${o.name}.dlq`,
    KAFKA_GROUP_PREFIX: `g-${o.name}`,
    LAKE_PREFIX: lakePrefix,
    KAFKA_SESSION_TIMEOUT_MS: "3000",
    FEATURE_WINDOW_SECONDS: String(o.windowSeconds ?? WINDOW_SECONDS),
    BATCH_MIN: "50",
    BATCH_MAX: "500",
    CALL_TIMEOUT_MS: "2000",
    SHUTDOWN_DEADLINE_MS: "15000",
    LOG_LEVEL: process.env.SEAWALL_FAULTS_LOG_LEVEL ?? "warn",
    ...o.env,
  });
  const cfg = svc.env(base);

  // A clean feature store and claims for this scenario (the file's scenarios share redis-server).
  const admin = await connectRedis(cfg);
  await admin.flushAll();
  await admin.close();

  const lakeDir = join(svc.lakeDir, lakePrefix);
  const readIds = async () => (await readLake(lakeDir).catch(() => ({ lines: [] }))).lines;
  const timings: Record<string, number> = {};
  const mark = (phase: string) => (timings[phase] = Math.round((Date.now() - began) / 100) / 10);

  const topology = o.workers ?? STAGES;
  const ports = await Promise.all(topology.map(() => freePort()));
  const workers = topology.map((stage, i) =>
    supervise(stage, { ...base, HTTP_PORT: String(ports[i]) }, join(logDir, `${stage}.log`)),
  );
  const allReady = async () => (await Promise.all(workers.map((w) => w.readyz()))).every((s) => s === 200);
  await waitUntil(allReady, 60000);
  mark("ready");

  const extra: FeedRecord[] = [];
  const validCount = o.records.filter((r) => r.expect === "lake").length;
  const slicesDone: Array<() => void> = [];
  let slicesSent = 0;
  const sliceSize = o.sliceSize ?? 250;
  const slices = Math.ceil(o.records.length / sliceSize);
  const ctx: FaultContext = {
    svc,
    workers,
    rnd: mulberry32(Number(process.env.CHAOS_SEED ?? 7)),
    slices,
    afterSlice: (n) =>
      slicesSent >= n
        ? Promise.resolve()
        : new Promise<void>((r) => slicesDone.push(() => slicesSent >= n && r())),
    whenLake: async (fraction, timeoutMs = 60000) => {
      const until = Date.now() + timeoutMs;
      while ((await readIds()).length < fraction * validCount && Date.now() < until) await sleep(100);
    },
    send: async (more) => {
      const p = await createProducer(cfg, { clientId: "fault-test-extra" });
      try {
        await p.send(more.map((r) => ({ topic: cfg.TOPIC_RAW, key: r.key, value: r.value })));
      } finally {
        await p.close();
      }
      extra.push(...more);
    },
    note: async (f) => {
      faults.push(
        `${f} at +${((Date.now() - began) / 1000).toFixed(1)} s, lake ${(await readIds()).length} lines`,
      );
    },
  };
  const [sent] = await Promise.all([
    feed(
      cfg,
      cfg.TOPIC_RAW,
      o.records,
      { sliceSize, pauseMs: o.slicePauseMs ?? 300, extra: o.producerExtra },
      (n) => {
        slicesSent = n;
        for (const f of slicesDone) f();
      },
    ),
    o.fault(ctx),
  ]);
  mark("fed");
  const records = [...o.records, ...extra];

  // What the lake must hold.
  const expectedIds = records.filter((r) => r.expect === "lake").map((r) => eventIdOf(r.value)!);
  const either = records.filter((r) => r.expect === "lake-or-dead-letter");
  const eitherIds = new Set(either.map((r) => eventIdOf(r.value)).filter((id): id is string => !!id));
  const want = new Set(expectedIds);
  let lines = await readIds();
  let last = { count: -1, at: Date.now() };
  const deadline = Date.now() + (o.deadlineMs ?? 120000);
  for (;;) {
    const have = new Set(lines.map((l) => l.eventId));
    if ([...want].every((id) => have.has(id))) break;
    if (lines.length !== last.count) last = { count: lines.length, at: Date.now() };
    if (Date.now() - last.at > (o.idleMs ?? 20000) || Date.now() > deadline) break;
    await sleep(500);
    lines = await readIds();
  }
  mark("lake");
  await sleep(1500); // anything still in flight (a replay) lands now and is counted
  lines = await readIds();

  const ids = lines.map((l) => l.eventId).sort();
  const lakeCount = new Map<string, number>();
  for (const id of ids) lakeCount.set(id, (lakeCount.get(id) ?? 0) + 1);
  const lost = [...want].filter((id) => !lakeCount.has(id)).sort();
  const duplicated = [...lakeCount].flatMap(([id, n]) => Array<string>(n - 1).fill(id));
  const stray = [...lakeCount.keys()].filter((id) => !want.has(id) && !eitherIds.has(id));

  // Dead letters: read until the topic is idle, one per source position.
  const dlqRecords: InRecord[] = await readTopic(cfg, cfg.TOPIC_DEAD_LETTER, 3000);
  const bySource = new Map<string, DeadLetter>();
  for (const r of dlqRecords) {
    const h = (k: string) => r.headers[k]?.toString();
    const source = `${h("x-source-topic")}/${h("x-source-partition")}/${h("x-source-offset")}`;
    bySource.set(source, {
      key: r.key?.toString() ?? "",
      reason: h("x-reason") ?? "",
      stage: h("x-stage") ?? "",
      source,
      value: r.value ?? Buffer.alloc(0),
      sha256: h("x-original-sha256"),
    });
  }
  const deadLetters = [...bySource.values()];
  mark("deadLetters");
  const matches = (d: DeadLetter, r: FeedRecord) => d.value.equals(r.value) || d.sha256 === sha256(r.value);
  const missingDeadLetters: string[] = [];
  // Sample malformed records have unique keys: each must be there with its reason.
  const dlqByKey = new Map<string, DeadLetter[]>();
  for (const d of deadLetters) dlqByKey.set(d.key, [...(dlqByKey.get(d.key) ?? []), d]);
  for (const r of records.filter((x) => x.expect === "dead-letter" && !x.poison)) {
    if (!(dlqByKey.get(r.key) ?? []).some((d) => d.reason === r.reason))
      missingDeadLetters.push(`${r.key} (${r.reason})`);
  }
  const poison = records
    .filter((r) => r.poison)
    .map((r) => {
      const id = eventIdOf(r.value);
      return {
        name: r.poison!,
        deadLetter: deadLetters.find((d) => matches(d, r)),
        inLake: id === undefined ? 0 : (lakeCount.get(id) ?? 0),
      };
    });
  for (const [i, p] of poison.entries()) {
    const r = records.filter((x) => x.poison)[i];
    if (r.expect === "dead-letter" && !p.deadLetter) missingDeadLetters.push(`poison ${p.name}`);
    if (r.expect === "lake-or-dead-letter" && !p.deadLetter && p.inLake !== 1)
      missingDeadLetters.push(`poison ${p.name} (neither in the lake once nor dead-lettered)`);
  }
  // The valid events behind each poison record in its partition (same key, sent later).
  const behindPoisonMissing: string[] = [];
  records.forEach((r, i) => {
    if (!r.poison) return;
    for (const later of records.slice(i + 1)) {
      if (later.expect !== "lake" || later.key !== r.key) continue;
      const id = eventIdOf(later.value)!;
      if (!lakeCount.has(id)) behindPoisonMissing.push(`${id} (behind ${r.poison})`);
    }
  });

  // Features: what the valid events imply, once the feature writer has caught up (or stopped moving).
  const validEvents = records
    .filter((r) => r.expect === "lake")
    .map((r) => JSON.parse(r.value.toString("utf8")) as { entity: string; ts: number; value: number });
  const expected = expectedFeatures(validEvents, (o.windowSeconds ?? WINDOW_SECONDS) * 1000);
  const redis = await connectRedis(cfg);
  let featuresOff: ScenarioResult["featuresOff"] = [];
  const nonFiniteFeatures: string[] = [];
  try {
    const compare = async () => {
      const off: ScenarioResult["featuresOff"] = [];
      for (const [entity, w] of expected) {
        const got = await redis.hGetAll(featureKey(entity));
        if (Number(got.count) !== w.count || Number(got.sum) !== w.sum) off.push({ entity, want: w, got });
      }
      return off;
    };
    let lastOff = -1;
    let lastChange = Date.now();
    for (;;) {
      featuresOff = await compare();
      if (featuresOff.length === 0 || Date.now() - lastChange > 8000) break;
      if (featuresOff.length !== lastOff) [lastOff, lastChange] = [featuresOff.length, Date.now()];
      await sleep(300);
    }
    for (const entity of o.poisonEntities ?? []) {
      const got = await redis.hGetAll(featureKey(entity));
      for (const f of ["count", "sum", "mean"])
        if (f in got && !Number.isFinite(Number(got[f])))
          nonFiniteFeatures.push(`${entity}.${f}=${JSON.stringify(got[f])}`);
    }
  } finally {
    await redis.close();
  }
  mark("features");

  const ready = await Promise.all(workers.map((w) => w.readyz()));
  const exitCodes = await Promise.all(workers.map((w) => w.terminate()));
  mark("stopped");
  const result: ScenarioResult = {
    scenario: o.name,
    faults,
    sent: sent + extra.length,
    valid: want.size,
    lakeLines: lines.length,
    lost,
    duplicated,
    stray,
    entities: expected.size,
    featuresOff,
    deadLetters,
    missingDeadLetters,
    poison,
    behindPoisonMissing,
    nonFiniteFeatures,
    workers: [...topology],
    restarts: workers.reduce((n, w) => n + w.restarts, 0),
    kills: workers.reduce((n, w) => n + w.kills, 0),
    crashPoints: workers.reduce((n, w) => n + w.exits.filter((e) => e.cause === "crash-point").length, 0),
    unexpected: unexpectedExits(workers),
    exitCodes,
    ready,
    seconds: (Date.now() - began) / 1000,
    timings,
    logDir,
  };
  report(result);
  return result;
}

/** Prints the scenario's summary and details (samples of what went wrong) and appends them to the report file. */
function report(r: ScenarioResult) {
  const lines = [summary(r)];
  const sample = (what: string, list: unknown[]) => {
    if (list.length > 0) lines.push(`  ${what} (${list.length}): ${JSON.stringify(list.slice(0, 5))}`);
  };
  sample("lost", r.lost);
  sample("duplicated", r.duplicated);
  sample("stray", r.stray);
  sample("features off", r.featuresOff);
  sample("missing dead letters", r.missingDeadLetters);
  sample("behind poison, missing", r.behindPoisonMissing);
  sample("non-finite features", r.nonFiniteFeatures);
  sample(
    "poison",
    r.poison.map(
      (p) =>
        `${p.name}: ${p.deadLetter ? `dead-lettered by ${p.deadLetter.stage} as ${p.deadLetter.reason}` : "not dead-lettered"}, in lake ${p.inLake}x`,
    ),
  );
  sample(
    "unexpected exits",
    r.unexpected.map((e) => ({
      stage: e.stage,
      code: e.code,
      signal: e.signal,
      error: e.tail.find((l) => /\b\w*Error\b|error/.test(l)) ?? e.tail.at(-1),
    })),
  );
  lines.push(`  phases (s): ${JSON.stringify(r.timings)}; worker logs: ${r.logDir}`);
  const text = lines.join("\n");
  console.log(text);
  appendFileSync(reportFile, `${text}\n`);
}

/** Removes a scenario's worker logs (call it when the scenario passed), unless SEAWALL_FAULTS_KEEP_LOGS=1. */
export function dropLogs(r: ScenarioResult) {
  if (process.env.SEAWALL_FAULTS_KEEP_LOGS === "1") return;
  rmSync(r.logDir, { recursive: true, force: true });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`workers not ready after ${timeoutMs} ms`);
    await sleep(200);
  }
}

/**
 * The assertions every scenario shares, one at a time so the failure names the figure:
 * nothing lost, nothing stray, every bad record dead-lettered, no worker died on its own, every
 * worker ready and exiting 0 on SIGTERM; nothing duplicated and exact features unless `redisLost`.
 */
export function expectClean(r: ScenarioResult, o: { redisLost?: boolean } = {}) {
  expect({ scenario: r.scenario, lost: r.lost }).toEqual({ scenario: r.scenario, lost: [] });
  expect({ scenario: r.scenario, duplicatedInLake: r.duplicated }).toEqual({
    scenario: r.scenario,
    duplicatedInLake: [],
  });
  expect({ scenario: r.scenario, stray: r.stray }).toEqual({ scenario: r.scenario, stray: [] });
  expect({ scenario: r.scenario, missingDeadLetters: r.missingDeadLetters }).toEqual({
    scenario: r.scenario,
    missingDeadLetters: [],
  });
  expect({ scenario: r.scenario, behindPoisonMissing: r.behindPoisonMissing }).toEqual({
    scenario: r.scenario,
    behindPoisonMissing: [],
  });
  expect({ scenario: r.scenario, nonFiniteFeatures: r.nonFiniteFeatures }).toEqual({
    scenario: r.scenario,
    nonFiniteFeatures: [],
  });
  if (!o.redisLost)
    expect({ scenario: r.scenario, featuresOff: r.featuresOff }).toEqual({
      scenario: r.scenario,
      featuresOff: [],
    });
  expect({
    scenario: r.scenario,
    unexpectedExits: r.unexpected.map((e) => ({
      stage: e.stage,
      code: e.code,
      signal: e.signal,
      error: e.tail.find((l) => /\b\w*Error\b|error/.test(l)),
    })),
  }).toEqual({ scenario: r.scenario, unexpectedExits: [] });
  expect({ scenario: r.scenario, readyz: r.ready }).toEqual({
    scenario: r.scenario,
    readyz: r.workers.map(() => 200),
  });
  expect({ scenario: r.scenario, exitCodes: r.exitCodes }).toEqual({
    scenario: r.scenario,
    exitCodes: r.workers.map(() => 0),
  });
}
