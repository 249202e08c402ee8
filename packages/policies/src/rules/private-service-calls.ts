import { trestleRule } from "../lib/rule";
import { COMPONENT_TYPES, holdsOrigins, intentOf } from "@trestle/components/contract";
import { referencesIn, serviceReference } from "@trestle/railway/facts";
import type { ServiceView } from "../lib/stack-view";

// Seed 000 ("Use Railway's private networking for internal communication"),
// seed 003 ("Private networking between services"), seed 004 ("Redis
// accessible only within Railway project"): one service calls another of the
// same project over the private network, never over the other's public domain.
// Only a browser calls a public domain, so the frontend's variables may name one.

/** The custom domains of a service, as its CustomDomain resources declare them. */
function customHosts(service: ServiceView): string[] {
  return service.domains.map((d) => d.props.domain).filter((d): d is string => typeof d === "string");
}

const isFrontend = (service: ServiceView) => intentOf(service.component, COMPONENT_TYPES.RailwayService)?.frontend === true;

export default trestleRule({
  name: "private-service-calls",
  description:
    "A service calls another service of the stack over the private network (`${{<service>.RAILWAY_PRIVATE_DOMAIN}}`), never over its public domain or custom domain; only the frontend, which browsers load, names a public one.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Point the variable at `http://${{<service>.RAILWAY_PRIVATE_DOMAIN}}:<port>` (its private host, SVC-8): private traffic stays inside Railway, skips the public edge and costs no egress.",
  validate(view, report) {
    for (const caller of view.services) {
      if (caller.kind !== "app" || isFrontend(caller) || !caller.variables) continue;
      for (const [name, value] of Object.entries(caller.plainVariables)) {
        if (typeof value !== "string" || holdsOrigins(name, value)) continue; // CORS origins name browsers' sites, not calls
        for (const ref of referencesIn(value)) {
          const callee = view.services.find((s) => s.name === ref.owner);
          if (callee && callee !== caller && ref.name === "RAILWAY_PUBLIC_DOMAIN") {
            report(
              `${caller.name}: \`${name}\` calls \`${callee.name}\` over its public domain (\`${ref.text}\`); use its private one, \`http://${serviceReference(callee.name, "RAILWAY_PRIVATE_DOMAIN")}:<port>\``,
              caller.variables,
              { name: caller.name, value: name },
            );
          }
        }
        for (const callee of view.services.filter((s) => s !== caller)) {
          const host = customHosts(callee).find((h) => new RegExp(`(^|[/@.])${h.replace(/\./g, "\\.")}(?=$|[:/])`, "i").test(value));
          if (host) {
            report(
              `${caller.name}: \`${name}\` calls \`${callee.name}\` at its custom domain \`${host}\`; use its private one, \`http://${serviceReference(callee.name, "RAILWAY_PRIVATE_DOMAIN")}:<port>\``,
              caller.variables,
              { name: caller.name, value: name },
            );
          }
        }
      }
    }
  },
});
