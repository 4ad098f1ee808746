/**
 * Azure auth for the workers: Entra ID tokens through the shared token source (refresh before
 * expiry, retries, never an expired token), the Event Hubs OAUTHBEARER token, the Azure Managed
 * Redis credentials renewed on an open connection against a real redis-server, the Blob account
 * from the lake settings, and the config that selects them. The credential is a fake
 * TokenCredential answering recorded shapes (test/fixtures/azure-tokens.json).
 */
import { createServer, type Server } from "node:http";
import { createClient } from "redis";
import { ConfigError, parseWorkerEnv, workerEnvFromContracts } from "../src/config";
import { PermanentError, TransientError } from "../src/errors";
import {
  REDIS_SCOPE,
  azureRedisEntraCredentials,
  azureTokenSource,
  blobServiceUrl,
  defaultAzureCredential,
  entraClaims,
  eventHubsScope,
  eventHubsToken,
  eventHubsTokenProvider,
  redisEntraAuth,
  type AzureAccessToken,
  type AzureCredential,
} from "../src/azure/tokens";
import { securityConfig } from "../src/kafka/rdkafka";
import { connectRedis } from "../src/redis";
import { startRedis } from "../src/services/local";
import { azureBlobAccount } from "../src/store";
import { renewingCredentials, type BasicAuth } from "../src/tokens";
import recorded from "./fixtures/azure-tokens.json";

jest.setTimeout(30000);

const HOUR = 3600_000;
const T0 = recorded.clock.nowMs;
const OID = recorded.identity.objectId;

/** The recorded token with its signature part replaced, so each token is distinct. */
const jwt = (base: string, n: number) => `${base.split(".").slice(0, 2).join(".")}.sig-${n}`;

/** A fake TokenCredential: each call takes the next scripted answer (a lifetime, an error, or null). */
function fakeCredential(
  script: Array<number | Error | null>,
  clock: { now: number },
  base = recorded.redis.getToken.token,
) {
  let n = 0;
  const cred: AzureCredential & { calls: number; scopes: Array<string | string[]> } = {
    calls: 0,
    scopes: [],
    async getToken(scopes): Promise<AzureAccessToken | null> {
      cred.calls++;
      cred.scopes.push(scopes);
      const step = script[Math.min(n++, script.length - 1)];
      if (step instanceof Error) throw step;
      if (step === null) return null;
      return {
        token: jwt(base, cred.calls),
        expiresOnTimestamp: clock.now + step,
        refreshAfterTimestamp: clock.now + step / 2,
      };
    },
  };
  return cred;
}

const noSleep = { sleep: async () => {} };

describe("the Event Hubs OAUTHBEARER token", () => {
  it("is the raw Entra ID access token, with its expiry and the identity's object id, for the namespace's scope", async () => {
    const got = recorded.eventHubs.getToken;
    expect(eventHubsScope(recorded.eventHubs.bootstrapServers)).toBe(recorded.eventHubs.scope);
    expect(
      eventHubsScope("seawall-prod.servicebus.windows.net:9093, seawall-prod.servicebus.windows.net:9093"),
    ).toBe("https://seawall-prod.servicebus.windows.net/.default");
    expect(eventHubsToken({ token: got.token, expiresAt: got.expiresOnTimestamp })).toEqual({
      tokenValue: got.token,
      lifetime: got.expiresOnTimestamp,
      principal: OID,
    });
    const credential: AzureCredential & { scopes: unknown[] } = {
      scopes: [],
      async getToken(scopes) {
        credential.scopes.push(scopes);
        return got;
      },
    };
    const refresh = eventHubsTokenProvider(recorded.eventHubs.bootstrapServers, {
      credential,
      now: () => T0,
    });
    expect(await refresh()).toEqual({
      tokenValue: got.token,
      lifetime: got.expiresOnTimestamp,
      principal: OID,
    });
    expect(credential.scopes).toEqual([recorded.eventHubs.scope]);
  });

  it("takes the sub claim, then a fixed name, as librdkafka's principal when the token has no oid", () => {
    expect(eventHubsToken({ token: recorded.redis.tokenWithoutOid, expiresAt: T0 + HOUR }).principal).toBe(
      "pX1y2z3-personal-subject",
    );
    expect(eventHubsToken({ token: "opaque", expiresAt: T0 + HOUR }).principal).toBe("seawall");
  });

  it("is renewed by librdkafka's refresh callback 5 minutes before expiry, not at 80% while the cached one lasts", async () => {
    const clock = { now: T0 };
    const credential = fakeCredential([HOUR], clock, recorded.eventHubs.getToken.token);
    const refresh = eventHubsTokenProvider(recorded.eventHubs.bootstrapServers, {
      credential,
      now: () => clock.now,
      ...noSleep,
    });
    const [a, b] = await Promise.all([refresh(), refresh()]);
    expect(a).toEqual(b);
    expect(a.tokenValue).toBe(jwt(recorded.eventHubs.getToken.token, 1));
    expect(a.lifetime).toBe(T0 + HOUR);
    clock.now += 0.8 * HOUR; // librdkafka asks again at 80%: the cached token still has 12 minutes
    expect((await refresh()).tokenValue).toBe(jwt(recorded.eventHubs.getToken.token, 1));
    clock.now += 0.16 * HOUR; // 2.4 minutes left
    const renewed = await refresh();
    expect(renewed).toEqual({
      tokenValue: jwt(recorded.eventHubs.getToken.token, 2),
      lifetime: clock.now + HOUR,
      principal: OID,
    });
    expect(credential.calls).toBe(2);
  });

  it("is what securityConfig wires for OAUTHBEARER with the azure provider", async () => {
    const calls: string[] = [];
    const conf = securityConfig(
      {
        KAFKA_BOOTSTRAP_SERVERS: recorded.eventHubs.bootstrapServers,
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "OAUTHBEARER",
        KAFKA_OAUTH_PROVIDER: "azure",
      },
      async () => {
        throw new Error("not MSK");
      },
      async () => {
        calls.push("azure");
        return { tokenValue: "t", lifetime: T0 + HOUR, principal: OID };
      },
    );
    expect(conf).toEqual({
      "bootstrap.servers": "seawall-prod.servicebus.windows.net:9093",
      "security.protocol": "sasl_ssl",
      "sasl.mechanisms": "OAUTHBEARER",
      oauthbearer_token_refresh_cb: expect.any(Function),
    });
    await (conf.oauthbearer_token_refresh_cb as () => Promise<unknown>)();
    expect(calls).toEqual(["azure"]);
    // Without an injected provider, the default is DefaultAzureCredential's (loaded only when called).
    const real = securityConfig({
      KAFKA_BOOTSTRAP_SERVERS: recorded.eventHubs.bootstrapServers,
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_MECHANISM: "OAUTHBEARER",
      KAFKA_OAUTH_PROVIDER: "azure",
    });
    expect(real.oauthbearer_token_refresh_cb).toEqual(expect.any(Function));
  });
});

describe("the Entra ID token source", () => {
  it("retries a failed getToken with backoff, and reports nothing when a retry succeeds", async () => {
    const clock = { now: T0 };
    const credential = fakeCredential(
      [new Error("AADSTS700024: client assertion is not within its valid time range"), null, HOUR],
      clock,
    );
    const waits: number[] = [];
    const errors: Error[] = [];
    const src = azureTokenSource(credential, REDIS_SCOPE, {
      now: () => clock.now,
      sleep: async (ms) => void waits.push(ms),
      onError: (e) => errors.push(e),
    });
    expect((await src.get()).token).toBe(jwt(recorded.redis.getToken.token, 3));
    expect(waits).toEqual([250, 500]);
    expect(errors).toEqual([]);
    expect(credential.scopes).toEqual([REDIS_SCOPE, REDIS_SCOPE, REDIS_SCOPE]);
  });

  it("rejects with SEAWALL_AZURE_TOKEN (transient) naming the fix when every try fails and nothing valid is cached", async () => {
    const clock = { now: T0 };
    const credential = fakeCredential(
      [new Error("CredentialUnavailableError: WorkloadIdentityCredential: is not configured")],
      clock,
    );
    const errors: Error[] = [];
    const src = azureTokenSource(credential, REDIS_SCOPE, {
      now: () => clock.now,
      onError: (e) => errors.push(e),
      ...noSleep,
    });
    const err = await src.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect(err).toMatchObject({ code: "SEAWALL_AZURE_TOKEN" });
    expect((err as Error).message).toBe(
      "no Entra ID token for https://redis.azure.com/.default from DefaultAzureCredential after 3 tries: " +
        "CredentialUnavailableError: WorkloadIdentityCredential: is not configured; check the pod's workload identity " +
        '(the label azure.workload.identity/use: "true", the service account\'s azure.workload.identity/client-id annotation ' +
        "and the identity's federated credential) and that login.microsoftonline.com is reachable",
    );
    expect(errors).toEqual([]); // rejected, so the caller reports it
    expect(credential.calls).toBe(3);
  });

  it("keeps the cached token while it has at least 30 s when a refresh fails, says so, and never hands out an expired one", async () => {
    const clock = { now: T0 };
    const credential = fakeCredential([HOUR, new Error("ECONNRESET")], clock);
    const errors: Error[] = [];
    const src = azureTokenSource(credential, REDIS_SCOPE, {
      now: () => clock.now,
      onError: (e) => errors.push(e),
      ...noSleep,
    });
    await src.get();
    clock.now = T0 + HOUR - 60_000;
    expect((await src.get()).token).toBe(jwt(recorded.redis.getToken.token, 1));
    expect(errors.map((e) => (e as TransientError).code)).toEqual(["SEAWALL_AZURE_TOKEN"]);
    clock.now = T0 + HOUR - 29_999;
    await expect(src.get()).rejects.toMatchObject({ code: "SEAWALL_AZURE_TOKEN" });
    clock.now = T0 + HOUR + 1;
    await expect(src.get()).rejects.toMatchObject({ code: "SEAWALL_AZURE_TOKEN" });
    expect(errors).toHaveLength(1);
  });

  it("refuses a token the credential returns already expired, about to, or without an expiry", async () => {
    const clock = { now: T0 };
    await expect(
      azureTokenSource(fakeCredential([-1, 10_000], clock), REDIS_SCOPE, {
        now: () => clock.now,
        ...noSleep,
      }).get(),
    ).rejects.toThrow(/after 3 tries: an access token that expires in 10 s/);
    await expect(
      azureTokenSource(fakeCredential([Number.NaN], clock), REDIS_SCOPE, {
        now: () => clock.now,
        ...noSleep,
      }).get(),
    ).rejects.toThrow(/after 3 tries: an access token without an expiry/);
  });
});

describe("Azure Managed Redis credentials", () => {
  it("are the identity's object id (oid claim) and the token", () => {
    const t = recorded.redis.getToken;
    expect(entraClaims(t.token)).toMatchObject({ oid: OID, aud: "https://redis.azure.com", idtyp: "app" });
    expect(redisEntraAuth({ token: t.token, expiresAt: t.expiresOnTimestamp })).toEqual({
      username: OID,
      password: t.token,
    });
    expect(() => redisEntraAuth({ token: recorded.redis.tokenWithoutOid, expiresAt: T0 + HOUR })).toThrow(
      expect.objectContaining({ code: "SEAWALL_AZURE_PRINCIPAL", systemic: true }),
    );
    expect(entraClaims("not-a-jwt")).toBeUndefined();
    expect(entraClaims("a.!!!.c")).toBeUndefined();
  });

  /** A manual timer: records each scheduled renewal, which the test fires. */
  function manualTimer() {
    const timers: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
    return {
      timers,
      schedule: (fn: () => void, ms: number) => {
        const t = { fn, ms, cancelled: false };
        timers.push(t);
        return () => void (t.cancelled = true);
      },
      fire: async () => {
        const t = timers.at(-1)!;
        expect(t.cancelled).toBe(false);
        t.fn();
        await new Promise((r) => setImmediate(r));
      },
    };
  }

  it("renew the open connection's token 5 minutes before expiry, retry a failed renewal every 10 s, report it, and stop when disposed", async () => {
    const clock = { now: T0 };
    const credential = fakeCredential([HOUR, new Error("IMDS unavailable"), HOUR], clock);
    const timer = manualTimer();
    const errors: Error[] = [];
    const provider = azureRedisEntraCredentials({
      credential,
      now: () => clock.now,
      schedule: timer.schedule,
      onError: (e) => errors.push(e),
      ...noSleep,
      attempts: 1,
    });
    const pushed: BasicAuth[] = [];
    const [first, subscription] = await provider.subscribe({
      onNext: (c) => pushed.push(c),
      onError: () => {},
    });
    expect(first).toEqual({ username: OID, password: jwt(recorded.redis.getToken.token, 1) });
    expect(timer.timers.map((t) => t.ms)).toEqual([HOUR - 300_000]);
    clock.now = T0 + HOUR - 300_000;
    await timer.fire(); // the credential fails once: reported, the cached token kept, tried again in 10 s
    expect(pushed).toEqual([]);
    expect(errors.map((e) => (e as TransientError).code)).toEqual(["SEAWALL_AZURE_TOKEN"]);
    expect(timer.timers.at(-1)!.ms).toBe(10_000);
    clock.now += 10_000;
    await timer.fire();
    expect(pushed).toEqual([{ username: OID, password: jwt(recorded.redis.getToken.token, 3) }]);
    expect(timer.timers.at(-1)!.ms).toBe(HOUR - 300_000);
    // node-redis reports an AUTH the server refused through onReAuthenticationError.
    provider.onReAuthenticationError(new Error("WRONGPASS"));
    expect(errors.map((e) => e.message).at(-1)).toBe("WRONGPASS");
    subscription.dispose();
    expect(timer.timers.at(-1)!.cancelled).toBe(true);
  });

  it("keep only the newest subscription (node-redis subscribes again at every reconnect)", async () => {
    const clock = { now: T0 };
    const timer = manualTimer();
    const source = azureTokenSource(fakeCredential([HOUR], clock), REDIS_SCOPE, {
      now: () => clock.now,
      ...noSleep,
    });
    const provider = renewingCredentials(source, redisEntraAuth, {
      now: () => clock.now,
      schedule: timer.schedule,
    });
    const old: BasicAuth[] = [];
    const current: BasicAuth[] = [];
    const [, oldSub] = await provider.subscribe({ onNext: (c) => old.push(c), onError: () => {} });
    await provider.subscribe({ onNext: (c) => current.push(c), onError: () => {} });
    expect(timer.timers[0].cancelled).toBe(true);
    oldSub.dispose(); // a stale dispose leaves the newer subscription alone
    clock.now = T0 + HOUR - 300_000;
    await timer.fire();
    expect([old.length, current.length]).toEqual([0, 1]);
  });

  it("re-AUTH an open connection on a real redis-server, which refuses the old token afterwards; a dropped connection reconnects with a fresh one", async () => {
    const server = await startRedis({ password: "admin-secret" });
    const admin = createClient({
      socket: { host: server.host, port: server.port },
      password: "admin-secret",
    });
    const clock = { now: T0 };
    const credential = fakeCredential([HOUR], clock);
    const token = (n: number) => jwt(recorded.redis.getToken.token, n);
    const timer = manualTimer();
    const errors: Error[] = [];
    try {
      await admin.connect();
      // Azure Managed Redis makes the identity's object id a user whose password is a valid token.
      await admin.sendCommand(["ACL", "SETUSER", OID, "on", `>${token(1)}`, "~*", "&*", "+@all"]);
      const authCalls = async () =>
        Number(/cmdstat_auth:calls=(\d+)/.exec(await admin.info("commandstats"))?.[1] ?? 0);
      const client = await connectRedis(
        {
          REDIS_HOST: server.host,
          REDIS_PORT: server.port,
          REDIS_TLS: false,
          REDIS_AUTH: undefined,
          REDIS_AUTH_MODE: "azure-entra",
          CALL_TIMEOUT_MS: 2000,
        },
        {
          onError: (e) => errors.push(e),
          entraCredentials: azureRedisEntraCredentials({
            credential,
            now: () => clock.now,
            schedule: timer.schedule,
            onError: (e) => errors.push(e),
            ...noSleep,
          }),
        },
      );
      try {
        expect(await client.sendCommand(["ACL", "WHOAMI"])).toBe(OID);
        await client.set("k", "v");
        // 5 minutes before expiry the next token is valid (Entra issued it), the old one not yet revoked.
        await admin.sendCommand(["ACL", "SETUSER", OID, `>${token(2)}`]);
        const before = await authCalls();
        clock.now = T0 + HOUR - 300_000;
        await timer.fire();
        for (let i = 0; i < 50 && (await authCalls()) === before; i++)
          await new Promise((r) => setTimeout(r, 20));
        expect((await authCalls()) - before).toBe(1); // AUTH on the open connection, no reconnect
        // The old token stops working: the open connection is on the new one.
        await admin.sendCommand(["ACL", "SETUSER", OID, `<${token(1)}`]);
        expect(await client.get("k")).toBe("v");
        expect(await client.sendCommand(["ACL", "WHOAMI"])).toBe(OID);
        expect(errors).toEqual([]);
        // Azure drops a connection whose token expired: the reconnect authenticates with a fresh token.
        await admin.sendCommand(["ACL", "SETUSER", OID, "resetpass", `>${token(3)}`]);
        clock.now = T0 + 2 * HOUR - 200_000;
        await admin.sendCommand(["CLIENT", "KILL", "USER", OID]);
        let value: string | null = null;
        for (let i = 0; i < 100 && value === null; i++) {
          value = await client.get("k").catch(() => null);
          if (value === null) await new Promise((r) => setTimeout(r, 50));
        }
        expect(value).toBe("v");
        expect(credential.calls).toBe(3);
      } finally {
        client.destroy();
      }
      expect(timer.timers.at(-1)!.cancelled).toBe(true); // destroy disposes the renewal
    } finally {
      admin.destroy();
      await server.stop();
    }
  });

  it("stop start-up with SEAWALL_AZURE_PRINCIPAL when the token names no object id", async () => {
    const server = await startRedis();
    try {
      const clock = { now: T0 };
      const err = await connectRedis(
        {
          REDIS_HOST: server.host,
          REDIS_PORT: server.port,
          REDIS_TLS: false,
          REDIS_AUTH: undefined,
          REDIS_AUTH_MODE: "azure-entra",
          CALL_TIMEOUT_MS: 2000,
        },
        {
          entraCredentials: azureRedisEntraCredentials({
            credential: fakeCredential([HOUR], clock, recorded.redis.tokenWithoutOid),
            now: () => clock.now,
            ...noSleep,
          }),
        },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentError);
      expect(err).toMatchObject({ code: "SEAWALL_AZURE_PRINCIPAL" });
    } finally {
      await server.stop();
    }
  });
});

describe("DefaultAzureCredential (@azure/identity) against a fake managed identity endpoint", () => {
  it("reads the recorded token shape with its expiry, for the resource of each scope, sending the identity header", async () => {
    const seen: Array<{ url: string; header?: string }> = [];
    const server: Server = createServer((req, res) => {
      seen.push({ url: req.url ?? "", header: req.headers["x-identity-header"] as string | undefined });
      const resource = new URL(req.url ?? "/", "http://x").searchParams.get("resource");
      res.setHeader("Content-Type", "application/json");
      res.end(
        JSON.stringify({
          ...recorded.appServiceMsiResponse,
          access_token:
            resource === "https://redis.azure.com"
              ? recorded.redis.getToken.token
              : recorded.eventHubs.getToken.token,
          resource,
          expires_on: String(Math.floor(Date.now() / 1000) + 86399),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const saved = { ...process.env };
    for (const k of Object.keys(process.env)) if (/^(AZURE_|MSI_|IDENTITY_)/.test(k)) delete process.env[k];
    // App Service's managed identity endpoint: plain HTTP with a shared header, so it can be faked here.
    process.env.IDENTITY_ENDPOINT = `http://127.0.0.1:${(server.address() as { port: number }).port}/msi/token`;
    process.env.IDENTITY_HEADER = "identity-header-secret";
    try {
      const before = Date.now();
      const t = await azureTokenSource(defaultAzureCredential(), REDIS_SCOPE).get();
      expect(t.token).toBe(recorded.redis.getToken.token);
      // expires_on is whole seconds since the epoch: within a second or two of 86,399 s from now.
      expect(t.expiresAt).toBeGreaterThanOrEqual(before + 86399_000 - 2000);
      expect(t.expiresAt).toBeLessThanOrEqual(Date.now() + 86399_000 + 1000);
      expect(redisEntraAuth(t).username).toBe(OID);
      const k = await eventHubsTokenProvider(recorded.eventHubs.bootstrapServers)();
      expect(k).toEqual({
        tokenValue: recorded.eventHubs.getToken.token,
        lifetime: expect.any(Number),
        principal: OID,
      });
      expect(seen.map((s) => [new URL(s.url, "http://x").searchParams.get("resource"), s.header])).toEqual([
        ["https://redis.azure.com", "identity-header-secret"],
        ["https://seawall-prod.servicebus.windows.net", "identity-header-secret"],
      ]);
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      await new Promise((r) => server.close(r));
    }
  });
});

describe("the Blob lake on Azure", () => {
  it("uses Entra ID on the account's Blob endpoint without a connection string, and the connection string only when one is mounted", () => {
    expect(azureBlobAccount({ LAKE_BUCKET: "lake@seawallprodlake", LAKE_ENDPOINT: undefined }, {})).toEqual({
      container: "lake",
      account: { url: "https://seawallprodlake.blob.core.windows.net" },
    });
    expect(
      azureBlobAccount(
        { LAKE_BUCKET: "lake@seawallprodlake.dfs.core.windows.net", LAKE_ENDPOINT: undefined },
        {},
      ),
    ).toEqual({ container: "lake", account: { url: blobServiceUrl("seawallprodlake") } });
    expect(
      azureBlobAccount(
        { LAKE_BUCKET: "lake", LAKE_ENDPOINT: "https://seawallprodlake.blob.core.windows.net/" },
        {},
      ),
    ).toEqual({ container: "lake", account: { url: "https://seawallprodlake.blob.core.windows.net" } });
    const conn =
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
    expect(
      azureBlobAccount(
        { LAKE_BUCKET: "lake", LAKE_ENDPOINT: undefined },
        { AZURE_STORAGE_CONNECTION_STRING: conn },
      ),
    ).toEqual({
      container: "lake",
      account: conn,
    });
  });

  it("says how to name the account when it cannot find one", () => {
    expect(() => azureBlobAccount({ LAKE_BUCKET: "lake", LAKE_ENDPOINT: undefined }, {})).toThrow(
      expect.objectContaining({
        code: "SEAWALL_LAKE_AZURE_AUTH",
        message: expect.stringMatching(
          /set it to <container>@<account> .*or mount AZURE_STORAGE_CONNECTION_STRING/,
        ),
      }),
    );
    expect(() =>
      azureBlobAccount(
        { LAKE_BUCKET: "lake@acct", LAKE_ENDPOINT: "https://other.blob.core.windows.net" },
        {},
      ),
    ).toThrow(/names the account and LAKE_ENDPOINT names it again/);
  });
});

describe("the worker environment for Azure", () => {
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

  it("maps the contracts' azure provider and Entra ID auth mode into the environment", () => {
    const env = workerEnvFromContracts({
      kafka: {
        bootstrapServers: recorded.eventHubs.bootstrapServers,
        securityProtocol: "SASL_SSL",
        saslMechanism: "OAUTHBEARER",
        oauthProvider: "azure",
      },
      redis: {
        host: "seawall-prod.westeurope.redis.azure.net",
        port: 10000,
        tls: true,
        authMode: "azure-entra",
      },
      lake: { scheme: "abfss", bucket: "lake@seawallprodlake", prefix: "", region: "westeurope" },
    });
    expect(env).toMatchObject({ KAFKA_OAUTH_PROVIDER: "azure", REDIS_AUTH_MODE: "azure-entra" });
    expect(parseWorkerEnv(env)).toMatchObject({
      KAFKA_SASL_MECHANISM: "OAUTHBEARER",
      KAFKA_OAUTH_PROVIDER: "azure",
      REDIS_AUTH_MODE: "azure-entra",
      LAKE_SCHEME: "abfss",
    });
  });

  it("lists every inconsistent Azure setting with its fix", () => {
    expect(
      problems({
        ...base,
        KAFKA_SECURITY_PROTOCOL: "SASL_PLAINTEXT",
        KAFKA_SASL_MECHANISM: "PLAIN",
        KAFKA_CREDENTIALS: "$ConnectionString:Endpoint=sb://x",
        KAFKA_OAUTH_PROVIDER: "azure",
        REDIS_AUTH_MODE: "azure-entra",
        REDIS_AUTH: "x",
        REDIS_TLS: "false",
      }),
    ).toEqual([
      'KAFKA_SASL_MECHANISM: got "PLAIN"; KAFKA_OAUTH_PROVIDER=azure needs OAUTHBEARER',
      'KAFKA_SECURITY_PROTOCOL: got "SASL_PLAINTEXT"; Event Hubs accepts only SASL_SSL',
      "KAFKA_BOOTSTRAP_SERVERS: got \"b:9092\"; KAFKA_OAUTH_PROVIDER=azure takes the Event Hubs namespace's Kafka endpoint, <namespace>.servicebus.windows.net:9093, whose host is the token's scope",
      "REDIS_AUTH: set with REDIS_AUTH_MODE=azure-entra; remove it: Entra ID auth sends the identity's token",
      "REDIS_TLS: got false; REDIS_AUTH_MODE=azure-entra sends an Entra ID token, and Azure accepts it over TLS only",
    ]);
    const eh = {
      ...base,
      KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
      KAFKA_SASL_MECHANISM: "OAUTHBEARER",
      KAFKA_OAUTH_PROVIDER: "azure",
    };
    expect(
      problems({
        ...eh,
        KAFKA_BOOTSTRAP_SERVERS: "a.servicebus.windows.net:9093,b.servicebus.windows.net:9093",
      })[0],
    ).toMatch(/^KAFKA_BOOTSTRAP_SERVERS: got "a\.servicebus.*whose host is the token's scope$/);
    expect(problems({ ...eh, KAFKA_BOOTSTRAP_SERVERS: "seawall.servicebus.chinacloudapi.cn:9093" })).toEqual(
      [],
    );
    expect(
      problems({ ...base, KAFKA_SECURITY_PROTOCOL: "SASL_SSL", KAFKA_SASL_MECHANISM: "OAUTHBEARER" }),
    ).toEqual([
      'KAFKA_OAUTH_PROVIDER: missing; OAUTHBEARER needs a token provider: use "gcp" (Managed Kafka) or "azure" (Event Hubs)',
    ]);
    expect(problems({ ...base, REDIS_AUTH_MODE: "entra" })[0]).toMatch(
      /^REDIS_AUTH_MODE: got "entra"; .*"azure-entra"/,
    );
  });
});
