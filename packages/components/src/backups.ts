import type { BackupSchedule } from "@trestle/railway";

/** VOL-4: production data gets daily and weekly backups unless the stack says otherwise. */
export function defaultBackups(production: boolean | undefined): BackupSchedule[] | undefined {
  return production ? ["DAILY", "WEEKLY"] : undefined;
}
