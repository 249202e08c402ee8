// The pack a team constructs in its own `policies/index.ts`, as `awsguard` is
// constructed: `new TrestlePolicies("trestle", { "cors-wildcard": "advisory" })`.
// Levels and exemptions given here apply under the CLI's own
// `--policy-pack-config` as well; exemptions from both are honoured, and one
// without a written reason is refused before the pack starts.
import { EnforcementLevel, PolicyPack, StackValidationPolicy } from "@pulumi/policy";
import { PackConfig, PackConfigError, packConfigProblems } from "./evaluate";
import { policies } from "./rules";

type TrestlePolicy = StackValidationPolicy & { remediationSteps: string; enforcementLevel: EnforcementLevel };

/** The pack's rules with a team's levels and exemptions applied. */
export function configuredPolicies(config: PackConfig = {}): TrestlePolicy[] {
  const problems = packConfigProblems(config);
  if (problems.length) throw new PackConfigError(problems);
  const all = typeof config.all === "string" ? config.all : undefined;
  return (policies as TrestlePolicy[]).map((policy) => {
    const own = config[policy.name];
    const level = (typeof own === "string" ? own : own?.enforcementLevel) ?? all ?? policy.enforcementLevel;
    const exemptions = typeof own === "object" ? ((own.exemptions as unknown[] | undefined) ?? []) : [];
    if (!exemptions.length) return { ...policy, enforcementLevel: level };
    return {
      ...policy,
      enforcementLevel: level,
      validateStack: (args, report) =>
        policy.validateStack(
          {
            ...args,
            getConfig: <T extends object>() => {
              const given = args.getConfig<{ exemptions?: unknown[] }>();
              return { ...given, exemptions: [...exemptions, ...(given.exemptions ?? [])] } as unknown as T;
            },
          },
          report,
        ),
    };
  });
}

/**
 * Trestle's policy pack. Constructing it starts the pack (as every
 * `PolicyPack` does), so construct it once, in the pack's `index.ts`.
 *
 * @example
 * new TrestlePolicies("trestle", {
 *   "cors-wildcard": "advisory",
 *   "database-tcp-proxy": { exemptions: [{ resource: "postgres", reason: "the analysts' BI tool connects over the proxy" }] },
 * });
 */
export class TrestlePolicies extends PolicyPack {
  constructor(name = "trestle", config: PackConfig = {}) {
    super(name, { policies: configuredPolicies(config) });
  }
}
