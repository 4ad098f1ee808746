import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { BenchUsageError, parseBenchArgs } from "../bench/options";
import type { BenchResult } from "../bench/summary";
import { newSampleCounts, sampleStream } from "../src/sample";

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
type Outcome = { code: number; stdout: string; stderr: string };
/** Runs the bench as `npm run bench` does; resolves with its exit code and output whatever it is. */
const bench = (args: string[], timeout: number): Promise<Outcome> =>
  run(process.execPath, ["--import", "tsx", "runtime/bench/bench.ts", ...args], {
    cwd: ROOT,
    timeout,
    maxBuffer: 16 << 20,
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code?: number; killed?: boolean; stdout: string; stderr: string }) => {
      if (e.killed) throw new Error(`the bench ran past ${timeout} ms:\n${e.stderr}`);
      return { code: e.code ?? -1, stdout: e.stdout, stderr: e.stderr };
    },
  );

const problemsOf = (argv: string[]): string[] => {
  try {
    parseBenchArgs(argv);
  } catch (err) {
    if (err instanceof BenchUsageError) return err.problems;
    throw err;
  }
  return [];
};

// 500 entities: enough feature snapshots for the feature writer alone to use measurable CPU.
const SMALL = ["--json", "--events", "3000", "--entities", "500", "--rates", "200,400", "--seconds", "0.5"];
// Both runs start at once (the machine has two cores; this test checks figures, not speed).
let small: Promise<Outcome>;
let timedOut: Promise<Outcome>;
beforeAll(() => {
  small = bench(SMALL, 280000);
  timedOut = bench(
    [
      "--json",
      "--events",
      "2000",
      "--entities",
      "10",
      "--rates",
      "50",
      "--seconds",
      "0.5",
      "--timeout",
      "0.001",
    ],
    280000,
  );
  // Awaited in their tests; observed here so a failed run is never an unhandled rejection.
  small.catch(() => undefined);
  timedOut.catch(() => undefined);
});

describe("the bench's options", () => {
  it("has documented defaults and takes every option", () => {
    expect(parseBenchArgs([])).toEqual({
      json: false,
      events: 200000,
      rates: [1000, 2000, 5000, 10000, 20000],
      seconds: 5,
      entities: 10000,
      timeoutSeconds: 600,
    });
    expect(
      parseBenchArgs([
        "--json",
        "--events",
        "5000",
        "--rates=300,1200",
        "--seconds",
        "0.5",
        "--entities",
        "7",
        "--timeout",
        "30",
      ]),
    ).toEqual({
      json: true,
      events: 5000,
      rates: [300, 1200],
      seconds: 0.5,
      entities: 7,
      timeoutSeconds: 30,
    });
  });

  it("names the option, the value and what it accepts, one line for each bad one", () => {
    const rates =
      "up to 20 distinct integers from 1 to 1,000,000, comma-separated in ascending order (e.g. 1000,2000,5000)";
    expect(problemsOf(["--events", "-5"])).toEqual(["--events -5: use an integer from 100 to 10,000,000"]);
    expect(problemsOf(["--rates", "fast", "--seconds", "0", "--entities", "1.5", "--timeout", ""])).toEqual([
      `--rates fast: use ${rates}`,
      "--seconds 0: use a number from 0.1 to 3,600",
      "--entities 1.5: use an integer from 1 to 1,000,000",
      "--timeout : use a number from 0.001 to 86,400",
    ]);
    expect(problemsOf(["--rates", "2000,1000"])).toEqual([`--rates 2000,1000: use ${rates}`]);
    expect(problemsOf(["--rates", "1000,,2000"])).toEqual([`--rates 1000,,2000: use ${rates}`]);
    expect(problemsOf(["--rates", "0,1000"])).toEqual([`--rates 0,1000: use ${rates}`]);
    expect(problemsOf(["--rates"])).toEqual([`--rates: needs a value, ${rates}`]);
    expect(problemsOf(["--events"])).toEqual(["--events: needs a value, an integer from 100 to 10,000,000"]);
    expect(problemsOf(["--rate", "5"])).toEqual([
      "--rate: unknown option; the options are --json, --events, --rates, --seconds, --entities, --timeout",
      "5: unexpected argument; the options are --json, --events, --rates, --seconds, --entities, --timeout",
    ]);
    expect(problemsOf(["--json=yes"])).toEqual(["--json=yes: --json takes no value"]);
    expect(problemsOf(["--events", "1e20"])).toEqual([
      "--events 1e20: use an integer from 100 to 10,000,000",
    ]);
  });

  it("exits 2 with the one-line error and no stack trace, before starting anything", async () => {
    const out = await bench(["--events", "-5"], 60000);
    expect(out.code).toBe(2);
    expect(out.stderr.split("\n")).toEqual([
      "bench: --events -5: use an integer from 100 to 10,000,000",
      expect.stringMatching(/^usage: npm run -w runtime bench -- /),
      "",
    ]);
  });
});

/** The value at a dotted path (`endToEnd.chained.eventsPerSecond`). */
const at = (o: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], o);

const STAGES = ["ingest", "dedup", "lake-sink", "feature-writer"] as const;

describe("a small bench run", () => {
  it("prints every figure under its fixed key, with exact counts and ratios of the figures beside them", async () => {
    const out = await small;
    expect({ code: out.code, stderr: out.stderr }).toEqual({ code: 0, stderr: "" });
    const r = JSON.parse(out.stdout) as BenchResult;
    const counts = newSampleCounts();
    for (const _ of sampleStream(
      { events: 3000, entities: 50, duplicateRate: 0.05, malformedRate: 0.01 },
      counts,
    ));
    const { records, valid, duplicates, malformed } = counts;

    const positive = [
      "kcat.recordsPerSecond",
      ...["eventsPerSecond", "kcatRatio", "seconds", "events", "cpuSecondsPerMillion", "rssMb"].map(
        (k) => `endToEnd.chained.${k}`,
      ),
      "endToEnd.perStageProcesses.eventsPerSecond",
      ...STAGES.flatMap((s) =>
        ["eventsPerSecond", "overheadRatio", "cpuSecondsPerMillion", "rssMb"].map((k) => `stages.${s}.${k}`),
      ),
      "featureServer.rssMb",
      "redisBenchmark.requestsPerSecond",
      "redisBenchmark.p50Ms",
      "redisBenchmark.p99Ms",
    ];
    const notPositive = positive
      .map((p) => [p, at(r, p)] as const)
      .filter(([, v]) => typeof v !== "number" || !Number.isFinite(v) || v <= 0)
      .map(([p, v]) => `${p} = ${v}`);
    expect(notPositive).toEqual([]);

    // Exact counts: what the generator produced, accounted for by every phase.
    expect(r.produced).toEqual({ records, valid, duplicates, malformed });
    expect({ timedOut: r.timedOut, skipped: r.skipped, events: r.events, kcat: r.kcat.records }).toEqual({
      timedOut: false,
      skipped: [],
      events: records,
      kcat: records,
    });
    const c = r.endToEnd.chained;
    expect([c.timedOut, c.events, c.recordsIn, c.lakeRows, c.duplicates, c.deadLetters]).toEqual([
      false,
      records,
      records,
      valid,
      duplicates,
      malformed,
    ]);
    const p = r.endToEnd.perStageProcesses!;
    expect([p.timedOut, p.events, p.lakeRows, p.duplicates, p.deadLetters]).toEqual([
      false,
      records,
      valid,
      duplicates,
      malformed,
    ]);
    expect(p.featureUpdates).toBeGreaterThan(0);
    expect(STAGES.map((s) => p.rssMb[s] > 0)).toEqual([true, true, true, true]);
    const s = r.stages;
    expect(
      STAGES.map((x) => [x, s[x]!.timedOut, s[x]!.events, s[x]!.out, s[x]!.duplicates, s[x]!.deadLetters]),
    ).toEqual([
      ["ingest", false, records, valid + duplicates, 0, malformed],
      ["dedup", false, valid + duplicates, valid, duplicates, 0],
      ["lake-sink", false, valid, valid, 0, 0],
      ["feature-writer", false, s["feature-writer"]!.out, s["feature-writer"]!.out, 0, 0],
    ]);
    expect(s["feature-writer"]!.out).toBeGreaterThan(0);
    // Each pass-through passed every record of its stage's input.
    expect(STAGES.map((x) => s[x]!.passthrough.records)).toEqual(STAGES.map((x) => s[x]!.events));

    // Rates from their counts and times, ratios from the figures beside them.
    const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    const checks: Array<[string, number, number]> = [
      ["chained events/s", c.eventsPerSecond, c.events / c.seconds],
      ["chained ÷ kcat", c.kcatRatio, c.eventsPerSecond / r.kcat.recordsPerSecond],
      ["kcat records/s", r.kcat.recordsPerSecond, r.kcat.records / r.kcat.seconds],
      ["per stage events/s", p.eventsPerSecond, p.events / p.seconds],
      ...STAGES.flatMap(
        (x): Array<[string, number, number]> => [
          [`${x} events/s`, s[x]!.eventsPerSecond, s[x]!.events / s[x]!.seconds],
          [
            `${x} pass-through/s`,
            s[x]!.passthrough.eventsPerSecond,
            s[x]!.passthrough.records / s[x]!.passthrough.seconds,
          ],
          [`${x} overhead`, s[x]!.overheadRatio, s[x]!.eventsPerSecond / s[x]!.passthrough.eventsPerSecond],
        ],
      ),
    ];
    expect(checks.filter(([, a, b]) => !close(a, b))).toEqual([]);

    // The feature server's curve, one step per offered rate, and the highest rate under 2 ms from it.
    const fs = r.featureServer;
    expect(fs.curve.map((pt) => pt.offered)).toEqual([200, 400]);
    for (const pt of fs.curve) {
      expect([pt.served, pt.p50Ms, pt.p99Ms].every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(pt.p50Ms).toBeLessThanOrEqual(pt.p99Ms);
      expect(pt.errors).toBe(0);
      expect(Number.isInteger(pt.shed) && pt.shed >= 0).toBe(true);
    }
    const under2 = fs.curve
      .filter((pt) => pt.p99Ms < 2 && pt.served >= 0.95 * pt.offered)
      .map((pt) => pt.offered);
    expect(fs.maxRateP99Under2Ms).toBe(under2.length ? Math.max(...under2) : 0);

    // The targets, and whether each is met, from the figures.
    expect(r.targets).toEqual({
      chainedEventsPerSecond: 60000,
      chainedKcatRatio: 0.15,
      perStageProcessesEventsPerSecond: 30000,
      overheadRatio: 0.5,
      maxRateP99Under2Ms: 10000,
      rssMb: 200,
    });
    const rss = [c.rssMb, ...STAGES.map((x) => p.rssMb[x]), ...STAGES.map((x) => s[x]!.rssMb), fs.rssMb];
    expect(r.meets).toEqual({
      chainedEventsPerSecond: c.eventsPerSecond >= 60000,
      chainedKcatRatio: c.kcatRatio >= 0.15,
      perStageProcessesEventsPerSecond: p.eventsPerSecond >= 30000,
      overheadRatio: STAGES.every((x) => s[x]!.overheadRatio >= 0.5),
      maxRateP99Under2Ms: fs.maxRateP99Under2Ms >= 10000,
      rssMb: rss.every((mb) => mb <= 200),
    });
  }, 300000);
});

describe("a bench run that reaches its deadline", () => {
  it("is marked timed out in the JSON and on stderr, skips the phases after it, and exits non-zero", async () => {
    const out = await timedOut;
    expect(out.code).toBe(1);
    const r = JSON.parse(out.stdout) as BenchResult;
    expect(r.timedOut).toBe(true);
    expect(r.deadlineSeconds).toBe(0.001);
    expect(r.endToEnd.chained.timedOut).toBe(true);
    expect(r.endToEnd.chained.events).toBeLessThan(r.events);
    expect(r.endToEnd.perStageProcesses).toBeNull();
    expect(r.stages).toEqual({});
    expect(r.skipped).toEqual([
      "end to end, process per stage",
      "ingest alone",
      "dedup alone",
      "lake-sink alone",
      "feature-writer alone",
    ]);
    expect(r.meets.chainedEventsPerSecond).toBe(false);
    expect(out.stderr).toMatch(
      /^bench: TIMED OUT: the chained end-to-end phase reached its 0\.001 s deadline with \d+ of \d+ events done$/m,
    );
  }, 300000);
});
