/**
 * Chained stages: several consuming stages in one process, handing records over in memory instead
 * of through a topic (as stream processors chain operators). `ingest+dedup+lake-sink+feature-writer`
 * consumes the raw topic once: each record is parsed and validated once, claimed once, folded into
 * its entity's features, written to the lake, and its entity's snapshot stored, all before the raw
 * offsets are committed.
 *
 * Exactly once in effect, as for each stage alone:
 * - offsets of the chain's input topic are committed by the batch loop only after `process`
 *   resolves, i.e. after every chained effect is durable (claims and features in Redis, lake
 *   objects uploaded, snapshots stored, features and dead letters acknowledged by the brokers);
 * - claims and lake names come from the position in the chain's INPUT topic, so a replay claims the
 *   same ids for the same positions and rewrites the same objects. With the lake sink in the chain,
 *   one guarded claim per event (the lake's, rebuilt from the lake if Redis lost it) decides both
 *   what is folded into the features and what is written: no second claim per event;
 * - the lake objects of a chain are named after its input topic (`events.raw/...`), never after the
 *   events topic, so a lake written by the chain and one written by stages alone never share names
 *   whose offsets mean different things.
 *
 * Topics other consumers need are kept: the features topic gets one snapshot per entity per batch,
 * the dead-letter topic every record a chained stage rejects, and the events topic is produced when
 * the lake sink is not in the chain (it then consumes it in its own process).
 */
import { claim, positionOf } from "../claims";
import { crashPoint } from "../chaos";
import { consumerGroups, type BatchStageName, type WorkerConfig } from "../config";
import { deadLetterRecord } from "../deadLetter";
import type { Event } from "../validate";
import type { InRecord, OutRecord, ProducerTransport } from "../kafka/transport";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import { nextTraceparent } from "../trace";
import type { BatchStage } from "../worker";
import { checkFoldable, createFeatureFolder, parseDedupEvent, snapshotRecord, type EventItem } from "./dedup";
import { createIngestValidator } from "./ingest";
import { checkLakeEvent, type LakeSink } from "./lakeSink";

/** The consuming stages in pipeline order: a chain runs its members in this order. */
export const chainOrder: readonly BatchStageName[] = ["ingest", "dedup", "lake-sink", "feature-writer"];

/** Named topologies: `chained` is the whole pipeline in one process, one Kafka hop from the raw topic. */
export const namedTopologies: Readonly<Record<string, readonly BatchStageName[]>> = {
  chained: chainOrder,
};

/** A chain: its stages in pipeline order, its name (`a+b+...`), its consumer group and input topic. */
export interface ChainPlan {
  stages: BatchStageName[];
  name: string;
  group: string;
  topic: string;
  has(stage: BatchStageName): boolean;
}

/** A topology that cannot run: the value, what is wrong and the fix. */
export class TopologyError extends Error {
  readonly code = "SEAWALL_TOPOLOGY";
  constructor(message: string) {
    super(message);
    this.name = "TopologyError";
  }
}

/**
 * Parses `a+b+...` (or a named topology) into a chain. A chain starts at ingest or dedup and holds
 * dedup whenever it holds anything downstream of it: every member's input must be made in the same
 * process, except the first member's, which is the chain's one Kafka input.
 */
export function parseChain(
  topology: string,
  cfg: Pick<
    WorkerConfig,
    "KAFKA_GROUP_PREFIX" | "TOPIC_RAW" | "TOPIC_VALID" | "TOPIC_EVENTS" | "TOPIC_FEATURES"
  >,
): ChainPlan {
  const stages = chainStages(topology);
  const name = stages.join("+");
  const head = consumerGroups(cfg).find((g) => g.stage === stages[0])!;
  return {
    stages,
    name,
    group: `${cfg.KAFKA_GROUP_PREFIX}-${name}`,
    topic: head.topic,
    has: (s) => stages.includes(s),
  };
}

/** The stages of a chain in pipeline order; throws a {@link TopologyError} for one that cannot run. */
export function chainStages(topology: string): BatchStageName[] {
  const named = namedTopologies[topology];
  const parts = named ? [...named] : topology.split("+").map((s) => s.trim());
  const known = new Set<string>(chainOrder);
  const unknown = parts.filter((p) => !known.has(p));
  if (unknown.length > 0) {
    const hint = unknown.includes("feature-server")
      ? "; run feature-server as its own process: it serves reads and consumes nothing"
      : "";
    throw new TopologyError(
      `topology ${JSON.stringify(topology)}: ${unknown.map((u) => JSON.stringify(u)).join(", ")} cannot be chained; chain the consuming stages ${chainOrder.join(", ")} joined by "+" (e.g. ingest+dedup+lake-sink+feature-writer) or use a named topology (${Object.keys(namedTopologies).join(", ")})${hint}`,
    );
  }
  if (new Set(parts).size !== parts.length) {
    throw new TopologyError(`topology ${JSON.stringify(topology)}: a stage is named twice; name each once`);
  }
  const stages = chainOrder.filter((s) => parts.includes(s));
  const downstream = stages.some((s) => s === "lake-sink" || s === "feature-writer");
  if (stages.length < 2 || (downstream && !stages.includes("dedup"))) {
    throw new TopologyError(
      `topology ${JSON.stringify(topology)}: not a chain; a chain is two or more stages where each one's input is made in the same process: ingest+dedup, then lake-sink and/or feature-writer (which need dedup in the chain), or dedup with lake-sink and/or feature-writer`,
    );
  }
  return stages;
}

/**
 * The batch latency a chain's AIMD controller aims for: `TARGET_BATCH_LATENCY_MS` per chained stage.
 * Stages alone each take up to the target per hop, so a chain of n stages keeps the pipeline's
 * end-to-end latency budget (n hops × target) while its larger batches fold more events per entity
 * into one feature update.
 */
export function chainLatencyTarget(
  plan: Pick<ChainPlan, "stages">,
  cfg: Pick<WorkerConfig, "TARGET_BATCH_LATENCY_MS">,
): number {
  return cfg.TARGET_BATCH_LATENCY_MS * plan.stages.length;
}

type Cfg = Pick<
  WorkerConfig,
  | "TOPIC_EVENTS"
  | "TOPIC_FEATURES"
  | "TOPIC_DEAD_LETTER"
  | "DEDUP_TTL_SECONDS"
  | "FEATURE_WINDOW_SECONDS"
  | "FEATURE_TTL_SECONDS"
  | "DEAD_LETTER_MAX_BYTES"
  | "EVENT_SCHEMA"
  | "MAX_RECORD_BYTES"
>;

export function createChain(
  plan: ChainPlan,
  cfg: Cfg,
  deps: {
    producer: ProducerTransport;
    redis: Redis;
    redisPolicy: CallPolicy;
    metrics: Metrics;
    /** The lake sink, when the chain holds it. */
    lake?: LakeSink;
  },
): BatchStage {
  const validate = plan.has("ingest") ? createIngestValidator(cfg) : undefined;
  // With the feature writer chained, the fold stores each snapshot in the same script call.
  const fold = createFeatureFolder(cfg, deps, { store: plan.has("feature-writer") });
  const lake = plan.has("lake-sink") ? deps.lake : undefined;
  if (plan.has("lake-sink") && !lake) throw new Error(`chain ${plan.name}: the lake sink was not given`);
  const { metrics } = deps;
  const reject = (out: OutRecord[], record: InRecord, reason: string, detail: string, stage: string) => {
    metrics.deadLettered.labels(reason).inc();
    out.push(
      deadLetterRecord(record, cfg.TOPIC_DEAD_LETTER, { reason, detail, stage }, cfg.DEAD_LETTER_MAX_BYTES),
    );
  };

  /** Parses and checks each record once: the events every chained stage can take, and the rest. */
  const admit = (records: InRecord[], out: OutRecord[]): EventItem[] => {
    const items: EventItem[] = [];
    for (const record of records) {
      let event: Event;
      if (validate) {
        const v = validate(record.value);
        if (!v.ok) {
          reject(out, record, v.reason, v.detail, "ingest");
          continue;
        }
        // A custom EVENT_SCHEMA may admit what the features cannot fold: dedup's check, as alone.
        const f = checkFoldable(v.event);
        if (!f.ok) {
          reject(out, record, "not-an-event", f.detail, "dedup");
          continue;
        }
        event = v.event;
      } else {
        const p = parseDedupEvent(record.value);
        if (!p.ok) {
          reject(out, record, "not-an-event", p.detail, "dedup");
          continue;
        }
        event = p.event;
      }
      if (lake) {
        const l = checkLakeEvent(event);
        if (!l.ok) {
          reject(out, record, "not-an-event", l.detail, "lake-sink");
          continue;
        }
      }
      items.push({ record, event });
    }
    return items;
  };

  /** The events that own their id: the lake's guarded claim when the lake is chained, else dedup's. */
  const own = async (items: EventItem[], concurrency: number): Promise<EventItem[]> => {
    if (lake) return lake.claimOwned(items, concurrency);
    const flags = await claim(
      deps.redis,
      deps.redisPolicy,
      "dedup",
      cfg.DEDUP_TTL_SECONDS,
      items.map(toClaim),
    );
    const owned = items.filter((_, i) => flags[i]);
    metrics.duplicates.inc(items.length - owned.length);
    return owned;
  };

  return {
    onRebalance: () => lake?.onRebalance?.(),
    async process(records, concurrency) {
      const out: OutRecord[] = [];
      const items = admit(records, out);
      const owned = await own(items, concurrency);
      crashPoint("chain-after-claims");
      // The lake and the features are independent effects: both in flight at once.
      const [snapshots] = await Promise.all([fold(owned), lake?.writeOwned(owned, concurrency)]);
      for (const s of snapshots) out.push(snapshotRecord(cfg.TOPIC_FEATURES, s));
      if (!lake) {
        for (const { record, event } of owned) {
          out.push({
            topic: cfg.TOPIC_EVENTS,
            key: event.entity,
            value: record.value!,
            headers: { traceparent: nextTraceparent(record.headers), "x-source": positionOf(record) },
          });
        }
      }
      crashPoint("chain-before-produce");
      await deps.producer.send(out);
      // With the lake chained, records out are what the lake wrote (counted there, as alone).
      if (!lake) metrics.recordsOut.inc(owned.length);
    },
  };
}

const toClaim = ({ record, event }: EventItem) => ({ id: event.eventId, record });
