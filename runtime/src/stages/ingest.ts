/**
 * ingest: raw bytes → validated events keyed by entity, or the dead-letter topic with the reason,
 * the source position and the original bytes. A poison record never stops the partition.
 */
import type { WorkerConfig } from "../config";
import type { Metrics } from "../metrics";
import type { InRecord, OutRecord, ProducerTransport } from "../kafka/transport";
import { nextTraceparent } from "../trace";
import { createValidator, defaultEventSchema } from "../validate";
import { byPartition, mapLimit, type BatchStage } from "../worker";
import { crashPoint } from "../chaos";

type Cfg = Pick<WorkerConfig, "TOPIC_VALID" | "TOPIC_DEAD_LETTER" | "EVENT_SCHEMA" | "MAX_RECORD_BYTES">;

export function deadLetter(
  r: InRecord,
  topic: string,
  reason: string,
  detail: string,
  stage: string,
): OutRecord {
  return {
    topic,
    key: r.key,
    value: r.value ?? Buffer.alloc(0),
    headers: {
      "x-reason": reason,
      "x-detail": detail,
      "x-stage": stage,
      "x-source-topic": r.topic,
      "x-source-partition": String(r.partition),
      "x-source-offset": String(r.offset),
      traceparent: nextTraceparent(r.headers),
    },
  };
}

export function createIngest(cfg: Cfg, deps: { producer: ProducerTransport; metrics: Metrics }): BatchStage {
  const validate = createValidator({
    schema: cfg.EVENT_SCHEMA ? JSON.parse(cfg.EVENT_SCHEMA) : defaultEventSchema,
    maxBytes: cfg.MAX_RECORD_BYTES,
  });
  const processPartition = async (records: InRecord[]) => {
    const out: OutRecord[] = [];
    let bad = 0;
    for (const r of records) {
      const v = validate(r.value);
      if (v.ok) {
        out.push({
          topic: cfg.TOPIC_VALID,
          key: v.event.entity,
          value: r.value!,
          headers: { traceparent: nextTraceparent(r.headers) },
        });
      } else {
        bad++;
        deps.metrics.deadLettered.labels(v.reason).inc();
        out.push(deadLetter(r, cfg.TOPIC_DEAD_LETTER, v.reason, v.detail, "ingest"));
      }
    }
    crashPoint("ingest-before-produce");
    await deps.producer.send(out);
    deps.metrics.recordsOut.inc(records.length - bad);
  };
  return {
    async process(records, concurrency) {
      await mapLimit(byPartition(records), concurrency, processPartition);
    },
  };
}
