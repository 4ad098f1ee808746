/**
 * Fault tests, workers and input: the four stages (each its own process) are SIGKILLed at random
 * moments from outside and at crash points from inside; and the stream carries poison records
 * (a 4 MB record, invalid UTF-8, a lone surrogate, unbounded numbers). Nothing may be lost or
 * duplicated, each poison record is dead-lettered with a reason, and the records behind it in its
 * partition still reach the lake: a poison record never stops its partition.
 */
import { randomBytes } from "node:crypto";
import {
  dropLogs,
  expectClean,
  FULL,
  runScenario,
  sampleFeed,
  sleep,
  startFaultServices,
  type FeedRecord,
} from "./faultHarness";
import type { Services } from "./support";

jest.setTimeout(FULL ? 900000 : 180000);

const EVENTS = FULL ? 40000 : 3000;
const scenarios = ["worker-kills", "poison-input"];

/** An event's JSON text with `value` and `eventId` given as raw JSON (so 1e400 and escapes stay as written). */
const eventText = (eventIdJson: string, entity: string, valueJson: string, extra = "") =>
  `{"eventId":${eventIdJson},"entity":${JSON.stringify(entity)},"ts":${Date.UTC(2026, 0, 2, 0, 10)},"value":${valueJson}${extra}}`;

/** An event whose id is the given bytes, as they are (not valid UTF-8). */
const withRawId = (bytes: number[]) => {
  const [head, tail] = eventText('"@@"', "user-1", "1").split("@@");
  return Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
};

/**
 * The poison records, each keyed like a valid record that follows it, so it sits in a partition
 * whose later records must still arrive.
 */
function poisonRecords(): Array<Omit<FeedRecord, "key">> {
  const deadLetter = (poison: string, value: Buffer): Omit<FeedRecord, "key"> => ({
    poison,
    value,
    expect: "dead-letter",
  });
  return [
    // Two ids that differ only in invalid UTF-8: decoding both as U+FFFD would merge them.
    deadLetter("invalid UTF-8 \\xff\\xfe", withRawId([0xff, 0xfe])),
    deadLetter("invalid UTF-8 \\xfe\\xff", withRawId([0xfe, 0xff])),
    deadLetter("lone surrogate", Buffer.from(eventText('"poison-\\ud800"', "user-1", "1"))),
    deadLetter("value 1e400", Buffer.from(eventText('"poison-e400"', "poison-e400", "1e400"))),
    // Finite but huge: accepting them is fine if the aggregates stay finite; rejecting them too.
    {
      poison: "value 1e308 (a)",
      value: Buffer.from(eventText('"poison-e308-a"', "poison-e308", "1e308")),
      expect: "lake-or-dead-letter",
    },
    {
      poison: "value 1e308 (b)",
      value: Buffer.from(eventText('"poison-e308-b"', "poison-e308", "1e308")),
      expect: "lake-or-dead-letter",
    },
    // Last, so a stall behind it hides none of the others. ~4 MB of incompressible text: over
    // Kafka's default message.max.bytes (1 MB) on every hop.
    deadLetter(
      "4 MB record",
      Buffer.from(
        eventText(
          '"poison-huge"',
          "user-1",
          "1",
          `,"pad":"${randomBytes(3 * 1024 * 1024).toString("base64")}"`,
        ),
      ),
    ),
  ];
}

/**
 * Inserts the poison records into the stream from `at` on, a few records apart, each keyed like
 * the next valid record.
 */
function withPoison(records: FeedRecord[], at: number): FeedRecord[] {
  const out = [...records];
  poisonRecords().forEach((p, i) => {
    const index = at + i * 7;
    const next = out.slice(index).find((r) => r.expect === "lake")!;
    out.splice(index, 0, { ...p, key: next.key });
  });
  return out;
}

describe("faults: workers and input", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startFaultServices(scenarios);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("loses nothing and duplicates nothing when random workers are SIGKILLed, from outside and at crash points", async () => {
    const rounds = FULL ? 40 : 8;
    const r = await runScenario(svc, {
      name: "worker-kills",
      records: sampleFeed({ events: EVENTS, seed: 51 }),
      sliceSize: 250,
      slicePauseMs: 300,
      env: { CHAOS_CRASH_RATE: "0.01" },
      // Each SIGKILL costs a session timeout (10 s) before the group moves the dead member's
      // partitions; several in a row on a loaded 2-core machine can hold the lake still past the
      // default 20 s. Waiting longer costs nothing when nothing is lost.
      idleMs: 45000,
      async fault(ctx) {
        await ctx.whenLake(0.02);
        for (let round = 0; round < rounds; round++) {
          await sleep(300 + ctx.rnd() * 1200);
          const w = ctx.workers[Math.floor(ctx.rnd() * ctx.workers.length)];
          await ctx.note(`SIGKILL ${w.stage}`);
          // A worker between a crash point's exit and its restart has no process: wait for it.
          while (!w.kill()) await sleep(100);
        }
      },
    });
    expect(r.kills).toBe(rounds);
    expectClean(r);
    dropLogs(r);
  });

  it("dead-letters every poison record with a reason and never stops its partition", async () => {
    const records = withPoison(sampleFeed({ events: EVENTS, seed: 52 }), Math.floor(EVENTS * 0.3));
    const r = await runScenario(svc, {
      name: "poison-input",
      records,
      producerExtra: { "message.max.bytes": 8 * 1024 * 1024 },
      poisonEntities: ["poison-e308"],
      idleMs: 15000,
      async fault() {},
    });
    expect(
      r.poison.map((p) => ({ name: p.name, hasReason: !!p.deadLetter?.reason || p.inLake === 1 })),
    ).toEqual(r.poison.map((p) => ({ name: p.name, hasReason: true })));
    // Bounds are ingest's job: 1e400 must not pass it to be caught later by dedup.
    expect(r.poison.find((p) => p.name === "value 1e400")?.deadLetter?.stage).toBe("ingest");
    expectClean(r);
    dropLogs(r);
  });
});
