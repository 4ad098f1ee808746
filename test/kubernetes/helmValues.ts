/**
 * Helm's view of a release's values: the chart's defaults with the user's values coalesced over
 * them (maps merge key by key, anything else replaces, `null` deletes a default), which is what
 * Helm validates against a chart's values.schema.json. Charts whose schema `required`s top-level
 * keys (Velero) cannot be checked against the user's values alone.
 */
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chartDefaults } from "./chartValues";
import { SCHEMAS } from "./schemas";

const isMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/** `values` coalesced over `defaults`, as Helm does. */
export function coalesce(defaults: unknown, values: unknown): unknown {
  if (!isMap(defaults) || !isMap(values)) return values === undefined ? defaults : values;
  const out: Record<string, unknown> = { ...defaults };
  for (const [key, v] of Object.entries(values)) {
    if (v === null) delete out[key];
    else out[key] = coalesce(defaults[key], v);
  }
  return out;
}

/** A function giving the schema errors of values for the chart at `path` (defaults coalesced first). */
export function chartSchemaErrors(path: string): (values: unknown) => string[] {
  const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(
    JSON.parse(readFileSync(join(SCHEMAS, path, "values.schema.json"), "utf8")),
  );
  const defaults = chartDefaults(path);
  return (values) => {
    const merged = coalesce(defaults, JSON.parse(JSON.stringify(values)));
    return validate(merged)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
}
