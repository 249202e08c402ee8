import { trestleRule } from "../lib/rule";

export const MAX_RETRIES = 10;

export default trestleRule({
  name: "restart-policy-bounded",
  description: `Services restart ON_FAILURE with at most ${MAX_RETRIES} retries (cron jobs may use NEVER), so a crash loop stops instead of running forever.`,
  enforcementLevel: "mandatory",
  remediationSteps: `Set \`restart: { policy: ON_FAILURE, maxRetries: 3 }\` (up to ${MAX_RETRIES}); a cron service may use \`policy: NEVER\`.`,
  validate(view, report) {
    for (const service of view.services) {
      const {
        restartPolicyType: policy,
        restartPolicyMaxRetries: retries,
        cronSchedule,
      } = service.resource.props as Record<string, unknown>;
      const subject = { name: service.name };
      if (policy === "NEVER" && cronSchedule) continue;
      if (policy !== "ON_FAILURE") {
        report(`${service.name}: restart policy is ${policy ?? "Railway's default (unset)"}, not ON_FAILURE`, service.resource, subject);
      } else if (typeof retries !== "number" || retries > MAX_RETRIES) {
        report(
          `${service.name}: ON_FAILURE restarts are ${typeof retries === "number" ? `bounded at ${retries}` : "unbounded"}; allow at most ${MAX_RETRIES}`,
          service.resource,
          subject,
        );
      }
    }
  },
});
