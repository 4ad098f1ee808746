/**
 * Checks Helm values against a chart's default values.yaml, for charts that ship no
 * values.schema.json (KEDA, kube-prometheus-stack): every key path we set must exist in the
 * defaults, except below a default that is an empty map (free-form) or a path listed as free-form.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SCHEMAS } from "./schemas";

/** A chart's default values, from test/fixtures/deploy-schemas/<path>/values.yaml. */
export function chartDefaults(path: string): unknown {
  return parse(readFileSync(join(SCHEMAS, path, "values.yaml"), "utf8"));
}

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** The key paths of `values` the chart does not know. */
export function unknownValuePaths(
  values: unknown,
  defaults: unknown,
  freeForm: readonly string[] = [],
  at = "",
): string[] {
  if (!isMap(values)) return [];
  return Object.entries(values).flatMap(([key, v]) => {
    const path = at ? `${at}.${key}` : key;
    if (!isMap(defaults) || !(key in defaults)) return [path];
    const d = defaults[key];
    if (freeForm.includes(path) || (isMap(d) && Object.keys(d).length === 0)) return [];
    return isMap(v) ? unknownValuePaths(v, d, freeForm, path) : [];
  });
}
