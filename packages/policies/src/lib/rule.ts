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

/**
 * An exemption's `resource` that names nothing in the stack (a typo, a renamed
 * service) would waive nothing, silently: each is a problem naming what it could name.
 */
export function unknownExemptions(
  policy: string,
  exemptions: readonly Exemption[],
  resources: readonly { name: string; type: string; props?: Record<string, unknown> }[],
): string[] {
  // What a violation can name: a resource, a Railway service by its own name (`Redis`), or the frontend.
  const railwayNames = resources.flatMap((r) => [r.props?.name, r.props?.serviceName]).filter((n): n is string => typeof n === "string");
  const known = new Set([...resources.map((r) => r.name), ...railwayNames, "frontend"]);
  const components = [...new Set([...resources.filter((r) => r.type.startsWith("trestle:")).map((r) => r.name), "frontend"])].sort();
  return exemptions
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => typeof e?.resource === "string" && !known.has(e.resource))
    .map(
      ({ e, i }) =>
        `${policy}.exemptions[${i}].resource: \`${e.resource}\` is nothing in this stack, so it waives nothing; name one of ${components.map((n) => `\`${n}\``).join(", ")} (or a resource the violation names)`,
    );
}

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
      for (const problem of unknownExemptions(rule.name, exemptions, args.resources)) reportViolation(problem);
      rule.validate(new StackView(args.resources), (message, resource, subject) => {
        if (!exempted(exemptions, subject)) reportViolation(message, resource.urn);
      });
    },
  };
}
