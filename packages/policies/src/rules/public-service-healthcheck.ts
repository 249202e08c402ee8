import { trestleRule } from "../lib/rule";

export default trestleRule({
  name: "public-service-healthcheck",
  description: "Every public web service has a health-check path, so Railway only routes traffic to a deploy that answers.",
  enforcementLevel: "mandatory",
  remediationSteps: "Add `healthcheck: { path: /health }` to the service (an endpoint that checks its dependencies and answers 200).",
  validate(view, report) {
    for (const service of view.services) {
      if (service.kind !== "app" || !service.domains.length) continue;
      if (!service.resource.props.healthcheckPath)
        report(`${service.name}: the service is public but has no health-check path`, service.resource, { name: service.name });
    }
  },
});
