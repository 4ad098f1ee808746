/**
 * The clients a maintenance command opens (Redis, the object store), with the stages' call policies
 * (timeouts, retries of transient errors, circuit breakers), closed together.
 */
import type { WorkerConfig } from "../config";
import { connectRedis, type Redis } from "../redis";
import { callPolicy, type CallPolicy } from "../resilience";
import { createObjectStore, type ObjectStore } from "../store";

export interface CommandClients {
  redis?: Redis;
  redisPolicy: CallPolicy;
  store?: ObjectStore;
  storePolicy: CallPolicy;
  /** Redis on another node (a cluster's primary), with the same credentials and TLS. */
  redisAt(host: string, port: number): Promise<Redis>;
  /** Closes every client opened, each even if another fails; safe to call twice. */
  close(): Promise<void>;
}

/** Opens what a command needs: `redis`, `store`, or both. */
export async function openClients(
  cfg: WorkerConfig,
  env: Record<string, string | undefined>,
  needs: { redis?: boolean; store?: boolean },
): Promise<CommandClients> {
  const opened: Redis[] = [];
  const open = async (c: Parameters<typeof connectRedis>[0]) => {
    const r = await connectRedis(c);
    opened.push(r);
    return r;
  };
  // One node by address (a cluster's primary): not through the Sentinels, which name only theirs.
  const connect = (host: string, port: number) =>
    open({
      ...cfg,
      REDIS_SENTINELS: undefined,
      REDIS_SENTINEL_MASTER: undefined,
      REDIS_HOST: host,
      REDIS_PORT: port,
    });
  const clients: CommandClients = {
    redisPolicy: callPolicy({ dependency: "redis", timeoutMs: cfg.CALL_TIMEOUT_MS }),
    storePolicy: callPolicy({ dependency: "object-store", timeoutMs: cfg.CALL_TIMEOUT_MS }),
    redisAt: connect,
    async close() {
      const all = opened.splice(0);
      await Promise.allSettled(all.map((r) => r.close()));
      const s = clients.store as { destroy?: () => void } | undefined;
      s?.destroy?.();
    },
  };
  try {
    if (needs.store) clients.store = await createObjectStore(cfg, env);
    if (needs.redis) clients.redis = await open(cfg);
  } catch (err) {
    await clients.close();
    throw err;
  }
  return clients;
}
