/**
 * feature-server: HTTP reads of features, one entity or many, as pipelined Redis reads.
 *   GET  /features/:entity          → 200 { entity, count, sum, mean, windowEnd, ... } | 404
 *   POST /features:batch {entities} → 200 { features: { [entity]: {...} | null } }
 * Reads are coalesced: every request that arrives in the same turn of the event loop joins one
 * pipeline of HMGETs, sent through the Redis call policy once (one timeout, breaker and retry for the
 * lot), and each request gets its own replies back. Under load, a pipeline holds the requests that
 * arrived while the previous one was in flight, so the cost per request falls as the rate rises.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import type { FeatureSnapshot } from "./dedup";
import { featureKey } from "./featureWriter";

/** What the server returns for an entity: the snapshot dedup computed and the writer stored. */
export type Feature = FeatureSnapshot;

const MAX_BATCH = 1000;
const MAX_BODY = 1 << 20;

const FIELDS = ["version", "count", "sum", "mean", "windowEnd", "windowSeconds"];

function toFeature(entity: string, h: Array<string | null>): Feature | null {
  if (!h || h[0] === null || h[0] === undefined) return null;
  return {
    entity,
    count: Number(h[1]),
    sum: Number(h[2]),
    mean: Number(h[3]),
    windowEnd: Number(h[4]),
    windowSeconds: Number(h[5]),
    version: Number(h[0]),
  };
}

/** Entities per coalesced pipeline: a bound on one call's size, so its timeout stays meaningful. */
const MAX_PIPELINE = 4096;

type Reply = Array<string | null>;

/**
 * Reads feature hashes for many callers at once: calls made in the same event-loop turn are sent as
 * one pipeline of HMGETs inside one policy call. A failed pipeline fails every caller in it.
 */
export function createFeatureReader(
  redis: Redis,
  policy: CallPolicy,
): (entities: string[]) => Promise<Reply[]> {
  interface Waiter {
    entities: string[];
    resolve(replies: Reply[]): void;
    reject(err: unknown): void;
  }
  let queue: Waiter[] = [];
  let queued = 0;
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const waiters = queue;
    queue = [];
    queued = 0;
    policy
      .execute(() => {
        const m = redis.multi();
        for (const w of waiters)
          for (const e of w.entities) m.addCommand(["HMGET", featureKey(e), ...FIELDS]);
        return m.execAsPipeline();
      })
      .then(
        (replies) => {
          let i = 0;
          for (const w of waiters) {
            w.resolve(replies.slice(i, i + w.entities.length) as unknown as Reply[]);
            i += w.entities.length;
          }
        },
        (err: unknown) => {
          for (const w of waiters) w.reject(err);
        },
      );
  };
  return (entities) =>
    new Promise<Reply[]>((resolve, reject) => {
      if (queued > 0 && queued + entities.length > MAX_PIPELINE) flush();
      queue.push({ entities, resolve, reject });
      queued += entities.length;
      if (queued >= MAX_PIPELINE) flush();
      else scheduled ??= setImmediate(flush);
    });
}

export function createFeatureRoutes(deps: { redis: Redis; redisPolicy: CallPolicy; metrics: Metrics }) {
  const read = createFeatureReader(deps.redis, deps.redisPolicy);

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = req.url ?? "/";
    if (req.method === "GET" && url.startsWith("/features/")) {
      const entity = decodeURIComponent(url.slice("/features/".length).split("?")[0]);
      if (!entity) return send(res, 400, { error: "entity is empty" });
      const [h] = await read([entity]);
      deps.metrics.featureReads.inc();
      const f = toFeature(entity, h);
      return f ? send(res, 200, f) : send(res, 404, { error: `no features for ${entity}` });
    }
    if (req.method === "POST" && url === "/features:batch") {
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req)).toString("utf8"));
      } catch (err) {
        return send(res, 400, { error: `body must be JSON {"entities": [...]}: ${(err as Error).message}` });
      }
      const entities = (body as { entities?: unknown }).entities;
      if (!Array.isArray(entities) || entities.some((e) => typeof e !== "string" || e === "")) {
        return send(res, 400, { error: 'body must be {"entities": ["id", ...]} with non-empty strings' });
      }
      if (entities.length > MAX_BATCH)
        return send(res, 400, { error: `at most ${MAX_BATCH} entities per request` });
      const hashes = await read(entities as string[]);
      deps.metrics.featureReads.inc(entities.length);
      const features: Record<string, Feature | null> = {};
      (entities as string[]).forEach((e, i) => (features[e] = toFeature(e, hashes[i])));
      return send(res, 200, { features });
    }
    return false;
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): true {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
  return true;
}
