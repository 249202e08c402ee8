// The synth's readable report: a resource table, a Mermaid architecture diagram
// (services, databases, frontend, who connects to whom), and the policy results.
import { escLine } from "./esc";
import { COMPONENT_TYPES, COMPONENT_TYPE_PREFIX, ComponentIntents, PROVIDER_TYPES, intentOf } from "@trestle/components";
import { RAILWAY_TYPES, referencesIn } from "@trestle/railway";
import type { SynthResource, SynthResult } from "./run";

const SHORT_TYPE: [RegExp, string][] = [
  [/^pulumi-nodejs:dynamic\/railway:/, "railway:"],
  [/^trestle:index:/, "trestle:"],
  [/^vercel:index\/[a-zA-Z]+:/, "vercel:"],
  [/^upstash:index\/[a-zA-Z]+:/, "upstash:"],
  [/^random:index\/[a-zA-Z]+:/, "random:"],
  [/^docker:index\/[a-zA-Z]+:/, "docker:"],
  [/^command:local:/, "command:"],
];

export function shortType(type: string): string {
  for (const [pattern, prefix] of SHORT_TYPE) if (pattern.test(type)) return type.replace(pattern, prefix);
  return type;
}

function nameOf(result: SynthResult, urn: string): string {
  return result.resources.find((r) => r.urn === urn)?.name ?? "";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A node id Mermaid cannot mistake for a keyword (`end`, `graph`). */
function mermaidId(name: string): string {
  return `n_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

interface Node {
  id: string;
  label: string;
  shape: "service" | "database" | "frontend" | "external";
}

/** The architecture: who talks to whom, read from the components and their variables. */
export function architecture(result: SynthResult): { nodes: Node[]; edges: [string, string, string][] } {
  const nodes: Node[] = [{ id: "n_users", label: "Users", shape: "external" }];
  const edges: [string, string, string][] = [];
  const components = result.resources.filter((r) => r.type.startsWith(COMPONENT_TYPE_PREFIX));
  const byServiceName = new Map<string, string>();
  const variablesOf = (component: SynthResource) =>
    result.resources.find((r) => r.type === RAILWAY_TYPES.Variables && r.parent === component.urn)?.inputs ?? {};

  /** A component's recorded intent, typed by its component (the synth keeps inputs as the engine records them). */
  const intent = <T extends keyof ComponentIntents>(c: SynthResource, type: T) => intentOf({ type: c.type, props: c.inputs }, type);
  const apiOf = () => components.find((s) => intent(s, COMPONENT_TYPES.RailwayService)?.cors);

  for (const c of components) {
    const id = mermaidId(c.name);
    const postgres = intent(c, COMPONENT_TYPES.PostgresDb);
    const redis = intent(c, COMPONENT_TYPES.RedisCache);
    const frontend = intent(c, COMPONENT_TYPES.VercelFrontend);
    const service = intent(c, COMPONENT_TYPES.RailwayService);
    if (postgres)
      nodes.push({ id, label: `${postgres.serviceName ?? "Postgres"}<br/>PostgreSQL ${postgres.version ?? ""}`, shape: "database" });
    else if (redis)
      nodes.push({
        id,
        label: `${redis.serviceName ?? "Redis"}<br/>${redis.provider === "upstash" ? "Upstash Redis (TLS)" : "Redis"} · ${redis.use}`,
        shape: "database",
      });
    else if (frontend) nodes.push({ id, label: `${frontend.projectName}<br/>Vercel`, shape: "frontend" });
    else if (service)
      nodes.push({
        id,
        label: `${service.serviceName}<br/>Railway${service.cron ? " cron" : ""}`,
        shape: service.frontend ? "frontend" : "service",
      });
    const serviceName = (postgres ?? redis ?? service)?.serviceName;
    if (typeof serviceName === "string") byServiceName.set(serviceName, id);
  }
  const upstash = components.find((c) => intent(c, COMPONENT_TYPES.RedisCache)?.provider === "upstash");

  for (const c of components) {
    const id = mermaidId(c.name);
    if (c.type === COMPONENT_TYPES.VercelFrontend) {
      edges.push(["n_users", id, "HTTPS"]);
      const env = result.resources.find((r) => r.type === PROVIDER_TYPES.vercelVariables && r.parent === c.urn);
      const api = apiOf();
      if (env && api) edges.push([id, mermaidId(api.name), "API (HTTPS)"]);
      continue;
    }
    const service = intent(c, COMPONENT_TYPES.RailwayService);
    if (!service) continue;
    if (service.public) edges.push(["n_users", id, "HTTPS"]);
    const variables = variablesOf(c) as { variables?: Record<string, unknown>; secretVariables?: unknown };
    const owners = new Set(
      Object.values((variables.variables ?? {}) as Record<string, unknown>).flatMap((v) =>
        typeof v === "string" ? referencesIn(v).map((r) => r.owner) : [],
      ),
    );
    for (const [serviceName, target] of byServiceName) {
      if (target !== id && owners.has(serviceName)) edges.push([id, target, "private network"]);
    }
    // An Upstash URL is a secret variable; the dependency shows the connection.
    const vars = result.resources.find((r) => r.type === RAILWAY_TYPES.Variables && r.parent === c.urn);
    if (
      upstash &&
      vars?.dependencies.some((d) => d.startsWith(upstash.urn) || result.resources.find((r) => r.urn === d)?.parent === upstash.urn)
    ) {
      edges.push([id, mermaidId(upstash.name), "TLS"]);
    }
    if (service.frontend) {
      const api = apiOf();
      if (api) edges.push([id, mermaidId(api.name), "API (HTTPS)"]);
    }
  }
  const seen = new Set<string>();
  return { nodes, edges: edges.filter((e) => !seen.has(e.join()) && seen.add(e.join())) };
}

export function mermaid(result: SynthResult): string {
  const { nodes, edges } = architecture(result);
  const shape = (n: Node) =>
    n.shape === "database"
      ? `${n.id}[("${n.label}")]`
      : n.shape === "frontend"
        ? `${n.id}(["${n.label}"])`
        : n.shape === "external"
          ? `${n.id}(("${n.label}"))`
          : `${n.id}["${n.label}"]`;
  return [
    "```mermaid",
    "flowchart LR",
    ...nodes.map((n) => `  ${shape(n)}`),
    ...edges.map(([a, b, label]) => `  ${a} -->|"${label}"| ${b}`),
    "```",
  ].join("\n");
}

export function policyTable(result: SynthResult): string {
  const { violations } = result.policies;
  if (!violations.length) return "No policy violations.";
  return [
    "| level | policy | resource | setting | message | fix |",
    "| --- | --- | --- | --- | --- | --- |",
    ...violations.map(
      (v) =>
        `| ${v.enforcementLevel} | \`${v.policy}\` | ${cell(v.urn ? nameOf(result, v.urn) : "")} | ${v.where ? `\`${v.where}\`` : ""} | ${cell(v.message)} | ${cell(v.remediationSteps)} |`,
    ),
  ].join("\n");
}

/** Per Railway service, the vCPUs and memory each replica may use (LIM-1), when the stack sets any. */
function sizing(result: SynthResult): string[] {
  const services = result.resources.filter((r) => r.type.endsWith("railway:Service"));
  const limit = (r: (typeof services)[number], key: string) => (typeof r.inputs[key] === "number" ? String(r.inputs[key]) : "plan default");
  if (!services.some((r) => r.inputs.vcpus !== undefined || r.inputs.memoryGB !== undefined)) return [];
  return [
    "## Sizing",
    "",
    "Per replica, applied by the next deployment. A limit removed from the config stays as Railway has it (LIM-2).",
    "",
    "| service | vCPUs | memory (GB) |",
    "| --- | ---: | ---: |",
    ...services.map((r) => `| ${cell(String(r.inputs.name ?? r.name))} | ${limit(r, "vcpus")} | ${limit(r, "memoryGB")} |`),
    "",
  ];
}

/** A value as a reviewer reads it: computed values say so, lists are joined. */
function shown(value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  if (Array.isArray(value)) return value.map(shown).join(" ");
  if (typeof value === "object") return isFingerprint(value) ? "(secret)" : JSON.stringify(value);
  return String(value);
}
const isFingerprint = (value: object) => Object.keys(value).length === 1 && "secret" in value;

/**
 * What a reviewer checks, in one place: each service's source, start command,
 * replicas, cron and health check; what the API lets browsers call it from and
 * where the frontend calls it; each database's settings and backups.
 */
function reviewed(result: SynthResult): string[] {
  const railwayOf = (kind: string) => result.resources.filter((r) => r.type === `pulumi-nodejs:dynamic/railway:${kind}`);
  const services = railwayOf("Service");
  if (!services.length) return [];
  const ofService = (kind: string, name: string) => railwayOf(kind).filter((x) => x.inputs.serviceId === `«computed:${name}.serviceId»`);
  const lines = [
    "## What it deploys",
    "",
    "| service | source | start | replicas | cron | health check | public at |",
    "| --- | --- | --- | ---: | --- | --- | --- |",
    ...services.map((r) => {
      const i = r.inputs;
      const source = i.image
        ? `image \`${shown(i.image)}\``
        : i.repo
          ? `\`${shown(i.repo)}\`@${shown(i.branch ?? "main")}${i.rootDirectory ? ` /${shown(i.rootDirectory)}` : ""}`
          : "";
      const domains = [
        ...ofService("CustomDomain", r.name).map((d) => shown(d.inputs.domain)),
        ...(ofService("ServiceDomain", r.name).length ? ["*.up.railway.app"] : []),
      ];
      return `| ${cell(shown(i.name ?? r.name))} | ${cell(source)} | ${cell(shown(i.startCommand))} | ${shown(i.replicas ?? 1)} | ${cell(shown(i.cronSchedule))} | ${cell(shown(i.healthcheckPath))} | ${cell(domains.join(", "))} |`;
    }),
    "",
  ];
  const api = result.resources.find((r) => r.type === COMPONENT_TYPES.RailwayService && r.inputs.cors);
  const frontend = result.resources.find((r) => r.type === COMPONENT_TYPES.VercelFrontend || r.type === COMPONENT_TYPES.VercelPreview);
  const apiUrl = result.outputs.apiUrl;
  if (api || frontend) {
    lines.push("| the API | accepts browsers from (CORS) | the frontend calls it at |", "| --- | --- | --- |");
    lines.push(
      `| ${cell(api?.name ?? "")} | ${cell(shown((api?.inputs.cors as { origins?: unknown } | undefined)?.origins ?? frontend?.inputs.origins))} | ${cell(shown(apiUrl))} |`,
      "",
    );
  }
  const databases = result.resources.filter((r) => r.type === COMPONENT_TYPES.PostgresDb || r.type === COMPONENT_TYPES.RedisCache);
  const buckets = result.resources.filter((r) => r.type === COMPONENT_TYPES.StorageBucket);
  if (databases.length || buckets.length) {
    lines.push("| database | engine | settings | backups |", "| --- | --- | --- | --- |");
    for (const db of databases) {
      const volume = railwayOf("Volume").find((v) => v.name === `${db.name}-data`);
      const settings =
        db.type === COMPONENT_TYPES.RedisCache
          ? [`use ${shown(db.inputs.use)}`, db.inputs.evictionPolicy ? `maxmemory-policy ${shown(db.inputs.evictionPolicy)}` : ""]
              .filter(Boolean)
              .join(", ")
          : [`version ${shown(db.inputs.version)}`, db.inputs.pgbouncer ? `PgBouncer (${shown(db.inputs.pgbouncer)} pooling)` : ""]
              .filter(Boolean)
              .join(", ");
      const start = railwayOf("Service").find((s) => s.name === db.name)?.inputs.startCommand;
      const flags =
        typeof start === "string"
          ? [...start.matchAll(/(?:-c |--)([a-z_-]+)[ =](\S+)/g)]
              .map((m) => `${m[1]}=${m[2].replace(/["']/g, "")}`)
              .slice(0, 8)
              .join(", ")
          : "";
      lines.push(
        `| ${cell(db.name)} | ${db.type === COMPONENT_TYPES.PostgresDb ? "Postgres" : "Redis"} | ${cell([settings, flags].filter(Boolean).join("; "))} | ${cell(volume ? shown(volume.inputs.backups) || "none" : "no volume")} |`,
      );
    }
    for (const bucket of buckets) {
      lines.push(
        `| ${cell(bucket.name)} | storage bucket | region ${shown(bucket.inputs.region)} | none (Railway keeps no bucket backups) |`,
      );
    }
    lines.push("");
  }
  return lines;
}

/** Which secret variables each service and the frontend get: names, so a reader can check where a key went; never values. */
function secretVariables(result: SynthResult): string[] {
  if (!result.secretVariables?.length) return [];
  return [
    "## Secret variables (names only)",
    "",
    "| service or frontend | on | secret variables |",
    "| --- | --- | --- |",
    ...result.secretVariables.map(
      (s) => `| ${cell(s.owner)} | ${s.platform === "railway" ? "Railway" : "Vercel"} | ${s.names.map((n) => `\`${n}\``).join(", ")} |`,
    ),
    "",
  ];
}

/**
 * At the top: what this stack lets its next update replace (`trestle:allowReplace`),
 * deleting the data it holds. The PR diff says which change would do it.
 */
function replaceable(result: SynthResult): string[] {
  const allowed = result.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/railway:") && r.inputs.allowReplace === true);
  if (!allowed.length) return [];
  return [
    "## ⚠ Destroys data if replaced",
    "",
    `\`trestle:allowReplace\` lets the next \`pulumi up\` replace ${allowed.map((r) => `${r.name} (\`${shortType(r.type)}\`)`).join(", ")}: a replacement deletes what it holds. Remove the setting after that update.`,
    "",
  ];
}

/** Every waiver the stack file writes, with its reason: what a reviewer must agree to. */
function waivers(result: SynthResult): string[] {
  const waived = result.resources
    .filter((r) => r.type === COMPONENT_TYPES.PostgresDb || r.type === COMPONENT_TYPES.RedisCache)
    .filter((r) => typeof r.inputs.backupsWaiver === "string");
  if (!waived.length) return [];
  return [
    "## Waivers",
    "",
    "| what | waived | why (from the stack file) |",
    "| --- | --- | --- |",
    ...waived.map(
      (r) => `| ${cell(r.name)} | production backups (\`production-data-backups\`) | ${cell(String(r.inputs.backupsWaiver))} |`,
    ),
    "",
  ];
}

export function markdownReport(result: SynthResult): string {
  const lines = [
    `# Trestle synth: \`${result.stack}\``,
    "",
    `Project \`${result.project}\`, config \`${result.config}\`. Offline: values only a provider knows are shown as \`«computed:…»\`; secrets as fingerprints, never their values.`,
    "",
  ];
  if (result.configErrors.length) {
    lines.push("## Invalid configuration", "", ...result.configErrors.map((e) => `- ${e}`), "");
    return lines.join("\n");
  }
  if (result.environments) lines.push(escLine(result.environments), "");
  lines.push(...replaceable(result), ...waivers(result), ...reviewed(result));
  lines.push(
    `## Policies: ${result.policies.mandatory} mandatory, ${result.policies.advisory} advisory`,
    "",
    policyTable(result),
    "",
    "## Architecture",
    "",
    mermaid(result),
    "",
    `## Resources (${result.resources.length})`,
    "",
    "| resource | type | parent | depends on | protected |",
    "| --- | --- | --- | --- | --- |",
    ...result.resources.map(
      (r) =>
        `| ${cell(r.name)} | \`${shortType(r.type)}\` | ${cell(nameOf(result, r.parent))} | ${cell(
          r.dependencies
            .map((d) => nameOf(result, d))
            .filter(Boolean)
            .join(", "),
        )} | ${r.protect ? "yes" : ""} |`,
    ),
    "",
    ...sizing(result),
    ...secretVariables(result),
    "## Outputs",
    "",
    "```json",
    JSON.stringify(result.outputs, null, 2),
    "```",
    "",
  );
  return lines.join("\n");
}
