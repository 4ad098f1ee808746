import * as rdkafka from "../src/kafka/rdkafka";
import { produce, readTopic, startServices, type Services } from "./support";

jest.setTimeout(60000);

describe("readTopic, the tests' topic reader", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startServices({ "r.raw": 2 }, "r");
  });
  afterAll(() => svc.stop());

  it("reads until the topic is idle, past the expected count, so an extra record fails a count assertion", async () => {
    const cfg = svc.env();
    const value = (i: number) => ({ key: `k${i}`, value: Buffer.from(`v${i}`) });
    await produce(cfg, "r.raw", [0, 1, 2, 3, 4].map(value));
    // The real consumer, whose poll produces one more record right after the reader has the five it
    // expects: a reader that stops at its count never sees it.
    const real = rdkafka.createConsumer;
    const spy = jest.spyOn(rdkafka, "createConsumer").mockImplementation(async (...args) => {
      const consumer = await real(...args);
      let seen = 0;
      let extra = false;
      const poll = consumer.poll.bind(consumer);
      consumer.poll = async (max, timeoutMs) => {
        const batch = await poll(max, timeoutMs);
        seen += batch.length;
        if (seen >= 5 && !extra) {
          extra = true;
          await produce(cfg, "r.raw", [value(5)]);
        }
        return batch;
      };
      return consumer;
    });
    try {
      const read = await readTopic(cfg, "r.raw", 1000);
      expect(read.map((r) => r.value!.toString()).sort()).toEqual(["v0", "v1", "v2", "v3", "v4", "v5"]);
    } finally {
      spy.mockRestore();
    }
  });
});
