/**
 * Fault tests, Kafka: the four stages (each its own process) run while the mock cluster takes
 * brokers down, adds latency, and fails Produce, Fetch and OffsetCommit requests with retriable and
 * non-retriable errors. Nothing may be lost or duplicated, the features are exact, every bad record
 * is dead-lettered, and no worker dies on its own.
 */
import {
  API,
  retriableRequestErrors,
  dropLogs,
  expectClean,
  FULL,
  runScenario,
  sampleFeed,
  sleep,
  startFaultServices,
} from "./faultHarness";
import type { Services } from "./support";

jest.setTimeout(FULL ? 900000 : 180000);

const EVENTS = FULL ? 40000 : 3000;
const FAST_FEED = { sliceSize: 500, slicePauseMs: 150 };

// Kafka protocol error codes (https://kafka.apache.org/protocol#protocol_error_codes).
const { PRODUCE, FETCH, OFFSET_COMMIT } = API;
const CORRUPT_MESSAGE = 2;
const MESSAGE_TOO_LARGE = 10;
const OFFSET_METADATA_TOO_LARGE = 12;
const INVALID_RECORD = 87;

const scenarios = ["broker-outage", "request-errors-retriable", "request-errors-permanent"];

describe("faults: Kafka brokers and requests", () => {
  let svc: Services;
  beforeAll(async () => {
    svc = await startFaultServices(scenarios);
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("loses nothing through a broker outage, all brokers down, and 300 ms of latency", async () => {
    const r = await runScenario(svc, {
      name: "broker-outage",
      records: sampleFeed({ events: EVENTS, seed: 41 }),
      ...FAST_FEED,
      async fault(ctx) {
        await ctx.whenLake(0.1);
        await ctx.note("broker 1 down 3 s");
        await ctx.svc.kafka.command("down 1");
        await sleep(3000);
        await ctx.svc.kafka.command("up 1");
        await ctx.whenLake(0.35);
        await ctx.note("rtt 300 ms on every broker for 3 s");
        await ctx.svc.kafka.command("rtt -1 300");
        await sleep(3000);
        await ctx.svc.kafka.command("rtt -1 0");
        await ctx.whenLake(0.6);
        await ctx.note("every broker down 2 s");
        await ctx.svc.kafka.command("down -1");
        await sleep(2000);
        await ctx.svc.kafka.command("up -1");
      },
    });
    expectClean(r);
    dropLogs(r);
  });

  it("loses nothing through retriable Produce, Fetch and OffsetCommit errors", async () => {
    const r = await runScenario(svc, {
      name: "request-errors-retriable",
      records: sampleFeed({ events: EVENTS, seed: 42 }),
      ...FAST_FEED,
      async fault(ctx) {
        for (const at of FULL ? [0.1, 0.3, 0.5, 0.7] : [0.15, 0.5]) {
          await ctx.whenLake(at);
          await retriableRequestErrors(ctx);
        }
      },
    });
    expectClean(r);
    dropLogs(r);
  });

  it("loses nothing through non-retriable Produce, Fetch and OffsetCommit errors", async () => {
    const r = await runScenario(svc, {
      name: "request-errors-permanent",
      records: sampleFeed({ events: EVENTS, seed: 43 }),
      ...FAST_FEED,
      async fault(ctx) {
        await ctx.whenLake(0.05);
        // Right after a slice is sent, so the stages' requests meet the errors, not the test's feed.
        const first = Math.min(ctx.slices - 1, 2);
        await ctx.afterSlice(first);
        await ctx.note(
          "Produce ×3 MESSAGE_TOO_LARGE, Fetch ×3 CORRUPT_MESSAGE, OffsetCommit ×3 OFFSET_METADATA_TOO_LARGE",
        );
        await ctx.svc.kafka.command(`errors ${PRODUCE} 3 ${MESSAGE_TOO_LARGE}`);
        await ctx.svc.kafka.command(`errors ${FETCH} 3 ${CORRUPT_MESSAGE}`);
        await ctx.svc.kafka.command(`errors ${OFFSET_COMMIT} 3 ${OFFSET_METADATA_TOO_LARGE}`);
        await ctx.afterSlice(Math.min(ctx.slices - 1, first + 2));
        await ctx.note("Produce ×3 INVALID_RECORD, Fetch ×3 INVALID_RECORD");
        await ctx.svc.kafka.command(`errors ${PRODUCE} 3 ${INVALID_RECORD}`);
        await ctx.svc.kafka.command(`errors ${FETCH} 3 ${INVALID_RECORD}`);
      },
    });
    expectClean(r);
    dropLogs(r);
  });
});
