// Evaluates the pack's rules offline, the way the Pulumi engine runs a stack
// policy: every resource with its outputs (secrets unwrapped, as policies see
// them), parent and dependencies, the pack config applied (enforcement levels,
// exemptions), and the same messages and levels. The offline synth and the
// tests call it; `pulumi preview --policy-pack policies` runs the same rules.
import type { EnforcementLevel, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { SECRET_SIG_KEY } from "@trestle/components/contract";
import { type Exemption, unknownExemptions } from "./lib/rule";
import { type PackConfig, PackConfigError, levelOf, packConfigProblems } from "./pack";

export { type PackConfig, PackConfigError, packConfigProblems } from "./pack";
import { policies } from "./rules";

/** Where a resource stands in a stack: what the engine identifies it by and what it depends on. */
export interface ResourcePlacement {
  urn: string;
  type: string;
  name: string;
  /** The parent's URN; empty for top-level resources. */
  parent: string;
  dependencies: string[];
  protect: boolean;
}

export interface EvaluatedResource extends ResourcePlacement {
  additionalSecretOutputs: string[];
  /** What the engine gives a stack policy: outputs (inputs plus what providers return). */
  props: Record<string, unknown>;
}

export interface PolicyViolation {
  policy: string;
  enforcementLevel: Exclude<EnforcementLevel, "disabled">;
  message: string;
  urn?: string;
  remediationSteps: string;
}

/** Policies see secrets as plain values (pulumi/pulumi-policy deserialize.ts). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (SECRET_SIG_KEY in record && "value" in record) return unwrapSecrets(record.value);
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

function toPolicyResources(resources: EvaluatedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) {
    byUrn.set(r.urn, {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: unwrapSecrets(r.props) as Record<string, unknown>,
      opts: {
        protect: r.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs,
        parent: r.parent || undefined,
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    } as PolicyResource);
  }
  for (const r of resources) {
    const resource = byUrn.get(r.urn)!;
    resource.parent = byUrn.get(r.parent);
    resource.dependencies = r.dependencies.map((urn) => byUrn.get(urn)).filter((d): d is PolicyResource => d !== undefined);
  }
  return [...byUrn.values()];
}

/** Runs every rule over the resources; throws `PackConfigError` for an invalid config. */
export function evaluatePolicies(resources: EvaluatedResource[], config: PackConfig = {}): PolicyViolation[] {
  const problems = packConfigProblems(config);
  for (const [name, value] of Object.entries(config)) {
    if (typeof value === "object" && Array.isArray(value.exemptions))
      problems.push(...unknownExemptions(name, value.exemptions as Exemption[], resources));
  }
  if (problems.length) throw new PackConfigError(problems);
  const policyResources = toPolicyResources(resources);
  const violations: PolicyViolation[] = [];
  for (const policy of policies as (StackValidationPolicy & { remediationSteps: string; enforcementLevel: EnforcementLevel })[]) {
    const own = config[policy.name];
    const ownConfig = typeof own === "object" ? own : {};
    const level = levelOf(config, policy);
    if (level === "disabled") continue;
    policy.validateStack(
      {
        resources: policyResources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({ exemptions: [], ...ownConfig }) as unknown as T,
        notApplicable: () => {
          throw new Error("not applicable");
        },
      },
      (message, urn) =>
        violations.push({
          policy: policy.name,
          enforcementLevel: level === "remediate" ? "mandatory" : level,
          message,
          urn,
          remediationSteps: policy.remediationSteps,
        }),
    );
  }
  return violations;
}
