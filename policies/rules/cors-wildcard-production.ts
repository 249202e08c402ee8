import { trestleRule } from "../lib/rule";
import { parseOrigins } from "../lib/stack-view";

export default trestleRule({
  name: "cors-wildcard-production",
  description: "In production the API's CORS origins contain no wildcard host such as `https://*.vercel.app`, which any Vercel user can serve a page from.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Replace the wildcard with the exact origins of your frontend (its custom domains and `https://<project>.vercel.app`); for previews, give them a domain of your own (Vercel's preview deployment suffix) rather than all of vercel.app.",
  validate(view, report) {
    const api = view.api();
    if (!api || !view.production) return;
    for (const origin of parseOrigins(api.service.plainVariables[api.variable], api.format) ?? []) {
      if (origin !== "*" && origin.includes("*")) {
        report(`${api.service.name}: \`${origin}\` in \`${api.variable}\` lets any site on that domain call the production API`, api.service.variables ?? api.service.resource, { name: api.service.name, value: origin });
      }
    }
  },
});
