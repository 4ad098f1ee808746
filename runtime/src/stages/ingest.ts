/**
 * ingest: raw bytes → validated events keyed by entity, or the dead-letter topic with the reason,
 * the source position and the original bytes (a bounded prefix and a checksum when too large to
 * forward whole, see `../deadLetter`). A poison record never stops the partition.
 */
import type { WorkerConfig } from "../config";
import type { Metrics } from "../metrics";
import type { InRecord, OutRecord, ProducerTransport } from "../kafka/transport";
import { nextTraceparent } from "../trace";
import { DEFAULT_DEAD_LETTER_MAX_BYTES, deadLetterRecord } from "../deadLetter";
import { createValidator, defaultEventSchema } from "../validate";
import { byPartition, mapLimit, type BatchStage } from "../worker";
import { crashPoint } from "../chaos";

type Cfg = Pick<WorkerConfig, "TOPIC_VALID" | "TOPIC_DEAD_LETTER" | "EVENT_SCHEMA" | "MAX_RECORD_BYTES"> &
  Partial<Pick<WorkerConfig, "DEAD_LETTER_MAX_BYTES">>;

/** Ingest's validator for the configured schema and size limit (compiled once). */
export function createIngestValidator(cfg: Pick<Cfg, "EVENT_SCHEMA" | "MAX_RECORD_BYTES">) {
  return createValidator({
    schema: cfg.EVENT_SCHEMA ? (JSON.parse(cfg.EVENT_SCHEMA) as object) : defaultEventSchema,
    maxBytes: cfg.MAX_RECORD_BYTES,
  });
}

export function createIngest(cfg: Cfg, deps: { producer: ProducerTransport; metrics: Metrics }): BatchStage {
  const validate = createIngestValidator(cfg);
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
        out.push(
          deadLetterRecord(
            r,
            cfg.TOPIC_DEAD_LETTER,
            { reason: v.reason, detail: v.detail, stage: "ingest" },
            cfg.DEAD_LETTER_MAX_BYTES ?? DEFAULT_DEAD_LETTER_MAX_BYTES,
          ),
        );
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
