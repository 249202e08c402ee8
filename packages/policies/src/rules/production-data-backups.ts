import { trestleRule } from "../lib/rule";
import { COMPONENT_TYPES, intentOf } from "@trestle/components/contract";

/** Where the database is declared in the stack file, by its component's name. */
function configPath(component: string | undefined, kind: string): string {
  if (component === "postgres" || component === "redis") return `trestle:${component}`;
  return `trestle:databases.${component ?? "<name>"}.${kind}`;
}

export default trestleRule({
  name: "production-data-backups",
  description:
    "In production, the volumes of database services have a backup schedule (VOL-4), unless the stack file waives them with a written reason (`backupsWaiver`), which the synth report lists.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Leave `backups` unset in `trestle:postgres` / `trestle:redis` (production defaults to daily and weekly), or give the schedules you want, e.g. `backups: [daily, weekly, monthly]`. If the data is rebuilt from elsewhere, keep `backups: []` and say so in `backupsWaiver`.",
  validate(view, report) {
    if (!view.production) return;
    for (const service of view.services) {
      if (service.kind === "app" || service.kind === "pooler") continue;
      const intent = intentOf(service.component, COMPONENT_TYPES.PostgresDb) ?? intentOf(service.component, COMPONENT_TYPES.RedisCache);
      if (intent?.backupsWaiver) continue;
      for (const volume of service.volumes) {
        const backups = (volume.props as Record<string, unknown>).backups;
        if (!Array.isArray(backups) || !backups.length) {
          const at = configPath(service.component?.name, service.kind);
          report(
            `${service.name}: \`${volume.name}\` holds production data and has no backup schedule; remove \`backups: []\` from \`${at}\` (production defaults to daily and weekly), or keep it and write why in \`${at}.backupsWaiver\``,
            volume,
            { name: service.name },
          );
        }
      }
    }
  },
});
