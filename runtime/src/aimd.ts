/**
 * Additive-increase, multiplicative-decrease control of batch size and in-flight concurrency.
 * While batches finish under the latency target and there is lag (or the batch came back full), grow
 * by a step; when a batch is slower than the target, cut its size by a factor, and when it fails,
 * cut its size and its concurrency. Always within bounds.
 * Like TCP, it starts in slow start (doubling) until the first cut, so it finds the right size fast.
 */
export interface AimdOptions {
  /** @defaultValue 100 */
  minBatch: number;
  /** @defaultValue 5000 */
  maxBatch: number;
  /** @defaultValue 1 */
  minConcurrency: number;
  /** @defaultValue 4 */
  maxConcurrency: number;
  /** Batch latency above which the controller backs off. @defaultValue 250 */
  targetLatencyMs: number;
  /** Additive step, as a fraction of maxBatch. @defaultValue 0.05 */
  increaseFraction: number;
  /** Multiplicative factor on congestion. @defaultValue 0.5 */
  decreaseFactor: number;
}

export const aimdDefaults: AimdOptions = {
  minBatch: 100,
  maxBatch: 5000,
  minConcurrency: 1,
  maxConcurrency: 4,
  targetLatencyMs: 250,
  increaseFraction: 0.05,
  decreaseFactor: 0.5,
};

export type AimdDecision = "increase" | "decrease" | "hold";

export class AimdController {
  readonly options: AimdOptions;
  private size: number;
  private inFlight: number;
  private slowStart = true;

  constructor(options: Partial<AimdOptions> = {}) {
    const o = { ...aimdDefaults, ...options };
    const problems: string[] = [];
    if (o.minBatch < 1) problems.push(`minBatch must be at least 1, got ${o.minBatch}`);
    if (o.maxBatch < o.minBatch)
      problems.push(`maxBatch (${o.maxBatch}) must be >= minBatch (${o.minBatch})`);
    if (o.minConcurrency < 1) problems.push(`minConcurrency must be at least 1, got ${o.minConcurrency}`);
    if (o.maxConcurrency < o.minConcurrency) problems.push(`maxConcurrency must be >= minConcurrency`);
    if (!(o.decreaseFactor > 0 && o.decreaseFactor < 1)) problems.push(`decreaseFactor must be in (0, 1)`);
    if (!(o.increaseFraction > 0 && o.increaseFraction <= 1))
      problems.push(`increaseFraction must be in (0, 1]`);
    if (o.targetLatencyMs <= 0) problems.push(`targetLatencyMs must be positive`);
    if (problems.length) throw new Error(`invalid AIMD options: ${problems.join("; ")}`);
    this.options = o;
    this.size = o.minBatch;
    this.inFlight = o.minConcurrency;
  }

  get batchSize(): number {
    return this.size;
  }

  get concurrency(): number {
    return this.inFlight;
  }

  /** Feeds one finished batch; returns what the controller did. */
  observe(sample: { latencyMs: number; records: number; lag: number; failed?: boolean }): AimdDecision {
    const o = this.options;
    if (sample.failed || sample.latencyMs > o.targetLatencyMs) {
      this.size = Math.max(o.minBatch, Math.floor(this.size * o.decreaseFactor));
      // A slow batch is cut in size; its parallelism is cut only when it failed (a dependency
      // refusing or timing out). Fewer partitions at once would only make a slow batch slower.
      if (sample.failed)
        this.inFlight = Math.max(o.minConcurrency, Math.floor(this.inFlight * o.decreaseFactor));
      this.slowStart = false;
      return "decrease";
    }
    const saturated = sample.records >= this.size || sample.lag > 0;
    if (!saturated) return "hold";
    const step = Math.max(1, Math.round(o.maxBatch * o.increaseFraction));
    const before = [this.size, this.inFlight];
    this.size = Math.min(
      o.maxBatch,
      this.slowStart ? Math.max(this.size * 2, this.size + step) : this.size + step,
    );
    this.inFlight = Math.min(o.maxConcurrency, this.inFlight + 1);
    return before[0] === this.size && before[1] === this.inFlight ? "hold" : "increase";
  }
}
