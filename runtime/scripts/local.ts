/**
 * `npm run -w runtime local`: the whole platform on this machine, on the embedded defaults.
 * Starts the local services (librdkafka mock cluster, redis-server, a filesystem lake), generates a
 * sample stream with duplicates and malformed records, runs every stage, prints a live progress
 * line and a final report, and checks the report's numbers are consistent.
 *
 * Options: --events N (default 100000), --entities N (default 1000), --format jsonl.gz|parquet
 * (default jsonl.gz), --keep (keep the lake).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startWorker, type Worker } from "../src/app";
import { parseWorkerEnv, workerEnvSchema, type Stage, type WorkerConfig } from "../src/config";
import { createProducer } from "../src/kafka/rdkafka";
import { bytes, fmt, percentile, total } from "../src/report";
import { sampleStream } from "../src/sample";
import { localWorkerEnv, pipelineTopics, startMockCluster, startRedis } from "../src/services/local";

const FORMATS = workerEnvSchema.shape.LAKE_FORMAT.unwrap().options;
const USAGE = `usage: npm start -- [--events N] [--entities N] [--format ${FORMATS.join("|")}] [--keep]`;

/** The options, or a one-line error naming the bad one and what it takes (exit 2, no stack trace). */
function options(): { events: number; entities: number; format: WorkerConfig["LAKE_FORMAT"]; keep: boolean } {
  const fail = (why: string): never => {
    process.stderr.write(`seawall local: ${why}\n${USAGE}\n`);
    process.exit(2);
  };
  let values: Record<string, string | boolean | undefined> = {};
  try {
    ({ values } = parseArgs({
      options: {
        events: { type: "string", default: "100000" },
        entities: { type: "string", default: "1000" },
        format: { type: "string", default: "jsonl.gz" },
        keep: { type: "boolean", default: false },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  const count = (name: string, min: number, max: number) => {
    const v = Number(values[name]);
    if (!Number.isSafeInteger(v) || v < min || v > max)
      fail(`--${name} ${String(values[name])}: use an integer from ${fmt(min)} to ${fmt(max)}`);
    return v;
  };
  const format = FORMATS.find((f) => f === values.format);
  if (!format) return fail(`--format ${String(values.format)}: use ${FORMATS.join(" or ")}`);
  return {
    events: count("events", 100, 5_000_000),
    entities: count("entities", 1, 1_000_000),
    format,
    keep: values.keep === true,
  };
}

async function main() {
  const { events, entities, format, keep } = options();
  const partitions = 8;
  process.stdout.write(
    `seawall local: starting the Kafka mock cluster, redis-server and a filesystem lake\n`,
  );
  const [kafka, redis] = await Promise.all([startMockCluster(pipelineTopics(partitions)), startRedis()]);
  const lakeDir = mkdtempSync(join(tmpdir(), "seawall-lake-"));
  const workers: Worker[] = [];
  const stopAll = async () => {
    await Promise.allSettled(workers.map((w) => w.close()));
    await Promise.allSettled([kafka.stop(), redis.stop()]);
    if (!keep) rmSync(lakeDir, { recursive: true, force: true });
  };
  process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));
  try {
    const cfg = parseWorkerEnv(
      localWorkerEnv(
        { kafka, redis, lakeDir },
        { LAKE_PREFIX: "lake", LAKE_FORMAT: format, BATCH_MAX: "10000", LOG_LEVEL: "warn" },
      ),
    );
    const stages: Stage[] = ["ingest", "dedup", "lake-sink", "feature-writer", "feature-server"];
    for (const s of stages) workers.push(await startWorker(s, cfg));
    const [ingest, dedup, sink, writer, server] = workers;

    process.stdout.write(
      `seawall local: producing ${fmt(events)} sample events with duplicates and malformed records\n`,
    );
    const stream = [...sampleStream({ events, entities, duplicateRate: 0.05, malformedRate: 0.01 })];
    const producer = await createProducer(cfg);
    const started = performance.now();
    for (let i = 0; i < stream.length; i += 10000) {
      await producer.send(
        stream.slice(i, i + 10000).map((r) => ({ topic: cfg.TOPIC_RAW, key: r.key, value: r.value })),
      );
    }
    await producer.close();
    const sent = stream.length;

    const snapshot = async () => ({
      in: await total(ingest.metrics.recordsIn),
      valid: await total(ingest.metrics.recordsOut),
      invalid: await total(ingest.metrics.deadLettered),
      duplicates: (await total(dedup.metrics.duplicates)) + (await total(sink.metrics.duplicates)),
      lake: await total(sink.metrics.recordsOut),
      files: await total(sink.metrics.lakeFiles),
      lakeBytes: await total(sink.metrics.lakeBytes),
      features: await total(writer.metrics.recordsIn),
    });
    let s = await snapshot();
    const deadline = Date.now() + 10 * 60 * 1000;
    // One line rewritten in place on a terminal; a line every 2 s in a log (CI, a pipe).
    const tty = process.stdout.isTTY === true;
    for (let tick = 0; Date.now() < deadline; tick++) {
      s = await snapshot();
      const secs = (performance.now() - started) / 1000;
      const done = s.in >= sent && s.lake + s.duplicates >= s.valid && s.valid + s.invalid >= sent;
      const line = `  in ${fmt(s.in)} | valid ${fmt(s.valid)} | dead-lettered ${fmt(s.invalid)} | duplicates ${fmt(s.duplicates)} | lake ${fmt(s.lake)} records, ${fmt(s.files)} files | ${fmt(s.lake / secs)} events/s`;
      if (tty) process.stdout.write(`\r${line}   `);
      else if (tick % 8 === 0 || done) process.stdout.write(`${line}\n`);
      if (done) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = (performance.now() - started) / 1000;
    // Let the feature writer drain, then read every entity's features under load.
    await new Promise((r) => setTimeout(r, 1000));
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const names = Array.from({ length: entities }, (_, i) => `user-${i}`);
    const latencies: number[] = [];
    let served = 0;
    const readOnce = (batch: string[]) =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        const req = request(
          { host: "127.0.0.1", port: server.port, path: "/features:batch", method: "POST", agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => {
              latencies.push(performance.now() - t0);
              const body = JSON.parse(Buffer.concat(chunks).toString()) as {
                features: Record<string, unknown>;
              };
              resolve(Object.values(body.features).filter((f) => f !== null).length);
            });
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ entities: batch }));
      });
    const readStart = performance.now();
    for (let round = 0; round < 5; round++) {
      const work: Promise<number>[] = [];
      for (let i = 0; i < names.length; i += 10) work.push(readOnce(names.slice(i, i + 10)));
      served += (await Promise.all(work)).reduce((a, b) => a + b, 0);
    }
    const readSecs = (performance.now() - readStart) / 1000;
    agent.destroy();
    latencies.sort((a, b) => a - b);
    s = await snapshot();
    const ok = s.in === sent && s.valid + s.invalid === s.in && s.lake + s.duplicates === s.valid;
    process.stdout.write(
      [
        ...(tty ? ["", ""] : [""]),
        "seawall local: report",
        `  events in             ${fmt(s.in)}`,
        `  valid                 ${fmt(s.valid)}`,
        `  dead-lettered         ${fmt(s.invalid)}`,
        `  duplicates dropped    ${fmt(s.duplicates)}`,
        `  lake                  ${fmt(s.lake)} records in ${fmt(s.files)} ${format} files, ${bytes(s.lakeBytes)} (${lakeDir})`,
        `  feature snapshots     ${fmt(s.features)} written; ${fmt(served)} entity features served in ${fmt(latencies.length)} batched reads`,
        `  throughput            ${fmt(s.lake / elapsed)} events/s end to end (${elapsed.toFixed(1)} s)`,
        `  feature reads         100 in flight: ${fmt(latencies.length / readSecs)} requests/s, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
        `  consistent            ${ok ? "yes" : "NO"}: in = valid + dead-lettered, valid = lake + duplicates`,
        "",
      ].join("\n"),
    );
    await stopAll();
    process.exit(ok ? 0 : 1);
  } catch (err) {
    process.stderr.write(`\nseawall local failed: ${(err as Error).stack}\n`);
    await stopAll();
    process.exit(1);
  }
}

void main();
