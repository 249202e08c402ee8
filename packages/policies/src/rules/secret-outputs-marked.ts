import type { PolicyResource } from "@pulumi/policy";
import { trestleRule } from "../lib/rule";
import { TYPES } from "@trestle/components/contract";

/** Outputs that carry credentials in plain text unless marked secret. */
const REQUIRED: Record<string, (r: PolicyResource) => string[]> = {
  [TYPES.upstashRedis]: () => ["password", "restToken", "readOnlyRestToken"],
  [TYPES.railwayVariables]: (r) => (r.props.secretVariables && Object.keys(r.props.secretVariables).length ? ["secretVariables"] : []),
  [TYPES.railwayService]: (r) => (r.props.registryCredentials ? ["registryCredentials"] : []),
};

export default trestleRule({
  name: "secret-outputs-marked",
  description:
    "Credentials a provider returns in plain text (Upstash passwords and REST tokens, Railway secret variables, registry credentials) are marked as secret outputs.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Add the output names to the resource's `additionalSecretOutputs` option (Trestle's components do), so Pulumi encrypts them in state.",
  validate(view, report) {
    for (const resource of view.resources) {
      const required = REQUIRED[resource.type]?.(resource) ?? [];
      const missing = required.filter((output) => !resource.opts.additionalSecretOutputs?.includes(output));
      if (missing.length) {
        report(`${resource.name}: ${missing.map((m) => `\`${m}\``).join(", ")} would be stored in plain text in state`, resource, {
          name: resource.name,
        });
      }
    }
  },
});
