/**
 * A deterministic sample stream: valid events over a few entities and two event dates, with
 * repeats (same event id again) and malformed records of every kind ingest must dead-letter.
 */
export interface SampleOptions {
  /** Distinct valid events. */
  events: number;
  /** @defaultValue 100 */
  entities: number;
  /** Fraction of valid events sent twice. @defaultValue 0.05 */
  duplicateRate: number;
  /** Malformed records, as a fraction of `events`. @defaultValue 0.02 */
  malformedRate: number;
  /** @defaultValue 1 */
  seed: number;
  /** Event time of the first event, epoch ms. @defaultValue 2026-01-01T23:00:00Z */
  startTs: number;
}

export interface SampleRecord {
  key: string;
  value: Buffer;
  /** "valid", "duplicate" or the reason ingest should give. */
  kind: string;
}

/**
 * What a {@link sampleStream} has yielded so far, counted as each record is yielded: the local run
 * checks its report against these, not against figures recomputed from what it expected.
 */
export interface SampleCounts {
  /** Every record yielded. */
  records: number;
  /** Distinct valid events (each event id once). */
  valid: number;
  /** Valid events yielded again (the same event id). */
  duplicates: number;
  /** Malformed records, which ingest must dead-letter. */
  malformed: number;
}

/** Zeroed counts to pass to {@link sampleStream}. */
export function newSampleCounts(): SampleCounts {
  return { records: 0, valid: 0, duplicates: 0, malformed: 0 };
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const malformed: Array<{ kind: string; make: (rnd: () => number, i: number) => Buffer }> = [
  {
    // Random bytes that start with 0xff, which never occurs in UTF-8: ingest rejects them as not UTF-8.
    kind: "not-utf8",
    make: (rnd) => {
      const bytes = Buffer.from(Array.from({ length: 40 }, () => Math.floor(rnd() * 256)));
      bytes[0] = 0xff;
      return bytes;
    },
  },
  { kind: "not-json", make: (_, i) => Buffer.from(`{"eventId": "broken-${i}", `) },
  {
    kind: "missing-event-id",
    make: (_, i) => Buffer.from(JSON.stringify({ entity: `e${i}`, ts: 1, value: 1 })),
  },
  {
    kind: "schema",
    make: (_, i) =>
      Buffer.from(JSON.stringify({ eventId: `bad-${i}`, entity: "e", ts: "yesterday", value: 1 })),
  },
  { kind: "too-deep", make: () => Buffer.from("[".repeat(5000) + "]".repeat(5000)) },
  {
    kind: "too-large",
    make: (_, i) => Buffer.from(JSON.stringify({ eventId: `big-${i}`, pad: "x".repeat(70000) })),
  },
];

/**
 * The stream, generated lazily. When `counts` is given, each record is counted in it as it is
 * yielded, so a consumer that stops early sees what was actually generated.
 */
export function* sampleStream(
  options: Partial<SampleOptions> & { events: number },
  counts: SampleCounts = newSampleCounts(),
): Generator<SampleRecord> {
  const o = {
    entities: 100,
    duplicateRate: 0.05,
    malformedRate: 0.02,
    seed: 1,
    startTs: Date.UTC(2026, 0, 1, 23),
    ...options,
  };
  const rnd = mulberry32(o.seed);
  const recent: SampleRecord[] = [];
  const malformedEvery = o.malformedRate > 0 ? Math.max(1, Math.round(1 / o.malformedRate)) : Infinity;
  const dupEvery = o.duplicateRate > 0 ? Math.max(1, Math.round(1 / o.duplicateRate)) : Infinity;
  let m = 0;
  for (let i = 0; i < o.events; i++) {
    const entity = `user-${Math.floor(rnd() * o.entities)}`;
    // Two hours of event time over the stream: it crosses midnight, so two date partitions.
    const ts = o.startTs + Math.floor((i / Math.max(1, o.events)) * 2 * 3600 * 1000);
    const rec = {
      key: entity,
      value: Buffer.from(
        JSON.stringify({ eventId: `evt-${o.seed}-${i}`, entity, ts, value: (i % 97) + 1, type: "click" }),
      ),
      kind: "valid",
    };
    counts.records++;
    counts.valid++;
    yield rec;
    recent.push(rec);
    if (recent.length > 50) recent.shift();
    if ((i + 1) % dupEvery === 0) {
      const again = recent[Math.floor(rnd() * recent.length)];
      counts.records++;
      counts.duplicates++;
      yield { ...again, kind: "duplicate" };
    }
    if ((i + 1) % malformedEvery === 0) {
      const f = malformed[m % malformed.length];
      counts.records++;
      counts.malformed++;
      yield { key: `bad-${m}`, value: f.make(rnd, m), kind: f.kind };
      m++;
    }
  }
}
