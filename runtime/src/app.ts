/**
 * Starts one stage in this process: clients, the HTTP endpoints, the batch loop. The stage comes
 * from a table (`stageTable`), so stages never reach into each other and a topology can compose
 * them. `close()` stops fetching, lets the batch in flight finish and commit, closes every client
 * (each even if another fails), and is safe to call twice. If the batch loop stops on an error,
 * the worker turns not ready and `done` rejects (the entry point then exits non-zero).
 */
import { AimdController } from "./aimd";
import { consumerGroups, stages, type Stage, type WorkerConfig } from "./config";
import { createDeadLetterSink, type Rejected } from "./deadLetter";
import { errorCode, isTransient } from "./errors";
import { startHttp, type Route } from "./http";
import { createConsumer, createProducer } from "./kafka/rdkafka";
import type { ProducerTransport } from "./kafka/transport";
import { createLogger, rateLimitedErrorLog, type Logger } from "./log";
import { createMetrics, type Metrics } from "./metrics";
import { connectRedis, type Redis } from "./redis";
import { callPolicy, type CallPolicy } from "./resilience";
import { chainLatencyTarget, createChain, parseChain, type ChainPlan } from "./stages/chain";
import { createDedup } from "./stages/dedup";
import { createFeatureRoutes } from "./stages/featureServer";
import { createFeatureWriter } from "./stages/featureWriter";
import { createIngest } from "./stages/ingest";
import { createLakeSink } from "./stages/lakeSink";
import { createObjectStore } from "./store";
import { runBatchLoop, type BatchStage } from "./worker";

export interface Worker {
  /** The stage, or the chain (`ingest+dedup+...`) this process runs. */
  stage: string;
  metrics: Metrics;
  log: Logger;
  /** The HTTP port (useful when HTTP_PORT=0). */
  port: number;
  /**
   * Resolves when the loop has stopped after `close()` (never for the feature server until then);
   * rejects if the loop stopped on its own because of an error.
   */
  done: Promise<void>;
  close(): Promise<void>;
}

/** What a stage is built from: the clients the table asked for, shared policies, dead-lettering. */
export interface StageContext {
  stage: string;
  cfg: WorkerConfig;
  log: Logger;
  metrics: Metrics;
  redis?: Redis;
  redisPolicy: CallPolicy;
  policy(dependency: string): CallPolicy;
  producer?: ProducerTransport;
  deadLetter: (rejected: Rejected[]) => Promise<void>;
}

export interface StageDefinition {
  /** Connects to Redis. */
  redis: boolean;
  /** Consumes its input topic in a batch loop (and gets a producer for dead letters). */
  consumes: boolean;
  build(ctx: StageContext): Promise<{ batch?: BatchStage; route?: Route }>;
}

/** Every stage the image runs: what it needs and how it is built. */
export const stageTable: Record<Stage, StageDefinition> = {
  ingest: {
    redis: false,
    consumes: true,
    build: async (c) => ({ batch: createIngest(c.cfg, { producer: c.producer!, metrics: c.metrics }) }),
  },
  dedup: {
    redis: true,
    consumes: true,
    build: async (c) => ({
      batch: createDedup(c.cfg, {
        producer: c.producer!,
        redis: c.redis!,
        redisPolicy: c.redisPolicy,
        metrics: c.metrics,
      }),
    }),
  },
  "lake-sink": {
    redis: true,
    consumes: true,
    build: async (c) => ({ batch: await lakeSinkOf(c) }),
  },
  "feature-writer": {
    redis: true,
    consumes: true,
    build: async (c) => ({
      batch: createFeatureWriter(c.cfg, {
        redis: c.redis!,
        redisPolicy: c.redisPolicy,
        metrics: c.metrics,
        deadLetter: c.deadLetter,
      }),
    }),
  },
  "feature-server": {
    redis: true,
    consumes: false,
    build: async (c) => ({
      route: createFeatureRoutes({
        redis: c.redis!,
        redisPolicy: c.redisPolicy,
        metrics: c.metrics,
        maxStalenessMs: c.cfg.FEATURE_MAX_STALENESS_MS,
      }),
    }),
  },
};

async function lakeSinkOf(c: StageContext) {
  return createLakeSink(c.cfg, {
    store: await createObjectStore(c.cfg),
    storePolicy: c.policy("object-store"),
    redis: c.redis!,
    redisPolicy: c.redisPolicy,
    metrics: c.metrics,
    deadLetter: c.deadLetter,
    log: c.log,
  });
}

/** A chain of stages in one process (see `stages/chain.ts`): one consumer on the chain's input. */
function chainDefinition(plan: ChainPlan): StageDefinition & { input: { group: string; topic: string } } {
  return {
    redis: true,
    consumes: true,
    input: { group: plan.group, topic: plan.topic },
    build: async (c) => ({
      batch: createChain(plan, c.cfg, {
        producer: c.producer!,
        redis: c.redis!,
        redisPolicy: c.redisPolicy,
        metrics: c.metrics,
        lake: plan.has("lake-sink") ? await lakeSinkOf(c) : undefined,
      }),
    }),
  };
}

/** Whether `topology` names one stage (else it is a chain, `a+b+...`, or a named topology). */
export function isStage(topology: string): topology is Stage {
  return (stages as readonly string[]).includes(topology);
}

/**
 * Starts one stage, or a chain of stages (`ingest+dedup+lake-sink+feature-writer`, or a named
 * topology such as `chained`), in this process. A topology that is not a chain throws a
 * `TopologyError` naming it and the fix.
 */
export async function startWorker(
  stage: string,
  cfg: WorkerConfig,
  hooks: {
    onBatch?: (n: number) => void;
    /** Builds the consumer instead of librdkafka (tests script one). @defaultValue createConsumer */
    createConsumer?: typeof createConsumer;
  } = {},
): Promise<Worker> {
  const chain = isStage(stage) ? undefined : parseChain(stage, cfg);
  const def: StageDefinition & { input?: { group: string; topic: string } } = chain
    ? chainDefinition(chain)
    : stageTable[stage as Stage];
  if (chain) stage = chain.name;
  const log = createLogger(stage, cfg.LOG_LEVEL);
  const metrics = createMetrics(stage);
  const abort = new AbortController();
  const cleanups: Array<() => Promise<void>> = [];
  let ready = false;
  let loopError: unknown;
  const policy = (dependency: string) => callPolicy({ dependency, timeoutMs: cfg.CALL_TIMEOUT_MS }, metrics);
  /** Counts and logs (rate-limited) every error a client reports outside a call. */
  const clientErrors = (client: string) => {
    const logOnce = rateLimitedErrorLog(log, client);
    return (err: Error) => {
      metrics.clientErrors.labels(client, errorCode(err)).inc();
      logOnce(err);
    };
  };
  let redis: Redis | undefined;
  try {
    if (def.redis) {
      redis = await connectRedis(cfg, { onError: clientErrors("redis") });
      const r = redis;
      cleanups.push(async () => {
        await r.close();
      });
    }
    let producer: ProducerTransport | undefined;
    if (def.consumes) {
      producer = await createProducer(cfg, {
        clientId: `${cfg.KAFKA_GROUP_PREFIX}-${stage}`,
        onError: clientErrors("kafka-producer"),
      });
      const p = producer;
      cleanups.unshift(() => p.close());
    }
    const deadLetter = producer
      ? createDeadLetterSink({
          producer,
          topic: cfg.TOPIC_DEAD_LETTER,
          stage,
          maxValueBytes: cfg.DEAD_LETTER_MAX_BYTES,
          metrics,
          log,
          isTransient,
        })
      : async (rejected: Rejected[]) => {
          if (rejected.length > 0) throw new Error(`${stage} has no dead-letter topic`);
        };
    const { batch, route } = await def.build({
      stage,
      cfg,
      log,
      metrics,
      redis,
      redisPolicy: policy("redis"),
      policy,
      producer,
      deadLetter,
    });

    let done: Promise<void> = new Promise<void>((resolve) =>
      abort.signal.addEventListener("abort", () => resolve()),
    );
    if (batch) {
      const { group, topic } = def.input ?? consumerGroups(cfg).find((g) => g.stage === stage)!;
      const consumer = await (hooks.createConsumer ?? createConsumer)(cfg, {
        groupId: group,
        topics: [topic],
        sessionTimeoutMs: cfg.KAFKA_SESSION_TIMEOUT_MS,
        onError: clientErrors("kafka-consumer"),
      });
      const aimd = new AimdController({
        minBatch: cfg.BATCH_MIN,
        maxBatch: cfg.BATCH_MAX,
        maxConcurrency: cfg.CONCURRENCY_MAX,
        targetLatencyMs: chain ? chainLatencyTarget(chain, cfg) : cfg.TARGET_BATCH_LATENCY_MS,
      });
      metrics.loopUp.set(1);
      done = runBatchLoop(consumer, batch, {
        aimd,
        pollTimeoutMs: 100,
        signal: abort.signal,
        log,
        metrics,
        deadLetter: (failed) =>
          deadLetter(
            failed.map(({ record, error }) => ({
              record,
              reason: "failed-alone",
              detail: error instanceof Error ? error.message : String(error),
              code: errorCode(error),
            })),
          ),
        onBatch: hooks.onBatch,
      }).catch((err: unknown) => {
        loopError = err;
        metrics.loopUp.set(0);
        log.fatal({ err }, "batch loop stopped on an error; the worker is not ready and must restart");
        throw err;
      });
      // Observed here so a stopped loop is never an unhandled rejection; callers await `done`.
      done.catch(() => undefined);
      cleanups.unshift(async () => {
        await done.catch(() => undefined);
        await consumer.close();
      });
    }
    const http = await startHttp({
      host: cfg.HTTP_HOST,
      port: cfg.HTTP_PORT,
      registry: metrics.registry,
      ready: () => ready && loopError === undefined && (!redis || redis.isReady),
      routes: route,
      onError: (() => {
        const logOnce = rateLimitedErrorLog(log, "http");
        return (err: unknown) => logOnce(err);
      })(),
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
