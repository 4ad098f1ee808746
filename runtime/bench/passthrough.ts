/**
 * The reference a stage's throughput is compared with: the same Kafka client, batch loop and AIMD
 * controller as a worker (configured from the same environment, as `app.ts` does), with a stage that
 * does no work: it produces each record unchanged to a sink topic. What a stage reaches below this
 * is its own work; what this reaches is the framework's ceiling.
 *
 *   node --import tsx bench/passthrough.ts --topic T --sink S --group G --records N [--timeout S]
 *
 * Once loaded and its producer connected, it prints `READY` and waits for a line on stdin before
 * it subscribes (so the bench can start it while the stage before it shuts down, without the two
 * overlapping). Then it runs until N records are passed and committed (or the deadline, from the
 * go), and prints one JSON line: `{records, seconds, cpuSeconds, rssMb, timedOut}`, timed from the
 * first batch fetched. Worker settings come from the environment (`parseWorkerEnv`), as for a worker.
 */
import { once } from "node:events";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { AimdController } from "../src/aimd";
import { parseWorkerEnv } from "../src/config";
import { createConsumer, createProducer } from "../src/kafka/rdkafka";
import { createLogger } from "../src/log";
import { createMetrics } from "../src/metrics";
import { runBatchLoop, type BatchStage } from "../src/worker";

async function main() {
  const { values } = parseArgs({
    options: {
      topic: { type: "string" },
      sink: { type: "string" },
      group: { type: "string" },
      records: { type: "string" },
      timeout: { type: "string", default: "600" },
    },
  });
  const records = Number(values.records);
  const timeoutSeconds = Number(values.timeout);
  if (!values.topic || !values.sink || !values.group)
    throw new Error("passthrough: give --topic, --sink and --group");
  if (!Number.isSafeInteger(records) || records < 0)
    throw new Error(`passthrough: --records ${values.records}: give a non-negative integer`);
  if (!(timeoutSeconds > 0))
    throw new Error(`passthrough: --timeout ${values.timeout}: give a positive number`);
  const cfg = parseWorkerEnv(process.env);
  const name = "passthrough";
  const log = createLogger(name, cfg.LOG_LEVEL);
  const metrics = createMetrics(name);
  const producer = await createProducer(cfg, { clientId: `${values.group}-producer` });
  const stdin = createInterface({ input: process.stdin });
  const go = once(stdin, "line");
  process.stdout.write("READY\n");
  await go;
  stdin.close();
  const consumer = await createConsumer(cfg, {
    groupId: values.group,
    topics: [values.topic],
    sessionTimeoutMs: cfg.KAFKA_SESSION_TIMEOUT_MS,
  });
  // As the worker configures it (app.ts).
  const aimd = new AimdController({
    minBatch: cfg.BATCH_MIN,
    maxBatch: cfg.BATCH_MAX,
    maxConcurrency: cfg.CONCURRENCY_MAX,
    targetLatencyMs: cfg.TARGET_BATCH_LATENCY_MS,
  });
  const sink = values.sink;
  let first = 0;
  let cpu0 = process.cpuUsage();
  const stage: BatchStage = {
    async process(batch) {
      if (!first) {
        first = performance.now();
        cpu0 = process.cpuUsage();
      }
      await producer.send(
        batch.map((r) => ({
          topic: sink,
          key: r.key,
          value: r.value ?? Buffer.alloc(0),
          headers: r.headers,
        })),
      );
    },
  };
  const abort = new AbortController();
  let passed = 0;
  let timedOut = false;
  let end = 0;
  let cpu = { user: 0, system: 0 };
  const finish = () => {
    if (abort.signal.aborted) return;
    end = performance.now();
    cpu = process.cpuUsage(cpu0);
    abort.abort();
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    finish();
  }, timeoutSeconds * 1000);
  if (records === 0) finish();
  await runBatchLoop(consumer, stage, {
    aimd,
    pollTimeoutMs: 100,
    signal: abort.signal,
    log,
    metrics,
    onBatch: (n) => {
      passed += n;
      if (passed >= records) finish();
    },
  });
  clearTimeout(deadline);
  await consumer.close();
  await producer.close();
  const result = {
    records: passed,
    seconds: first ? (end - first) / 1000 : 0,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssMb: process.resourceUsage().maxRSS / 1024,
    timedOut,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`passthrough failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
