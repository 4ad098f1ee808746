/**
 * `restore-drill [--as-of <ISO time>] [--scratch-prefix restore-drill/] [--backup-prefix
 * backups/features/] [--topic T] [--from-date D] [--to-date D] [--keep]`: restores the lake (now,
 * or as of a time) and the feature store's latest complete backup into scratch locations, checks
 * every checksum and count against the source (`drill/lake.ts`, `backup/drill.ts`), cleans up, and
 * prints one JSON report. Exit 1 naming every mismatch; a drill that finds nothing to restore fails.
 */
import { randomBytes } from "node:crypto";
import { drillFeatureBackup, type Mismatch } from "../backup/drill";
import { DEFAULT_BACKUP_PREFIX } from "../backup/features";
import { drillLake } from "../drill/lake";
import { openClients } from "./clients";
import { EXIT, UsageError, type MaintenanceCommand } from "./command";
import { parseCommandEnv } from "./env";
import { dateFlag, prefixFlag, stringFlag, timeFlag, topicFlag } from "./flags";

export interface RestoreDrillArgs {
  /** Restore the lake as it was then, and the latest backup started by then. @defaultValue now */
  asOf?: Date;
  /** Where scratch objects go: `<scratchPrefix><run id>/<lake key>`. @defaultValue "restore-drill/" */
  scratchPrefix: string;
  /** Where backup-features wrote its backups. @defaultValue "backups/features/" */
  backupPrefix: string;
  /** @defaultValue every topic */
  topic?: string;
  /** First event date, inclusive. @defaultValue no bound */
  fromDate?: string;
  /** Last event date, inclusive. @defaultValue no bound */
  toDate?: string;
  /** Keep the scratch objects and keys (the keys for 24 h) for inspection. @defaultValue false */
  keep: boolean;
}

const NAME = "restore-drill";

export const restoreDrill: MaintenanceCommand<RestoreDrillArgs> = {
  name: NAME,
  summary: "restore the lake and the latest feature backup into scratch, verify checksums and counts",
  options: {
    "as-of": { type: "string" },
    "scratch-prefix": { type: "string" },
    "backup-prefix": { type: "string" },
    topic: { type: "string" },
    "from-date": { type: "string" },
    "to-date": { type: "string" },
    keep: { type: "boolean" },
  },
  parse(values) {
    const v = (f: string) => stringFlag(values, f);
    const asOf = v("as-of");
    const fromDate = v("from-date") === undefined ? undefined : dateFlag(NAME, "from-date", v("from-date")!);
    const toDate = v("to-date") === undefined ? undefined : dateFlag(NAME, "to-date", v("to-date")!);
    if (fromDate && toDate && fromDate > toDate) {
      throw new UsageError(
        `${NAME}: --to-date: got ${toDate}, before --from-date ${fromDate}; give a --to-date on or after --from-date`,
      );
    }
    return {
      ...(asOf === undefined ? {} : { asOf: new Date(timeFlag(NAME, "as-of", asOf)) }),
      scratchPrefix: prefixFlag(NAME, "scratch-prefix", v("scratch-prefix") ?? "restore-drill/"),
      backupPrefix: prefixFlag(NAME, "backup-prefix", v("backup-prefix") ?? DEFAULT_BACKUP_PREFIX),
      ...(v("topic") === undefined ? {} : { topic: topicFlag(NAME, "topic", v("topic")!) }),
      ...(fromDate ? { fromDate } : {}),
      ...(toDate ? { toDate } : {}),
      keep: values.keep === true,
    };
  },
  async run(args, env) {
    const cfg = parseCommandEnv(env);
    const started = Date.now();
    const runId = `${new Date(started).toISOString().replace(/[-:.]/g, "")}-${randomBytes(3).toString("hex")}`;
    const query = {
      prefix: cfg.LAKE_PREFIX,
      ...(args.topic ? { topic: args.topic } : {}),
      ...(args.fromDate ? { fromDate: args.fromDate } : {}),
      ...(args.toDate ? { toDate: args.toDate } : {}),
    };
    const scratchPrefix = `${args.scratchPrefix}${runId}/`;
    const c = await openClients(cfg, env, { redis: true, store: true });
    const mismatches: Mismatch[] = [];
    try {
      const lake = await drillLake(
        { store: c.store!, storePolicy: c.storePolicy },
        { query, scratchPrefix, keep: args.keep, ...(args.asOf ? { asOf: args.asOf } : {}) },
      );
      mismatches.push(...lake.mismatches);
      const features = await drillFeatureBackup(
        {
          redis: c.redis!,
          redisPolicy: c.redisPolicy,
          store: c.store!,
          storePolicy: c.storePolicy,
          redisAt: c.redisAt,
        },
        {
          backupPrefix: args.backupPrefix,
          scratchPrefix: `{${NAME}:${runId}}:`,
          keep: args.keep,
          ...(args.asOf ? { asOf: args.asOf } : {}),
        },
      );
      mismatches.push(...features.mismatches);
      const ok = mismatches.length === 0;
      process.stdout.write(
        `${JSON.stringify({
          command: NAME,
          ok,
          runId,
          lake: lake.report,
          features: features.report,
          mismatches,
          seconds: (Date.now() - started) / 1000,
        })}\n`,
      );
      if (!ok) {
        const named = mismatches.map((m) => `${m.area} ${m.what}${m.key ? ` ${m.key}` : ""}`);
        process.stderr.write(`${NAME}: ${mismatches.length} mismatch(es): ${named.join("; ")}\n`);
      }
      return ok ? EXIT.ok : EXIT.failed;
    } finally {
      await c.close();
    }
  },
};
export default restoreDrill;
