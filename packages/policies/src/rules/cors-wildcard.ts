import { trestleRule } from "../lib/rule";
import { parseOrigins } from "@trestle/components/contract";

export default trestleRule({
  name: "cors-wildcard",
  description: "Outside production, a wildcard CORS origin such as `https://*.vercel.app` is reported as a warning.",
  enforcementLevel: "advisory",
  remediationSteps: "Prefer the exact preview origins; a wildcard on a shared domain lets anyone hosting a page there call this API.",
  validate(view, report) {
    if (view.production) return;
    for (const { service, variable, format } of view.corsVariables()) {
      for (const origin of parseOrigins(service.plainVariables[variable], format) ?? []) {
        if (origin !== "*" && origin.includes("*")) {
          report(
            `${service.name}: \`${origin}\` in \`${variable}\` lets any site on that domain call the API`,
            service.variables ?? service.resource,
            { name: service.name, value: origin },
          );
        }
      }
    }
  },
});
