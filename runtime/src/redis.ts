import { createClient } from "redis";
import type { WorkerConfig } from "./config";
import { memorystoreIamCredentials, type AsyncCredentials } from "./gcp/tokens";
import { azureRedisEntraCredentials } from "./azure/tokens";
import { PermanentError } from "./errors";
import type { StreamingCredentials } from "./tokens";
import { connectSentinel } from "./redisSentinel";

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
 * The error that stops retrying a server whose certificate cannot be verified (it will not become
 * verifiable by retrying), with the fix; undefined for any other cause.
 */
function certProblem(cause: Error): Error | undefined {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined || !UNVERIFIABLE_CERT.has(code)) return undefined;
  return new Error(
    `REDIS_TLS: the server's certificate cannot be verified (${code}: ${cause.message}); ` +
      `set REDIS_CA_CERT to the PEM CA that signs it (the stack output redis.caCert)`,
    { cause },
  );
}

/**
 * A node-redis client for the `RedisConnection` contract: on `REDIS_HOST`, or on the primary the
 * Sentinels name (`REDIS_SENTINELS`, `REDIS_SENTINEL_MASTER`; src/redisSentinel.ts), followed
 * through failovers. No offline queue: while Redis is away, calls fail fast and the call policy
 * retries them with backoff behind a circuit breaker.
 */
export async function connectRedis(
  cfg: Pick<WorkerConfig, "REDIS_PORT" | "REDIS_TLS" | "REDIS_AUTH" | "CALL_TIMEOUT_MS"> &
    Partial<
      Pick<
        WorkerConfig,
        | "REDIS_HOST"
        | "REDIS_AUTH_MODE"
        | "REDIS_CA_CERT"
        | "REDIS_SENTINELS"
        | "REDIS_SENTINEL_MASTER"
        | "REDIS_SENTINEL_AUTH"
      >
    >,
  opts: ConnectOptions = {},
): Promise<Redis> {
  if (cfg.REDIS_SENTINELS !== undefined && cfg.REDIS_SENTINEL_MASTER !== undefined) {
    return connectSentinel(
      { ...cfg, REDIS_SENTINELS: cfg.REDIS_SENTINELS, REDIS_SENTINEL_MASTER: cfg.REDIS_SENTINEL_MASTER },
      { onError: opts.onError, certProblem },
    );
  }
  if (cfg.REDIS_HOST === undefined) {
    throw new PermanentError(
      "SEAWALL_CONFIG",
      "REDIS_HOST: missing; set it, or REDIS_SENTINELS and REDIS_SENTINEL_MASTER",
      { systemic: true },
    );
  }
  return connectServer({ ...cfg, REDIS_HOST: cfg.REDIS_HOST }, opts);
}

/** How {@link connectRedis} reports errors and gets tokens. */
export interface ConnectOptions {
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
}

/** A client on one server, `REDIS_HOST:REDIS_PORT`. */
async function connectServer(
  cfg: Pick<WorkerConfig, "REDIS_PORT" | "REDIS_TLS" | "REDIS_AUTH" | "CALL_TIMEOUT_MS"> &
    Partial<Pick<WorkerConfig, "REDIS_AUTH_MODE" | "REDIS_CA_CERT">> & { REDIS_HOST: string },
  opts: ConnectOptions,
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
        const unverifiable = started ? undefined : certProblem(cause);
        if (unverifiable) return unverifiable;
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
/** The client the stages use: node-redis's, or the Sentinel client presented as it. */
export type Redis = Awaited<ReturnType<typeof connectServer>>;
