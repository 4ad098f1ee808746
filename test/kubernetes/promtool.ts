/**
 * Alert rules checked by Prometheus's own `promtool` (Debian's `prometheus` package, installed by
 * scripts/bootstrap.sh): `check rules` on the rule file, and one `test rules` unit test per alert
 * that makes it fire with the labels it must carry and keeps it quiet otherwise.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import type { AlertRule } from "../../components/kubernetes/pipelineRules";

/** Runs promtool; fails with the install hint when it is missing (never skips). */
export function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync("promtool", args, { encoding: "utf8" });
  if (r.error) {
    throw new Error(
      `promtool is not installed (${r.error.message}): run bash scripts/bootstrap.sh, which installs Debian's prometheus package (apt-get install prometheus)`,
    );
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Per alert: the series that make it fire at `at`, the labels it fires with, and series that do not. */
export interface AlertCase {
  at: string;
  fires: Record<string, string>;
  labels: Record<string, string>;
  quiet: Record<string, string>;
}

export type RuleGroups = { groups: { name: string; interval: string; rules: AlertRule[] }[] };

const series = (s: Record<string, string>) =>
  Object.entries(s).map(([name, values]) => ({ series: name, values }));

/** Writes the rule file twice: as is, and without annotations (what the unit tests load). */
export function writeRuleFiles(groups: RuleGroups): { dir: string; rulesFile: string; bareFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "seawall-rules-"));
  const rulesFile = join(dir, "rules.yaml");
  writeFileSync(rulesFile, stringify(groups));
  // The unit tests check expressions, durations and labels; annotations are checked by `check rules`.
  const bareFile = join(dir, "bare.yaml");
  writeFileSync(
    bareFile,
    stringify({
      groups: groups.groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }) => r) })),
    }),
  );
  return { dir, rulesFile, bareFile };
}

/**
 * A promtool unit-test file for one alert: `fires`, its firing series and labels; `quiet`, its quiet
 * series and no alert; `wrong`, its firing series with a wrong severity expected (must fail).
 */
export function alertTestFile(
  dir: string,
  bareFile: string,
  alert: string,
  c: AlertCase,
  mode: "fires" | "quiet" | "wrong",
): string {
  const file = join(dir, `${alert}-${mode}.test.yaml`);
  const expected =
    mode === "quiet" ? [] : [{ exp_labels: mode === "fires" ? c.labels : { ...c.labels, severity: "none" } }];
  writeFileSync(
    file,
    stringify({
      rule_files: [bareFile],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: series(mode === "quiet" ? c.quiet : c.fires),
          alert_rule_test: [{ eval_time: c.at, alertname: alert, exp_alerts: expected }],
        },
      ],
    }),
  );
  return file;
}

/**
 * The tests every rule file gets: `check rules` passes, every alert has a case, each alert fires on
 * its case and stays quiet on its quiet series, and a wrong expectation fails promtool.
 */
export function describeAlertRules(
  title: string,
  groups: RuleGroups,
  cases: Record<string, AlertCase>,
): void {
  const alerts = groups.groups.flatMap((g) => g.rules);
  const { dir, rulesFile, bareFile } = writeRuleFiles(groups);
  describe(title, () => {
    it("pass promtool check rules", () => {
      const r = promtool("check", "rules", rulesFile);
      expect(r.output).toContain(`SUCCESS: ${alerts.length} rules found`);
      expect(r.status).toBe(0);
    });

    it("has a unit test for every alert", () => {
      expect(Object.keys(cases).sort()).toEqual(alerts.map((a) => a.alert).sort());
    });

    it.each(Object.keys(cases))(
      "%s fires on its condition and stays quiet otherwise (promtool test rules)",
      (alert) => {
        for (const mode of ["fires", "quiet"] as const) {
          const r = promtool("test", "rules", alertTestFile(dir, bareFile, alert, cases[alert], mode));
          expect({ mode, output: r.output, status: r.status }).toEqual({
            mode,
            output: expect.stringContaining("SUCCESS"),
            status: 0,
          });
        }
      },
    );

    it("fails promtool when an alert's expected labels are wrong (the unit tests can fail)", () => {
      const [alert, c] = Object.entries(cases)[0];
      expect(promtool("test", "rules", alertTestFile(dir, bareFile, alert, c, "wrong")).status).not.toBe(0);
    });
  });
}
