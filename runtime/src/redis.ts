import { createClient } from "redis";
import type { WorkerConfig } from "./config";

/**
 * A node-redis client for the `RedisConnection` contract. No offline queue: while Redis is away,
 * calls fail fast and the call policy retries them with backoff behind a circuit breaker.
 */
export async function connectRedis(
  cfg: Pick<WorkerConfig, "REDIS_HOST" | "REDIS_PORT" | "REDIS_TLS" | "REDIS_AUTH" | "CALL_TIMEOUT_MS">,
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
    password: cfg.REDIS_AUTH,
    disableOfflineQueue: true,
  });
  client.on("error", () => undefined);
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
