/**
 * Crash points for chaos testing: with CHAOS_CRASH_RATE > 0 (never in production; the default is
 * 0), each named point SIGKILLs this process with that probability, so tests can kill a worker at
 * exactly the moments that matter: after an effect, before its commit, between two uploads.
 */
let rate = 0;

export function setCrashRate(r: number): void {
  rate = r;
}

export function crashPoint(_name: string): void {
  if (rate > 0 && Math.random() < rate) process.kill(process.pid, "SIGKILL");
}
