/**
 * Claims: the one mechanism that makes a stage's effect exactly once under replays. A claim is
 * `SET seawall:<scope>:claim:<eventId> <topic/partition/offset> NX GET EX ttl`: the first record to
 * claim an id owns it; a replay of that same record (same position) is recognised as the owner and
 * processed again (its effect is idempotent); any other record with the id is a duplicate.
 *
 * Claims live in Redis. A guard key per (scope, topic, partition) says that partition's claims are
 * intact: it is written once they are known complete and checked in the same transaction as every
 * claim, so a Redis that restarted empty (and forgot the claims) is noticed before a duplicate is
 * let through. What to do then (rebuild the claims from durable state) is the stage's business.
 */
import type { InRecord } from "./kafka/transport";
import type { Redis } from "./redis";
import type { CallPolicy } from "./resilience";

export const claimKey = (scope: string, eventId: string) => `seawall:${scope}:claim:${eventId}`;
export const positionOf = (r: Pick<InRecord, "topic" | "partition" | "offset">) =>
  `${r.topic}/${r.partition}/${r.offset}`;
/** Present while the claims of one partition are known complete. */
export const guardKey = (scope: string, topic: string, partition: number) =>
  `seawall:${scope}:claims-intact:${topic}/${partition}`;

export interface ClaimItem {
  id: string;
  record: InRecord;
}

function claimCommand(scope: string, ttlSeconds: number, { id, record }: ClaimItem): string[] {
  return ["SET", claimKey(scope, id), positionOf(record), "NX", "GET", "EX", String(ttlSeconds)];
}

function owns(items: ClaimItem[], replies: unknown[]): boolean[] {
  // Within one batch, a repeat of an id claimed earlier in the same batch loses to the first.
  return items.map(({ record }, i) => {
    const prior = replies[i];
    return prior === null || prior === undefined || String(prior) === positionOf(record);
  });
}

/**
 * Claims each record's event id for its position, pipelined. Returns, per record, true when this
 * record owns its id (first seen, or a replay of the owner) and false for a repeat.
 */
export async function claim(
  redis: Redis,
  policy: CallPolicy,
  scope: string,
  ttlSeconds: number,
  items: ClaimItem[],
): Promise<boolean[]> {
  if (items.length === 0) return [];
  const replies = await policy.execute(() => {
    const m = redis.multi();
    for (const item of items) m.addCommand(claimCommand(scope, ttlSeconds, item));
    return m.execAsPipeline();
  });
  return owns(items, replies as unknown[]);
}

/**
 * Like `claim`, for the records of ONE partition, in a MULTI/EXEC transaction with a check of the
 * partition's guard key. `intact: false` means Redis lost the claims (it restarted without its
 * data): the owners returned are then not to be trusted; rebuild the claims, `markIntact`, and claim
 * again.
 */
export async function claimGuarded(
  redis: Redis,
  policy: CallPolicy,
  scope: string,
  ttlSeconds: number,
  topic: string,
  partition: number,
  items: ClaimItem[],
): Promise<{ owned: boolean[]; intact: boolean }> {
  const replies = await policy.execute(() => {
    const m = redis.multi();
    m.addCommand(["EXISTS", guardKey(scope, topic, partition)]);
    for (const item of items) m.addCommand(claimCommand(scope, ttlSeconds, item));
    return m.exec();
  });
  const all = replies as unknown[];
  return { intact: Number(all[0]) === 1, owned: owns(items, all.slice(1)) };
}

/**
 * Restores claims known from durable state (e.g. the rows already in the lake), overwriting what
 * Redis holds for those ids, pipelined in chunks. A rebuild runs `beginRebuild`, `restoreClaims`,
 * then `markIntact`, which marks the partition only if Redis kept the rebuild's token throughout.
 */
export async function restoreClaims(
  redis: Redis,
  policy: CallPolicy,
  scope: string,
  ttlSeconds: number,
  claims: Array<{ id: string; position: string }>,
): Promise<void> {
  for (let i = 0; i < claims.length; i += 5000) {
    const chunk = claims.slice(i, i + 5000);
    await policy.execute(() => {
      const m = redis.multi();
      for (const c of chunk)
        m.addCommand(["SET", claimKey(scope, c.id), c.position, "EX", String(ttlSeconds)]);
      return m.execAsPipeline();
    });
  }
}

export const rebuildKey = (scope: string, topic: string, partition: number) =>
  `seawall:${scope}:claims-rebuild:${topic}/${partition}`;

/** Starts a rebuild: stores the token `markIntact` checks (a fresh random value per rebuild). */
export async function beginRebuild(
  redis: Redis,
  policy: CallPolicy,
  scope: string,
  topic: string,
  partition: number,
  token: string,
): Promise<void> {
  await policy.execute(() => redis.set(rebuildKey(scope, topic, partition), token, { EX: 3600 }));
}

/** Marks the partition's claims intact if the rebuild's token survived; false means rebuild again. */
export async function markIntact(
  redis: Redis,
  policy: CallPolicy,
  scope: string,
  topic: string,
  partition: number,
  token: string,
): Promise<boolean> {
  const script =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], '1'); redis.call('DEL', KEYS[1]); return 1 end return 0";
  const r = await policy.execute(() =>
    redis.eval(script, {
      keys: [rebuildKey(scope, topic, partition), guardKey(scope, topic, partition)],
      arguments: [token],
    }),
  );
  return Number(r) === 1;
}
