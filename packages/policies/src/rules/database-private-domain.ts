import { trestleRule } from "../lib/rule";

export default trestleRule({
  name: "database-private-domain",
  description: "Postgres and Redis services on Railway have no public or custom domain.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Remove the domain: services reach the database over Railway's private network (`${{Postgres.DATABASE_URL}}`); for admin access use `railway connect` or a TCP proxy you exempt explicitly.",
  validate(view, report) {
    for (const service of view.services) {
      if (service.kind === "app") continue;
      for (const domain of service.domains)
        report(`${service.name}: the ${service.kind} service has a public domain (${domain.name})`, domain, { name: service.name });
    }
  },
});
