/**
 * feature-server: HTTP reads of features, one entity or many, as pipelined Redis reads.
 *   GET  /features/:entity          → 200 { entity, count, sum, mean, windowEnd, ... } | 404
 *   POST /features:batch {entities} → 200 { features: { [entity]: {...} | null } }
 * Concurrent requests issued in the same tick share one pipeline (node-redis auto-pipelining).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import { featureKey } from "./featureWriter";

export interface Feature {
  entity: string;
  count: number;
  sum: number;
  mean: number;
  windowEnd: number;
  windowSeconds: number;
  version: number;
}

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

export function createFeatureRoutes(deps: { redis: Redis; redisPolicy: CallPolicy; metrics: Metrics }) {
  const read = (entities: string[]) =>
    deps.redisPolicy.execute(() =>
      Promise.all(
        entities.map((e) => deps.redis.hmGet(featureKey(e), FIELDS) as Promise<Array<string | null>>),
      ),
    );

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
