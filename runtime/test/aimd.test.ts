import fc from "fast-check";
import { AimdController } from "../src/aimd";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

describe("AIMD controller", () => {
  const opts = { minBatch: 100, maxBatch: 1000, minConcurrency: 1, maxConcurrency: 4, targetLatencyMs: 100 };

  it("doubles in slow start, halves when slow, then grows additively", () => {
    const c = new AimdController(opts);
    expect(c.observe({ latencyMs: 10, records: 100, lag: 500 })).toBe("increase");
    expect(c.batchSize).toBe(200);
    expect(c.concurrency).toBe(2);
    c.observe({ latencyMs: 10, records: 200, lag: 500 });
    expect(c.batchSize).toBe(400);
    expect(c.observe({ latencyMs: 500, records: 400, lag: 500 })).toBe("decrease");
    expect(c.batchSize).toBe(200);
    c.observe({ latencyMs: 10, records: 200, lag: 500 });
    expect(c.batchSize).toBe(250);
  });

  it("cuts a slow batch's size but keeps its concurrency; cuts both when a batch fails", () => {
    const c = new AimdController(opts);
    c.observe({ latencyMs: 10, records: 100, lag: 500 });
    c.observe({ latencyMs: 10, records: 200, lag: 500 });
    expect([c.batchSize, c.concurrency]).toEqual([400, 3]);
    expect(c.observe({ latencyMs: 500, records: 400, lag: 500 })).toBe("decrease");
    expect([c.batchSize, c.concurrency]).toEqual([200, 3]);
    expect(c.observe({ latencyMs: 5, records: 200, lag: 500, failed: true })).toBe("decrease");
    expect([c.batchSize, c.concurrency]).toEqual([100, 1]);
  });

  it("holds when there is no lag and batches come back short", () => {
    const c = new AimdController(opts);
    expect(c.observe({ latencyMs: 10, records: 5, lag: 0 })).toBe("hold");
    expect(c.batchSize).toBe(100);
  });

  it("backs off on failure", () => {
    const c = new AimdController(opts);
    for (let i = 0; i < 10; i++) c.observe({ latencyMs: 1, records: 10000, lag: 1 });
    expect(c.batchSize).toBe(1000);
    c.observe({ latencyMs: 1, records: 1, lag: 0, failed: true });
    expect(c.batchSize).toBe(500);
  });

  it("stays within its bounds whatever it observes", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            latencyMs: fc.nat(1000),
            records: fc.nat(5000),
            lag: fc.nat(10000),
            failed: fc.boolean(),
          }),
        ),
        (samples) => {
          const c = new AimdController(opts);
          for (const s of samples) {
            c.observe(s);
            expect(c.batchSize).toBeGreaterThanOrEqual(100);
            expect(c.batchSize).toBeLessThanOrEqual(1000);
            expect(c.concurrency).toBeGreaterThanOrEqual(1);
            expect(c.concurrency).toBeLessThanOrEqual(4);
          }
        },
      ),
    );
  });

  it("rejects inconsistent bounds, naming each", () => {
    expect(() => new AimdController({ minBatch: 10, maxBatch: 5, decreaseFactor: 2 })).toThrow(
      "invalid AIMD options: maxBatch (5) must be >= minBatch (10); decreaseFactor must be in (0, 1)",
    );
  });
});
