import { trestleRule } from "../lib/rule";
import { parseOrigins } from "@trestle/components/contract";

export default trestleRule({
  name: "cors-origins-from-frontend",
  description:
    "Every CORS origin of the API is one of the frontend's domains (or exempted with a reason), and the frontend's production domain is among them.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Let Trestle fill the CORS variable from the frontend's domains; for another trusted origin add a pack config exemption `{ resource: <service>, value: <origin>, reason: <why> }` under `cors-origins-from-frontend`.",
  validate(view, report) {
    const api = view.api();
    const frontend = view.frontend();
    if (!api || !frontend) return;
    const target = api.service.variables ?? api.service.resource;
    const origins = parseOrigins(api.service.plainVariables[api.variable], api.format);
    if (!origins) return; // cors-origins-absolute reports it
    for (const origin of origins) {
      if (origin.includes("*") || frontend.origins.includes(origin)) continue;
      report(
        `${api.service.name}: \`${origin}\` in \`${api.variable}\` is not a domain of the frontend (${frontend.origins.join(", ")})`,
        target,
        { name: api.service.name, value: origin },
      );
    }
    if (!origins.includes(frontend.productionOrigin)) {
      report(
        `${api.service.name}: the frontend's production origin \`${frontend.productionOrigin}\` is missing from \`${api.variable}\`, so the live site cannot call the API`,
        target,
        { name: api.service.name, value: frontend.productionOrigin },
      );
    }
  },
});
