/** The small surface the stages need from Kafka, so the client library can be swapped. */
export interface InRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
  timestamp?: number;
}

export interface OutRecord {
  topic: string;
  key?: string | Buffer | null;
  value: Buffer | string;
  headers?: Record<string, string | Buffer>;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read: last processed + 1. */
  offset: number;
}

export interface ConsumerTransport {
  /** Up to `max` records, waiting at most `timeoutMs` for the first. */
  poll(max: number, timeoutMs: number): Promise<InRecord[]>;
  /** Commits the positions; resolves once the commit is sent (it is durable before the next poll). */
  commit(positions: TopicPartitionOffset[]): Promise<void>;
  /**
   * Rewinds partitions to the given positions after a failed batch, so it is replayed. Positions of
   * partitions no longer assigned are skipped (their next owner starts at the committed offset).
   * Rejects if any owned partition could not be rewound.
   */
  seek(positions: TopicPartitionOffset[]): Promise<void>;
  /**
   * Summed lag over the assigned partitions, from the last fetch's high watermarks; undefined when
   * it cannot be read (never a made-up 0).
   */
  lag(): number | undefined;
  /** Called with the partitions revoked or assigned in a rebalance. */
  onRebalance(listener: () => void): void;
  close(): Promise<void>;
}

export interface ProducerTransport {
  /** Resolves when every record is acknowledged by the brokers; rejects if any failed. */
  send(records: OutRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** The next positions after a batch: per partition, the highest offset seen + 1. */
export function nextPositions(records: InRecord[]): TopicPartitionOffset[] {
  const next = new Map<string, TopicPartitionOffset>();
  for (const r of records) {
    const k = `${r.topic}\u0000${r.partition}`;
    const cur = next.get(k);
    if (!cur || r.offset + 1 > cur.offset)
      next.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
  }
  return [...next.values()];
}

/** The first positions of a batch: where to seek back to replay it. */
export function firstPositions(records: InRecord[]): TopicPartitionOffset[] {
  const first = new Map<string, TopicPartitionOffset>();
  for (const r of records) {
    const k = `${r.topic}\u0000${r.partition}`;
    const cur = first.get(k);
    if (!cur || r.offset < cur.offset)
      first.set(k, { topic: r.topic, partition: r.partition, offset: r.offset });
  }
  return [...first.values()];
}
