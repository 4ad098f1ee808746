/**
 * The feature server's in-process cache: each entity's answer (its snapshot, or that it has none),
 * kept for at most `maxAgeMs` after the Redis read that fetched it was sent, and at most
 * `maxEntries` entities.
 *
 * - **Never older than the bound.** An entry's age counts from before its read was sent to Redis, so
 *   an answer from the cache reflects Redis as it was at most `maxAgeMs` ago (the feature freshness
 *   the config allows, `FEATURE_MAX_STALENESS_MS`). An entry at or past the bound is never returned.
 * - **Bounded.** Every entry lives the same time, so the order of insertion is (nearly: reads are
 *   answered about in the order they were sent) the order of expiry: one `Map` in insertion order is
 *   both the expiry queue and the eviction order. Inserting drops the expired entries at its head,
 *   then the oldest past `maxEntries`; an expired entry left behind a newer one is never returned.
 * - **No regression.** A read sent earlier that is answered later does not replace a newer entry.
 */
import { Counter, type Registry } from "prom-client";

/** What the cache holds for an entity: its answer as JSON (`null` when it has no features). */
export interface CachedFeature<F> {
  /** The snapshot, or null when Redis has none for the entity. */
  feature: F | null;
  /** `JSON.stringify(feature)`, made once per read rather than once per answer. */
  json: string;
}

interface Entry<F> extends CachedFeature<F> {
  /** When the read that fetched it was sent (`now()`'s clock). */
  readAt: number;
}

export interface FeatureCacheOptions {
  /**
   * How long an entry is served, in ms from when its read was sent; 0 turns the cache off.
   * @defaultValue 250
   */
  maxAgeMs: number;
  /** Entities held at once; the oldest are dropped first. @defaultValue 65536 */
  maxEntries: number;
  /** The clock, in ms. @defaultValue `performance.now` */
  now: () => number;
}

/** The cache's counters: hits and misses, by entity. */
export interface FeatureCacheCounters {
  hits: Counter<string>;
  misses: Counter<string>;
}

const HITS = "seawall_feature_cache_hits_total";
const MISSES = "seawall_feature_cache_misses_total";

/** The hit and miss counters in `registry`, created once per registry. */
export function featureCacheCounters(registry: Registry): FeatureCacheCounters {
  const counter = (name: string, help: string) =>
    (registry.getSingleMetric(name) as Counter<string> | undefined) ??
    new Counter({ name, help, registers: [registry] });
  return {
    hits: counter(HITS, "Entities the feature server answered from its in-process cache"),
    misses: counter(
      MISSES,
      "Entities the feature server read from Redis (not cached, or past the staleness bound)",
    ),
  };
}

/** A bounded, time-limited map from entity to its cached answer (see the module's notes). */
export class FeatureCache<F> {
  readonly maxAgeMs: number;
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry<F>>();

  constructor(options: Partial<FeatureCacheOptions> = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 250;
    this.maxEntries = options.maxEntries ?? 65536;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isFinite(this.maxAgeMs) || this.maxAgeMs < 0)
      throw new RangeError(`maxAgeMs is ${this.maxAgeMs}: use 0 (off) or a positive number of ms`);
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries is ${this.maxEntries}: use a positive integer`);
  }

  /** Whether the cache keeps anything (`maxAgeMs` > 0). */
  get enabled(): boolean {
    return this.maxAgeMs > 0;
  }

  /** Entities held (some may be expired and not yet dropped). */
  get size(): number {
    return this.entries.size;
  }

  /** The time to stamp on a read about to be sent: pass it to {@link set} with its answer. */
  stamp(): number {
    return this.now();
  }

  /** The entity's answer if it was read less than `maxAgeMs` ago, else undefined. */
  get(entity: string): CachedFeature<F> | undefined {
    const e = this.entries.get(entity);
    if (e === undefined) return undefined;
    if (this.now() - e.readAt < this.maxAgeMs) return e;
    this.entries.delete(entity);
    return undefined;
  }

  /**
   * Keeps the answer of a read sent at `readAt` (from {@link stamp}), unless the cache holds a newer
   * one or the answer is already too old. Drops expired entries, then the oldest past `maxEntries`.
   */
  set(entity: string, value: CachedFeature<F>, readAt: number): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - readAt >= this.maxAgeMs) return;
    const existing = this.entries.get(entity);
    if (existing !== undefined) {
      if (existing.readAt >= readAt) return;
      // Delete first so that the entity moves to the end: insertion order stays expiry order.
      this.entries.delete(entity);
    }
    this.entries.set(entity, { feature: value.feature, json: value.json, readAt });
    this.evict(now);
  }

  private evict(now: number): void {
    for (const [entity, e] of this.entries) {
      if (this.entries.size > this.maxEntries || now - e.readAt >= this.maxAgeMs) this.entries.delete(entity);
      else break;
    }
  }
}
