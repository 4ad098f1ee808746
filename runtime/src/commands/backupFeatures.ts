/**
 * `backup-features [--prefix backups/features/]`: a portable backup of the feature store (see
 * `backup/features.ts`) into the platform's object store. Prints one JSON line: the backup's id,
 * keys, parts and manifest.
 */
import { parseCommandEnv } from "./env";
import { openClients } from "./clients";
import { EXIT, type MaintenanceCommand } from "./command";
import { prefixFlag, stringFlag } from "./flags";
import {
  BackupWriter,
  clusterPrimaries,
  DEFAULT_BACKUP_PREFIX,
  manifestKey,
  newBackupId,
  scanFeatureKeys,
} from "../backup/features";

export interface BackupFeaturesArgs {
  /** Where backups go. @defaultValue "backups/features/" */
  prefix: string;
}

const NAME = "backup-features";

export const backupFeatures: MaintenanceCommand<BackupFeaturesArgs> = {
  name: NAME,
  summary: "back up the feature store's keys (DUMP + TTL) into the object store, manifest last",
  options: { prefix: { type: "string" } },
  parse(values) {
    const prefix = stringFlag(values, "prefix");
    return { prefix: prefix === undefined ? DEFAULT_BACKUP_PREFIX : prefixFlag(NAME, "prefix", prefix) };
  },
  async run(args, env) {
    const cfg = parseCommandEnv(env);
    const started = new Date();
    const c = await openClients(cfg, env, { redis: true, store: true });
    try {
      const writer = new BackupWriter(c.store!, c.storePolicy, args.prefix, newBackupId(started));
      const primaries = await clusterPrimaries(c.redis!, c.redisPolicy);
      if (primaries === undefined) {
        await scanFeatureKeys(c.redis!, c.redisPolicy, true, (l) => writer.add(l));
      } else {
        for (const node of primaries) {
          const at = node.lastIndexOf(":");
          const r = await c.redisAt(node.slice(0, at), Number(node.slice(at + 1)));
          await scanFeatureKeys(r, c.redisPolicy, false, (l) => writer.add(l));
        }
      }
      const manifest = await writer.finish({
        startedAt: started.toISOString(),
        consistency: primaries === undefined ? "entity" : "key",
        nodes: primaries?.length ?? 1,
      });
      process.stdout.write(
        `${JSON.stringify({
          command: NAME,
          ok: true,
          backup: manifest.id,
          manifest: manifestKey(args.prefix, manifest.id),
          keys: manifest.keys,
          parts: manifest.parts.length,
          bytes: manifest.parts.reduce((n, p) => n + p.bytes, 0),
          consistency: manifest.consistency,
          nodes: manifest.nodes,
          seconds: (Date.now() - started.getTime()) / 1000,
        })}\n`,
      );
      return EXIT.ok;
    } finally {
      await c.close();
    }
  },
};
export default backupFeatures;
