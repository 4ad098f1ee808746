import fc from "fast-check";
import type { InRecord, OutRecord, ProducerTransport } from "../src/kafka/transport";
import { securityConfig } from "../src/kafka/rdkafka";
import { createMetrics } from "../src/metrics";
import { createIngest } from "../src/stages/ingest";
import { nextTraceparent } from "../src/trace";

// Property tests and a loaded CI machine: allow more than jest's default 5 s.
jest.setTimeout(60000);

class CapturingProducer implements ProducerTransport {
  sent: OutRecord[] = [];
  async send(records: OutRecord[]) {
    this.sent.push(...records);
  }
  async close() {}
}

const cfg = {
  TOPIC_VALID: "valid",
  TOPIC_DEAD_LETTER: "dlq",
  EVENT_SCHEMA: undefined,
  MAX_RECORD_BYTES: 4096,
};
const raw = (offset: number, value: Buffer | null, headers: Record<string, Buffer> = {}): InRecord => ({
  topic: "raw",
  partition: offset % 3,
  offset,
  key: null,
  value,
  headers,
});

describe("ingest", () => {
  it("routes every record, valid or hostile, exactly once and never throws", async () => {
    const hostile = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((b) => Buffer.from(b)),
      fc.jsonValue({ maxDepth: 6 }).map((v) => Buffer.from(JSON.stringify(v) ?? "null")),
      fc.integer({ min: 1, max: 200 }).map((d) => Buffer.from('{"a":'.repeat(d) + "1" + "}".repeat(d))),
      fc
        .record({
          eventId: fc.string({ minLength: 1 }),
          entity: fc.string({ minLength: 1 }),
          ts: fc.nat(),
          value: fc.double({ noNaN: true, noDefaultInfinity: true }),
        })
        .map((e) => Buffer.from(JSON.stringify(e))),
      fc.constant(Buffer.alloc(5000, 0x61)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(hostile, { maxLength: 40 }), async (values) => {
        const producer = new CapturingProducer();
        const stage = createIngest(cfg, { producer, metrics: createMetrics("ingest") });
        const records = values.map((v, i) => raw(i, v));
        await stage.process(records, 2);
        expect(producer.sent).toHaveLength(records.length);
        for (const out of producer.sent) {
          expect(["valid", "dlq"]).toContain(out.topic);
          if (out.topic === "dlq") {
            expect(out.headers!["x-reason"]).toMatch(
              /^(empty|too-large|too-deep|not-json|schema|missing-event-id)$/,
            );
            const source = records[Number(out.headers!["x-source-offset"])];
            expect(out.value).toEqual(source.value ?? Buffer.alloc(0));
          }
        }
      }),
      { numRuns: 50 },
    );
  });

  it("keys valid events by entity and carries the trace forward", async () => {
    const producer = new CapturingProducer();
    const stage = createIngest(cfg, { producer, metrics: createMetrics("ingest") });
    const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const value = Buffer.from(JSON.stringify({ eventId: "e1", entity: "user-9", ts: 1, value: 2 }));
    await stage.process([raw(0, value, { traceparent: Buffer.from(parent) })], 1);
    const [out] = producer.sent;
    expect(out).toMatchObject({ topic: "valid", key: "user-9", value });
    const tp = String(out.headers!.traceparent);
    expect(tp).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(tp).not.toBe(parent);
  });

  it("starts a new trace when a record has none or a malformed one", () => {
    expect(nextTraceparent({})).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(nextTraceparent({ traceparent: Buffer.from("garbage") })).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
    );
  });
});

describe("Kafka security settings from the KafkaConnection contract", () => {
  it("maps SASL/SCRAM over TLS with a CA", () => {
    expect(
      securityConfig({
        KAFKA_BOOTSTRAP_SERVERS: "b-1:9096",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
        KAFKA_CREDENTIALS: "svc:pa:ss",
        KAFKA_CA_CERT: "PEM",
      }),
    ).toEqual({
      "bootstrap.servers": "b-1:9096",
      "security.protocol": "sasl_ssl",
      "sasl.mechanisms": "SCRAM-SHA-512",
      "sasl.username": "svc",
      "sasl.password": "pa:ss",
      "ssl.ca.pem": "PEM",
    });
  });

  it("refuses MSK IAM with a message that says what to use instead", () => {
    expect(() =>
      securityConfig({
        KAFKA_BOOTSTRAP_SERVERS: "b:9098",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
      }),
    ).toThrow(/AWS_MSK_IAM .* use SCRAM-SHA-512/);
  });
});
