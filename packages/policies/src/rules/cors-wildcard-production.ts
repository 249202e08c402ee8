import { trestleRule } from "../lib/rule";
import { parseOrigins } from "@trestle/components/contract";

export default trestleRule({
  name: "cors-wildcard-production",
  description:
    "In production and in a pull request's preview, no service's CORS origins (any CORS-looking variable) contain a wildcard host such as `https://*.vercel.app`, which any Vercel user can serve a page from.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Replace the wildcard with the exact origins of your frontend (its custom domains and `https://<project>.vercel.app`); for previews, give them a domain of your own (Vercel's preview deployment suffix) rather than all of vercel.app.",
  validate(view, report) {
    if (!view.production && !view.preview) return;
    const which = view.production ? "production" : "preview";
    for (const { service, variable, format } of view.corsVariables()) {
      for (const origin of parseOrigins(service.plainVariables[variable], format) ?? []) {
        if (origin !== "*" && origin.includes("*")) {
          report(
            `${service.name}: \`${origin}\` in \`${variable}\` lets any site on that domain call the ${which} API`,
            service.variables ?? service.resource,
            { name: service.name, value: origin },
          );
        }
      }
    }
  },
});
