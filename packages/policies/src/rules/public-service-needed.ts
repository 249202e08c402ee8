import { trestleRule } from "../lib/rule";
import { COMPONENT_TYPES, intentOf } from "@trestle/components/contract";
import { referencesIn } from "@trestle/railway/facts";

// Everything but what browsers reach stays off the public internet (the travel
// planner's guide: private networking for internal communication). A service
// whose public domain only other services of the stack use is public for no
// one: `private-service-calls` refuses those calls, and this rule says the
// domain itself can go. (A server-rendered app with no `cors` is public for
// browsers, which Trestle cannot see, so only calls from the stack count.)
export default trestleRule({
  name: "public-service-needed",
  description:
    "A service is not made public only so that other services of the stack can reach it: they use its private domain, and a public domain no browser needs is surface for nothing.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Remove `public: true` from the service, and point its callers at `http://${{<service>.RAILWAY_PRIVATE_DOMAIN}}:<port>`. If a browser or a third party (a webhook) does call it, exempt it with that reason.",
  validate(view, report) {
    for (const service of view.services) {
      if (service.kind !== "app") continue;
      const intent = intentOf(service.component, COMPONENT_TYPES.RailwayService);
      const publicDomain = service.domains.some((d) => d.type.endsWith(":ServiceDomain"));
      const custom = service.domains.some((d) => d.type.endsWith(":CustomDomain"));
      if (!publicDomain || custom || intent?.cors || intent?.frontend) continue;
      const callers = view.services.filter(
        (other) =>
          other !== service &&
          Object.values(other.plainVariables).some(
            (v) => typeof v === "string" && referencesIn(v).some((r) => r.owner === service.name && r.name === "RAILWAY_PUBLIC_DOMAIN"),
          ),
      );
      if (!callers.length) continue;
      report(
        `${service.name}: is public only for ${callers.map((c) => `\`${c.name}\``).join(", ")}, which can reach it privately; no browser needs its public domain`,
        service.component ?? service.resource,
        { name: service.name },
      );
    }
  },
});
