import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

jest.setTimeout(120000);

const run = promisify(execFile);

const start = (args: string[]) =>
  run(
    process.execPath,
    ["--import", "tsx", "runtime/scripts/local.ts", "--events", "500", "--entities", "20", ...args],
    { cwd: join(__dirname, "..", ".."), timeout: 110000, maxBuffer: 16 << 20 },
  ).then(({ stdout }) => stdout.slice(stdout.indexOf("seawall local: report")));

/** The figures every topology's report must show, exactly (see sample.ts for the counts). */
function expectReport(report: string, workers: string[]) {
  // 500 distinct valid events; one repeat every 20 and one malformed record every 100 (sample.ts).
  expect(report).toMatch(
    /^ {2}sent \(generator\) +530 records: 500 distinct valid events, 25 repeats, 5 malformed$/m,
  );
  expect(report).toMatch(/^ {2}lake read back +500 lines, 500 distinct event ids$/m);
  expect(report).toMatch(/^ {2}dead-lettered +5$/m);
  expect(report).toMatch(/^ {2}duplicates dropped +25$/m);
  const aimdLines = report.split("\n").filter((l) => / concurrency \d+ max/.test(l));
  expect(aimdLines.map((l) => l.trim().split(/ +/)[0])).toEqual(workers);
  for (const l of aimdLines) {
    const m = /concurrency (\d+) max, (\d+) last; batch size ([\d,]+) max, ([\d,]+) last$/.exec(l);
    expect(m).not.toBeNull();
    const [cMax, cLast] = [Number(m![1]), Number(m![2])];
    expect(cLast).toBeGreaterThanOrEqual(1);
    expect(cMax).toBeGreaterThanOrEqual(cLast);
  }
  expect(report).toMatch(/^ {2}feature reads +2 in flight: /m);
  expect(report).toMatch(/^ {2}checks +pass: /m);
}

describe("npm start (runtime/scripts/local.ts)", () => {
  it("runs the chained topology by default, says so, and checks its report against the generator's counts and the lake read back", async () => {
    const report = await start([]);
    expect(report).toMatch(
      /^ {2}topology +chained \(ingest\+dedup\+lake-sink\+feature-writer in one worker\)$/m,
    );
    expectReport(report, ["ingest+dedup+lake-sink+feature-writer"]);
  });

  it("names a topology it does not know and the ones it does, and exits 2", async () => {
    const err = (await run(
      process.execPath,
      ["--import", "tsx", "runtime/scripts/local.ts", "--topology", "fast"],
      {
        cwd: join(__dirname, "..", ".."),
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr.split("\n")[0]).toBe("seawall local: --topology fast: use chained or per-stage");
  });
});
