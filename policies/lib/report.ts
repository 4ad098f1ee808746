import { createHash } from "node:crypto";
import * as path from "node:path";
import { PolicyPackConfig } from "@pulumi/policy";
import { Evaluation, Verdict } from "./evaluate";
import { SourcePosition } from "./inputs";
import { SeawallPolicy } from "./rule";

/**
 * What `npm run policy:check` prints: the violations with what a person needs to act on each (the
 * resource's URN, the property path, the value observed there and the rule's remediation), as
 * text, as JSON (`Report`) or as SARIF 2.1.0 for GitHub code scanning.
 */

/** One violation as reported. */
export interface ReportedViolation {
  rule: string;
  level: "mandatory" | "advisory";
  urn: string;
  /** The resource's name. */
  resource: string;
  type: string;
  message: string;
  /** The input property at fault, dotted with `[i]` for list items; null when the rule names none. */
  path: string | null;
  /** The value observed at `path`; absent when the property is unset (or the rule names no path). */
  value?: unknown;
  /** The rule's remediation. */
  fix: string;
}

export interface ReportSummary {
  /** Resources judged. */
  resources: number;
  violations: number;
  mandatory: number;
  advisory: number;
  /** Checks that did not run because a value they read is unknown (until deploy, or a secret). */
  skipped: number;
  /** The config used: `team`, `dev`, `prod` or the path given to `--config`. */
  config: string;
}

/** `npm run policy:check -- --json`. */
export interface Report {
  summary: ReportSummary;
  violations: ReportedViolation[];
  skipped: { rule: string; urn: string; reason: string }[];
  /** Notes on the input, e.g. a preview that leaves out unchanged resources. */
  warnings: string[];
}

/** A verdict; without `fix` from the evaluator, the rule's remediation is the fix. */
type RichVerdict = Omit<Verdict, "fix" | "path" | "value"> & { path?: string; value?: unknown; fix?: string };

/** A JSON copy of an observed value; undefined when it cannot be copied (e.g. it holds an unknown). */
function plain(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function buildReport(
  evaluation: Evaluation,
  options: { resources: number; config: string; policies: readonly SeawallPolicy[]; warnings?: string[] },
): Report {
  const remediation = new Map(options.policies.map((p) => [p.name, p.remediationSteps]));
  const violations = evaluation.violations.map((verdict): ReportedViolation => {
    const v = verdict as RichVerdict;
    const value = plain(v.value);
    return {
      rule: v.rule,
      level: v.level,
      urn: v.urn,
      resource: v.resource,
      type: v.type,
      message: v.message,
      path: typeof v.path === "string" && v.path !== "" ? v.path : null,
      ...(value !== undefined ? { value } : {}),
      fix: v.fix ?? remediation.get(v.rule) ?? "",
    };
  });
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const counted = (evaluation as { skippedCount?: number }).skippedCount;
  return {
    summary: {
      resources: options.resources,
      violations: violations.length,
      mandatory,
      advisory: violations.length - mandatory,
      skipped: typeof counted === "number" ? counted : evaluation.skipped.length,
      config: options.config,
    },
    violations,
    skipped: evaluation.skipped.map(({ rule, urn, reason }) => ({ rule, urn, reason })),
    warnings: options.warnings ?? [],
  };
}

/** `path = value`, `path (unset)`, or nothing when the rule names no path. */
function where(v: ReportedViolation): string | undefined {
  if (v.path === null) return undefined;
  return "value" in v ? `${v.path} = ${JSON.stringify(v.value)}` : `${v.path} (unset)`;
}

/** The human-readable report. */
export function renderText(report: Report): string {
  const lines: string[] = [];
  const indent = " ".repeat(10);
  for (const v of report.violations) {
    lines.push(
      `${v.level.toUpperCase().padEnd(9)} ${v.rule}  ${v.type} ${v.resource}`,
      `${indent}${v.message}`,
    );
    const at = where(v);
    if (at) lines.push(`${indent}at:  ${at}`);
    if (v.urn) lines.push(`${indent}urn: ${v.urn}`);
    if (v.fix) lines.push(`${indent}fix: ${v.fix}`);
  }
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  const s = report.summary;
  lines.push(
    "",
    `Policy check (${s.config} config): ${s.resources} resources, ${s.violations} violation(s): ` +
      `${s.mandatory} mandatory, ${s.advisory} advisory` +
      (s.skipped > 0 ? `; ${s.skipped} check(s) skipped on values unknown until deploy or secret` : ""),
  );
  return `${lines.join("\n")}\n`;
}

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export interface SarifOptions {
  policies: readonly SeawallPolicy[];
  /** The resolved config: each rule's level becomes its SARIF default level. */
  config: PolicyPackConfig;
  /** The pack's version (policies/package.json). */
  version?: string;
  /** Where the engine recorded each resource's declaration (`sourcePosition`), by URN. */
  sources?: ReadonlyMap<string, SourcePosition>;
  /** The Pulumi project's directory relative to the repository root: prefixes the source positions' files. */
  root?: string;
  /** A file (relative to the repository root) for results whose resource has no source position. */
  programFile?: string;
}

/** GitHub's reading of `security-severity`: low < 4, medium < 7, high < 9, critical. */
const SECURITY_SEVERITY: Record<string, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

function sarifLevel(level: unknown): "error" | "warning" | "none" {
  if (level === "mandatory" || level === "remediate") return "error";
  if (level === "disabled") return "none";
  return "warning";
}

const toPosix = (p: string) => p.split(path.sep).join("/").replace(/^\.\//, "");

function physicalLocation(urn: string, options: SarifOptions) {
  const source = options.sources?.get(urn);
  if (source) {
    return {
      artifactLocation: { uri: encodeURI(toPosix(path.posix.join(options.root ?? "", source.file))) },
      region: { startLine: source.line, ...(source.column ? { startColumn: source.column } : {}) },
    };
  }
  if (options.programFile) {
    return { artifactLocation: { uri: encodeURI(toPosix(options.programFile)) }, region: { startLine: 1 } };
  }
  return undefined;
}

/**
 * The report as a SARIF 2.1.0 log: one run; the pack's rules as `tool.driver.rules` (help text =
 * remediation, default level from the config); one result per violation, `error` for mandatory and
 * `warning` for advisory, located logically by the resource's URN and the property path, and
 * physically where the resource's source position (or `programFile`) is known.
 */
export function renderSarif(report: Report, options: SarifOptions): object {
  const index = new Map(options.policies.map((p, i) => [p.name, i]));
  const levelOf = (name: string, fallback: string): unknown => {
    const c = options.config[name] as unknown;
    if (typeof c === "string") return c;
    if (c && typeof c === "object" && "enforcementLevel" in c)
      return (c as { enforcementLevel: unknown }).enforcementLevel;
    return fallback;
  };
  const rules = options.policies.map((p) => {
    const level = sarifLevel(levelOf(p.name, p.enforcementLevel));
    const severity = p.severity ? SECURITY_SEVERITY[p.severity] : undefined;
    return {
      id: p.name,
      name: p.name,
      shortDescription: { text: p.summary },
      fullDescription: { text: p.description ?? p.summary },
      help: { text: p.remediationSteps, markdown: `**Fix:** ${p.remediationSteps}` },
      defaultConfiguration: { level, enabled: level !== "none" },
      properties: {
        tags: ["security", "pulumi", ...p.clouds],
        ...(severity ? { "security-severity": severity } : {}),
      },
    };
  });
  const results = report.violations.map((v) => {
    const at = where(v);
    const physical = physicalLocation(v.urn, options);
    const logicalLocations: { name: string; fullyQualifiedName: string; kind: string }[] = [
      { name: v.resource, fullyQualifiedName: v.urn, kind: "resource" },
    ];
    if (v.path !== null)
      logicalLocations.push({ name: v.path, fullyQualifiedName: `${v.urn}.${v.path}`, kind: "property" });
    const fingerprint = createHash("sha256")
      .update(`${v.rule}\n${v.urn}\n${v.path ?? ""}`)
      .digest("hex");
    return {
      ruleId: v.rule,
      ...(index.has(v.rule) ? { ruleIndex: index.get(v.rule) } : {}),
      level: v.level === "mandatory" ? "error" : "warning",
      message: { text: `${v.type} ${v.resource}: ${v.message}${at ? ` (${at})` : ""}. Fix: ${v.fix}` },
      locations: [{ ...(physical ? { physicalLocation: physical } : {}), logicalLocations }],
      partialFingerprints: { "seawallPolicyViolation/v1": fingerprint },
    };
  });
  return {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "seawall-policies",
            ...(options.version ? { version: options.version, semanticVersion: options.version } : {}),
            rules,
          },
        },
        invocations: [{ executionSuccessful: true }],
        results,
        properties: { summary: report.summary, skipped: report.skipped.length },
      },
    ],
  };
}
