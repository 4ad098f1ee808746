/**
 * Open-loop load on the feature server: batched reads (`POST /features:batch`, 10 entities each)
 * sent on a schedule at the offered rate whatever the answers' latency, so a slow server shows as
 * latency and shed requests rather than as a lower offered rate.
 */
import { Pool } from "undici";
import { percentile } from "../src/report";

/** One step of the curve. */
export interface CurvePoint {
  /** Requests per second offered. */
  offered: number;
  /** Requests per second answered 200 over the step. */
  served: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered with an error or not answered. */
  errors: number;
  /** Requests not sent because 256 were already in flight (the generator's bound). */
  shed: number;
}

/** Entities per batched read. */
export const ENTITIES_PER_REQUEST = 10;
const MAX_IN_FLIGHT = 256;

/** The load generator against one feature server. */
export function featureLoad(port: number, entities: number) {
  // undici's Pool, not node:http: the generator shares the two cores with the server and Redis,
  // and http.request's per-request cost made the generator the bottleneck.
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 64, pipelining: 1 });
  const bodies = Array.from({ length: 1000 }, (_, i) =>
    JSON.stringify({
      entities: Array.from(
        { length: ENTITIES_PER_REQUEST },
        (_, j) => `user-${(i * ENTITIES_PER_REQUEST + j) % entities}`,
      ),
    }),
  );
  const once = async (body: string) => {
    const t0 = performance.now();
    const res = await pool.request({
      path: "/features:batch",
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    await res.body.dump();
    if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}`);
    return performance.now() - t0;
  };
  return {
    /** Sequential requests to open the connections and warm the server's code paths. */
    async warmUp(requests: number) {
      for (let i = 0; i < requests; i++) await once(bodies[i % bodies.length]);
    },
    /** Offers `rate` requests/s for `seconds`, then waits for the ones in flight. */
    async step(rate: number, seconds: number): Promise<CurvePoint> {
      const latencies: number[] = [];
      let errors = 0;
      let shed = 0;
      let open = 0;
      const inflight: Promise<void>[] = [];
      const t0 = performance.now();
      let sent = 0;
      while (performance.now() - t0 < seconds * 1000) {
        const due = Math.floor(((performance.now() - t0) / 1000) * rate);
        for (; sent < due; sent++) {
          if (open >= MAX_IN_FLIGHT) {
            shed++;
            continue;
          }
          open++;
          inflight.push(
            once(bodies[sent % bodies.length])
              .then(
                (ms) => void latencies.push(ms),
                () => void errors++,
              )
              .finally(() => open--),
          );
        }
        // Sleep to the next timer tick (about 1 ms) rather than spin on setImmediate: spinning took
        // a core from the server and Redis, which share the machine with the generator.
        await new Promise((r) => setTimeout(r, 1));
      }
      await Promise.all(inflight);
      const elapsed = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      return {
        offered: rate,
        served: latencies.length / elapsed,
        p50Ms: percentile(latencies, 50),
        p99Ms: percentile(latencies, 99),
        errors,
        shed,
      };
    },
    close: () => pool.close(),
  };
}

/**
 * The highest offered rate whose p99 is under 2 ms with at least 95% of it served; 0 if none.
 */
export function maxRateP99Under2Ms(curve: CurvePoint[]): number {
  return curve
    .filter((c) => c.p99Ms < 2 && c.served >= 0.95 * c.offered)
    .reduce((best, c) => Math.max(best, c.offered), 0);
}
