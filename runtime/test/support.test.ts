import * as rdkafka from "../src/kafka/rdkafka";
import { freePort } from "../src/services/local";
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

describe("freePort, the port the local services and restarted workers take by name", () => {
  it("is free and below the kernel's ephemeral range, so no listen(0) elsewhere can take it while a service restarts", async () => {
    const { readFileSync } = await import("node:fs");
    const { createServer } = await import("node:net");
    const start = Number(
      readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0],
    );
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(10000);
      expect(port).toBeLessThan(start);
    }
    // And it can be bound.
    await new Promise<void>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(ports[0], "127.0.0.1", () => srv.close(() => resolve()));
    });
  });
});
