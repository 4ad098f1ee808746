import client from "prom-client";

/** One registry per worker: the records, batches, lag, breakers, retries and the AIMD's decisions. */
export function createMetrics(stage: string) {
  const registry = new client.Registry();
  registry.setDefaultLabels({ stage });
  client.collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new client.Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new client.Gauge({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    recordsIn: counter("seawall_records_in_total", "Records consumed"),
    recordsOut: counter("seawall_records_out_total", "Records whose effect is durable (produced, written)"),
    deadLettered: counter("seawall_records_dead_lettered_total", "Records sent to the dead-letter topic", [
      "reason",
    ]),
    duplicates: counter("seawall_records_duplicate_total", "Records dropped as already seen"),
    batchLatency: new client.Histogram({
      name: "seawall_batch_latency_seconds",
      help: "Time from poll to committed offsets, per batch",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    lag: gauge("seawall_consumer_lag", "Messages behind the high watermark, summed over partitions"),
    breakerState: gauge("seawall_breaker_state", "Circuit breaker state: 0 closed, 1 half-open, 2 open", [
      "dependency",
    ]),
    retries: counter("seawall_retries_total", "Retried calls after a transient error", ["dependency"]),
    batchFailures: counter(
      "seawall_batch_failures_total",
      "Batches that failed and were replayed, by kind: transient, record (split), systemic",
      ["kind"],
    ),
    batchSplits: counter(
      "seawall_batch_splits_total",
      "Batches split in halves to find the records that fail alone",
    ),
    clientErrors: counter(
      "seawall_client_errors_total",
      "Errors reported by a client (Kafka consumer or producer, Redis, object store), by code",
      ["client", "code"],
    ),
    dropped: counter(
      "seawall_records_dropped_total",
      "Records neither processed nor dead-lettered (the dead-letter topic refused them), by reason",
      ["reason"],
    ),
    claimRebuilds: counter(
      "seawall_claim_rebuilds_total",
      "Partitions whose claims were rebuilt from the lake after Redis lost them",
    ),
    loopUp: gauge("seawall_loop_up", "1 while the batch loop runs, 0 once it has stopped on an error"),
    aimdBatchSize: gauge("seawall_aimd_batch_size", "Batch size chosen by the AIMD controller"),
    aimdConcurrency: gauge("seawall_aimd_concurrency", "In-flight concurrency chosen by the AIMD controller"),
    aimdDecisions: counter("seawall_aimd_decisions_total", "AIMD controller decisions", ["decision"]),
    lakeFiles: counter("seawall_lake_files_total", "Files created in the lake"),
    lakeBytes: counter("seawall_lake_bytes_total", "Bytes written to the lake"),
    featureReads: counter("seawall_feature_reads_total", "Entities read by the feature server"),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
