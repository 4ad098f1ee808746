/**
 * `npm run -w runtime bench [-- --json] [--events N] [--rate R] [--seconds S] [--entities N] [--timeout S]`
 * (options and their bounds: `options.ts`; a bad one exits 2 with a one-line error).
 *
 * 1. End-to-end throughput: one worker process runs ingest, dedup and lake-sink on a pre-filled raw
 *    topic; events/s from the first batch until every valid event is in the lake (or dropped as a
 *    duplicate). Reference: `kcat` consuming the same topic from the same mock cluster.
 * 2. Feature reads: the feature server (its own process) under an open-loop load of batched reads
 *    (10 entities each) at R requests/s; p50/p99 latency and achieved rate. Reference:
 *    `redis-benchmark` running HGETALL on the same Redis.
 * Figures are printed as ratios to the references measured in the same run. An end-to-end phase
 * that reaches its deadline (`--timeout`) is marked `timedOut` in the text and the JSON, and the
 * bench exits 1.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Pool } from "undici";
import { startWorker, type Worker } from "../src/app";
import { parseWorkerEnv } from "../src/config";
import { createProducer } from "../src/kafka/rdkafka";
import { connectRedis } from "../src/redis";
import { fmt, percentile, total } from "../src/report";
import { BENCH_USAGE, BenchUsageError, parseBenchArgs, type BenchOptions } from "./options";
import { sampleStream } from "../src/sample";
import {
  freePort,
  localWorkerEnv,
  pipelineTopics,
  startMockCluster,
  startRedis,
  stopChild,
  waitForPort,
} from "../src/services/local";
import { featureKey } from "../src/features";

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

/** Whether the run reached a deadline: set by the end-to-end phase, read for the exit code. */
let timedOut = false;

async function main() {
  const { events, rate, seconds, entities, timeoutSeconds } = options;
  const partitions = 8;
  const [kafka, redis] = await Promise.all([startMockCluster(pipelineTopics(partitions)), startRedis()]);
  const lakeDir = mkdtempSync(join(tmpdir(), "seawall-bench-"));
  const env = localWorkerEnv(
    { kafka, redis, lakeDir },
    { BATCH_MAX: "20000", CONCURRENCY_MAX: "8", LOG_LEVEL: "warn" },
  );
  const cfg = parseWorkerEnv(env);
  const workers: Worker[] = [];
  try {
    log(`bench: producing ${fmt(events)} events to ${cfg.TOPIC_RAW} (${partitions} partitions)`);
    const stream = [...sampleStream({ events, entities, duplicateRate: 0.05, malformedRate: 0.01 })];
    const producer = await createProducer(cfg);
    for (let i = 0; i < stream.length; i += 20000) {
      await producer.send(
        stream.slice(i, i + 20000).map((r) => ({ topic: cfg.TOPIC_RAW, key: r.key, value: r.value })),
      );
    }
    await producer.close();

    // Reference 1: raw consumption of the same topic by kcat.
    const k0 = performance.now();
    const { stdout } = await run(
      "sh",
      [
        "-c",
        `kcat -C -b '${kafka.bootstrapServers}' -t ${cfg.TOPIC_RAW} -o beginning -e -q -f '%o\\n' | wc -l`,
      ],
      { maxBuffer: 1 << 20 },
    );
    const kcatSecs = (performance.now() - k0) / 1000;
    const kcatCount = Number(stdout.trim());
    const kcatRate = kcatCount / kcatSecs;
    log(`  kcat: ${fmt(kcatCount)} records in ${kcatSecs.toFixed(2)} s = ${fmt(kcatRate)} records/s`);

    // End to end in one worker process.
    let first = 0;
    const mark = () => {
      if (!first) first = performance.now();
    };
    for (const stage of ["ingest", "dedup", "lake-sink"] as const)
      workers.push(await startWorker(stage, cfg, { onBatch: mark }));
    const [ingest, dedup, sink] = workers;
    const started = performance.now();
    const deadline = started + timeoutSeconds * 1000;
    // Events done: dead-lettered by ingest, or valid and then in the lake or dropped as a duplicate.
    let eventsDone = 0;
    for (;;) {
      const valid = await total(ingest.metrics.recordsOut);
      const invalid = await total(ingest.metrics.deadLettered);
      const done =
        (await total(sink.metrics.recordsOut)) +
        (await total(dedup.metrics.duplicates)) +
        (await total(sink.metrics.duplicates));
      eventsDone = invalid + Math.min(valid, done);
      if (valid + invalid >= stream.length && done >= valid) break;
      if (performance.now() >= deadline) {
        timedOut = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    const e2eSecs = (performance.now() - (first || started)) / 1000;
    const e2eRate = eventsDone / e2eSecs;
    const lakeRecords = await total(sink.metrics.recordsOut);
    log(
      timedOut
        ? `  end to end: TIMED OUT at its ${timeoutSeconds} s deadline: ${fmt(eventsDone)} of ${fmt(stream.length)} events done in ${e2eSecs.toFixed(2)} s = ${fmt(e2eRate)} events/s, ${fmt(lakeRecords)} in the lake`
        : `  end to end (ingest + dedup + lake-sink, one process): ${fmt(stream.length)} events in ${e2eSecs.toFixed(2)} s = ${fmt(e2eRate)} events/s, ${fmt(lakeRecords)} in the lake`,
    );
    await Promise.all(workers.splice(0).map((w) => w.close()));

    // Features for every entity, then the feature server in its own process.
    const client = await connectRedis(cfg);
    const m = client.multi();
    for (let i = 0; i < entities; i++) {
      m.hSet(featureKey(`user-${i}`), {
        version: "1",
        count: "3",
        sum: "6",
        mean: "2",
        windowEnd: "0",
        windowSeconds: "3600",
      });
    }
    await m.execAsPipeline();
    const port = await freePort();
    const server = spawn(
      process.execPath,
      ["--import", "tsx", join(__dirname, "..", "src", "main.ts"), "feature-server"],
      {
        env: { ...process.env, ...env, HTTP_PORT: String(port) },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    try {
      await waitForPort(port, 30000);
      // undici's Pool, not node:http: the generator shares the two cores with the server and Redis,
      // and http.request's per-request cost made the generator the bottleneck.
      const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
      const once = async (batch: string) => {
        const t0 = performance.now();
        const res = await pool.request({
          path: "/features:batch",
          method: "POST",
          headers: { "content-type": "application/json" },
          body: batch,
        });
        await res.body.dump();
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
        return performance.now() - t0;
      };
      const bodies = Array.from({ length: 1000 }, (_, i) =>
        JSON.stringify({ entities: Array.from({ length: 10 }, (_, j) => `user-${(i * 10 + j) % entities}`) }),
      );
      for (let i = 0; i < 2000; i++) await once(bodies[i % bodies.length]); // warm up
      // Open loop at the target rate, at most 256 requests in flight: what cannot be sent on time
      // is counted as shed rather than queued without bound.
      const latencies: number[] = [];
      let errors = 0;
      let shed = 0;
      let open = 0;
      const inflight: Promise<void>[] = [];
      const l0 = performance.now();
      let sent = 0;
      while (performance.now() - l0 < seconds * 1000) {
        const due = Math.floor(((performance.now() - l0) / 1000) * rate);
        for (; sent < due; sent++) {
          if (open >= 256) {
            shed++;
            continue;
          }
          open++;
          inflight.push(
            once(bodies[sent % bodies.length])
              .then(
                (ms) => void latencies.push(ms),
                () => void errors++,
              )
              .finally(() => open--),
          );
        }
        // Sleep to the next timer tick (about 1 ms) rather than spin on setImmediate: spinning took
        // a core from the server and Redis, which share the machine with the generator.
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(inflight);
      const loadSecs = (performance.now() - l0) / 1000;
      await pool.close();
      latencies.sort((a, b) => a - b);
      const served = latencies.length / loadSecs;
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      log(
        `  feature server: ${fmt(served)} batched requests/s (target ${fmt(rate)}), p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ${errors} errors, ${fmt(shed)} shed`,
      );

      // Reference 2: redis-benchmark, HGETALL of one feature hash on the same Redis.
      const rb = await run("redis-benchmark", [
        "-h",
        "127.0.0.1",
        "-p",
        String(redis.port),
        "-n",
        "100000",
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
      await client.close();

      const result = {
        timedOut,
        events: stream.length,
        lakeRecords,
        kcat: { records: kcatCount, seconds: kcatSecs, recordsPerSecond: kcatRate },
        endToEnd: {
          timedOut,
          deadlineSeconds: timeoutSeconds,
          eventsDone,
          seconds: e2eSecs,
          eventsPerSecond: e2eRate,
          ratioToKcat: e2eRate / kcatRate,
          target: 100000,
        },
        featureServer: {
          targetRequestsPerSecond: rate,
          requestsPerSecond: served,
          p50Ms: p50,
          p99Ms: p99,
          errors,
          shed,
          entitiesPerRequest: 10,
        },
        redisBenchmark: { requestsPerSecond: redisRps, p50Ms: redisP50, p99Ms: redisP99 },
        ratios: {
          endToEndToKcat: e2eRate / kcatRate,
          featureP99ToRedisP99: p99 / redisP99,
          featureRpsToRedisRps: served / redisRps,
        },
      };
      if (timedOut) {
        process.stderr.write(
          `bench: TIMED OUT: the end-to-end phase reached its ${timeoutSeconds} s deadline with ${eventsDone} of ${stream.length} events done\n`,
        );
      }
      if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        log(
          `ratios: end-to-end/kcat ${result.ratios.endToEndToKcat.toFixed(3)}, feature p99/redis p99 ${result.ratios.featureP99ToRedisP99.toFixed(2)}, feature rps/redis rps ${result.ratios.featureRpsToRedisRps.toFixed(3)}`,
        );
      }
    } finally {
      await stopChild(server, () => server.kill("SIGTERM"));
    }
  } finally {
    await Promise.allSettled(workers.map((w) => w.close()));
    await Promise.allSettled([kafka.stop(), redis.stop()]);
    rmSync(lakeDir, { recursive: true, force: true });
  }
}

main().then(
  // Exit once stdout has drained (a pipe may not have taken the JSON yet), 1 when the run timed out.
  () => process.stdout.write("", () => process.exit(timedOut ? 1 : 0)),
  (err) => {
    process.stderr.write(`bench failed: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
