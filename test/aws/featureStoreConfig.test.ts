import fc from "fast-check";
import {
  engineParameters,
  parameterGroupFamily,
  parseDailyWindow,
  parseWeeklyWindow,
  windowMinutes,
  windowsOverlap,
} from "../../components/aws/featureStoreConfig";

describe("parameterGroupFamily", () => {
  it("names the family after the major version", () => {
    expect(parameterGroupFamily("8.2")).toBe("valkey8");
    expect(parameterGroupFamily("7.2")).toBe("valkey7");
    expect(() => parameterGroupFamily("8")).toThrow("not a Valkey version: 8");
  });
});

describe("engineParameters", () => {
  it("sets the eviction policy explicitly and cluster mode only for more than one shard", () => {
    expect(engineParameters("volatile-lru", 1)).toEqual([
      { name: "cluster-enabled", value: "no" },
      { name: "maxmemory-policy", value: "volatile-lru" },
    ]);
    expect(engineParameters("allkeys-lfu", 3)).toEqual([
      { name: "cluster-enabled", value: "yes" },
      { name: "maxmemory-policy", value: "allkeys-lfu" },
    ]);
  });
});

describe("windows", () => {
  it("parses daily and weekly windows, wrapping past midnight and the week's end", () => {
    expect(parseDailyWindow("03:00-04:00")).toEqual({ start: 180, end: 240, period: 1440 });
    expect(windowMinutes(parseDailyWindow("23:30-00:30")!)).toBe(60);
    expect(parseWeeklyWindow("sun:05:00-sun:06:00")).toEqual({ start: 300, end: 360, period: 10080 });
    expect(windowMinutes(parseWeeklyWindow("sat:23:00-sun:01:00")!)).toBe(120);
  });

  it("rejects malformed windows", () => {
    for (const bad of ["3:00-4:00", "24:00-01:00", "03:00", "03:60-04:00"])
      expect(parseDailyWindow(bad)).toBeUndefined();
    for (const bad of ["sun:05:00", "sunday:05:00-sun:06:00", "xyz:05:00-sun:06:00"]) {
      expect(parseWeeklyWindow(bad)).toBeUndefined();
    }
  });

  it("finds a daily window overlapping the weekly one on its day only", () => {
    const maintenance = parseWeeklyWindow("sun:05:00-sun:06:00")!;
    expect(windowsOverlap(parseDailyWindow("05:30-06:30")!, maintenance)).toBe(true);
    expect(windowsOverlap(parseDailyWindow("03:00-04:00")!, maintenance)).toBe(false);
    expect(windowsOverlap(parseDailyWindow("23:30-00:30")!, parseWeeklyWindow("sat:23:00-sun:01:00")!)).toBe(
      true,
    );
  });

  it("agrees with a minute-by-minute check for any pair of windows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1439 }),
        fc.integer({ min: 60, max: 300 }),
        fc.integer({ min: 0, max: 10079 }),
        fc.integer({ min: 60, max: 600 }),
        (ds, dl, ws, wl) => {
          const daily = { start: ds, end: ds + dl, period: 1440 };
          const weekly = { start: ws, end: ws + wl, period: 10080 };
          const inWeekly = (m: number) => (((m - ws) % 10080) + 10080) % 10080 < wl;
          let brute = false;
          for (let day = 0; day < 7 && !brute; day++) {
            for (let m = ds; m < ds + dl; m++) if (inWeekly(day * 1440 + m)) brute = true;
          }
          expect(windowsOverlap(daily, weekly)).toBe(brute);
        },
      ),
      { numRuns: 200 },
    );
  });
});
