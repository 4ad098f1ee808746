/**
 * Redis (Valkey) behind Sentinel: node-redis's own Sentinel client (`createSentinel`) learns the
 * primary from the Sentinels, follows a failover (Sentinel's `+switch-master` and friends, a
 * `READONLY` reply, a dropped connection: it asks the Sentinels again and reconnects to the primary
 * they name), and is presented to the stages as the plain client they use (see {@link asClient}).
 */
import { createSentinel } from "redis";
import type { WorkerConfig } from "./config";
import { TransientError } from "./errors";
import type { Redis } from "./redis";

/** The variables the Sentinel client reads. */
export type SentinelConfig = Pick<
  WorkerConfig,
  "REDIS_TLS" | "REDIS_AUTH" | "REDIS_CA_CERT" | "REDIS_SENTINEL_AUTH" | "CALL_TIMEOUT_MS"
> & { REDIS_SENTINELS: string; REDIS_SENTINEL_MASTER: string };

/** How often a node client tries an address before the Sentinels are asked again. */
const NODE_RECONNECTS = 3;

/** `host:port,[v6]:port` as Sentinel nodes. */
export function sentinelNodes(list: string): Array<{ host: string; port: number }> {
  return list.split(",").map((hp) => {
    const i = hp.lastIndexOf(":");
    return { host: hp.slice(0, i).replace(/^\[(.*)\]$/, "$1"), port: Number(hp.slice(i + 1)) };
  });
}

/**
 * The options of node-redis's Sentinel client for the worker's settings.
 * - Sentinels and servers alike: TLS when `REDIS_TLS` (verified against `REDIS_CA_CERT` when set);
 *   Sentinel must announce names the certificates hold (`sentinel announce-hostnames yes`).
 * - Servers: `REDIS_AUTH`. Sentinels: `REDIS_SENTINEL_AUTH`, else `REDIS_AUTH` too (one password for
 *   both is how Valkey charts configure it; a Sentinel without a password, beside servers that have
 *   one, is not supported: anyone who reaches it could reconfigure or fail over the primary).
 * - A server connection gives up after {@link NODE_RECONNECTS} attempts, so the client asks the
 *   Sentinels where the primary is now instead of retrying a dead address for ever; no offline queue.
 */
export function sentinelOptions(cfg: SentinelConfig, certProblem: (cause: Error) => Error | undefined) {
  const tls = cfg.REDIS_TLS
    ? { tls: true as const, ...(cfg.REDIS_CA_CERT ? { ca: cfg.REDIS_CA_CERT } : {}) }
    : {};
  const sentinelPassword = cfg.REDIS_SENTINEL_AUTH ?? cfg.REDIS_AUTH;
  return {
    name: cfg.REDIS_SENTINEL_MASTER,
    sentinelRootNodes: sentinelNodes(cfg.REDIS_SENTINELS),
    passthroughClientErrorEvents: true,
    nodeClientOptions: {
      ...(cfg.REDIS_AUTH !== undefined ? { password: cfg.REDIS_AUTH } : {}),
      disableOfflineQueue: true,
      socket: {
        ...tls,
        connectTimeout: cfg.CALL_TIMEOUT_MS,
        reconnectStrategy: (retries: number, cause: Error) =>
          certProblem(cause) ??
          (retries >= NODE_RECONNECTS
            ? new TransientError(
                "SEAWALL_REDIS_PRIMARY_UNREACHABLE",
                `the primary Sentinel named is unreachable (${cause.message}); asking the Sentinels again`,
                { cause },
              )
            : Math.min(50 * 2 ** retries, 500) + Math.random() * 50),
      },
    },
    sentinelClientOptions: {
      ...(sentinelPassword !== undefined ? { password: sentinelPassword } : {}),
      socket: { ...tls, connectTimeout: cfg.CALL_TIMEOUT_MS },
    },
  };
}

type SentinelClient = ReturnType<typeof createSentinel>;

/**
 * Connects through the Sentinels and returns the client as the runtime's {@link Redis}. At
 * start-up, a Sentinel set that never names a reachable primary fails with what the Sentinels said.
 */
export async function connectSentinel(
  cfg: SentinelConfig,
  opts: { onError?: (err: Error) => void; certProblem: (cause: Error) => Error | undefined },
): Promise<Redis> {
  const sentinel = createSentinel(sentinelOptions(cfg, opts.certProblem));
  let last: Error | undefined;
  sentinel.on("error", (e: unknown) => {
    // The Sentinel client emits some errors as strings ("obseve client error: ...").
    last = e instanceof Error ? e : new Error(String(e));
    opts.onError?.(last);
  });
  try {
    await sentinel.connect();
  } catch (err) {
    await sentinel.destroy().catch(() => undefined);
    const why = (last ?? (err as Error)).message;
    const auth = /NOAUTH|WRONGPASS|invalid password|without any password/i.test(why)
      ? "; check REDIS_SENTINEL_AUTH (the Sentinels' password; REDIS_AUTH when unset)"
      : "";
    throw new Error(
      `REDIS_SENTINELS: no Sentinel of ${cfg.REDIS_SENTINELS} named a reachable primary for REDIS_SENTINEL_MASTER=${cfg.REDIS_SENTINEL_MASTER} (${why})${auth}`,
      { cause: err },
    );
  }
  try {
    await sentinel.ping();
  } catch (err) {
    await sentinel.destroy().catch(() => undefined);
    throw err;
  }
  return asClient(sentinel);
}

/**
 * The Sentinel client as the plain client the stages use. Its commands are the client's; two
 * methods differ: `sendCommand` and a MULTI's `addCommand` take whether the command is read-only
 * first (it picks a replica when replicas serve reads; here every command goes to the primary).
 */
export function asClient(sentinel: SentinelClient): Redis {
  return new Proxy(sentinel, {
    get(target, prop) {
      if (prop === "sendCommand")
        return (args: string[], options?: object) => target.sendCommand(false, args, options);
      if (prop === "multi" || prop === "MULTI") return () => asMulti(target.multi());
      if (prop === "withTypeMapping")
        return (mapping: object) => asClient(target.withTypeMapping(mapping) as unknown as SentinelClient);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Redis;
}

/** A Sentinel MULTI whose `addCommand(args)` is the client's, chaining to itself. */
function asMulti(multi: ReturnType<SentinelClient["multi"]>): unknown {
  const proxy: unknown = new Proxy(multi, {
    get(target, prop) {
      if (prop === "addCommand")
        return (args: string[], transform?: never) => {
          target.addCommand(false, args, transform);
          return proxy;
        };
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...a: unknown[]) => {
        const out = (value as (...a: unknown[]) => unknown).apply(target, a);
        return out === target ? proxy : out;
      };
    },
  });
  return proxy;
}
