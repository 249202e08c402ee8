import { trestleRule } from "../lib/rule";

export default trestleRule({
  name: "production-data-backups",
  description: "In production, the volumes of database services have a backup schedule (VOL-4).",
  enforcementLevel: "advisory",
  remediationSteps:
    "Leave `backups` unset in `trestle:postgres` / `trestle:redis` (production defaults to daily and weekly), or give the schedules you want, e.g. `backups: [daily, weekly, monthly]`.",
  validate(view, report) {
    if (!view.production) return;
    for (const service of view.services) {
      if (service.kind === "app") continue;
      for (const volume of service.volumes) {
        const backups = (volume.props as Record<string, unknown>).backups;
        if (!Array.isArray(backups) || !backups.length) {
          report(`${service.name}: \`${volume.name}\` holds production data and has no backup schedule`, volume, { name: service.name });
        }
      }
    }
  },
});
