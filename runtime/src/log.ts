import pino from "pino";

/** JSON logs on stdout, one line per event, with the stage in every line. */
export function createLogger(stage: string, level: string): pino.Logger {
  return pino({ level, base: { stage, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
export type Logger = pino.Logger;
