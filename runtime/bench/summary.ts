/**
 * The bench's result: its fixed JSON shape, the issue's targets and whether each is met, and the
 * same figures as a text table with their references and ratios.
 */
import { fmt } from "../src/report";
import type { BatchStageName } from "../src/config";
import type { CurvePoint } from "./featureLoad";

/** End to end, the chained topology in one process. */
export interface ChainedFigures {
  eventsPerSecond: number;
  /** eventsPerSecond ÷ kcat's records/s on the same topic in the same run. */
  kcatRatio: number;
  seconds: number;
  /** Events done: lake rows + duplicates + dead letters (all produced, unless timed out). */
  events: number;
  /** CPU seconds of the worker process over the run, per million events. */
  cpuSecondsPerMillion: number;
  /** Peak resident set of the worker, MB. */
  rssMb: number;
  timedOut: boolean;
  recordsIn: number;
  lakeRows: number;
  duplicates: number;
  deadLetters: number;
}

/** End to end, each consuming stage in its own process at once. */
export interface PerStageFigures {
  eventsPerSecond: number;
  seconds: number;
  /** Events done: ingest's dead letters + dedup's and the sink's duplicates + lake rows. */
  events: number;
  /** CPU seconds of the four processes together over the run, per million events. */
  cpuSecondsPerMillion: number;
  /** Peak resident set of each worker, MB. */
  rssMb: Record<BatchStageName, number>;
  timedOut: boolean;
  lakeRows: number;
  /** Dropped by dedup and by the lake sink. */
  duplicates: number;
  /** Dead-lettered by any stage. */
  deadLetters: number;
  /** Feature snapshots the feature writer consumed. */
  featureUpdates: number;
}

/** One stage alone on a pre-filled input topic, and the pass-through on the same topic. */
export interface StageFigures {
  eventsPerSecond: number;
  /** eventsPerSecond ÷ the pass-through's records/s on the same input topic. */
  overheadRatio: number;
  cpuSecondsPerMillion: number;
  rssMb: number;
  /** Records on its input topic, all processed unless timed out. */
  events: number;
  seconds: number;
  timedOut: boolean;
  /** Written or produced, duplicates dropped, dead-lettered. */
  out: number;
  duplicates: number;
  deadLetters: number;
  passthrough: {
    eventsPerSecond: number;
    records: number;
    seconds: number;
    cpuSecondsPerMillion: number;
    rssMb: number;
    timedOut: boolean;
  };
}

export interface BenchResult {
  /** Whether any phase reached its deadline (the bench then exits 1). */
  timedOut: boolean;
  /** Each phase's deadline, seconds. */
  deadlineSeconds: number;
  /** Phases not run because an earlier one reached its deadline. */
  skipped: string[];
  /** Records on the raw topic. */
  events: number;
  /** What the generator produced, counted as it generated them (`SampleCounts`). */
  produced: { records: number; valid: number; duplicates: number; malformed: number };
  kcat: { records: number; seconds: number; recordsPerSecond: number };
  endToEnd: { chained: ChainedFigures; perStageProcesses: PerStageFigures | null };
  stages: Partial<Record<BatchStageName, StageFigures>>;
  featureServer: {
    curve: CurvePoint[];
    maxRateP99Under2Ms: number;
    rssMb: number;
    entitiesPerRequest: number;
    secondsPerStep: number;
  };
  redisBenchmark: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  targets: typeof TARGETS;
  meets: Record<keyof typeof TARGETS, boolean>;
}

/** The issue's targets on the 2-core machine. */
export const TARGETS = {
  /** Chained topology, events/s end to end. */
  chainedEventsPerSecond: 60000,
  /** Chained topology ÷ kcat on the same topic. */
  chainedKcatRatio: 0.15,
  /** One process per stage, events/s end to end. */
  perStageProcessesEventsPerSecond: 30000,
  /** Each stage alone ÷ the pass-through. */
  overheadRatio: 0.5,
  /** Feature reads: the highest offered rate with p99 under 2 ms. */
  maxRateP99Under2Ms: 10000,
  /** Peak RSS of every worker, MB. */
  rssMb: 200,
} as const;

export const STAGES: readonly BatchStageName[] = ["ingest", "dedup", "lake-sink", "feature-writer"];

/** Every worker's peak RSS in the result, by what ran. */
export function rssFigures(r: Omit<BenchResult, "targets" | "meets">): Record<string, number> {
  const out: Record<string, number> = { chained: r.endToEnd.chained.rssMb };
  for (const s of STAGES) {
    const p = r.endToEnd.perStageProcesses?.rssMb[s];
    if (p !== undefined) out[`per-stage ${s}`] = p;
    const a = r.stages[s]?.rssMb;
    if (a !== undefined) out[`${s} alone`] = a;
  }
  out["feature-server"] = r.featureServer.rssMb;
  return out;
}

/** Whether each target is met; a figure missing (a phase skipped) does not meet it. */
export function meetsOf(r: Omit<BenchResult, "targets" | "meets">): BenchResult["meets"] {
  const c = r.endToEnd.chained;
  const stageRatios = STAGES.map((s) => r.stages[s]?.overheadRatio ?? NaN);
  return {
    chainedEventsPerSecond: !c.timedOut && c.eventsPerSecond >= TARGETS.chainedEventsPerSecond,
    chainedKcatRatio: !c.timedOut && c.kcatRatio >= TARGETS.chainedKcatRatio,
    perStageProcessesEventsPerSecond:
      r.endToEnd.perStageProcesses !== null &&
      !r.endToEnd.perStageProcesses.timedOut &&
      r.endToEnd.perStageProcesses.eventsPerSecond >= TARGETS.perStageProcessesEventsPerSecond,
    overheadRatio: stageRatios.every((x) => x >= TARGETS.overheadRatio),
    maxRateP99Under2Ms: r.featureServer.maxRateP99Under2Ms >= TARGETS.maxRateP99Under2Ms,
    rssMb: Object.values(rssFigures(r)).every((mb) => mb <= TARGETS.rssMb),
  };
}

/** Right-aligns every column but the first. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "))
    .join("\n");
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "-");
const f3 = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : "-");
const n0 = (n: number) => (Number.isFinite(n) ? fmt(n) : "-");
const yes = (b: boolean) => (b ? "yes" : "NO");

/** The result as text: the throughput table, the feature-server curve, the targets. */
export function renderText(r: BenchResult): string {
  const lines: string[] = [];
  const p = r.produced;
  lines.push(
    `bench: ${fmt(r.events)} records on the raw topic (${fmt(p.valid)} distinct valid events, ${fmt(p.duplicates)} duplicates, ${fmt(p.malformed)} malformed); each phase's deadline ${r.deadlineSeconds} s`,
    "",
  );
  const c = r.endToEnd.chained;
  const ps = r.endToEnd.perStageProcesses;
  const rows: string[][] = [
    ["throughput", "events/s", "reference", "ref/s", "ratio", "CPU-s/M", "RSS MB", "events", "s"],
    [
      "kcat (raw topic)",
      "",
      "",
      n0(r.kcat.recordsPerSecond),
      "",
      "",
      "",
      n0(r.kcat.records),
      f2(r.kcat.seconds),
    ],
    [
      `end to end, chained${c.timedOut ? " TIMED OUT" : ""}`,
      n0(c.eventsPerSecond),
      "kcat",
      n0(r.kcat.recordsPerSecond),
      f3(c.kcatRatio),
      f2(c.cpuSecondsPerMillion),
      n0(c.rssMb),
      n0(c.events),
      f2(c.seconds),
    ],
    ps
      ? [
          `end to end, process per stage${ps.timedOut ? " TIMED OUT" : ""}`,
          n0(ps.eventsPerSecond),
          "kcat",
          n0(r.kcat.recordsPerSecond),
          f3(ps.eventsPerSecond / r.kcat.recordsPerSecond),
          f2(ps.cpuSecondsPerMillion),
          n0(Math.max(...Object.values(ps.rssMb))),
          n0(ps.events),
          f2(ps.seconds),
        ]
      : ["end to end, process per stage: skipped"],
  ];
  for (const s of STAGES) {
    const st = r.stages[s];
    rows.push(
      st
        ? [
            `${s} alone${st.timedOut ? " TIMED OUT" : ""}`,
            n0(st.eventsPerSecond),
            "pass-through",
            n0(st.passthrough.eventsPerSecond),
            f3(st.overheadRatio),
            f2(st.cpuSecondsPerMillion),
            n0(st.rssMb),
            n0(st.events),
            f2(st.seconds),
          ]
        : [`${s} alone: skipped`],
    );
  }
  lines.push(table(rows.map((row) => (row.length === 1 ? [...row, ...Array(8).fill("")] : row))));
  if (ps) {
    lines.push(
      `  process per stage, peak RSS MB: ${STAGES.map((s) => `${s} ${n0(ps.rssMb[s])}`).join(", ")}`,
    );
  }
  lines.push(
    `  pass-through CPU-s/M: ${STAGES.map((s) => `${s} ${f2(r.stages[s]?.passthrough.cpuSecondsPerMillion ?? NaN)}`).join(", ")}`,
    "",
  );
  const fs = r.featureServer;
  const rb = r.redisBenchmark;
  lines.push(
    `feature server (its own process, ${fs.entitiesPerRequest} entities a request, open loop, ${fs.secondsPerStep} s a step); redis-benchmark HGETALL beside it: ${n0(rb.requestsPerSecond)} requests/s, p50 ${f2(rb.p50Ms)} ms, p99 ${f2(rb.p99Ms)} ms`,
  );
  lines.push(
    table([
      ["offered/s", "served/s", "served/offered", "p50 ms", "p99 ms", "p99/redis p99", "errors", "shed"],
      ...fs.curve.map((pt) => [
        n0(pt.offered),
        n0(pt.served),
        f3(pt.served / pt.offered),
        f2(pt.p50Ms),
        f2(pt.p99Ms),
        f2(pt.p99Ms / rb.p99Ms),
        n0(pt.errors),
        n0(pt.shed),
      ]),
    ]),
  );
  lines.push(
    `  highest offered rate with p99 < 2 ms (and ≥ 95% served): ${n0(fs.maxRateP99Under2Ms)} requests/s; peak RSS ${n0(fs.rssMb)} MB`,
    "",
  );
  const rss = rssFigures(r);
  const worst = Object.entries(rss).reduce((a, b) => (b[1] > a[1] ? b : a));
  const t = r.targets;
  const m = r.meets;
  lines.push(
    table([
      ["target", "goal", "measured", "met"],
      [
        "chained events/s",
        `≥ ${n0(t.chainedEventsPerSecond)}`,
        n0(c.eventsPerSecond),
        yes(m.chainedEventsPerSecond),
      ],
      ["chained ÷ kcat", `≥ ${t.chainedKcatRatio}`, f3(c.kcatRatio), yes(m.chainedKcatRatio)],
      [
        "process per stage events/s",
        `≥ ${n0(t.perStageProcessesEventsPerSecond)}`,
        n0(ps?.eventsPerSecond ?? NaN),
        yes(m.perStageProcessesEventsPerSecond),
      ],
      [
        "each stage ÷ pass-through",
        `≥ ${t.overheadRatio}`,
        STAGES.map((s) => f2(r.stages[s]?.overheadRatio ?? NaN)).join(" / "),
        yes(m.overheadRatio),
      ],
      [
        "p99 < 2 ms up to (req/s)",
        `≥ ${n0(t.maxRateP99Under2Ms)}`,
        n0(fs.maxRateP99Under2Ms),
        yes(m.maxRateP99Under2Ms),
      ],
      ["RSS per worker (MB)", `≤ ${t.rssMb}`, `${n0(worst[1])} (${worst[0]})`, yes(m.rssMb)],
    ]),
  );
  if (r.skipped.length) lines.push(`skipped after a deadline: ${r.skipped.join(", ")}`);
  return lines.join("\n");
}
