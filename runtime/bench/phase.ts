/**
 * One measured phase: worker processes already up, watched from outside through their `/metrics`
 * until the phase's work is done or its deadline passes. Timed from the first record any of them
 * consumed; CPU (utime + stime) from that moment to the end, and each worker's peak RSS.
 */
import { cpuSeconds, peakRssMb } from "./proc";
import { M, metric, scrapeMetrics, type MetricTotals } from "./prom";
import type { WorkerProcess } from "./processes";

/** How far a phase is: events done so far, and whether it is complete. */
export interface Progress {
  done: number;
  complete: boolean;
}

export interface PhaseResult {
  /** From the first record consumed to the moment the phase was seen complete (or timed out). */
  seconds: number;
  /** Events done when the phase ended. */
  eventsDone: number;
  timedOut: boolean;
  /** CPU seconds each worker used over the phase, by worker name. */
  cpuSeconds: Record<string, number>;
  /** Peak resident set of each worker, MB, by worker name. */
  rssMb: Record<string, number>;
  /** Each worker's metrics at the end, by worker name. */
  metrics: Record<string, MetricTotals>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches `workers` until `progress` says complete or `timeoutSeconds` pass (from now); CPU is
 * counted from the last scrape before the first batch. A scrape
 * costs a worker a few ms of CPU, so it scrapes every 20 ms until the first record is consumed and
 * every 100 ms after; the start and the end are each taken as the midpoint between the scrape
 * before and the scrape that saw them (a run that starts and ends between the same two scrapes
 * lasts half that interval).
 */
export async function runPhase(
  workers: WorkerProcess[],
  timeoutSeconds: number,
  progress: (metrics: Record<string, MetricTotals>) => Progress | Promise<Progress>,
): Promise<PhaseResult> {
  const deadline = performance.now() + timeoutSeconds * 1000;
  const scrape = async () =>
    Object.fromEntries(
      await Promise.all(workers.map(async (w) => [w.name, await scrapeMetrics(w.port)] as const)),
    );
  const cpuNow = () => Object.fromEntries(workers.map((w) => [w.name, cpuSeconds(w.pid)]));
  let started = 0;
  let previous = performance.now();
  // CPU as read at the previous scrape, before the first batch: the start's baseline.
  let cpuPrevious = cpuNow();
  let cpu0 = cpuPrevious;
  let timedOut = false;
  let p: Progress = { done: 0, complete: false };
  let metrics: Record<string, MetricTotals> = {};
  let end: number;
  for (;;) {
    for (const w of workers) {
      if (w.child.exitCode !== null || w.child.signalCode !== null)
        throw new Error(`${w.name} exited during the phase:\n${w.tail()}`);
    }
    const at = performance.now();
    const cpuAt = started ? cpuPrevious : cpuNow();
    metrics = await scrape();
    let startedNow = false;
    if (!started) {
      if (workers.some((w) => metric(metrics[w.name], M.in) > 0)) {
        // The first batch came between the scrape before and this one.
        started = (previous + at) / 2;
        startedNow = true;
        cpu0 = cpuPrevious;
      } else cpuPrevious = cpuAt;
    }
    p = await progress(metrics);
    if (p.complete) {
      // Started and done between the same two scrapes (a small run): half that interval.
      end = startedNow ? at : (previous + at) / 2;
      break;
    }
    previous = at;
    if (performance.now() >= deadline) {
      timedOut = true;
      end = performance.now();
      break;
    }
    await sleep(started ? 100 : 20);
  }
  const cpu1 = cpuNow();
  return {
    seconds: started ? (end - started) / 1000 : 0,
    eventsDone: p.done,
    timedOut,
    cpuSeconds: Object.fromEntries(workers.map((w) => [w.name, cpu1[w.name] - cpu0[w.name]])),
    rssMb: Object.fromEntries(workers.map((w) => [w.name, peakRssMb(w.pid)])),
    metrics,
  };
}

/** Records a worker has finished with: written or produced, dropped as duplicates, dead-lettered. */
export function processed(m: MetricTotals): number {
  return metric(m, M.out) + metric(m, M.duplicates) + metric(m, M.deadLettered);
}
