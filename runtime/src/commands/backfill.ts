/**
 * `backfill --from <ISO time or date> --to <ISO time or date> [--topic T]`: replays a time range of
 * the lake into the feature store, idempotently.
 *
 * How, and why it is idempotent: the events go through dedup's own fold (`createFeatureFolder`,
 * storing each snapshot like the chained feature writer), whose state per entity is the window
 * itself, a sorted set of `eventId|value` members. Adding a member that is there changes nothing,
 * so events the live pipeline already folded (the lake holds the same events dedup folded: its
 * rows own their event id) and events a previous run folded are not counted again, atomically in
 * the same script call that would count them. Dedup's claims are not used: a claim says which
 * record of the valid topic owns an id, not whether its fold happened, while window membership is
 * exactly that.
 *
 * What the fold alone would not make idempotent is an event older than its entity's window: the
 * fold adds it and cuts it again in the same call, which leaves count and sum but raises the
 * version. So before each fold the command reads each entity's window end (its window state, or its
 * stored snapshot when the state has expired) and leaves out events that end has already moved past.
 * A rerun, or a run after a crash, then folds nothing already folded and leaves the same features
 * (versions included) as one run. An entity without window state whose stored snapshot is newer
 * than `--to` is left alone: the range cannot rebuild its window, and replaying would move its
 * features back in time.
 *
 * The range is read from `--from` minus the feature window (FEATURE_WINDOW_SECONDS), so the first
 * windows of the range are whole. Objects are read through the lake view, in its order, a few at a
 * time; a crash point after each fold lets the tests kill the command mid-run.
 */
import { crashPoint, setCrashRate } from "../chaos";
import { eventDate } from "../naming";
import { featureKey, windowStateKey } from "../features";
import { listLake, readLakeRows } from "../lake/view";
import { checkFoldable, createFeatureFolder, type EventItem } from "../stages/dedup";
import type { Event } from "../validate";
import type { Redis } from "../redis";
import type { CallPolicy } from "../resilience";
import { openClients } from "./clients";
import { EXIT, UsageError, type MaintenanceCommand } from "./command";
import { parseCommandEnv } from "./env";
import { requiredFlag, stringFlag, timeFlag, topicFlag } from "./flags";

export interface BackfillArgs {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, inclusive (a date means its last millisecond). */
  to: number;
  /** The lake topic to replay. @defaultValue TOPIC_EVENTS (what the lake sink writes) */
  topic?: string;
}

/** What a backfill did. */
export interface BackfillReport {
  objects: number;
  /** Rows read (the range's dates, with the window's lead-in). */
  rows: number;
  /** Rows in [from - window, to] that can be folded. */
  inRange: number;
  /** Events handed to the fold. */
  folded: number;
  /** Of those, new to their window (the rest were there: live, or an earlier run). */
  added: number;
  /** Left out: older than their entity's window end minus the window. */
  outsideWindow: number;
  /** Entities left alone: no window state, and a stored snapshot newer than --to. */
  storedNewer: number;
  entities: number;
}

const NAME = "backfill";
/** Objects read per step. */
const OBJECTS_PER_STEP = 4;
/** Events per fold call at most. */
const EVENTS_PER_FOLD = 5000;

export const backfill: MaintenanceCommand<BackfillArgs> = {
  name: NAME,
  summary: "replay a time range of the lake into the feature store, idempotently",
  options: { from: { type: "string" }, to: { type: "string" }, topic: { type: "string" } },
  parse(values) {
    const from = timeFlag(NAME, "from", requiredFlag(NAME, values, "from", "2026-01-31"));
    const to = timeFlag(NAME, "to", requiredFlag(NAME, values, "to", "2026-01-31"), true);
    if (to < from) {
      throw new UsageError(
        `${NAME}: --to: got ${stringFlag(values, "to")}, before --from ${stringFlag(values, "from")}; give a --to on or after --from`,
      );
    }
    const topic = stringFlag(values, "topic");
    return { from, to, ...(topic === undefined ? {} : { topic: topicFlag(NAME, "topic", topic) }) };
  },
  async run(args, env) {
    const cfg = parseCommandEnv(env);
    setCrashRate(cfg.CHAOS_CRASH_RATE);
    const started = Date.now();
    const windowMs = cfg.FEATURE_WINDOW_SECONDS * 1000;
    const readFrom = args.from - windowMs;
    const topic = args.topic ?? cfg.TOPIC_EVENTS;
    const c = await openClients(cfg, env, { redis: true, store: true });
    try {
      const objects = await c.storePolicy.execute(() =>
        listLake(c.store!, {
          prefix: cfg.LAKE_PREFIX,
          topic,
          fromDate: eventDate(Math.max(readFrom, -8.64e15)),
          toDate: eventDate(args.to),
        }),
      );
      const fold = createFeatureFolder(cfg, { redis: c.redis!, redisPolicy: c.redisPolicy }, { store: true });
      const report: BackfillReport = {
        objects: objects.length,
        rows: 0,
        inRange: 0,
        folded: 0,
        added: 0,
        outsideWindow: 0,
        storedNewer: 0,
        entities: 0,
      };
      const entities = new Set<string>();
      const storedNewer = new Set<string>();
      for (let i = 0; i < objects.length; i += OBJECTS_PER_STEP) {
        const step = objects.slice(i, i + OBJECTS_PER_STEP);
        const read = await c.storePolicy.execute(() => readLakeRows(c.store!, step));
        const events: Event[] = [];
        for (const { rows } of read) {
          report.rows += rows.length;
          for (const row of rows) {
            const e = foldable(row);
            if (e && e.ts >= readFrom && e.ts <= args.to) events.push(e);
          }
        }
        report.inRange += events.length;
        for (let j = 0; j < events.length; j += EVENTS_PER_FOLD) {
          const batch = events.slice(j, j + EVENTS_PER_FOLD);
          const plan = await planFold(c.redis!, c.redisPolicy, batch, windowMs, args.to);
          report.outsideWindow += plan.outsideWindow;
          for (const e of plan.storedNewer) storedNewer.add(e);
          if (plan.items.length === 0) continue;
          const snapshots = await fold(plan.items);
          for (const s of snapshots) {
            entities.add(s.entity);
            report.added += s.version - (plan.versions.get(s.entity) ?? 0);
          }
          report.folded += plan.items.length;
          crashPoint("backfill-after-fold");
        }
      }
      report.entities = entities.size;
      report.storedNewer = storedNewer.size;
      process.stdout.write(
        `${JSON.stringify({
          command: NAME,
          ok: true,
          topic,
          from: new Date(args.from).toISOString(),
          to: new Date(args.to).toISOString(),
          readFrom: new Date(readFrom).toISOString(),
          ...report,
          seconds: (Date.now() - started) / 1000,
        })}\n`,
      );
      return EXIT.ok;
    } finally {
      await c.close();
    }
  },
};
export default backfill;

/** A lake row as an event the fold takes, or undefined (the lake sink stores rows dedup cannot fold only under a custom schema). */
function foldable(row: Record<string, unknown>): Event | undefined {
  if (typeof row.eventId !== "string" || typeof row.entity !== "string") return undefined;
  const checked = checkFoldable(row as unknown as Event);
  return checked.ok ? checked.event : undefined;
}

/**
 * Which events to fold: each entity's window end now (its window state's `maxTs`, else its stored
 * snapshot's `windowEnd`) decides; see the module's header.
 */
async function planFold(
  redis: Redis,
  policy: CallPolicy,
  events: Event[],
  windowMs: number,
  to: number,
): Promise<{
  items: EventItem[];
  versions: Map<string, number>;
  outsideWindow: number;
  storedNewer: string[];
}> {
  const byEntity = new Map<string, Event[]>();
  for (const e of events) {
    const list = byEntity.get(e.entity);
    if (list) list.push(e);
    else byEntity.set(e.entity, [e]);
  }
  const names = [...byEntity.keys()];
  const replies = await policy.execute(() => {
    const m = redis.multi();
    for (const entity of names) {
      m.addCommand(["HMGET", windowStateKey(entity), "maxTs", "version"]);
      m.addCommand(["HGET", featureKey(entity), "windowEnd"]);
    }
    return m.execAsPipeline();
  });
  const items: EventItem[] = [];
  const versions = new Map<string, number>();
  let outsideWindow = 0;
  const storedNewer: string[] = [];
  names.forEach((entity, i) => {
    const [maxTs, version] = replies[2 * i] as unknown as Array<string | null>;
    const windowEnd = replies[2 * i + 1] as unknown as string | null;
    const list = byEntity.get(entity)!;
    if (maxTs === null && windowEnd !== null && Number(windowEnd) > to) {
      storedNewer.push(entity);
      return;
    }
    const end = Math.max(
      maxTs === null ? -Infinity : Number(maxTs),
      windowEnd === null ? -Infinity : Number(windowEnd),
    );
    const horizon = end - windowMs;
    versions.set(entity, version === null ? 0 : Number(version));
    for (const event of list) {
      if (event.ts < horizon) outsideWindow++;
      // The fold reads only the event; the record is where it came from, here the lake.
      else items.push({ event, record: LAKE_RECORD });
    }
  });
  return { items, versions, outsideWindow, storedNewer };
}

const LAKE_RECORD: EventItem["record"] = {
  topic: "lake",
  partition: 0,
  offset: 0,
  key: null,
  value: null,
  headers: {},
};
