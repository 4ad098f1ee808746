/**
 * `npm run -w runtime bench [-- --json] [--events N] [--rates R,R,...] [--seconds S] [--entities N] [--timeout S]`
 * (options and their bounds: `options.ts`; a bad one exits 2 with a one-line error).
 *
 * Every worker runs as its own process (`src/main.ts <topology>`, as the image runs it) on the local
 * services (the librdkafka mock cluster, redis-server, a filesystem lake); the bench watches it from
 * outside, through its `/metrics` and Linux's /proc. Each figure comes with its reference, measured
 * in the same run:
 *
 * 1. kcat consuming the raw topic (pre-filled with the sample stream: duplicates and malformed
 *    records included): the reference of the end-to-end figures.
 * 2. End to end, chained topology (`chained`): one process from the raw topic to the lake and the
 *    features; done when it has consumed every record and lake rows + duplicates + dead letters
 *    account for every one. Events/s and their ratio to kcat.
 * 3. End to end, one process per stage: ingest, dedup, lake-sink and feature-writer at once on the
 *    same raw topic (their own topics downstream, fresh consumer groups, Redis flushed, a fresh
 *    lake); done when ingest's dead letters + the duplicates of dedup and the sink + lake rows
 *    account for every record and the feature writer has drained its input.
 * 4. Each stage alone on a pre-filled input topic (ingest first, on the raw topic again; its output,
 *    `events.valid.alone`, is dedup's input, and so on through the `*.alone` topics), then
 *    `passthrough.ts` (the same Kafka client, batch loop and AIMD, no work) on the same topic: the
 *    stage's events/s ÷ the pass-through's is its overhead ratio.
 * 5. The feature server (its own process) under open-loop batched reads at each rate of `--rates`
 *    (10 entities each): p50/p99 per step, and the highest rate with p99 under 2 ms. Beside it,
 *    redis-benchmark's HGETALL on the same Redis.
 * CPU-seconds per million events from /proc/<pid>/stat (utime + stime) over each run; RSS is each
 * worker's peak (VmHWM). Each end-to-end and stage phase has `--timeout` seconds from when its
 * workers are up: a phase that reaches it is marked `timedOut`, the Kafka phases after it are
 * skipped, and the bench exits 1.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BatchStageName } from "../src/config";
import { featureKey } from "../src/features";
import { createProducer } from "../src/kafka/rdkafka";
import type { OutRecord } from "../src/kafka/transport";
import { connectRedis } from "../src/redis";
import { fmt } from "../src/report";
import { newSampleCounts, sampleStream } from "../src/sample";
import { localWorkerEnv, pipelineTopics, startMockCluster, startRedis } from "../src/services/local";
import { ENTITIES_PER_REQUEST, featureLoad, maxRateP99Under2Ms, type CurvePoint } from "./featureLoad";
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchOptions } from "./options";
import { processed, runPhase, type PhaseResult } from "./phase";
import { peakRssMb } from "./proc";
import { onInterrupt, startPassthrough, startWorkerProcess, type WorkerProcess } from "./processes";
import { M, metric, type MetricTotals } from "./prom";
import {
  meetsOf,
  renderText,
  STAGES,
  TARGETS,
  type BenchResult,
  type ChainedFigures,
  type PerStageFigures,
  type StageFigures,
} from "./summary";
import { openWatermarks } from "./topics";

const run = promisify(execFile);
let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof BenchUsageError)) throw err;
  process.stderr.write(`${err.problems.map((p) => `bench: ${p}`).join("\n")}\n${BENCH_USAGE}\n`);
  process.exit(2);
}
const { json } = options;
const log = (s: string) => {
  if (!json) process.stdout.write(`${s}\n`);
};

/** Partitions of every pipeline topic. */
const PARTITIONS = 8;
/** The topics of the phase with one process per stage (the raw topic is shared with the chained run). */
const E2E = {
  TOPIC_VALID: "events.valid.e2e",
  TOPIC_EVENTS: "events.unique.e2e",
  TOPIC_FEATURES: "features.e2e",
  TOPIC_DEAD_LETTER: "events.dead-letter.e2e",
};
/**
 * The topics of the stages-alone phase: ingest reads the raw topic again (a fresh group reads it from
 * the start), and each stage's output, the next one's input, is a topic of this phase's own.
 */
const ALONE = {
  TOPIC_RAW: "events.raw",
  TOPIC_VALID: "events.valid.alone",
  TOPIC_EVENTS: "events.unique.alone",
  TOPIC_FEATURES: "features.alone",
  TOPIC_DEAD_LETTER: "events.dead-letter.alone",
};
const PASSTHROUGH_SINK = "bench.passthrough";
const INPUT_OF: Record<BatchStageName, keyof typeof ALONE> = {
  ingest: "TOPIC_RAW",
  dedup: "TOPIC_VALID",
  "lake-sink": "TOPIC_EVENTS",
  "feature-writer": "TOPIC_FEATURES",
};

/** Whether any phase reached its deadline: read for the exit code. */
let timedOut = false;
const perMillion = (cpu: number, events: number) => (events > 0 ? (cpu / events) * 1e6 : 0);
const rate = (events: number, seconds: number) => (seconds > 0 ? events / seconds : 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function main() {
  const { events, rates, seconds, entities, timeoutSeconds } = options;
  const topics: Record<string, number> = { ...pipelineTopics(PARTITIONS), [PASSTHROUGH_SINK]: PARTITIONS };
  for (const t of [...Object.values(E2E), ...Object.values(ALONE)])
    topics[t] = t.includes("dead-letter") ? 1 : PARTITIONS;
  const [kafka, redis] = await Promise.all([startMockCluster(topics), startRedis()]);
  const lakeDirs: string[] = [];
  onInterrupt(async () => {
    await Promise.allSettled([kafka.stop(), redis.stop()]);
    for (const d of lakeDirs) rmSync(d, { recursive: true, force: true });
  });
  const freshLake = () => {
    const d = mkdtempSync(join(tmpdir(), "seawall-bench-"));
    lakeDirs.push(d);
    return d;
  };
  const base = localWorkerEnv(
    { kafka, redis, lakeDir: freshLake() },
    { BATCH_MAX: "20000", CONCURRENCY_MAX: "8", LOG_LEVEL: "warn" },
  );
  const client = await connectRedis({
    REDIS_HOST: redis.host,
    REDIS_PORT: redis.port,
    REDIS_TLS: false,
    CALL_TIMEOUT_MS: 10000,
  });
  const watermarks = await openWatermarks(kafka.bootstrapServers);
  const running = new Set<WorkerProcess>();
  const start = async (name: string, topology: string, env: Record<string, string>) => {
    const w = await startWorkerProcess(name, topology, env);
    running.add(w);
    return w;
  };
  const stop = async (w: WorkerProcess) => {
    await w.stop();
    running.delete(w);
  };
  const skipped: string[] = [];
  const timeOut = (phase: string, done: number, of: number) => {
    timedOut = true;
    process.stderr.write(
      `bench: TIMED OUT: the ${phase} phase reached its ${timeoutSeconds} s deadline with ${done} of ${of} events done\n`,
    );
  };
  try {
    // The sample stream, on the raw topic, produced as it is generated (never held whole: the load
    // generator later runs in this process).
    const counts = newSampleCounts();
    const producer = await createProducer({
      KAFKA_BOOTSTRAP_SERVERS: kafka.bootstrapServers,
      KAFKA_SECURITY_PROTOCOL: "PLAINTEXT",
    });
    let chunk: OutRecord[] = [];
    for (const r of sampleStream({ events, entities, duplicateRate: 0.05, malformedRate: 0.01 }, counts)) {
      chunk.push({ topic: "events.raw", key: r.key, value: r.value });
      if (chunk.length === 20000) {
        await producer.send(chunk);
        chunk = [];
      }
    }
    await producer.send(chunk);
    await producer.close();
    const produced = counts.records;
    log(
      `bench: produced ${fmt(produced)} records (${fmt(counts.valid)} valid, ${fmt(counts.duplicates)} duplicates, ${fmt(counts.malformed)} malformed) to events.raw (${PARTITIONS} partitions)`,
    );

    // Reference: kcat consuming the raw topic.
    const k0 = performance.now();
    const { stdout } = await run(
      "sh",
      ["-c", `kcat -C -b '${kafka.bootstrapServers}' -t events.raw -o beginning -e -q -f '%o\\n' | wc -l`],
      { maxBuffer: 1 << 20 },
    );
    const kcatSecs = (performance.now() - k0) / 1000;
    const kcatCount = Number(stdout.trim());
    const kcat = { records: kcatCount, seconds: kcatSecs, recordsPerSecond: kcatCount / kcatSecs };
    log(
      `  kcat: ${fmt(kcatCount)} records in ${kcatSecs.toFixed(2)} s = ${fmt(kcat.recordsPerSecond)} records/s`,
    );

    // End to end, chained, one process.
    const chainedWorker = await start("chained", "chained", {
      ...base,
      LAKE_BUCKET: freshLake(),
      KAFKA_GROUP_PREFIX: "bench-chained",
    });
    const cr = await runPhase([chainedWorker], timeoutSeconds, (m) => {
      const c = m.chained;
      const done = processed(c);
      return { done: Math.min(done, produced), complete: metric(c, M.in) >= produced && done >= produced };
    });
    const cm = cr.metrics.chained;
    const chainedRate = rate(cr.eventsDone, cr.seconds);
    const chained: ChainedFigures = {
      eventsPerSecond: chainedRate,
      kcatRatio: chainedRate / kcat.recordsPerSecond,
      seconds: cr.seconds,
      events: cr.eventsDone,
      cpuSecondsPerMillion: perMillion(cr.cpuSeconds.chained, cr.eventsDone),
      rssMb: cr.rssMb.chained,
      timedOut: cr.timedOut,
      recordsIn: metric(cm, M.in),
      lakeRows: metric(cm, M.out),
      duplicates: metric(cm, M.duplicates),
      deadLetters: metric(cm, M.deadLettered),
    };
    log(
      `  end to end, chained (one process): ${fmt(chained.events)} of ${fmt(produced)} events in ${chained.seconds.toFixed(2)} s = ${fmt(chainedRate)} events/s${cr.timedOut ? ", TIMED OUT" : ""}; ${fmt(chained.lakeRows)} in the lake`,
    );
    if (cr.timedOut) timeOut("chained end-to-end", chained.events, produced);
    let stopping = stop(chainedWorker);

    // End to end, one process per stage at once.
    let perStage: PerStageFigures | null = null;
    if (timedOut) skipped.push("end to end, process per stage");
    else {
      const env = { ...base, ...E2E, LAKE_BUCKET: freshLake(), KAFKA_GROUP_PREFIX: "bench-e2e" };
      // Downstream first (while the chained worker shuts down), so each is up and joining its group
      // before records reach it; ingest last, once the chained worker is gone and Redis is flushed.
      const [downstream] = await Promise.all([
        Promise.all((["dedup", "lake-sink", "feature-writer"] as const).map((s) => start(s, s, env))),
        stopping,
      ]);
      await client.flushAll();
      const workers = [await start("ingest", "ingest", env), ...downstream];
      const pr = await runPhase(workers, timeoutSeconds, async (m) => {
        const [ing, dd, ls, fw] = STAGES.map((s) => m[s]);
        const done =
          metric(ing, M.deadLettered) + metric(dd, M.deadLettered) + metric(dd, M.duplicates) + processed(ls);
        if (done < produced) return { done, complete: false };
        // Every event is in the lake or accounted for: has the feature writer drained its input?
        const features = (await watermarks.records({ [E2E.TOPIC_FEATURES]: PARTITIONS }))[E2E.TOPIC_FEATURES];
        const drained = metric(fw, M.in) >= features && processed(fw) >= features && metric(fw, M.lag) === 0;
        return { done: produced, complete: drained };
      });
      const mm = (s: BatchStageName) => pr.metrics[s];
      perStage = {
        eventsPerSecond: rate(pr.eventsDone, pr.seconds),
        seconds: pr.seconds,
        events: pr.eventsDone,
        cpuSecondsPerMillion: perMillion(sum(Object.values(pr.cpuSeconds)), pr.eventsDone),
        rssMb: Object.fromEntries(STAGES.map((s) => [s, pr.rssMb[s]])) as Record<BatchStageName, number>,
        timedOut: pr.timedOut,
        lakeRows: metric(mm("lake-sink"), M.out),
        duplicates: metric(mm("dedup"), M.duplicates) + metric(mm("lake-sink"), M.duplicates),
        deadLetters: sum(STAGES.map((s) => metric(mm(s), M.deadLettered))),
        featureUpdates: metric(mm("feature-writer"), M.in),
      };
      log(
        `  end to end, one process per stage: ${fmt(perStage.events)} of ${fmt(produced)} events in ${perStage.seconds.toFixed(2)} s = ${fmt(perStage.eventsPerSecond)} events/s${pr.timedOut ? ", TIMED OUT" : ""}; ${fmt(perStage.lakeRows)} in the lake`,
      );
      if (pr.timedOut) timeOut("process-per-stage end-to-end", perStage.events, produced);
      stopping = Promise.all(workers.map(stop)).then(() => undefined);
    }

    // Each stage alone on its pre-filled input, then the pass-through on the same topic.
    const stages: BenchResult["stages"] = {};
    if (!timedOut) {
      await stopping;
      await client.flushAll();
      const env = { ...base, ...ALONE, LAKE_BUCKET: freshLake(), KAFKA_GROUP_PREFIX: "bench-alone" };
      for (const stage of STAGES) {
        if (timedOut) {
          skipped.push(`${stage} alone`);
          continue;
        }
        const input = ALONE[INPUT_OF[stage]];
        const n = (await watermarks.records({ [input]: PARTITIONS }))[input];
        const w = await start(stage, stage, env);
        const sr: PhaseResult = await runPhase([w], timeoutSeconds, (m) => {
          const done = processed(m[stage]);
          return { done: Math.min(done, n), complete: metric(m[stage], M.in) >= n && done >= n };
        });
        const sm: MetricTotals = sr.metrics[stage];
        if (sr.timedOut) timeOut(`${stage}-alone`, sr.eventsDone, n);
        // The pass-through loads while the stage shuts down, and consumes only once it is gone.
        const [waiting] = await Promise.all([
          timedOut
            ? undefined
            : startPassthrough(`passthrough (${stage})`, env, {
                topic: input,
                sink: PASSTHROUGH_SINK,
                group: `bench-passthrough-${stage}`,
                records: n,
                timeoutSeconds,
              }),
          stop(w),
        ]);
        const pt = waiting ? await waiting.go() : undefined;
        if (pt?.timedOut) timeOut(`${stage} pass-through`, pt.records, n);
        const stageRate = rate(sr.eventsDone, sr.seconds);
        const ptRate = pt ? rate(pt.records, pt.seconds) : NaN;
        stages[stage] = {
          eventsPerSecond: stageRate,
          overheadRatio: stageRate / ptRate,
          cpuSecondsPerMillion: perMillion(sr.cpuSeconds[stage], sr.eventsDone),
          rssMb: sr.rssMb[stage],
          events: sr.eventsDone,
          seconds: sr.seconds,
          timedOut: sr.timedOut || pt?.timedOut === true,
          out: metric(sm, M.out),
          duplicates: metric(sm, M.duplicates),
          deadLetters: metric(sm, M.deadLettered),
          passthrough: {
            eventsPerSecond: ptRate,
            records: pt?.records ?? 0,
            seconds: pt?.seconds ?? 0,
            cpuSecondsPerMillion: pt ? perMillion(pt.cpuSeconds, pt.records) : NaN,
            rssMb: pt?.rssMb ?? NaN,
            timedOut: pt?.timedOut ?? false,
          },
        } satisfies StageFigures;
        log(
          `  ${stage} alone: ${fmt(sr.eventsDone)} of ${fmt(n)} records in ${sr.seconds.toFixed(2)} s = ${fmt(stageRate)} events/s; pass-through ${fmt(ptRate)} records/s; ratio ${(stageRate / ptRate).toFixed(3)}`,
        );
      }
    } else skipped.push(...STAGES.map((s) => `${s} alone`));
    await stopping;

    // Features for every entity, then the feature server in its own process.
    await client.flushAll();
    for (let i = 0; i < entities; i += 1000) {
      const m = client.multi();
      for (let j = i; j < Math.min(entities, i + 1000); j++) {
        m.hSet(featureKey(`user-${j}`), {
          version: "1",
          count: "3",
          sum: "6",
          mean: "2",
          windowEnd: "0",
          windowSeconds: "3600",
        });
      }
      await m.execAsPipeline();
    }
    /** Requests the whole curve offers. */
    const offeredRequests = sum(rates) * seconds;
    const server = await start("feature-server", "feature-server", base);
    const curve: CurvePoint[] = [];
    let serverRss: number;
    try {
      const load = featureLoad(server.port, entities);
      // 2,000 sequential requests, or fewer when the whole curve offers fewer (a small run).
      await load.warmUp(Math.min(2000, Math.max(200, Math.round(offeredRequests))));
      for (const offered of rates) {
        const pt = await load.step(offered, seconds);
        curve.push(pt);
        log(
          `  feature server at ${fmt(offered)} requests/s offered: ${fmt(pt.served)} served, p50 ${pt.p50Ms.toFixed(2)} ms, p99 ${pt.p99Ms.toFixed(2)} ms, ${pt.errors} errors, ${fmt(pt.shed)} shed`,
        );
      }
      await load.close();
      serverRss = peakRssMb(server.pid);
    } finally {
      await stop(server);
    }

    // Reference: redis-benchmark, HGETALL of one feature hash on the same Redis (100,000 requests,
    // or twice what the curve offered, at least 10,000).
    const rb = await run("redis-benchmark", [
      "-h",
      "127.0.0.1",
      "-p",
      String(redis.port),
      "-n",
      String(Math.min(100000, Math.max(10000, Math.round(2 * offeredRequests)))),
      "-c",
      "50",
      "--csv",
      "HGETALL",
      featureKey("user-1"),
    ]);
    const row = rb.stdout
      .trim()
      .split("\n")
      .pop()!
      .split(",")
      .map((c) => Number(c.replace(/"/g, "")));
    const [, redisRps, , , redisP50, , redisP99] = row;
    log(`  redis-benchmark HGETALL: ${fmt(redisRps)} requests/s, p50 ${redisP50} ms, p99 ${redisP99} ms`);

    const partial: Omit<BenchResult, "targets" | "meets"> = {
      timedOut,
      deadlineSeconds: timeoutSeconds,
      skipped,
      events: produced,
      produced: {
        records: counts.records,
        valid: counts.valid,
        duplicates: counts.duplicates,
        malformed: counts.malformed,
      },
      kcat,
      endToEnd: { chained, perStageProcesses: perStage },
      stages,
      featureServer: {
        curve,
        maxRateP99Under2Ms: maxRateP99Under2Ms(curve),
        rssMb: serverRss,
        entitiesPerRequest: ENTITIES_PER_REQUEST,
        secondsPerStep: seconds,
      },
      redisBenchmark: { requestsPerSecond: redisRps, p50Ms: redisP50, p99Ms: redisP99 },
    };
    const result: BenchResult = { ...partial, targets: TARGETS, meets: meetsOf(partial) };
    if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else log(`\n${renderText(result)}`);
  } finally {
    await Promise.allSettled([...running].map((w) => w.stop()));
    await Promise.allSettled([watermarks.close(), client.close()]);
    await Promise.allSettled([kafka.stop(), redis.stop()]);
    for (const d of lakeDirs) rmSync(d, { recursive: true, force: true });
  }
}

main().then(
  // Exit once stdout has drained (a pipe may not have taken the JSON yet), 1 when a phase timed out.
  () => process.stdout.write("", () => process.exit(timedOut ? 1 : 0)),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
