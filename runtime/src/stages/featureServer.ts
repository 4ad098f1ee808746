/**
 * feature-server: HTTP reads of features, one entity or many, as pipelined Redis reads.
 *   GET  /features/:entity          → 200 { entity, count, sum, mean, windowEnd, ... } | 404
 *   POST /features:batch {entities} → 200 { features: { [entity]: {...} | null } }
 * Reads are coalesced: every request that arrives in the same turn of the event loop joins one
 * pipeline of HMGETs, sent through the Redis call policy once (one timeout, breaker and retry for the
 * lot), and each request gets its own replies back. Under load, a pipeline holds the requests that
 * arrived while the previous one was in flight, so the cost per request falls as the rate rises.
 * The entities waiting or in flight are bounded: beyond the bound a request is shed with 503 and
 * `Retry-After` rather than queued, so a burst of connections cannot grow memory without limit.
 * In front of the reader, an in-process cache (`featureCache.ts`) answers an entity read less than
 * `maxStalenessMs` ago (`FEATURE_MAX_STALENESS_MS`; 0 turns it off) without asking Redis; a request
 * whose entities are all cached is answered in the same turn, with no Redis round trip.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { TransientError } from "../errors";
import { HttpError, readBody, router, sendJson, sendJsonText, type Route } from "../http";
import type { Metrics } from "../metrics";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import { FEATURE_FIELDS, featureKey, type FeatureSnapshot } from "../features";
import { workerEnvSchema } from "../config";
import { FeatureCache, featureCacheCounters, type CachedFeature } from "../featureCache";

/** What the server returns for an entity: the snapshot dedup computed and the writer stored. */
export type Feature = FeatureSnapshot;

const MAX_BATCH = 1000;

const FIELDS = FEATURE_FIELDS;

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

/** The reader refused a read because too many entities are already waiting or in flight. */
export class ReadsOverloadedError extends TransientError {
  constructor(
    readonly pending: number,
    readonly limit: number,
  ) {
    super(
      "SEAWALL_FEATURE_READS_OVERLOADED",
      `${pending} entities are already being read (limit ${limit}): retry later`,
    );
  }
}

export interface FeatureReaderOptions {
  /**
   * Entities waiting or in flight at once. A read that would go over it is refused with
   * {@link ReadsOverloadedError}, unless nothing is pending (a single read is always tried).
   * @defaultValue 32768 (eight full pipelines)
   */
  maxPendingEntities: number;
}

/**
 * Reads feature hashes for many callers at once: calls made in the same event-loop turn are sent as
 * one pipeline of HMGETs inside one policy call. A failed pipeline fails every caller in it.
 */
export function createFeatureReader(
  redis: Redis,
  policy: CallPolicy,
  options: Partial<FeatureReaderOptions> = {},
): (entities: string[]) => Promise<Reply[]> {
  const maxPending = options.maxPendingEntities ?? 32768;
  interface Waiter {
    entities: string[];
    resolve(replies: Reply[]): void;
    reject(err: unknown): void;
  }
  let queue: Waiter[] = [];
  let queued = 0;
  /** Entities queued or in a pipeline not yet answered. */
  let pending = 0;
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    const waiters = queue;
    const size = queued;
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
          pending -= size;
          let i = 0;
          for (const w of waiters) {
            w.resolve(replies.slice(i, i + w.entities.length) as unknown as Reply[]);
            i += w.entities.length;
          }
        },
        (err: unknown) => {
          pending -= size;
          for (const w of waiters) w.reject(err);
        },
      );
  };
  return (entities) =>
    new Promise<Reply[]>((resolve, reject) => {
      if (pending > 0 && pending + entities.length > maxPending)
        return reject(new ReadsOverloadedError(pending, maxPending));
      if (queued > 0 && queued + entities.length > MAX_PIPELINE) flush();
      queue.push({ entities, resolve, reject });
      queued += entities.length;
      pending += entities.length;
      if (queued >= MAX_PIPELINE) flush();
      else scheduled ??= setImmediate(flush);
    });
}

/** An entity's answer: its snapshot (or null) and that as JSON. */
export type FeatureAnswer = CachedFeature<Feature>;

/**
 * Answers entities from `cache` where it can and reads the rest with `read`, keeping their answers.
 * Returns the answers themselves (no promise) when every entity is cached.
 */
export function createFeatureLookup(
  read: (entities: string[]) => Promise<Reply[]>,
  cache: FeatureCache<Feature>,
  counters?: { hits: { inc(n: number): void }; misses: { inc(n: number): void } },
): (entities: string[]) => FeatureAnswer[] | Promise<FeatureAnswer[]> {
  const answer = (entity: string, h: Reply): FeatureAnswer => {
    const feature = toFeature(entity, h);
    return { feature, json: JSON.stringify(feature) };
  };
  return (entities) => {
    const n = entities.length;
    const out = new Array<FeatureAnswer>(n);
    let missing: number[] | undefined;
    if (cache.enabled)
      for (let i = 0; i < n; i++) {
        const hit = cache.get(entities[i]);
        if (hit !== undefined) out[i] = hit;
        else (missing ??= []).push(i);
      }
    const misses = cache.enabled ? (missing?.length ?? 0) : n;
    if (n - misses > 0) counters?.hits.inc(n - misses);
    if (misses === 0) return out;
    counters?.misses.inc(misses);
    const ask = misses === n ? entities : missing!.map((i) => entities[i]);
    const readAt = cache.stamp();
    return read(ask).then((replies) => {
      for (let k = 0; k < ask.length; k++) {
        const a = answer(ask[k], replies[k]);
        cache.set(ask[k], a, readAt);
        out[misses === n ? k : missing![k]] = a;
      }
      return out;
    });
  };
}

export interface FeatureRoutesOptions extends FeatureReaderOptions {
  /**
   * How stale an answer may be, in ms: an entity read from Redis less than this long ago is answered
   * from the in-process cache; 0 turns the cache off. Set from `FEATURE_MAX_STALENESS_MS`.
   * @defaultValue 250 (`FEATURE_MAX_STALENESS_MS`'s default)
   */
  maxStalenessMs: number;
  /** Entities the cache holds at once. @defaultValue 65536 */
  cacheMaxEntries: number;
  /** Largest request body accepted. @defaultValue 1048576 (1 MiB) */
  maxBodyBytes: number;
  /** `Retry-After` (seconds) when a read is shed. @defaultValue 1 */
  retryAfterSeconds: number;
}

/** Refuses invalid UTF-8 rather than replacing it (two different ids must not become one). */
const utf8 = new TextDecoder("utf-8", { fatal: true });

const SHAPE = '{"entities": ["id", ...]}';

/** Names a JSON value's kind for an error message. */
function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return `a ${typeof v}`;
}

/**
 * The body's content type, said explicitly: JSON (`application/json`, `*+json`), or none, or
 * `text/plain` (what `fetch` sends for a string body), in UTF-8. Anything else is 415.
 */
function checkContentType(req: IncomingMessage): void {
  const header = req.headers["content-type"];
  if (header === undefined || header === "" || header === "application/json") return;
  const [type, ...params] = header.split(";").map((p) => p.trim().toLowerCase());
  const json =
    type === "application/json" || /^application\/[\w.+-]+\+json$/.test(type) || type === "text/plain";
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  if (!json)
    throw new HttpError(
      415,
      "SEAWALL_HTTP_UNSUPPORTED_MEDIA_TYPE",
      `content-type ${JSON.stringify(header)} is not supported: send application/json`,
    );
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8")
    throw new HttpError(
      415,
      "SEAWALL_HTTP_UNSUPPORTED_MEDIA_TYPE",
      `charset ${JSON.stringify(charset)} is not supported: send UTF-8 (charset=utf-8)`,
    );
}

/** The entities of a batch request body, or a 400 naming what is wrong and the fix. */
export function parseBatchBody(text: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new HttpError(
      400,
      "SEAWALL_HTTP_BAD_JSON",
      `body must be JSON ${SHAPE}: ${(err as Error).message}`,
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new HttpError(400, "SEAWALL_HTTP_BAD_BODY", `body is ${kindOf(body)}: send a JSON object ${SHAPE}`);
  if (!Object.prototype.hasOwnProperty.call(body, "entities"))
    throw new HttpError(400, "SEAWALL_HTTP_BAD_BODY", `body.entities is missing: send ${SHAPE}`);
  const entities = (body as { entities: unknown }).entities;
  if (!Array.isArray(entities))
    throw new HttpError(
      400,
      "SEAWALL_HTTP_BAD_BODY",
      `body.entities is ${kindOf(entities)}: it must be a list; send ${SHAPE}`,
    );
  const bad = entities.findIndex((e) => typeof e !== "string" || e === "");
  if (bad >= 0)
    throw new HttpError(
      400,
      "SEAWALL_HTTP_BAD_BODY",
      `body.entities[${bad}] is ${JSON.stringify(entities[bad]) ?? String(entities[bad])}: each entity must be a non-empty string; send ${SHAPE}`,
    );
  if (entities.length > MAX_BATCH)
    throw new HttpError(
      400,
      "SEAWALL_HTTP_TOO_MANY_ENTITIES",
      `body.entities has ${entities.length} entities: send at most ${MAX_BATCH} per request, in several requests`,
    );
  return entities as string[];
}

/** Decodes the `:entity` path segment, or a 400 naming it and the fix. */
function entityOf(segment: string): string {
  let entity: string;
  try {
    entity = decodeURIComponent(segment);
  } catch {
    throw new HttpError(
      400,
      "SEAWALL_HTTP_BAD_ESCAPE",
      `entity ${JSON.stringify(segment.slice(0, 200))} is not valid percent-encoded UTF-8: encode the entity with encodeURIComponent`,
    );
  }
  if (!entity)
    throw new HttpError(400, "SEAWALL_HTTP_EMPTY_ENTITY", "entity is empty: request /features/<entity>");
  return entity;
}

/**
 * A batch answer as JSON, written key by key: no object is built from the entities, so names like
 * `__proto__` or `constructor` are answered like any other.
 */
function batchJson(entities: string[], answers: FeatureAnswer[]): string {
  const seen = new Set<string>();
  let json = '{"features":{';
  for (let i = 0; i < entities.length; i++) {
    const e = entities[i];
    if (seen.has(e)) continue;
    seen.add(e);
    json += `${seen.size > 1 ? "," : ""}${JSON.stringify(e)}:${answers[i].json}`;
  }
  return `${json}}}`;
}

export function createFeatureRoutes(
  deps: { redis: Redis; redisPolicy: CallPolicy; metrics: Metrics } & Partial<FeatureRoutesOptions>,
): Route {
  const read = createFeatureReader(deps.redis, deps.redisPolicy, {
    maxPendingEntities: deps.maxPendingEntities,
  });
  const cache = new FeatureCache<Feature>({
    maxAgeMs: deps.maxStalenessMs ?? workerEnvSchema.shape.FEATURE_MAX_STALENESS_MS.parse(undefined),
    maxEntries: deps.cacheMaxEntries,
  });
  const lookup = createFeatureLookup(read, cache, featureCacheCounters(deps.metrics.registry));
  const maxBodyBytes = deps.maxBodyBytes ?? 1 << 20;
  const retryAfter = String(deps.retryAfterSeconds ?? 1);
  const shed = (err: unknown): never => {
    if (err instanceof ReadsOverloadedError)
      throw new HttpError(
        503,
        "SEAWALL_HTTP_OVERLOADED",
        `overloaded: ${err.pending} entities are already being read (limit ${err.limit}); retry after ${retryAfter} s`,
        { "retry-after": retryAfter },
      );
    throw err;
  };
  /** The answers, from the cache when every entity is in it, else after the Redis read. */
  const answersOf = (entities: string[]) => {
    const got = lookup(entities);
    return Array.isArray(got) ? got : got.catch(shed);
  };

  return router([
    {
      path: "/features/",
      prefix: true,
      methods: {
        GET: async (_req: IncomingMessage, res: ServerResponse, pathname: string) => {
          const entity = entityOf(pathname.slice("/features/".length));
          const got = answersOf([entity]);
          const [a] = Array.isArray(got) ? got : await got;
          deps.metrics.featureReads.inc();
          if (a.feature) sendJsonText(res, 200, a.json);
          else sendJson(res, 404, { error: `no features for ${entity}`, code: "SEAWALL_FEATURE_NOT_FOUND" });
        },
      },
    },
    {
      path: "/features:batch",
      methods: {
        POST: async (req: IncomingMessage, res: ServerResponse) => {
          checkContentType(req);
          const bytes = await readBody(req, maxBodyBytes, `send at most ${MAX_BATCH} entities per request`);
          let text: string;
          try {
            text = utf8.decode(bytes);
          } catch {
            throw new HttpError(
              400,
              "SEAWALL_HTTP_BAD_UTF8",
              "body is not valid UTF-8: send the JSON in UTF-8",
            );
          }
          const entities = parseBatchBody(text);
          const got = answersOf(entities);
          const answers = Array.isArray(got) ? got : await got;
          deps.metrics.featureReads.inc(entities.length);
          sendJsonText(res, 200, batchJson(entities, answers));
        },
      },
    },
  ]);
}
