// What a change does to a stack, from two synths: resources added, removed,
// replaced or changed, and which properties changed. Secrets appear only as
// "changed", never with a value.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { PROVIDER_TYPES } from "@trestle/components";
import * as railway from "@trestle/railway";
import { canonical } from "@trestle/railway";
import { shortType } from "./report";
import type { SynthResource, SynthResult } from "./run";

export type ChangeKind = "add" | "remove" | "replace" | "update";

export interface ResourceChange {
  kind: ChangeKind;
  urn: string;
  name: string;
  type: string;
  /** Changed property paths, each with a readable before → after. */
  properties: { path: string; change: string }[];
  /**
   * The change deletes data: a project, an environment, a database's service
   * or a volume replaced or removed. `refused` says why `pulumi up` will not
   * do it as the stack stands (no opt-in, or protected).
   */
  destroysData?: { refused?: string };
}

const RAILWAY_PROVIDERS: Record<string, dynamic.ResourceProvider> = railway.railwayProviders;

/** Properties whose change replaces the resource, for providers Trestle does not implement. */
const REPLACE_ON: Record<string, string[]> = {
  [PROVIDER_TYPES.upstashRedis]: ["databaseName", "region", "primaryRegion"],
  [PROVIDER_TYPES.vercelProject]: ["teamId"],
  [PROVIDER_TYPES.vercelProjectDomain]: ["projectId", "domain", "teamId"],
  [PROVIDER_TYPES.vercelVariable]: ["projectId", "key", "teamId"],
  [PROVIDER_TYPES.vercelVariables]: ["projectId", "teamId"],
  [PROVIDER_TYPES.vercelRoute]: ["projectId", "teamId"],
  [PROVIDER_TYPES.randomPassword]: ["length", "special", "upper", "lower", "numeric", "overrideSpecial", "keepers"],
  [PROVIDER_TYPES.localCommand]: ["triggers"],
};

function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && "secret" in value;
}

/** Leaf values by dotted path; a secret is one leaf. */
function flatten(value: unknown, prefix = "", out: Record<string, unknown> = {}): Record<string, unknown> {
  if (
    isSecret(value) ||
    value === null ||
    typeof value !== "object" ||
    (Array.isArray(value) && value.every((v) => typeof v !== "object"))
  ) {
    if (prefix) out[prefix] = value;
    return out;
  }
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return "(none)";
  return `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
}

function propertyChanges(before: Record<string, unknown>, after: Record<string, unknown>): { path: string; change: string }[] {
  const a = flatten(before);
  const b = flatten(after);
  const paths = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return paths
    .filter((p) => canonical(a[p]) !== canonical(b[p]))
    .map((p) => ({
      path: p,
      change: isSecret(a[p]) || isSecret(b[p]) ? "changed (secret)" : `${show(a[p])} → ${show(b[p])}`,
    }));
}

/** Whether the change replaces the resource, and the provider's refusal when it holds data and nobody opted in. */
async function replaces(
  resource: SynthResource,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  changed: string[],
): Promise<{ replace: boolean; refused?: string }> {
  const match = /^pulumi-nodejs:dynamic\/railway:(\w+)$/.exec(resource.type);
  const provider = match ? RAILWAY_PROVIDERS[match[1]] : undefined;
  if (provider?.diff) {
    try {
      const diff = await provider.diff(resource.urn, before, after);
      return { replace: (diff.replaces ?? []).length > 0 };
    } catch (error) {
      if (error instanceof railway.DataLossRefusedError) return { replace: true, refused: error.message };
      throw error;
    }
  }
  const keys = REPLACE_ON[resource.type] ?? [];
  return { replace: changed.some((path) => keys.includes(path.split(".")[0])) };
}

const DATA_TYPES = new Set<string>([railway.RAILWAY_TYPES.Project, railway.RAILWAY_TYPES.Environment, railway.RAILWAY_TYPES.Volume]);

/** A Railway resource whose replacement or removal deletes data. */
function holdsData(resource: SynthResource): boolean {
  return DATA_TYPES.has(resource.type) || (resource.type === railway.RAILWAY_TYPES.Service && resource.inputs.holdsData === true);
}

/** `inputs` with every `«computed:<name>.…»` of a replaced resource made distinct: it gets a new value. */
function withNewComputed(inputs: Record<string, unknown>, replaced: Set<string>): Record<string, unknown> {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === "string")
      return value.replace(/«computed:([^.»]+)\.([^»]+)»/g, (token, name: string) =>
        replaced.has(name) ? `«new:${name}.${token.slice(10, -1).split(".").slice(1).join(".")}»` : token,
      );
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  return rewrite(inputs) as Record<string, unknown>;
}

export async function diffSynths(base: SynthResult, head: SynthResult): Promise<ResourceChange[]> {
  const before = new Map(base.resources.map((r) => [r.urn, r]));
  const after = new Map(head.resources.map((r) => [r.urn, r]));
  const changes = new Map<string, ResourceChange>();
  // A replaced resource gets new ids, so whatever reads them changes too, and
  // may be replaced in turn: repeat until nothing new is replaced.
  const replaced = new Set<string>();
  for (let round = 0; round < 10; round++) {
    const before_ = replaced.size;
    for (const r of head.resources) {
      const old = before.get(r.urn);
      if (!old) {
        changes.set(r.urn, { kind: "add", urn: r.urn, name: r.name, type: r.type, properties: [] });
        continue;
      }
      const inputs = withNewComputed(r.inputs, replaced);
      const properties = propertyChanges(old.inputs, inputs).map((p) =>
        /«new:/.test(p.change)
          ? {
              path: p.path,
              change: `known after ${[...new Set([...p.change.matchAll(/«new:([^.»]+)/g)].map((m) => m[1]))].join(", ")} is replaced`,
            }
          : p,
      );
      if (old.protect !== r.protect) properties.push({ path: "(protect)", change: `${old.protect} → ${r.protect}` });
      if (!properties.length) continue;
      const verdict = await replaces(
        r,
        old.inputs,
        inputs,
        properties.map((p) => p.path),
      );
      const kind = verdict.replace ? "replace" : "update";
      if (kind === "replace") replaced.add(r.name);
      const refused = verdict.refused ?? (old.protect ? "it is protected (`trestle:protect`)" : undefined);
      const data = kind === "replace" && holdsData(r) ? { destroysData: refused ? { refused } : {} } : {};
      changes.set(r.urn, { kind, urn: r.urn, name: r.name, type: r.type, properties, ...data });
    }
    if (replaced.size === before_) break;
  }
  const list = head.resources.map((r) => changes.get(r.urn)).filter((c): c is ResourceChange => c !== undefined);
  for (const r of base.resources) {
    if (after.has(r.urn)) continue;
    const data = holdsData(r)
      ? { destroysData: r.protect ? { refused: "it is protected (`trestle:protect`): `pulumi up` stops before deleting it" } : {} }
      : {};
    list.push({ kind: "remove", urn: r.urn, name: r.name, type: r.type, properties: [], ...data });
  }
  return list;
}

const SYMBOL: Record<ChangeKind, string> = { add: "+", remove: "-", replace: "±", update: "~" };

export function markdownDiff(stack: string, baseRef: string, changes: ResourceChange[], head: SynthResult): string {
  const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  const lines = [
    `### \`${stack}\`: ${count("add")} to add, ${count("update")} to change, ${count("replace")} to replace, ${count("remove")} to delete (against \`${baseRef}\`)`,
    "",
  ];
  if (head.configErrors.length) {
    lines.push("**Invalid configuration at this commit:**", "", ...head.configErrors.map((e) => `- ${e}`), "");
    return lines.join("\n");
  }
  const lost = changes.filter((c) => c.destroysData);
  if (lost.length) {
    lines.push("**⚠ Destroys data:**", "");
    for (const c of lost) {
      const how = c.kind === "remove" ? "deleted" : "replaced (a new, empty one)";
      const verdict = c.destroysData!.refused
        ? `refused by \`pulumi up\`: ${c.destroysData!.refused}`
        : "**allowed** (`trestle:allowReplace`, or nothing protects it): its data is lost";
      lines.push(`- ${c.name} (\`${shortType(c.type)}\`) is ${how}; ${verdict.replace(/\|/g, "\\|")}`);
    }
    lines.push("");
  }
  if (!changes.length) lines.push("No changes.", "");
  else {
    lines.push("| | resource | type | what changes |", "| --- | --- | --- | --- |");
    for (const c of changes) {
      const what = c.properties
        .map((p) => `\`${p.path}\`: ${p.change}`)
        .join("<br/>")
        .replace(/\|/g, "\\|");
      lines.push(`| ${SYMBOL[c.kind]} | ${c.name} | \`${shortType(c.type)}\` | ${what} |`);
    }
    lines.push("");
  }
  const { mandatory, advisory, violations } = head.policies;
  lines.push(`Policies at this commit: ${mandatory} mandatory, ${advisory} advisory.`);
  for (const v of violations) lines.push(`- **${v.enforcementLevel}** \`${v.policy}\`: ${v.message}`);
  lines.push("");
  return lines.join("\n");
}
