/**
 * Graceful shutdown: closing a worker mid-stream finishes the batch in flight and commits it, so
 * the worker that takes over replays nothing — no record is produced twice.
 */
import { startWorker } from "../src/app";
import { sampleStream } from "../src/sample";
import { produce, readTopic, startServices, waitFor, type Services } from "./support";

jest.setTimeout(120000);

let svc: Services;
beforeAll(async () => {
  svc = await startServices({ "s.raw": 4, "s.valid": 4, "s.events": 1, "s.features": 1, "s.dlq": 1 }, "s");
});
afterAll(async () => {
  await svc.stop();
});

it("stops fetching, finishes and commits the batch on close, so a successor replays nothing", async () => {
  const cfg = svc.env({ BATCH_MIN: "50", BATCH_MAX: "200" });
  const stream = [...sampleStream({ events: 6000, duplicateRate: 0, malformedRate: 0.01, seed: 9 })];
  await produce(cfg, cfg.TOPIC_RAW, stream);
  let seen = 0;
  const first = await startWorker("ingest", cfg, { onBatch: (n) => (seen += n) });
  await waitFor("the first worker to be mid-stream", () => seen > 500);
  await first.close();
  const handled = seen;
  expect(handled).toBeLessThan(stream.length);
  const second = await startWorker("ingest", cfg, { onBatch: (n) => (seen += n) });
  try {
    await waitFor("the rest of the stream", () => seen >= stream.length);
  } finally {
    await second.close();
  }
  expect(seen).toBe(stream.length);
  const valid = stream.filter((r) => r.kind === "valid").length;
  const valids = await readTopic(cfg, cfg.TOPIC_VALID);
  const dead = await readTopic(cfg, cfg.TOPIC_DEAD_LETTER);
  expect(valids.length).toBe(valid);
  expect(dead.length).toBe(stream.length - valid);
});
