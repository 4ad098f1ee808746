import { createClient } from "redis";
import type { WorkerConfig } from "./config";
import { memorystoreIamCredentials, type AsyncCredentials } from "./gcp/tokens";
import { azureRedisEntraCredentials } from "./azure/tokens";
import { PermanentError } from "./errors";
import type { StreamingCredentials } from "./tokens";

/** TLS errors that mean the server's certificate is not trusted or not for this host. */
const UNVERIFIABLE_CERT = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "CERT_HAS_EXPIRED",
  "CERT_UNTRUSTED",
]);

/**
 * A node-redis client for the `RedisConnection` contract. No offline queue: while Redis is away,
 * calls fail fast and the call policy retries them with backoff behind a circuit breaker.
 */
export async function connectRedis(
  cfg: Pick<WorkerConfig, "REDIS_HOST" | "REDIS_PORT" | "REDIS_TLS" | "REDIS_AUTH" | "CALL_TIMEOUT_MS"> &
    Partial<Pick<WorkerConfig, "REDIS_AUTH_MODE" | "REDIS_CA_CERT">>,
  opts: {
    /** Every error the client reports between calls (dropped connection, failed reconnect): count and log it. */
    onError?: (err: Error) => void;
    /**
     * The credentials for `REDIS_AUTH_MODE=gcp-iam`, asked at every (re)connect.
     * @defaultValue memorystoreIamCredentials(): Application Default Credentials
     */
    iamCredentials?: AsyncCredentials;
    /**
     * The credentials for `REDIS_AUTH_MODE=azure-entra`, renewed on the open connection.
     * @defaultValue azureRedisEntraCredentials(): DefaultAzureCredential
     */
    entraCredentials?: StreamingCredentials;
  } = {},
) {
  let started = false;
  const client = createClient({
    socket: {
      host: cfg.REDIS_HOST,
      port: cfg.REDIS_PORT,
      // With a private CA (Memorystore's), verify the server against it, not the system's CAs.
      ...(cfg.REDIS_TLS
        ? { tls: true as const, ...(cfg.REDIS_CA_CERT ? { ca: cfg.REDIS_CA_CERT } : {}) }
        : {}),
      connectTimeout: cfg.CALL_TIMEOUT_MS,
      reconnectStrategy: (retries: number, cause: Error) => {
        // A server whose certificate cannot be verified will not become verifiable by retrying:
        // at start-up, fail with the fix instead of retrying for ever.
        // Nor will credentials that cannot name a user (SEAWALL_AZURE_PRINCIPAL).
        if (!started && cause instanceof PermanentError && cause.systemic) return cause;
        const code = (cause as NodeJS.ErrnoException | undefined)?.code;
        if (!started && code !== undefined && UNVERIFIABLE_CERT.has(code)) {
          return new Error(
            `REDIS_TLS: the server's certificate cannot be verified (${code}: ${cause.message}); ` +
              `set REDIS_CA_CERT to the PEM CA that signs it (the stack output redis.caCert)`,
            { cause },
          );
        }
        return Math.min(50 * 2 ** Math.min(retries, 6), 2000) + Math.random() * 50;
      },
    },
    ...(cfg.REDIS_AUTH_MODE === "gcp-iam"
      ? // A fresh token at every connect and reconnect; open connections stay authenticated.
        { credentialsProvider: opts.iamCredentials ?? memorystoreIamCredentials({ onError: opts.onError }) }
      : cfg.REDIS_AUTH_MODE === "azure-entra"
        ? // AUTH <oid> <token> at every connect, and again on the open connection before it expires.
          {
            credentialsProvider:
              opts.entraCredentials ?? azureRedisEntraCredentials({ onError: opts.onError }),
          }
        : { password: cfg.REDIS_AUTH }),
    disableOfflineQueue: true,
  });
  // node-redis emits "error" for connection trouble between calls; without a listener it would
  // crash the process, and a listener that discards it hides an outage.
  client.on("error", (err: Error) => opts.onError?.(err));
  await client.connect().catch((err: unknown) => {
    // A start-up stopped by our own error (the reconnect strategy's return) surfaces as itself.
    const original = (err as { originalError?: unknown } | undefined)?.originalError;
    throw original instanceof PermanentError ? original : err;
  });
  started = true;
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
