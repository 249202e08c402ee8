import { trestleRule } from "../lib/rule";
import { TYPES } from "@trestle/components/contract";

export default trestleRule({
  name: "production-data-protected",
  description: "In production, database services, their volumes, storage buckets and Upstash databases are protected from deletion.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `trestle:protect: true` (the default in production), which marks them `protect: true`; unprotect deliberately before a planned removal.",
  validate(view, report) {
    if (!view.production) return;
    for (const service of view.services) {
      if (service.kind === "app" || service.kind === "pooler") continue;
      for (const resource of [service.resource, ...service.volumes]) {
        if (!resource.opts.protect)
          report(`${service.name}: \`${resource.name}\` holds production data and is not protected from deletion`, resource, {
            name: service.name,
          });
      }
    }
    // BKT-4: deleting a bucket deletes its objects.
    for (const bucket of view.ofType(TYPES.bucket)) {
      const name = String(bucket.props.name ?? bucket.name);
      if (!bucket.opts.protect) report(`${name}: the production storage bucket is not protected from deletion`, bucket, { name });
    }
    for (const db of view.ofType(TYPES.upstashRedis)) {
      if (!db.opts.protect) report(`${db.name}: the production Upstash database is not protected from deletion`, db, { name: db.name });
    }
  },
});
