/**
 * Starts one stage in this process: clients, the HTTP endpoints, the batch loop. `close()` stops
 * fetching, lets the batch in flight finish and commit, closes every client (each even if another
 * fails), and is safe to call twice.
 */
import { AimdController } from "./aimd";
import { consumerGroups, type Stage, type WorkerConfig } from "./config";
import { startHttp } from "./http";
import { createConsumer, createProducer } from "./kafka/rdkafka";
import type { ProducerTransport } from "./kafka/transport";
import { createLogger, type Logger } from "./log";
import { createMetrics, type Metrics } from "./metrics";
import { connectRedis, type Redis } from "./redis";
import { callPolicy } from "./resilience";
import { createDedup } from "./stages/dedup";
import { createFeatureRoutes } from "./stages/featureServer";
import { createFeatureWriter } from "./stages/featureWriter";
import { createIngest } from "./stages/ingest";
import { createLakeSink } from "./stages/lakeSink";
import { createObjectStore } from "./store";
import { runBatchLoop, type BatchStage } from "./worker";

export interface Worker {
  stage: Stage;
  metrics: Metrics;
  log: Logger;
  /** The HTTP port (useful when HTTP_PORT=0). */
  port: number;
  /** Resolves when the loop has stopped (after close, or never for the feature server until close). */
  done: Promise<void>;
  close(): Promise<void>;
}

export async function startWorker(
  stage: Stage,
  cfg: WorkerConfig,
  hooks: { onBatch?: (n: number) => void } = {},
): Promise<Worker> {
  const log = createLogger(stage, cfg.LOG_LEVEL);
  const metrics = createMetrics(stage);
  const abort = new AbortController();
  const cleanups: Array<() => Promise<void>> = [];
  let ready = false;
  const policy = (dependency: string) => callPolicy({ dependency, timeoutMs: cfg.CALL_TIMEOUT_MS }, metrics);
  let redis: Redis | undefined;
  const needsRedis = stage !== "ingest";
  try {
    if (needsRedis) {
      redis = await connectRedis(cfg);
      const r = redis;
      cleanups.push(async () => {
        await r.close();
      });
    }
    const redisPolicy = policy("redis");
    let route;
    let batch: BatchStage | undefined;
    let producer: ProducerTransport | undefined;
    if (stage === "ingest" || stage === "dedup") {
      producer = await createProducer(cfg, { clientId: `${cfg.KAFKA_GROUP_PREFIX}-${stage}` });
      const p = producer;
      cleanups.unshift(() => p.close());
    }
    if (stage === "ingest") batch = createIngest(cfg, { producer: producer!, metrics });
    if (stage === "dedup")
      batch = createDedup(cfg, { producer: producer!, redis: redis!, redisPolicy, metrics });
    if (stage === "lake-sink") {
      const store = await createObjectStore(cfg);
      batch = createLakeSink(cfg, {
        store,
        storePolicy: policy("object-store"),
        redis: redis!,
        redisPolicy,
        metrics,
      });
    }
    if (stage === "feature-writer") batch = createFeatureWriter(cfg, { redis: redis!, redisPolicy, metrics });
    if (stage === "feature-server") route = createFeatureRoutes({ redis: redis!, redisPolicy, metrics });

    let done: Promise<void> = new Promise<void>((resolve) =>
      abort.signal.addEventListener("abort", () => resolve()),
    );
    if (batch) {
      const { group, topic } = consumerGroups(cfg).find((g) => g.stage === stage)!;
      const consumer = await createConsumer(cfg, {
        groupId: group,
        topics: [topic],
        sessionTimeoutMs: cfg.KAFKA_SESSION_TIMEOUT_MS,
      });
      const aimd = new AimdController({
        minBatch: cfg.BATCH_MIN,
        maxBatch: cfg.BATCH_MAX,
        maxConcurrency: cfg.CONCURRENCY_MAX,
        targetLatencyMs: cfg.TARGET_BATCH_LATENCY_MS,
      });
      const loop = runBatchLoop(consumer, batch, {
        aimd,
        pollTimeoutMs: 100,
        signal: abort.signal,
        log,
        metrics,
        onBatch: hooks.onBatch,
      });
      done = loop.catch((err) => log.error({ err }, "batch loop stopped"));
      cleanups.unshift(async () => {
        await done;
        await consumer.close();
      });
    }
    const http = await startHttp({
      host: cfg.HTTP_HOST,
      port: cfg.HTTP_PORT,
      registry: metrics.registry,
      ready: () => ready && (!redis || redis.isReady),
      routes: route,
    });
    cleanups.push(() => http.close());
    ready = true;
    log.info({ port: http.port }, "worker started");
    let closing: Promise<void> | undefined;
    return {
      stage,
      metrics,
      log,
      port: http.port,
      done,
      close() {
        closing ??= (async () => {
          ready = false;
          abort.abort();
          await runAll(cleanups, log);
          log.info("worker stopped");
        })();
        return closing;
      },
    };
  } catch (err) {
    abort.abort();
    await runAll(cleanups, log);
    throw err;
  }
}

async function runAll(steps: Array<() => Promise<void>>, log: Logger) {
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      log.warn({ err }, "cleanup step failed");
    }
  }
}
