import { checkRun, type RunFigures } from "../src/report";
import { newSampleCounts, sampleStream } from "../src/sample";

describe("the sample generator's own counts", () => {
  it("counts what it yields, as it yields it", () => {
    const counts = newSampleCounts();
    const stream = sampleStream({ events: 1000, duplicateRate: 0.1, malformedRate: 0.03 }, counts);
    const first = stream.next();
    expect(first.done).toBe(false);
    expect(counts).toEqual({ records: 1, valid: 1, duplicates: 0, malformed: 0 });
    const rest = [...stream];
    const all = [first.value as { kind: string; value: Buffer }, ...rest];
    const kinds = all.map((r) => r.kind);
    expect(counts.records).toBe(all.length);
    expect(counts.valid).toBe(1000);
    expect(counts.duplicates).toBe(kinds.filter((k) => k === "duplicate").length);
    expect(counts.malformed).toBe(kinds.filter((k) => k !== "valid" && k !== "duplicate").length);
    expect(counts.valid + counts.duplicates + counts.malformed).toBe(counts.records);
    expect(counts.duplicates).toBeGreaterThan(90);
    expect(counts.malformed).toBeGreaterThan(25);
  });
});

describe("checkRun: the local run's report checked against the generator and the lake", () => {
  // 1,000 distinct valid events, 50 sent twice, 10 malformed: 1,060 records.
  const good: RunFigures = {
    sent: { records: 1060, malformed: 10, distinctValid: 1000 },
    metrics: { in: 1060, valid: 1050, deadLettered: 10, duplicates: 50, lake: 1000 },
    lake: { lines: 1000, distinctIds: 1000 },
  };
  const change = (patch: {
    sent?: Partial<RunFigures["sent"]>;
    metrics?: Partial<RunFigures["metrics"]>;
    lake?: Partial<RunFigures["lake"]>;
  }): RunFigures => ({
    sent: { ...good.sent, ...patch.sent },
    metrics: { ...good.metrics, ...patch.metrics },
    lake: { ...good.lake, ...patch.lake },
  });

  it("passes a run that adds up", () => {
    expect(checkRun(good)).toEqual([]);
  });

  it("fails a lake with an event lost, even when the metrics agree with each other", () => {
    expect(checkRun(change({ lake: { lines: 999, distinctIds: 999 } }))).toEqual([
      "lake lines 999 != distinct valid events sent 1,000 (1 lost)",
    ]);
  });

  it("fails a lake with a duplicated id", () => {
    expect(checkRun(change({ lake: { lines: 1001, distinctIds: 1000 } }))).toEqual([
      "lake lines 1,001 != distinct valid events sent 1,000 (1 extra)",
      "lake ids: 1 duplicated (1,001 lines, 1,000 distinct ids)",
    ]);
  });

  it("fails when dead-lettered records are not the malformed ones sent", () => {
    expect(checkRun(change({ metrics: { deadLettered: 9, valid: 1051, duplicates: 51 } }))).toEqual([
      "dead-lettered 9 != malformed records sent 10",
    ]);
  });

  it("fails when the workers saw a different number of records than were sent", () => {
    expect(checkRun(change({ metrics: { in: 1059, valid: 1049, duplicates: 49 } }))).toEqual([
      "events in 1,059 != records sent 1,060",
    ]);
  });

  it("fails when the metrics do not add up among themselves", () => {
    expect(checkRun(change({ metrics: { valid: 1049 } }))).toEqual([
      "valid 1,049 + dead-lettered 10 != events in 1,060",
      "valid 1,049 != lake 1,000 + duplicates 50",
    ]);
  });
});
