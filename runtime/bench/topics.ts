/** How many records topics hold, from their partitions' watermarks (the mock cluster never deletes). */
import { KafkaConsumer } from "@confluentinc/kafka-javascript";

/** A watermark reader on one cluster: one client, kept open while the bench needs it. */
export interface Watermarks {
  /** Records on each topic: high − low watermark summed over its partitions, by topic. */
  records(topics: Record<string, number>): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export async function openWatermarks(bootstrapServers: string): Promise<Watermarks> {
  const consumer = new KafkaConsumer(
    { "bootstrap.servers": bootstrapServers, "group.id": "seawall-bench-watermarks" },
    {},
  );
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 30000 }, (err) => (err ? reject(err) : resolve())),
  );
  const partition = (topic: string, p: number) =>
    new Promise<number>((resolve, reject) =>
      consumer.queryWatermarkOffsets(topic, p, 10000, (err, w) =>
        err
          ? reject(new Error(`watermarks of ${topic}/${p}: ${err.message}`))
          : resolve(w.highOffset - w.lowOffset),
      ),
    );
  return {
    async records(topics) {
      const out: Record<string, number> = {};
      for (const [topic, partitions] of Object.entries(topics)) {
        const counts = await Promise.all(Array.from({ length: partitions }, (_, p) => partition(topic, p)));
        out[topic] = counts.reduce((a, b) => a + b, 0);
      }
      return out;
    },
    close: () => new Promise<void>((resolve) => consumer.disconnect(() => resolve())),
  };
}
