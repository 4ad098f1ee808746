import fc from "fast-check";
import type { InRecord, OutRecord, ProducerTransport } from "../src/kafka/transport";
import { mskIamToken, securityConfig } from "../src/kafka/rdkafka";
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

  it("gives every hop its own span id and every new trace its own trace id, across many records", () => {
    const parent = { traceparent: Buffer.from("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01") };
    const spans = new Set<string>();
    const traces = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      spans.add(nextTraceparent(parent).slice(36, 52));
      const fresh = nextTraceparent({});
      expect(fresh).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      traces.add(fresh.slice(3, 35));
    }
    expect(spans.size).toBe(5000);
    expect(traces.size).toBe(5000);
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

  it("maps MSK IAM to OAUTHBEARER with a token for the cluster's region, and requires the region", async () => {
    const regions: string[] = [];
    const conf = securityConfig(
      {
        KAFKA_BOOTSTRAP_SERVERS: "b:9098",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
        KAFKA_CLIENT_REGION: "eu-west-1",
      },
      async (region) => {
        regions.push(region);
        return { tokenValue: "t", lifetime: 1, principal: "p" };
      },
    );
    expect(conf).toMatchObject({ "security.protocol": "sasl_ssl", "sasl.mechanisms": "OAUTHBEARER" });
    await expect((conf.oauthbearer_token_refresh_cb as () => Promise<unknown>)()).resolves.toEqual({
      tokenValue: "t",
      lifetime: 1,
      principal: "p",
    });
    expect(regions).toEqual(["eu-west-1"]);
    const saved = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(() =>
        securityConfig({
          KAFKA_BOOTSTRAP_SERVERS: "b",
          KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
          KAFKA_SASL_MECHANISM: "AWS_MSK_IAM",
        }),
      ).toThrow(/set KAFKA_CLIENT_REGION/);
    } finally {
      if (saved !== undefined) process.env.AWS_REGION = saved;
    }
  });

  it("signs a real MSK IAM token locally from the default credential chain", async () => {
    const saved = { ...process.env };
    // AWS's documented example key pair: not a credential.
    process.env.AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    try {
      const t = await mskIamToken("eu-west-1");
      const url = Buffer.from(t.tokenValue, "base64url").toString();
      expect(url).toMatch(/^https:\/\/kafka\.eu-west-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect/);
      expect(url).toContain("X-Amz-Credential=AKIAIOSFODNN7EXAMPLE");
      expect(t.lifetime).toBeGreaterThan(Date.now());
    } finally {
      process.env = saved;
    }
  });
});
