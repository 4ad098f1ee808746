/** Expected features: per entity, events within the window ending at the entity's latest event. */
export function expectedFeatures(
  events: Array<{ entity: string; ts: number; value: number }>,
  windowMs: number,
) {
  const byEntity = new Map<string, Array<{ ts: number; value: number }>>();
  for (const e of events) byEntity.set(e.entity, [...(byEntity.get(e.entity) ?? []), e]);
  const out = new Map<string, { count: number; sum: number }>();
  for (const [entity, list] of byEntity) {
    const end = Math.max(...list.map((e) => e.ts));
    const inWindow = list.filter((e) => e.ts >= end - windowMs);
    out.set(entity, { count: inWindow.length, sum: inWindow.reduce((s, e) => s + e.value, 0) });
  }
  return out;
}
