// The pack a team constructs in its own `policies/index.ts`, as `awsguard` is
// constructed: `new TrestlePolicies("trestle", { "cors-wildcard": "advisory" })`.
// Levels and exemptions given here apply under the CLI's own
// `--policy-pack-config` as well; exemptions from both are honoured, and one
// without a written reason is refused before the pack starts.
import { EnforcementLevel, PolicyPack, StackValidationPolicy } from "@pulumi/policy";
import { MIN_REASON } from "./lib/rule";
import { policies } from "./rules";

export type PackConfig = Record<string, EnforcementLevel | { enforcementLevel?: EnforcementLevel; [key: string]: unknown }>;

const LEVELS: EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** Problems in a pack config, as the CLI's schema check would find them. */
export function packConfigProblems(config: PackConfig): string[] {
  const names = new Set(policies.map((p) => p.name));
  const problems: string[] = [];
  for (const [name, value] of Object.entries(config)) {
    if (name !== "all" && !names.has(name)) {
      problems.push(`${name}: no such policy in the pack`);
      continue;
    }
    const level = typeof value === "string" ? value : value.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level))
      problems.push(`${name}.enforcementLevel: \`${level}\` is not one of ${LEVELS.join(", ")}`);
    if (typeof value === "string") continue;
    for (const key of Object.keys(value))
      if (key !== "enforcementLevel" && key !== "exemptions")
        problems.push(`${name}.${key}: unknown key; a policy takes \`enforcementLevel\` and \`exemptions\``);
    const exemptions = value.exemptions;
    if (exemptions === undefined) continue;
    if (!Array.isArray(exemptions)) {
      problems.push(`${name}.exemptions: give a list of { resource, value?, reason }`);
      continue;
    }
    exemptions.forEach((e: Record<string, unknown>, i: number) => {
      const at = `${name}.exemptions[${i}]`;
      if (typeof e?.resource !== "string" || !e.resource)
        problems.push(`${at}.resource: name what is exempted (a service, a database, a resource)`);
      if (typeof e?.reason !== "string" || e.reason.trim().length < MIN_REASON) {
        problems.push(`${at}.reason: an exemption needs a written reason of at least ${MIN_REASON} characters saying why it is acceptable`);
      }
      for (const key of Object.keys(e ?? {}))
        if (!["resource", "value", "reason"].includes(key)) problems.push(`${at}.${key}: unknown key`);
    });
  }
  return problems;
}

export class PackConfigError extends Error {
  constructor(readonly problems: string[]) {
    const message = `Invalid policy pack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`;
    super(message);
    this.message = message;
    this.name = "PackConfigError";
  }
}

type TrestlePolicy = StackValidationPolicy & { remediationSteps: string; enforcementLevel: EnforcementLevel };

/** A rule's level under a pack config: its own entry, else `all`, else the rule's default. One rule for the pack and the offline evaluation. */
export function levelOf(config: PackConfig, policy: { name: string; enforcementLevel: EnforcementLevel }): EnforcementLevel {
  const own = config[policy.name];
  const all = typeof config.all === "string" ? config.all : undefined;
  return (typeof own === "string" ? own : own?.enforcementLevel) ?? all ?? policy.enforcementLevel;
}

/** The pack's rules with a team's levels and exemptions applied. */
export function configuredPolicies(config: PackConfig = {}): TrestlePolicy[] {
  const problems = packConfigProblems(config);
  if (problems.length) throw new PackConfigError(problems);
  return (policies as TrestlePolicy[]).map((policy) => {
    const own = config[policy.name];
    const level = levelOf(config, policy);
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
