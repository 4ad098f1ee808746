/**
 * GCP auth for the workers: the access-token source (refresh before expiry, retries, never an
 * expired token), the Managed Kafka OAUTHBEARER token, Application Default Credentials against a
 * fake metadata server answering recorded shapes, the Memorystore IAM password on reconnect against
 * a real redis-server, and the config that selects them.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "redis";
import { ConfigError, parseWorkerEnv, workerEnvFromContracts } from "../src/config";
import { PermanentError, TransientError } from "../src/errors";
import {
  AccessTokenSource,
  CLOUD_PLATFORM_SCOPE,
  checkKafkaPrincipal,
  googleAdc,
  managedKafkaToken,
  managedKafkaTokenProvider,
  memorystoreIamCredentials,
  type AccessToken,
  type AdcClient,
} from "../src/gcp/tokens";
import { securityConfig } from "../src/kafka/rdkafka";
import { connectRedis } from "../src/redis";
import { startRedis } from "../src/services/local";
import recorded from "./fixtures/gcp-tokens.json";

jest.setTimeout(30000);

const HOUR = 3600_000;
const T0 = recorded.clock.nowMs;

/** A fake ADC client: each call takes the next scripted answer (a token's lifetime, or an error). */
function fakeAdc(script: Array<number | Error>, clock: { now: number }, principal = recorded.metadata.email) {
  let n = 0;
  const adc: AdcClient & { calls: number; principalCalls: number } = {
    calls: 0,
    principalCalls: 0,
    async accessToken(): Promise<AccessToken> {
      adc.calls++;
      const step = script[Math.min(n++, script.length - 1)];
      if (step instanceof Error) throw step;
      return { token: `ya29.token-${adc.calls}`, expiresAt: clock.now + step };
    },
    async principal() {
      adc.principalCalls++;
      return principal;
    },
  };
  return adc;
}

const noSleep = { sleep: async () => {} };

describe("the Managed Kafka OAUTHBEARER token", () => {
  it("is header.payload.access-token in base64url, exactly as recorded", () => {
    const access = {
      token: recorded.metadata.tokenResponse.access_token,
      expiresAt: recorded.clock.expiresAtMs,
    };
    const token = managedKafkaToken(access, recorded.metadata.email, T0);
    expect(token).toBe(recorded.kafkaToken);
    const [header, payload, signature] = token.split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({
      typ: "JWT",
      alg: "GOOG_OAUTH2_TOKEN",
    });
    expect(JSON.parse(Buffer.from(payload, "base64url").toString())).toEqual({
      exp: Math.floor(recorded.clock.expiresAtMs / 1000),
      iat: Math.floor(T0 / 1000),
      iss: "Google",
      scope: "kafka",
      sub: "seawall-workers@seawall-prod.iam.gserviceaccount.com",
    });
    expect(Buffer.from(signature, "base64url").toString()).toBe(recorded.metadata.tokenResponse.access_token);
    expect(token).not.toMatch(/=|\+|\//); // base64url without padding
  });

  it("is handed to librdkafka with its expiry (ms since the epoch) and the principal", async () => {
    const clock = { now: T0 };
    const adc = fakeAdc([HOUR], clock);
    const refresh = managedKafkaTokenProvider({ adc, now: () => clock.now, ...noSleep });
    const t = await refresh();
    expect(t).toEqual({
      tokenValue: managedKafkaToken(
        { token: "ya29.token-1", expiresAt: T0 + HOUR },
        recorded.metadata.email,
        T0,
      ),
      lifetime: T0 + HOUR,
      principal: recorded.metadata.email,
    });
    // librdkafka asks again at 80% of the life: the token is renewed, the principal asked once.
    clock.now += 0.8 * HOUR;
    expect((await refresh()).tokenValue.split(".")[2]).toBe(
      Buffer.from("ya29.token-1").toString("base64url"),
    );
    clock.now += 0.16 * HOUR; // 2.4 minutes left: under the 5-minute margin
    const renewed = await refresh();
    expect(Buffer.from(renewed.tokenValue.split(".")[2], "base64url").toString()).toBe("ya29.token-2");
    expect(renewed.lifetime).toBe(clock.now + HOUR);
    expect([adc.calls, adc.principalCalls]).toEqual([2, 1]);
  });

  it("refuses a GKE pool name as the principal, and accepts principal:// identifiers", async () => {
    expect(() => checkKafkaPrincipal(recorded.metadata.gkePoolEmail)).toThrow(
      expect.objectContaining({ code: "SEAWALL_GCP_PRINCIPAL", systemic: true }),
    );
    expect(() => checkKafkaPrincipal("user-without-domain")).toThrow(/neither an email/);
    expect(checkKafkaPrincipal(recorded.metadata.gkePrincipal)).toBe(recorded.metadata.gkePrincipal);
    const clock = { now: T0 };
    const refresh = managedKafkaTokenProvider({
      adc: fakeAdc([HOUR], clock, recorded.metadata.gkePoolEmail),
      now: () => clock.now,
      ...noSleep,
    });
    await expect(refresh()).rejects.toBeInstanceOf(PermanentError);
  });

  it("is what securityConfig wires for OAUTHBEARER with the gcp provider", async () => {
    const calls: string[] = [];
    const conf = securityConfig(
      {
        KAFKA_BOOTSTRAP_SERVERS: "bootstrap.seawall.europe-west1.managedkafka.seawall-prod.cloud.goog:9092",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "OAUTHBEARER",
        KAFKA_OAUTH_PROVIDER: "gcp",
      },
      async () => {
        throw new Error("not MSK");
      },
      async () => {
        calls.push("gcp");
        return { tokenValue: "h.p.s", lifetime: T0 + HOUR, principal: "p" };
      },
    );
    expect(conf).toEqual({
      "bootstrap.servers": "bootstrap.seawall.europe-west1.managedkafka.seawall-prod.cloud.goog:9092",
      "security.protocol": "sasl_ssl",
      "sasl.mechanisms": "OAUTHBEARER",
      oauthbearer_token_refresh_cb: expect.any(Function),
    });
    await (conf.oauthbearer_token_refresh_cb as () => Promise<unknown>)();
    expect(calls).toEqual(["gcp"]);
  });
});

describe("the access-token source", () => {
  it("reuses a token until 5 minutes before it expires, then refreshes it, one refresh for concurrent callers", async () => {
    const clock = { now: T0 };
    const adc = fakeAdc([HOUR], clock);
    const src = new AccessTokenSource(adc, { now: () => clock.now, ...noSleep });
    const [a, b] = await Promise.all([src.get(), src.get()]);
    expect(a).toBe(b);
    expect(adc.calls).toBe(1);
    clock.now = T0 + HOUR - 300_001; // just over 5 minutes left
    expect((await src.get()).token).toBe("ya29.token-1");
    clock.now = T0 + HOUR - 300_000;
    expect(await src.get()).toEqual({ token: "ya29.token-2", expiresAt: clock.now + HOUR });
    expect(adc.calls).toBe(2);
  });

  it("retries a failed refresh with backoff, and reports nothing when a retry succeeds", async () => {
    const clock = { now: T0 };
    const adc = fakeAdc([new Error("metadata server: 503"), new Error("ECONNRESET"), HOUR], clock);
    const waits: number[] = [];
    const errors: Error[] = [];
    const src = new AccessTokenSource(adc, {
      now: () => clock.now,
      sleep: async (ms) => void waits.push(ms),
      onError: (e) => errors.push(e),
    });
    expect((await src.get()).token).toBe("ya29.token-3");
    expect(waits).toEqual([250, 500]);
    expect(errors).toEqual([]);
  });

  it("rejects with SEAWALL_GCP_TOKEN (transient) when every try fails and no valid token is cached", async () => {
    const clock = { now: T0 };
    const adc = fakeAdc([new Error("metadata server: 503")], clock);
    const errors: Error[] = [];
    const src = new AccessTokenSource(adc, {
      now: () => clock.now,
      onError: (e) => errors.push(e),
      ...noSleep,
    });
    const err = await src.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: "SEAWALL_GCP_TOKEN" });
    expect((err as Error).message).toMatch(
      /after 3 tries: metadata server: 503; check the workload's service account/,
    );
    expect(errors).toEqual([]); // rejected, so the caller reports it
    expect(adc.calls).toBe(3);
  });

  it("keeps handing out the cached token while it has life left when a refresh fails, and says so", async () => {
    const clock = { now: T0 };
    const adc = fakeAdc([HOUR, new Error("metadata server: 503")], clock);
    const errors: Error[] = [];
    const src = new AccessTokenSource(adc, {
      now: () => clock.now,
      onError: (e) => errors.push(e),
      ...noSleep,
    });
    await src.get();
    clock.now = T0 + HOUR - 60_000; // a minute left: refresh, fail, keep the token
    expect((await src.get()).token).toBe("ya29.token-1");
    expect(errors).toHaveLength(1);
    clock.now = T0 + HOUR - 29_999; // under 30 s left: never handed out
    await expect(src.get()).rejects.toMatchObject({ code: "SEAWALL_GCP_TOKEN" });
    clock.now = T0 + HOUR + 1;
    await expect(src.get()).rejects.toMatchObject({ code: "SEAWALL_GCP_TOKEN" });
    expect(errors).toHaveLength(1);
  });

  it("never hands out a token that ADC returns already expired or about to", async () => {
    const clock = { now: T0 };
    const src = new AccessTokenSource(fakeAdc([-1, 10_000], clock), { now: () => clock.now, ...noSleep });
    await expect(src.get()).rejects.toThrow(/after 3 tries: an access token that expires in 10 s/);
  });
});

/** A fake GCE/GKE metadata server answering the recorded shapes, and counting token requests. */
async function fakeMetadataServer(failTokens = 0) {
  const seen: Array<{ url: string; flavor?: string }> = [];
  let failures = failTokens;
  const server: Server = createServer((req: IncomingMessage, res) => {
    seen.push({ url: req.url ?? "", flavor: req.headers["metadata-flavor"] as string | undefined });
    res.setHeader("Metadata-Flavor", "Google");
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (req.headers["metadata-flavor"] !== "Google") {
      res.writeHead(403).end("Missing Metadata-Flavor:Google header.");
    } else if (path === "/computeMetadata/v1/instance/service-accounts/default/token") {
      if (failures-- > 0) res.writeHead(503).end("unavailable");
      else
        res
          .setHeader("Content-Type", "application/json")
          .end(JSON.stringify(recorded.metadata.tokenResponse));
    } else if (path === "/computeMetadata/v1/instance/service-accounts/default/email") {
      res.setHeader("Content-Type", "application/text").end(recorded.metadata.email);
    } else if (path === "/computeMetadata/v1/universe/universe-domain") {
      res.setHeader("Content-Type", "application/text").end("googleapis.com");
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { host: `127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r)) };
}

/** Points Application Default Credentials at the fake metadata server, and nothing else. */
function useMetadataEnv(host: string): () => void {
  const saved = { ...process.env };
  const home = mkdtempSync(join(tmpdir(), "seawall-adc-"));
  delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
  process.env.HOME = home; // no gcloud well-known file
  process.env.GCE_METADATA_HOST = host;
  process.env.METADATA_SERVER_DETECTION = "assume-present";
  process.env.GOOGLE_CLOUD_PROJECT = "seawall-prod"; // no project lookup
  return () => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    rmSync(home, { recursive: true, force: true });
  };
}

describe("Application Default Credentials (google-auth-library) against a fake metadata server", () => {
  it("reads the recorded token shape with its expiry, the cloud-platform scope and the service account", async () => {
    const md = await fakeMetadataServer();
    const restore = useMetadataEnv(md.host);
    try {
      const adc = googleAdc();
      const before = Date.now();
      const t = await adc.accessToken();
      expect(t.token).toBe(recorded.metadata.tokenResponse.access_token);
      expect(t.expiresAt).toBeGreaterThanOrEqual(before + 3599_000);
      expect(t.expiresAt).toBeLessThanOrEqual(Date.now() + 3599_000);
      expect(await adc.principal()).toBe(recorded.metadata.email);
      const tokenRequest = md.seen.find((s) => s.url.includes("/token"));
      expect(new URL(tokenRequest!.url, "http://x").searchParams.get("scopes")).toBe(CLOUD_PLATFORM_SCOPE);
      expect(md.seen.every((s) => s.flavor === "Google")).toBe(true);
      // End to end: the Kafka token carries the metadata server's token and email.
      const k = await managedKafkaTokenProvider()();
      expect(Buffer.from(k.tokenValue.split(".")[2], "base64url").toString()).toBe(
        recorded.metadata.tokenResponse.access_token,
      );
      expect(k.principal).toBe(recorded.metadata.email);
    } finally {
      restore();
      await md.close();
    }
  });

  it("retries a failing metadata server through the source, then succeeds", async () => {
    const md = await fakeMetadataServer(2);
    const restore = useMetadataEnv(md.host);
    try {
      const src = new AccessTokenSource(googleAdc(), { backoffMs: 10 });
      expect((await src.get()).token).toBe(recorded.metadata.tokenResponse.access_token);
    } finally {
      restore();
      await md.close();
    }
  });
});

describe("Memorystore IAM auth on a real redis-server", () => {
  it("AUTHs with a fresh access token at every reconnect; an open connection stays authenticated", async () => {
    const clock = { now: T0 };
    const adc = fakeAdc([HOUR], clock);
    const server = await startRedis({ password: "ya29.token-1" });
    const admin = createClient({
      socket: { host: server.host, port: server.port },
      password: "ya29.token-1",
    });
    try {
      await admin.connect();
      const client = await connectRedis(
        {
          REDIS_HOST: server.host,
          REDIS_PORT: server.port,
          REDIS_TLS: false,
          REDIS_AUTH: undefined,
          REDIS_AUTH_MODE: "gcp-iam",
          CALL_TIMEOUT_MS: 2000,
        },
        { iamCredentials: memorystoreIamCredentials({ adc, now: () => clock.now, ...noSleep }) },
      );
      try {
        await client.set("k", "v");
        // An hour on: the server wants the next token (as Memorystore does for new connections),
        // while the open connection keeps working on the old one.
        clock.now += HOUR - 60_000;
        await admin.configSet("requirepass", "ya29.token-2");
        expect(await client.get("k")).toBe("v");
        // The connection drops: the client reconnects with a freshly fetched token.
        await admin.auth({ password: "ya29.token-2" });
        await admin.sendCommand(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
        let value: string | null = null;
        for (let i = 0; i < 100 && value === null; i++) {
          value = await client.get("k").catch(() => null);
          if (value === null) await new Promise((r) => setTimeout(r, 50));
        }
        expect(value).toBe("v");
        expect(adc.calls).toBe(2);
      } finally {
        client.destroy();
      }
    } finally {
      admin.destroy();
      await server.stop();
    }
  });

  it("keeps password AUTH (REDIS_AUTH) unchanged", async () => {
    const server = await startRedis({ password: "s3cret-auth-string" });
    try {
      const client = await connectRedis({
        REDIS_HOST: server.host,
        REDIS_PORT: server.port,
        REDIS_TLS: false,
        REDIS_AUTH: "s3cret-auth-string",
        CALL_TIMEOUT_MS: 2000,
      });
      expect(await client.ping()).toBe("PONG");
      client.destroy();
    } finally {
      await server.stop();
    }
  });
});

describe("the worker environment for GCP", () => {
  const base = {
    KAFKA_BOOTSTRAP_SERVERS: "b:9092",
    KAFKA_SECURITY_PROTOCOL: "SSL",
    REDIS_HOST: "r",
    LAKE_BUCKET: "lake",
  };
  const problems = (env: Record<string, string>) => {
    try {
      parseWorkerEnv(env);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it("maps the contracts' OAUTHBEARER provider and IAM auth mode into the environment", () => {
    const env = workerEnvFromContracts({
      kafka: {
        bootstrapServers: "bootstrap.seawall.europe-west1.managedkafka.seawall-prod.cloud.goog:9092",
        securityProtocol: "SASL_SSL",
        saslMechanism: "OAUTHBEARER",
        oauthProvider: "gcp",
      },
      redis: { host: "10.0.0.5", port: 6379, tls: true, authMode: "gcp-iam" },
      lake: { scheme: "gs", bucket: "lake", prefix: "", region: "EUR4" },
    });
    expect(env).toMatchObject({ KAFKA_OAUTH_PROVIDER: "gcp", REDIS_AUTH_MODE: "gcp-iam" });
    expect(parseWorkerEnv(env)).toMatchObject({
      KAFKA_SASL_MECHANISM: "OAUTHBEARER",
      KAFKA_OAUTH_PROVIDER: "gcp",
      REDIS_AUTH_MODE: "gcp-iam",
    });
    expect(parseWorkerEnv(base).REDIS_AUTH_MODE).toBe("password");
  });

  it("lists every inconsistent GCP setting with its fix", () => {
    expect(
      problems({ ...base, KAFKA_SECURITY_PROTOCOL: "SASL_SSL", KAFKA_SASL_MECHANISM: "OAUTHBEARER" }),
    ).toEqual([
      'KAFKA_OAUTH_PROVIDER: missing; OAUTHBEARER needs a token provider: use "gcp" (Managed Kafka) or "azure" (Event Hubs)',
    ]);
    expect(
      problems({
        ...base,
        KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM: "PLAIN",
        KAFKA_CREDENTIALS: "u:p",
        KAFKA_OAUTH_PROVIDER: "gcp",
        REDIS_AUTH_MODE: "gcp-iam",
        REDIS_AUTH: "x",
        REDIS_TLS: "false",
      }),
    ).toEqual([
      'KAFKA_SASL_MECHANISM: got "PLAIN"; KAFKA_OAUTH_PROVIDER=gcp needs OAUTHBEARER',
      'KAFKA_SECURITY_PROTOCOL: got "SASL_PLAINTEXT"; Managed Kafka accepts only SASL_SSL',
      "REDIS_AUTH: set with REDIS_AUTH_MODE=gcp-iam; remove it: IAM auth sends an access token",
      "REDIS_TLS: got false; REDIS_AUTH_MODE=gcp-iam sends an access token, which needs TLS",
    ]);
    expect(problems({ ...base, KAFKA_OAUTH_PROVIDER: "aws" })[0]).toMatch(
      /^KAFKA_OAUTH_PROVIDER: got "aws"; .*"gcp"/,
    );
    expect(problems({ ...base, REDIS_AUTH_MODE: "iam" })[0]).toMatch(
      /^REDIS_AUTH_MODE: got "iam"; .*"gcp-iam"/,
    );
  });
});
