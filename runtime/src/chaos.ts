/**
 * Crash points for chaos testing: with CHAOS_CRASH_RATE > 0 (never in production; the default is
 * 0), each named point SIGKILLs this process with that probability, so tests can kill a worker at
 * exactly the moments that matter: after an effect, before its commit, between two uploads.
 */
let rate = 0;

export function setCrashRate(r: number): void {
  rate = r;
}

let crashAt: { name: string; nth: number } | undefined;

/**
 * A deterministic crash for tests (the maintenance commands' `CHAOS_CRASH_AT`): SIGKILL at the `nth`
 * time this process reaches the point `name`, given as `name` or `name#nth`. Undefined turns it off.
 */
export function setCrashAt(point: string | undefined): void {
  const m = point ? /^([^#]+)(?:#(\d+))?$/.exec(point) : null;
  crashAt = m ? { name: m[1], nth: Number(m[2] ?? 1) } : undefined;
}

export function crashPoint(name: string): void {
  if (crashAt?.name === name && --crashAt.nth <= 0) process.kill(process.pid, "SIGKILL");
  if (rate > 0 && Math.random() < rate) process.kill(process.pid, "SIGKILL");
}
