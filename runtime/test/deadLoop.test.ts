/**
 * A batch loop that stops on an error (it could not rewind after a failed batch) must not leave a
 * worker that looks healthy: it turns not ready, `done` rejects (the entry point exits non-zero on
 * it), and `seawall_loop_up` drops to 0.
 */
import { startWorker } from "../src/app";
import { TransientError } from "../src/errors";
import type { ConsumerTransport } from "../src/kafka/transport";
import { startServices, type Services } from "./support";

jest.setTimeout(60000);

let svc: Services;
beforeAll(async () => {
  svc = await startServices({ "d.raw": 1, "d.valid": 1, "d.dlq": 1 }, "d");
});
afterAll(async () => {
  await svc.stop();
});

it("turns not ready and rejects `done` when the batch loop stops on an error", async () => {
  let polled = false;
  const consumer: ConsumerTransport = {
    async poll() {
      if (polled) return [];
      polled = true;
      const value = Buffer.from(JSON.stringify({ eventId: "e1", entity: "u", ts: 1, value: 1 }));
      return [{ topic: "d.raw", partition: 0, offset: 0, key: null, value, headers: {} }];
    },
    async commit() {
      throw new TransientError("SEAWALL_KAFKA", "commit: Broker: Coordinator not available");
    },
    async seek() {
      throw new TransientError("SEAWALL_KAFKA", "seek: Local: Erroneous state");
    },
    lag: () => 0,
    onRebalance() {},
    async close() {},
  };
  const w = await startWorker("ingest", svc.env(), { createConsumer: async () => consumer });
  try {
    await expect(w.done).rejects.toThrow(/could not rewind after 5 attempts/);
    const ready = await fetch(`http://127.0.0.1:${w.port}/readyz`);
    expect(ready.status).toBe(503);
    expect((await w.metrics.loopUp.get()).values.map((v) => v.value)).toEqual([0]);
  } finally {
    await w.close();
  }
});
