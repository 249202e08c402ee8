// How a Trestle rule becomes a CrossGuard stack policy: a name, a one-sentence
// description, an enforcement level, remediation steps, and exemptions that
// must carry a written reason (the schema refuses one without).
import type { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { StackView } from "./stack-view";

export interface Exemption {
  /** The Trestle name of what is exempted: a service, a database, a resource name. */
  resource: string;
  /** One value within it (an origin, a variable name); all values when omitted. */
  value?: string;
  /** Why this is acceptable, at least 10 characters. */
  reason: string;
}

export interface RuleConfig {
  exemptions?: Exemption[];
}

export type Report = (message: string, resource: PolicyResource, subject: { name: string; value?: string }) => void;

export interface TrestleRule {
  name: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  remediationSteps: string;
  validate(view: StackView, report: Report): void;
}

export const MIN_REASON = 10;

export const EXEMPTIONS_SCHEMA = {
  properties: {
    exemptions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          resource: { type: "string", minLength: 1 },
          value: { type: "string" },
          reason: { type: "string", minLength: MIN_REASON },
        },
        required: ["resource", "reason"],
        additionalProperties: false,
      },
    },
  },
} as const;

function exempted(exemptions: Exemption[], subject: { name: string; value?: string }): boolean {
  return exemptions.some((e) => e.resource === subject.name && (e.value === undefined || e.value === subject.value));
}

/** The CrossGuard policy for a rule (used by the pack and by the offline evaluation alike). */
export function trestleRule(rule: TrestleRule): StackValidationPolicy & { remediationSteps: string; enforcementLevel: EnforcementLevel } {
  return {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    remediationSteps: rule.remediationSteps,
    configSchema: EXEMPTIONS_SCHEMA as unknown as StackValidationPolicy["configSchema"],
    validateStack: (args, reportViolation) => {
      const exemptions = args.getConfig<RuleConfig>().exemptions ?? [];
      rule.validate(new StackView(args.resources), (message, resource, subject) => {
        if (!exempted(exemptions, subject)) reportViolation(message, resource.urn);
      });
    },
  };
}
