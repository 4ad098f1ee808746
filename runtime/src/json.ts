/**
 * A record's value as a JSON object, or what is wrong with it (for the dead-letter topic's
 * `x-detail`): the one parse that stages past ingest do on values they did not validate.
 */
export function parseJsonObject(
  value: Buffer | null,
): { ok: true; object: Record<string, unknown> } | { ok: false; detail: string } {
  if (value === null || value.length === 0) return { ok: false, detail: "no value" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString("utf8"));
  } catch (err) {
    return { ok: false, detail: `not JSON: ${(err as Error).message.slice(0, 200)}` };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return { ok: false, detail: "/: must be an object" };
  return { ok: true, object: parsed as Record<string, unknown> };
}
