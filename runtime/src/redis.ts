import { createClient } from "redis";
import type { WorkerConfig } from "./config";
import { memorystoreIamCredentials, type AsyncCredentials } from "./gcp/tokens";

/**
 * A node-redis client for the `RedisConnection` contract. No offline queue: while Redis is away,
 * calls fail fast and the call policy retries them with backoff behind a circuit breaker.
 */
export async function connectRedis(
  cfg: Pick<WorkerConfig, "REDIS_HOST" | "REDIS_PORT" | "REDIS_TLS" | "REDIS_AUTH" | "CALL_TIMEOUT_MS"> &
    Partial<Pick<WorkerConfig, "REDIS_AUTH_MODE">>,
  opts: {
    /** Every error the client reports between calls (dropped connection, failed reconnect): count and log it. */
    onError?: (err: Error) => void;
    /**
     * The credentials for `REDIS_AUTH_MODE=gcp-iam`, asked at every (re)connect.
     * @defaultValue memorystoreIamCredentials(): Application Default Credentials
     */
    iamCredentials?: AsyncCredentials;
  } = {},
) {
  const client = createClient({
    socket: {
      host: cfg.REDIS_HOST,
      port: cfg.REDIS_PORT,
      ...(cfg.REDIS_TLS ? { tls: true as const } : {}),
      connectTimeout: cfg.CALL_TIMEOUT_MS,
      reconnectStrategy: (retries: number) =>
        Math.min(50 * 2 ** Math.min(retries, 6), 2000) + Math.random() * 50,
    },
    ...(cfg.REDIS_AUTH_MODE === "gcp-iam"
      ? // A fresh token at every connect and reconnect; open connections stay authenticated.
        { credentialsProvider: opts.iamCredentials ?? memorystoreIamCredentials({ onError: opts.onError }) }
      : { password: cfg.REDIS_AUTH }),
    disableOfflineQueue: true,
  });
  // node-redis emits "error" for connection trouble between calls; without a listener it would
  // crash the process, and a listener that discards it hides an outage.
  client.on("error", (err: Error) => opts.onError?.(err));
  await client.connect();
  try {
    // Fail at start-up, not at the first batch, when auth is missing or wrong.
    await client.ping();
  } catch (err) {
    client.destroy();
    throw err;
  }
  return client;
}
export type Redis = Awaited<ReturnType<typeof connectRedis>>;
