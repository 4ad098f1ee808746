import { createHash } from "node:crypto";
import fc from "fast-check";
import { startWorker } from "../src/app";
import { PermanentError, TransientError } from "../src/errors";
import type { InRecord, OutRecord, ProducerTransport } from "../src/kafka/transport";
import { createProducer, kafkaError, mskIamToken, securityConfig } from "../src/kafka/rdkafka";
import { createMetrics } from "../src/metrics";
import { createIngest } from "../src/stages/ingest";
import { nextTraceparent } from "../src/trace";
import { readTopic, startServices, type Services } from "./support";

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
              /^(empty|too-large|not-utf8|too-deep|not-json|lone-surrogate|non-finite-number|schema|missing-event-id)$/,
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

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const event = (e: Record<string, unknown>) => Buffer.from(JSON.stringify(e));

describe("ingest dead-letters malformed input with its reason", () => {
  const run = async (values: Buffer[], extra: Partial<{ DEAD_LETTER_MAX_BYTES: number }> = {}) => {
    const producer = new CapturingProducer();
    const stage = createIngest({ ...cfg, ...extra }, { producer, metrics: createMetrics("ingest") });
    await stage.process(
      values.map((v, i) => ({ ...raw(i, v), partition: 0 })),
      1,
    );
    return producer.sent;
  };
  const headersOf = (o: OutRecord) => [o.topic, o.headers?.["x-reason"], o.headers?.["x-detail"]];

  it("rejects ids \\xff\\xfe and \\xfe\\xff as not UTF-8 instead of passing both as one id", async () => {
    const id = (b: number[]) =>
      Buffer.concat([
        Buffer.from('{"eventId":"'),
        Buffer.from(b),
        Buffer.from('","entity":"u","ts":1,"value":1}'),
      ]);
    const sent = await run([id([0xff, 0xfe]), id([0xfe, 0xff])]);
    expect(sent.map(headersOf)).toEqual([
      ["dlq", "not-utf8", "byte 12 (0xff) starts an invalid UTF-8 sequence; send the event encoded as UTF-8"],
      ["dlq", "not-utf8", "byte 12 (0xfe) starts an invalid UTF-8 sequence; send the event encoded as UTF-8"],
    ]);
  });

  it("rejects lone surrogates, non-finite numbers and values beyond ±1e15, and passes the rest", async () => {
    const sent = await run([
      Buffer.from('{"eventId":"e1","entity":"u\\udfff","ts":1,"value":1}'),
      Buffer.from('{"eventId":"e2","entity":"u","ts":1,"value":1e400}'),
      event({ eventId: "e3", entity: "u", ts: 1, value: 1e308 }),
      event({ eventId: "e4", entity: "u", ts: 1, value: 1e15 }),
    ]);
    expect(sent.map(headersOf)).toEqual([
      ["dlq", "lone-surrogate", "/entity: lone surrogate U+DFFF in a string"],
      [
        "dlq",
        "non-finite-number",
        "/value: Infinity is not a finite number; numbers must be within ±1.7976931348623157e+308",
      ],
      ["dlq", "schema", "/value: must be <= 1000000000000000"],
      ["valid", undefined, undefined],
    ]);
  });

  it("dead-letters a record over DEAD_LETTER_MAX_BYTES as its prefix, size and checksum", async () => {
    const exact = Buffer.alloc(1024, 0x61);
    const over = Buffer.alloc(1025, 0x62);
    const sent = await run([exact, over], { DEAD_LETTER_MAX_BYTES: 1024 });
    expect(sent.map((o) => [o.value, o.headers!["x-truncated"], o.headers!["x-original-bytes"]])).toEqual([
      [exact, "false", "1024"],
      [over.subarray(0, 1024), "true", "1025"],
    ]);
    expect(sent[1].headers!["x-original-sha256"]).toBe(sha256(over));
    const big = Buffer.alloc(300 * 1024, 0x63);
    const [dl] = await run([big]);
    expect((dl.value as Buffer).length).toBe(256 * 1024);
    expect(dl.headers).toMatchObject({ "x-reason": "too-large", "x-original-sha256": sha256(big) });
  });
});

describe("a 4 MB record on the mock cluster", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startServices({ "g.raw": 1, "g.valid": 1, "g.events": 1, "g.features": 1, "g.dlq": 1 }, "g");
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("fails a producer as permanent, naming the topic and the size", async () => {
    const p = await createProducer(svc.env());
    try {
      const err = await p.send([{ topic: "g.dlq", value: Buffer.alloc(4 * 1024 * 1024) }]).catch((e) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect(err.code).toBe("SEAWALL_KAFKA_REJECTED");
      expect(err.message).toMatch(
        /^produce to g\.dlq \(4194304 bytes\): .*size too large \(code 10\): send less/i,
      );
    } finally {
      await p.close();
    }
  });

  it("is dead-lettered as a bounded prefix with its size and checksum, and the record behind it arrives", async () => {
    const cfg = svc.env();
    const big = Buffer.concat([
      Buffer.from('{"eventId":"big","entity":"u","ts":1,"value":1,"pad":"'),
      Buffer.alloc(4 * 1024 * 1024, 0x61),
      Buffer.from('"}'),
    ]);
    const values = [
      event({ eventId: "e0", entity: "u", ts: 1, value: 1 }),
      big,
      event({ eventId: "e1", entity: "u", ts: 2, value: 2 }),
    ];
    const p = await createProducer(cfg, { extra: { "message.max.bytes": 8 * 1024 * 1024 } });
    try {
      await p.send(values.map((value) => ({ topic: cfg.TOPIC_RAW, key: "k", value })));
    } finally {
      await p.close();
    }
    const w = await startWorker("ingest", cfg);
    try {
      // Ask for one more than expected: an extra record (a replayed batch) fails the count.
      const valid = await readTopic(cfg, cfg.TOPIC_VALID, 1000);
      expect(valid.map((r) => JSON.parse(r.value!.toString()).eventId)).toEqual(["e0", "e1"]);
      const dead = await readTopic(cfg, cfg.TOPIC_DEAD_LETTER, 1000);
      expect(dead).toHaveLength(1);
      const h = Object.fromEntries(Object.entries(dead[0].headers).map(([k, v]) => [k, v.toString()]));
      expect(h).toMatchObject({
        "x-reason": "too-large",
        "x-detail": `${big.length} bytes > limit 65536`,
        "x-stage": "ingest",
        "x-source-topic": "g.raw",
        "x-source-partition": "0",
        "x-source-offset": "1",
        "x-original-bytes": String(big.length),
        "x-original-sha256": sha256(big),
        "x-truncated": "true",
      });
      expect(dead[0].value).toEqual(big.subarray(0, 256 * 1024));
      expect(dead[0].key).toEqual(Buffer.from("k"));
    } finally {
      await w.close();
    }
  });
});

describe("Kafka errors that a retry cannot fix are permanent", () => {
  const librdkafka = (code: number, message: string, extra: object = {}) =>
    Object.assign(new Error(message), { code, ...extra });
  it.each([
    [10, "Broker: Message size too large"],
    [2, "Broker: Invalid message"],
    [4, "Broker: Invalid message size"],
    [18, "Broker: Message batch larger than configured server segment size"],
    [87, "Broker: Broker failed to validate record"],
    [17, "Broker: Topic exception"],
    [29, "Broker: Topic authorization failed"],
  ])("code %d (%s)", (code, message) => {
    const e = kafkaError(librdkafka(code, message), "delivery");
    expect(e).toBeInstanceOf(PermanentError);
    expect(e.message.startsWith(`delivery: ${message} (code ${code}): `)).toBe(true);
  });
  it.each([
    [7, "Broker: Request timed out", {}],
    [-185, "Local: Timed out", {}],
    [-192, "Local: Message timed out", {}],
    [10, "Broker: Message size too large", { isRetriable: true }],
  ])("code %d (%s) stays transient", (code, message, extra) => {
    expect(kafkaError(librdkafka(code, message, extra), "delivery")).toBeInstanceOf(TransientError);
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
