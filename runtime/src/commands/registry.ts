/**
 * The maintenance commands the image runs, each loaded only when called (a command's SDKs and
 * libraries stay out of the stages' start-up). Add a command here and in its own file.
 */
import type { MaintenanceCommand } from "./command";

export const maintenanceCommands: Record<string, () => Promise<MaintenanceCommand<unknown>>> = {
  compact: async () => (await import("./compact")).compactCommand as MaintenanceCommand<unknown>,
  "backup-features": async () =>
    (await import("./backupFeatures")).backupFeatures as MaintenanceCommand<unknown>,
  "restore-drill": async () => (await import("./restoreDrill")).restoreDrill as MaintenanceCommand<unknown>,
  backfill: async () => (await import("./backfill")).backfill as MaintenanceCommand<unknown>,
};

/** Whether a name is a maintenance command. */
export function isMaintenanceCommand(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(maintenanceCommands, name);
}
