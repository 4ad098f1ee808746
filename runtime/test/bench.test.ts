import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { BenchUsageError, parseBenchArgs } from "../bench/options";

jest.setTimeout(120000);

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const bench = (args: string[], timeout: number) =>
  run(process.execPath, ["--import", "tsx", "runtime/bench/bench.ts", ...args], {
    cwd: ROOT,
    timeout,
    maxBuffer: 16 << 20,
  });

const problemsOf = (argv: string[]): string[] => {
  try {
    parseBenchArgs(argv);
  } catch (err) {
    if (err instanceof BenchUsageError) return err.problems;
    throw err;
  }
  return [];
};

describe("the bench's options", () => {
  it("has documented defaults and takes every option", () => {
    expect(parseBenchArgs([])).toEqual({
      json: false,
      events: 200000,
      rate: 20000,
      seconds: 5,
      entities: 10000,
      timeoutSeconds: 600,
    });
    expect(
      parseBenchArgs([
        "--json",
        "--events",
        "5000",
        "--rate=300",
        "--seconds",
        "0.5",
        "--entities",
        "7",
        "--timeout",
        "30",
      ]),
    ).toEqual({ json: true, events: 5000, rate: 300, seconds: 0.5, entities: 7, timeoutSeconds: 30 });
  });

  it("names the option, the value and what it accepts, one line for each bad one", () => {
    expect(problemsOf(["--events", "-5"])).toEqual(["--events -5: use an integer from 100 to 10,000,000"]);
    expect(problemsOf(["--rate", "fast", "--seconds", "0", "--entities", "1.5", "--timeout", ""])).toEqual([
      "--rate fast: use an integer from 1 to 1,000,000",
      "--seconds 0: use a number from 0.1 to 3,600",
      "--entities 1.5: use an integer from 1 to 1,000,000",
      "--timeout : use a number from 0.001 to 86,400",
    ]);
    expect(problemsOf(["--events"])).toEqual(["--events: needs a value, an integer from 100 to 10,000,000"]);
    expect(problemsOf(["--evnets", "5"])).toEqual([
      "--evnets: unknown option; the options are --json, --events, --rate, --seconds, --entities, --timeout",
      "5: unexpected argument; the options are --json, --events, --rate, --seconds, --entities, --timeout",
    ]);
    expect(problemsOf(["--json=yes"])).toEqual(["--json=yes: --json takes no value"]);
    expect(problemsOf(["--events", "1e20"])).toEqual([
      "--events 1e20: use an integer from 100 to 10,000,000",
    ]);
  });

  it("exits 2 with the one-line error and no stack trace, before starting anything", async () => {
    const err = (await bench(["--events", "-5"], 60000).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; killed?: boolean; stderr: string };
    expect(err).toMatchObject({ code: 2, killed: false });
    expect(err.stderr.split("\n")).toEqual([
      "bench: --events -5: use an integer from 100 to 10,000,000",
      expect.stringMatching(/^usage: npm run -w runtime bench -- /),
      "",
    ]);
  });
});

describe("a bench run that reaches its deadline", () => {
  it("is marked timed out in the JSON and the text, and exits non-zero", async () => {
    const err = (await bench(
      [
        "--json",
        "--events",
        "2000",
        "--entities",
        "10",
        "--rate",
        "50",
        "--seconds",
        "0.5",
        "--timeout",
        "0.001",
      ],
      110000,
    ).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: number; stdout: string; stderr: string };
    expect(err?.code).toBe(1);
    const result = JSON.parse(err.stdout) as {
      timedOut: boolean;
      events: number;
      endToEnd: { timedOut: boolean; deadlineSeconds: number; eventsDone: number };
    };
    expect(result.timedOut).toBe(true);
    expect(result.endToEnd).toMatchObject({ timedOut: true, deadlineSeconds: 0.001 });
    expect(result.endToEnd.eventsDone).toBeLessThan(result.events);
    expect(err.stderr).toMatch(
      /^bench: TIMED OUT: the end-to-end phase reached its 0\.001 s deadline with \d+ of \d+ events done$/m,
    );
  });
});
