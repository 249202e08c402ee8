import { trestleRule } from "../lib/rule";
import { parseOrigins } from "../lib/stack-view";

export default trestleRule({
  name: "cors-wildcard",
  description: "Outside production, a wildcard CORS origin such as `https://*.vercel.app` is reported as a warning.",
  enforcementLevel: "advisory",
  remediationSteps: "Prefer the exact preview origins; a wildcard on a shared domain lets anyone hosting a page there call this API.",
  validate(view, report) {
    const api = view.api();
    if (!api || view.production) return;
    for (const origin of parseOrigins(api.service.plainVariables[api.variable], api.format) ?? []) {
      if (origin !== "*" && origin.includes("*")) {
        report(`${api.service.name}: \`${origin}\` in \`${api.variable}\` lets any site on that domain call the API`, api.service.variables ?? api.service.resource, { name: api.service.name, value: origin });
      }
    }
  },
});
