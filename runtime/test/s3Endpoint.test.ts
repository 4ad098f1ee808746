/**
 * An S3-compatible store (SeaweedFS, Ceph RGW) as the `kubernetes` target gives it: the contract's
 * `ObjectStoreLocation.endpoint` becomes LAKE_ENDPOINT, the keys come from AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (a Secret's keys in the pod), and the lake sink writes there with path-style
 * requests (`/<bucket>/<key>` on the endpoint's host, never `<bucket>.<host>`). s3rver stands in for
 * the server, behind a tap that records each request line, Host and credential. The endpoint is
 * named `localhost`, a host name as in a cluster (the SDK would go path-style by itself for an IP):
 * without path-style the SDK would ask for `lake.localhost`.
 */
import { createServer, connect, type Server } from "node:net";
import { parseWorkerEnv, workerEnvFromContracts } from "../src/config";
import { createMetrics } from "../src/metrics";
import { callPolicy } from "../src/resilience";
import { createLakeSink } from "../src/stages/lakeSink";
import { createObjectStore } from "../src/store";
import type { S3ObjectStore } from "../src/store/s3Store";
import { useS3rver } from "./commandSupport";
import { unique, useRedis } from "./support";

jest.setTimeout(60000);

const local = useRedis();
// s3rver with the bucket `lake`; it sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as a Secret would.
const s3 = useS3rver();
let tap: Server;
let tapPort: number;
const seen: Array<{ line: string; host: string; credential: string }> = [];

beforeAll(async () => {
  const target = Number(new URL(s3.env.LAKE_ENDPOINT).port);
  // A TCP tap in front of s3rver: each request's head is read as it passes, the bytes are not changed.
  tap = createServer((client) => {
    const upstream = connect(target, "127.0.0.1");
    let head = "";
    client.on("data", (chunk: Buffer) => {
      head += chunk.toString("latin1");
      for (let end = head.indexOf("\r\n\r\n"); end >= 0; end = head.indexOf("\r\n\r\n")) {
        const lines = head.slice(0, end).split("\r\n");
        const header = (name: string) =>
          lines
            .find((l) => l.toLowerCase().startsWith(`${name}:`))
            ?.slice(name.length + 1)
            .trim() ?? "";
        if (/^[A-Z]+ \S+ HTTP\/1\.1$/.test(lines[0]))
          seen.push({
            line: lines[0],
            host: header("host"),
            credential: /Credential=([^/]+)\//.exec(header("authorization"))?.[1] ?? "",
          });
        head = head.slice(end + 4);
      }
      // Bodies stay in `head` until the next request line: bounded, a body is never parsed as one.
      if (head.length > 1 << 20) head = "";
    });
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => tap.listen(0, "127.0.0.1", r));
  tapPort = (tap.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((r) => tap?.close(r));
});

it("writes the lake through the contract's endpoint, path-style, with the keys from the environment", async () => {
  const env = workerEnvFromContracts({
    kafka: { bootstrapServers: "127.0.0.1:9092", securityProtocol: "PLAINTEXT" },
    redis: { host: local.server.host, port: local.server.port, tls: false },
    lake: {
      scheme: "s3",
      bucket: "lake",
      prefix: "lake",
      region: "",
      endpoint: `http://localhost:${tapPort}`,
    },
  });
  expect(env.LAKE_ENDPOINT).toBe(`http://localhost:${tapPort}`);
  const cfg = parseWorkerEnv(env);
  // No credentials given: the default chain reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
  expect(process.env.AWS_ACCESS_KEY_ID).toBe("S3RVER");
  const store = (await createObjectStore(cfg)) as S3ObjectStore;
  try {
    const topic = unique("endpoint");
    const records = [0, 1, 2].map((o) => ({
      topic,
      partition: 0,
      offset: o,
      key: null,
      value: Buffer.from(
        JSON.stringify({ eventId: `${topic}-${o}`, entity: "e", ts: Date.UTC(2026, 0, 2), value: o }),
      ),
      headers: {},
    }));
    const sink = createLakeSink(
      { LAKE_PREFIX: cfg.LAKE_PREFIX, DEDUP_TTL_SECONDS: 3600, LAKE_FORMAT: "jsonl.gz" },
      {
        store,
        storePolicy: callPolicy({ dependency: "object-store" }),
        redis: local.client,
        redisPolicy: callPolicy({ dependency: "redis" }),
        metrics: createMetrics("lake-sink"),
        deadLetter: async (rejected) => {
          if (rejected.length > 0) throw new Error(`unexpected dead letters: ${rejected.length}`);
        },
      },
    );
    await sink.process(records, 1);
    const key = `lake/${topic}/dt=2026-01-02/${topic}-p0-o00000000000000000000.jsonl.gz`;
    // In s3rver's bucket, read without the tap.
    expect(await s3.store.list(`lake/${topic}/`)).toEqual([key]);
    expect(await s3.store.head(key)).toMatchObject({ "first-offset": "0", "last-offset": "2", records: "3" });
    const put = seen.filter((r) => r.line.startsWith("PUT "));
    expect(put.map((r) => r.line)).toEqual([`PUT /lake/${key.replace("=", "%3D")}?x-id=PutObject HTTP/1.1`]);
    expect(seen.length).toBeGreaterThan(put.length);
    for (const r of seen) {
      expect(r.line).toMatch(/^[A-Z]+ \/lake(\/|\?|$)/);
      expect(r.host).toBe(`localhost:${tapPort}`);
      expect(r.credential).toBe("S3RVER");
    }
  } finally {
    store.destroy();
  }
});
