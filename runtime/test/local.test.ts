import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

jest.setTimeout(120000);

const run = promisify(execFile);

describe("npm start (runtime/scripts/local.ts)", () => {
  it("checks its report against the generator's counts and the lake read back, and prints the AIMD figures the workers used", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "runtime/scripts/local.ts", "--events", "500", "--entities", "20"],
      { cwd: join(__dirname, "..", ".."), timeout: 110000, maxBuffer: 16 << 20 },
    );
    const report = stdout.slice(stdout.indexOf("seawall local: report"));
    // 500 distinct valid events; one repeat every 20 and one malformed record every 100 (sample.ts).
    expect(report).toMatch(
      /^ {2}sent \(generator\) +530 records: 500 distinct valid events, 25 repeats, 5 malformed$/m,
    );
    expect(report).toMatch(/^ {2}lake read back +500 lines, 500 distinct event ids$/m);
    expect(report).toMatch(/^ {2}dead-lettered +5$/m);
    for (const stage of ["ingest", "dedup", "lake-sink", "feature-writer"]) {
      const line = new RegExp(
        `^ {4}${stage} +concurrency (\\d+) max, (\\d+) last; batch size ([\\d,]+) max, ([\\d,]+) last$`,
        "m",
      ).exec(report);
      expect(line).not.toBeNull();
      const [cMax, cLast] = [Number(line![1]), Number(line![2])];
      expect(cLast).toBeGreaterThanOrEqual(1);
      expect(cMax).toBeGreaterThanOrEqual(cLast);
    }
    expect(report).toMatch(/^ {2}feature reads +2 in flight: /m);
    expect(report).toMatch(/^ {2}checks +pass: /m);
  });
});
