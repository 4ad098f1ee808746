import { startWorker } from "../src/app";
import { parseWorkerEnv } from "../src/config";
import { startRedis, type RedisServer } from "../src/services/local";

jest.setTimeout(60000);

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis({ password: "local-test-only" });
});
afterAll(async () => {
  await redis.stop();
});

const env = (extra: Record<string, string>) =>
  parseWorkerEnv({
    KAFKA_BOOTSTRAP_SERVERS: "127.0.0.1:1",
    KAFKA_SECURITY_PROTOCOL: "PLAINTEXT",
    REDIS_HOST: "127.0.0.1",
    REDIS_PORT: String(redis.port),
    REDIS_TLS: "false",
    LAKE_BUCKET: "/tmp",
    HTTP_HOST: "127.0.0.1",
    HTTP_PORT: "0",
    LOG_LEVEL: "silent",
    ...extra,
  });

describe("a worker's life cycle", () => {
  it("authenticates to Redis from REDIS_AUTH, serves health, and closes safely twice", async () => {
    const w = await startWorker("feature-server", env({ REDIS_AUTH: "local-test-only" }));
    expect((await fetch(`http://127.0.0.1:${w.port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${w.port}/readyz`)).status).toBe(200);
    const bad = await fetch(`http://127.0.0.1:${w.port}/features:batch`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^body must be JSON/);
    const post = (body: unknown) =>
      fetch(`http://127.0.0.1:${w.port}/features:batch`, { method: "POST", body: JSON.stringify(body) });
    const shape = '{"entities": ["id", ...]}';
    const cases: Array<[unknown, string]> = [
      [{}, `body.entities is missing: send ${shape}`],
      [null, `body is null: send a JSON object ${shape}`],
      [{ entities: "u-1" }, `body.entities is a string: it must be a list; send ${shape}`],
      [
        { entities: ["u-1", ""] },
        `body.entities[1] is "": each entity must be a non-empty string; send ${shape}`,
      ],
      [{ entities: [1] }, `body.entities[0] is 1: each entity must be a non-empty string; send ${shape}`],
    ];
    for (const [body, error] of cases) {
      const r = await post(body);
      expect([r.status, await r.json()]).toEqual([400, { error, code: "SEAWALL_HTTP_BAD_BODY" }]);
    }
    const tooMany = await post({ entities: Array.from({ length: 1001 }, (_, i) => `u-${i}`) });
    expect([tooMany.status, await tooMany.json()]).toEqual([
      400,
      {
        error: "body.entities has 1001 entities: send at most 1000 per request, in several requests",
        code: "SEAWALL_HTTP_TOO_MANY_ENTITIES",
      },
    ]);
    // The worker's own server: routes on the pathname, 405 with Allow for a wrong method.
    expect((await fetch(`http://127.0.0.1:${w.port}/healthz?probe=1`)).status).toBe(200);
    const wrong = await fetch(`http://127.0.0.1:${w.port}/features:batch`);
    expect([wrong.status, wrong.headers.get("allow")]).toEqual([405, "POST"]);
    const none = await post({ entities: ["nobody"] });
    expect([none.status, await none.json()]).toEqual([200, { features: { nobody: null } }]);
    await Promise.all([w.close(), w.close()]);
    await w.close();
    await expect(fetch(`http://127.0.0.1:${w.port}/healthz`)).rejects.toThrow();
  });

  it("fails at start-up, not at the first batch, without the Redis password", async () => {
    await expect(startWorker("feature-server", env({}))).rejects.toThrow(/NOAUTH|auth/i);
  });
});
