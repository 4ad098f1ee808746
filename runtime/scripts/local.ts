/**
 * `npm run -w runtime local`: the whole platform on this machine, on the embedded defaults.
 * Starts the local services (librdkafka mock cluster, redis-server, a filesystem lake), generates a
 * sample stream with duplicates and malformed records, runs every stage, prints a live progress
 * line and a final report. The report is checked against the generator's own counts (records sent,
 * malformed sent, distinct valid events) and the lake read back (`checkRun`): a report that does not
 * add up exits 1 naming each figure that is off. It prints the AIMD concurrency and batch size the
 * workers really used, read from their metrics.
 *
 * Options: --events N (default 100000), --entities N (default 1000), --format jsonl.gz|parquet
 * (default jsonl.gz), --topology chained|per-stage (default chained: the fastest, see `npm run bench`:
 * ingest, dedup, lake-sink and feature-writer chained in one worker, one Kafka hop; per-stage: each
 * stage its own worker, a topic between each), --keep (keep the lake). The report names the
 * topology it ran.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startWorker, type Worker } from "../src/app";
import { parseWorkerEnv, workerEnvSchema, type Stage, type WorkerConfig } from "../src/config";
import { createProducer } from "../src/kafka/rdkafka";
import { lakeFormat } from "../src/formats";
import { formatOf } from "../src/naming";
import { bytes, checkRun, fmt, gaugeValue, percentile, total } from "../src/report";
import { newSampleCounts, sampleStream } from "../src/sample";
import { FsObjectStore } from "../src/store/fsStore";
import { localWorkerEnv, pipelineTopics, startMockCluster, startRedis } from "../src/services/local";

const FORMATS = workerEnvSchema.shape.LAKE_FORMAT.unwrap().options;
const TOPOLOGIES = ["chained", "per-stage"] as const;
type Topology = (typeof TOPOLOGIES)[number];
const USAGE = `usage: npm start -- [--events N] [--entities N] [--format ${FORMATS.join("|")}] [--topology ${TOPOLOGIES.join("|")}] [--keep]`;
const CHAIN = "ingest+dedup+lake-sink+feature-writer";

/** The options, or a one-line error naming the bad one and what it takes (exit 2, no stack trace). */
function options(): {
  events: number;
  entities: number;
  format: WorkerConfig["LAKE_FORMAT"];
  topology: Topology;
  keep: boolean;
} {
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
        topology: { type: "string", default: "chained" },
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
  const topology = TOPOLOGIES.find((t) => t === values.topology);
  if (!topology) return fail(`--topology ${String(values.topology)}: use ${TOPOLOGIES.join(" or ")}`);
  return {
    topology,
    events: count("events", 100, 5_000_000),
    entities: count("entities", 1, 1_000_000),
    format,
    keep: values.keep === true,
  };
}

/** Lines and distinct event ids in every object of a filesystem lake, decoded in its own format. */
async function readLakeBack(dir: string): Promise<{ lines: number; distinctIds: number }> {
  const store = new FsObjectStore(dir);
  const ids = new Set<unknown>();
  let lines = 0;
  for (const key of await store.list("")) {
    const format = formatOf(key);
    if (!format) throw new Error(`${key} in the lake ${dir} is not a lake object`);
    for (const row of lakeFormat(format).decode(await store.get(key))) {
      lines++;
      ids.add(row.eventId);
    }
  }
  return { lines, distinctIds: ids.size };
}

/** The AIMD figures of one worker, sampled from its gauges: the largest seen and the last. */
interface AimdUse {
  concurrency: { max: number; last: number | undefined };
  batchSize: { max: number; last: number | undefined };
}

async function sampleAimd(w: Worker, use: AimdUse) {
  const c = await gaugeValue(w.metrics.aimdConcurrency);
  const b = await gaugeValue(w.metrics.aimdBatchSize);
  if (c !== undefined) use.concurrency = { max: Math.max(use.concurrency.max, c), last: c };
  if (b !== undefined) use.batchSize = { max: Math.max(use.batchSize.max, b), last: b };
}

async function main() {
  const { events, entities, format, topology, keep } = options();
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
    // The consuming workers, then the feature server.
    const consumingNames: string[] =
      topology === "chained" ? [CHAIN] : ["ingest", "dedup", "lake-sink", "feature-writer"];
    for (const s of [...consumingNames, "feature-server"]) workers.push(await startWorker(s, cfg));
    const server = workers[workers.length - 1];
    const byName = (stage: Stage) => workers[topology === "chained" ? 0 : consumingNames.indexOf(stage)];
    const [ingest, dedup, sink, writer] = (["ingest", "dedup", "lake-sink", "feature-writer"] as const).map(
      byName,
    );
    process.stdout.write(
      topology === "chained"
        ? `seawall local: topology chained: ${CHAIN} in one worker (one Kafka hop from ${cfg.TOPIC_RAW}), feature-server in another\n`
        : `seawall local: topology per-stage: ingest, dedup, lake-sink, feature-writer and feature-server, each its own worker\n`,
    );

    process.stdout.write(
      `seawall local: producing ${fmt(events)} sample events with duplicates and malformed records\n`,
    );
    const generated = newSampleCounts();
    const stream = [
      ...sampleStream({ events, entities, duplicateRate: 0.05, malformedRate: 0.01 }, generated),
    ];
    const producer = await createProducer(cfg);
    const started = performance.now();
    for (let i = 0; i < stream.length; i += 10000) {
      await producer.send(
        stream.slice(i, i + 10000).map((r) => ({ topic: cfg.TOPIC_RAW, key: r.key, value: r.value })),
      );
    }
    await producer.close();
    const sent = stream.length;

    // Chained, one worker holds every figure: what ingest rejected is dead-lettered, the rest is valid;
    // duplicates are counted once (one claim per event), and snapshots are stored by the fold itself.
    const snapshot = async () => {
      const [inn, invalid] = [
        await total(ingest.metrics.recordsIn),
        await total(ingest.metrics.deadLettered),
      ];
      return {
        in: inn,
        valid: topology === "chained" ? inn - invalid : await total(ingest.metrics.recordsOut),
        invalid,
        duplicates:
          topology === "chained"
            ? await total(sink.metrics.duplicates)
            : (await total(dedup.metrics.duplicates)) + (await total(sink.metrics.duplicates)),
        lake: await total(sink.metrics.recordsOut),
        files: await total(sink.metrics.lakeFiles),
        lakeBytes: await total(sink.metrics.lakeBytes),
        features: topology === "chained" ? undefined : await total(writer.metrics.recordsIn),
      };
    };
    // The AIMD gauges of the consuming workers, sampled with each progress tick.
    const consuming: Array<[string, Worker]> = workers.slice(0, -1).map((w) => [w.stage, w]);
    const aimd = new Map<string, AimdUse>(
      consuming.map(([stage]) => [
        stage,
        { concurrency: { max: 0, last: undefined }, batchSize: { max: 0, last: undefined } },
      ]),
    );
    const sampleAll = () => Promise.all(consuming.map(([stage, w]) => sampleAimd(w, aimd.get(stage)!)));
    let s = await snapshot();
    const deadline = Date.now() + 10 * 60 * 1000;
    // One line rewritten in place on a terminal; a line every 2 s in a log (CI, a pipe).
    const tty = process.stdout.isTTY === true;
    for (let tick = 0; Date.now() < deadline; tick++) {
      s = await snapshot();
      await sampleAll();
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
    let inFlight = 0;
    for (let round = 0; round < 5; round++) {
      const work: Promise<number>[] = [];
      for (let i = 0; i < names.length; i += 10) work.push(readOnce(names.slice(i, i + 10)));
      inFlight = Math.max(inFlight, work.length);
      served += (await Promise.all(work)).reduce((a, b) => a + b, 0);
    }
    const readSecs = (performance.now() - readStart) / 1000;
    agent.destroy();
    latencies.sort((a, b) => a - b);
    s = await snapshot();
    await sampleAll();
    const lakeBack = await readLakeBack(lakeDir);
    const problems = checkRun({
      sent: { records: generated.records, malformed: generated.malformed, distinctValid: generated.valid },
      metrics: { in: s.in, valid: s.valid, deadLettered: s.invalid, duplicates: s.duplicates, lake: s.lake },
      lake: lakeBack,
    });
    if (sent !== generated.records)
      problems.push(
        `records produced ${fmt(sent)} != records the generator counted ${fmt(generated.records)}`,
      );
    const ok = problems.length === 0;
    const used = (u: { max: number; last: number | undefined }) =>
      `${fmt(u.max)} max, ${u.last === undefined ? "unset" : fmt(u.last)} last`;
    process.stdout.write(
      [
        ...(tty ? ["", ""] : [""]),
        "seawall local: report",
        `  sent (generator)      ${fmt(generated.records)} records: ${fmt(generated.valid)} distinct valid events, ${fmt(generated.duplicates)} repeats, ${fmt(generated.malformed)} malformed`,
        `  events in             ${fmt(s.in)}`,
        `  valid                 ${fmt(s.valid)}`,
        `  dead-lettered         ${fmt(s.invalid)}`,
        `  duplicates dropped    ${fmt(s.duplicates)}`,
        `  lake                  ${fmt(s.lake)} records in ${fmt(s.files)} ${format} files, ${bytes(s.lakeBytes)} (${lakeDir})`,
        `  lake read back        ${fmt(lakeBack.lines)} lines, ${fmt(lakeBack.distinctIds)} distinct event ids`,
        `  topology              ${topology === "chained" ? `chained (${CHAIN} in one worker)` : "per-stage (each stage its own worker)"}`,
        `  feature snapshots     ${s.features === undefined ? "stored with each fold" : `${fmt(s.features)} written`}; ${fmt(served)} entity features served in ${fmt(latencies.length)} batched reads`,
        `  throughput            ${fmt(s.lake / elapsed)} events/s end to end (${elapsed.toFixed(1)} s)`,
        `  feature reads         ${fmt(inFlight)} in flight: ${fmt(latencies.length / readSecs)} requests/s, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`,
        `  AIMD, as the workers' metrics report it (sampled every 250 ms):`,
        ...consuming.map(
          ([stage]) =>
            `    ${stage.padEnd(Math.max(19, stage.length + 1))} concurrency ${used(aimd.get(stage)!.concurrency)}; batch size ${used(aimd.get(stage)!.batchSize)}`,
        ),
        `  checks                ${ok ? "pass" : "FAIL"}: the lake holds each distinct valid event sent once, dead-lettered = malformed sent, in = sent, in = valid + dead-lettered, valid = lake + duplicates`,
        "",
      ].join("\n"),
    );
    await stopAll();
    if (!ok) {
      process.stderr.write(
        `seawall local: the report does not add up:\n${problems.map((p) => `  ${p}`).join("\n")}\n`,
      );
    }
    process.exit(ok ? 0 : 1);
  } catch (err) {
    process.stderr.write(`\nseawall local failed: ${(err as Error).stack}\n`);
    await stopAll();
    process.exit(1);
  }
}

void main();
