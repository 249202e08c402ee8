import { trestleRule } from "../lib/rule";
import { isLoopbackOrigin, parseOrigins } from "@trestle/components/contract";

const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i;

export default trestleRule({
  name: "cors-origins-absolute",
  description:
    "The API's CORS variable exists, and every CORS-looking variable of every service lists absolute origins only, never `*`, and in production only https origins that are not localhost.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "List each allowed origin as scheme://host[:port] with no path or trailing slash (e.g. `https://app.example.com`) in the service's `cors` (the frontend's domains are added for you); never use `*`; in production use https and remove localhost.",
  validate(view, report) {
    const api = view.api();
    if (api && !(api.variable in api.service.plainVariables)) {
      report(
        `${api.service.name}: the CORS variable \`${api.variable}\` is not set, so the API's allowed origins are undefined`,
        api.service.variables ?? api.service.resource,
        { name: api.service.name },
      );
    }
    // Every CORS-looking variable of every service, not only the one marked `cors`.
    for (const { service, variable, format } of view.corsVariables()) {
      const subject = (value?: string) => ({ name: service.name, value });
      const target = service.variables ?? service.resource;
      const origins = parseOrigins(service.plainVariables[variable], format);
      if (!origins) {
        report(
          `${service.name}: \`${variable}\` is not a ${format === "json" ? "JSON array of strings" : "comma-separated list"} of origins`,
          target,
          subject(),
        );
        continue;
      }
      if (!origins.length)
        report(`${service.name}: \`${variable}\` lists no origin, so browsers can call the API from nowhere`, target, subject());
      for (const origin of origins) {
        if (origin === "*") {
          report(
            `${service.name}: \`${variable}\` allows \`*\`, so any website can call the API with its users' browsers`,
            target,
            subject(origin),
          );
        } else if (!ORIGIN.test(origin)) {
          report(
            `${service.name}: \`${origin}\` in \`${variable}\` is not an absolute origin (scheme://host[:port], no path or trailing slash)`,
            target,
            subject(origin),
          );
        } else if (view.production && origin.startsWith("http://")) {
          report(`${service.name}: \`${origin}\` in \`${variable}\` is plain http in production; use https`, target, subject(origin));
        } else if (view.production && isLoopbackOrigin(origin)) {
          report(`${service.name}: \`${origin}\` in \`${variable}\` is localhost in production`, target, subject(origin));
        }
      }
    }
  },
});
