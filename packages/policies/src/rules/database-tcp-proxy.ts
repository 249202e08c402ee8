import { trestleRule } from "../lib/rule";

export default trestleRule({
  name: "database-tcp-proxy",
  description: "In production, Postgres and Redis have no public TCP proxy unless exempted with a written reason.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `public: false` on the database; if a proxy is truly needed (a BI tool, a migration window), add a pack config exemption `{ resource: <database service>, reason: <why and until when> }` under `database-tcp-proxy`.",
  validate(view, report) {
    if (!view.production) return;
    for (const service of view.services) {
      if (service.kind === "app") continue;
      for (const proxy of service.proxies)
        report(`${service.name}: the production ${service.kind} is reachable from the internet through a TCP proxy`, proxy, {
          name: service.name,
        });
    }
  },
});
