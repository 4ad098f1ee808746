import { BrokenCircuitError } from "cockatiel";
import { SimpleError } from "@redis/client/dist/lib/errors";
import { PermanentError, TransientError, failureKind, isTransient } from "../src/errors";
import { createMetrics } from "../src/metrics";
import { callPolicy } from "../src/resilience";

jest.setTimeout(30000);

const value = async (m: { get(): Promise<{ values: Array<{ value: number; labels: object }> }> }) =>
  (await m.get()).values.reduce((s, v) => s + v.value, 0);

describe("error classification", () => {
  it.each([
    [new TransientError("X", "t"), true],
    [new PermanentError("X", "p"), false],
    [Object.assign(new Error("reset"), { code: "ECONNRESET" }), true],
    [Object.assign(new Error("slow down"), { $metadata: { httpStatusCode: 503 } }), true],
    [Object.assign(new Error("throttled"), { $metadata: { httpStatusCode: 429 } }), true],
    [Object.assign(new Error("forbidden"), { $metadata: { httpStatusCode: 403 } }), false],
    [new Error("LOADING Redis is loading the dataset in memory"), true],
    [new Error("WRONGTYPE Operation against a key holding the wrong kind of value"), false],
    [new SyntaxError("Unexpected token"), false],
    ["not even an error", false],
  ])("%s is transient: %s", (err, transient) => {
    expect(isTransient(err)).toBe(transient);
  });
});

describe("failure kinds", () => {
  it.each([
    [new TransientError("X", "t"), "transient"],
    [new SimpleError("NOSCRIPT No matching script"), "transient"],
    [new SimpleError("WRONGTYPE Operation against a key holding the wrong kind of value"), "record"],
    [new PermanentError("X", "bad record"), "record"],
    [new RangeError("Invalid time value"), "record"],
    [new SimpleError("WRONGPASS invalid username-password pair"), "systemic"],
    [new PermanentError("X", "topic authorization failed", { systemic: true }), "systemic"],
    [new Error("something nobody classified"), "systemic"],
  ])("%s is %s", (err, kind) => {
    expect(failureKind(err)).toBe(kind);
  });
});

describe("call policy", () => {
  it("retries transient errors with backoff until the call succeeds, and counts the retries", async () => {
    const metrics = createMetrics("test");
    const policy = callPolicy({ dependency: "redis", maxAttempts: 5, breakerThreshold: 10 }, metrics);
    let calls = 0;
    const result = await policy.execute(async () => {
      if (++calls < 3) throw Object.assign(new Error("reset"), { code: "ECONNRESET" });
      return "ok";
    });
    expect(result).toBe("ok");
    expect(calls).toBe(3);
    expect(await value(metrics.retries)).toBe(2);
  });

  it("never retries a permanent error", async () => {
    const policy = callPolicy({ dependency: "object-store" });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls++;
        throw new PermanentError("BAD", "bad request");
      }),
    ).rejects.toThrow("bad request");
    expect(calls).toBe(1);
  });

  it("times out a call that hangs and aborts its signal", async () => {
    const policy = callPolicy({ dependency: "redis", timeoutMs: 50, maxAttempts: 0 });
    let aborted = false;
    await expect(
      policy.execute(
        (signal) =>
          new Promise((_, reject) => {
            signal.addEventListener("abort", () => {
              aborted = true;
              reject(new Error("aborted"));
            });
          }),
      ),
    ).rejects.toThrow();
    expect(aborted).toBe(true);
  });

  it("opens the breaker after consecutive transient failures and reports it in metrics", async () => {
    const metrics = createMetrics("test");
    const policy = callPolicy(
      { dependency: "object-store", maxAttempts: 0, breakerThreshold: 3, halfOpenAfterMs: 60000 },
      metrics,
    );
    const failing = () => Promise.reject(new TransientError("DOWN", "store down"));
    for (let i = 0; i < 3; i++) await expect(policy.execute(failing)).rejects.toThrow("store down");
    let called = false;
    await expect(
      policy.execute(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(called).toBe(false);
    const state = (await metrics.breakerState.get()).values.find(
      (v) => (v.labels as { dependency?: string }).dependency === "object-store",
    );
    expect(state?.value).toBe(2);
  });
});
