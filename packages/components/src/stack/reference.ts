// The configuration reference, generated from the stack schema itself (its
// JSON Schema, zod's `toJSONSchema`), so it cannot fall behind the code:
// `npm run docs:config` writes docs/configuration.md, and a test fails when the
// file differs from what this produces or when a setting has no description.
import { z } from "zod";
import { NAMESPACE, stackSchema } from "./schema";

interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
}

export interface ReferenceRow {
  /** `services.<name>.healthcheck.path` */
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description?: string;
}

/** The stack schema as JSON Schema (what editors can use for completion, too). */
export function stackJsonSchema(): JsonSchema {
  return z.toJSONSchema(stackSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v).replace(/"/g, "")}\``).join(" | ");
  if (schema.const !== undefined) return `\`${String(schema.const)}\``;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(" or ");
  if (schema.type === "array") return `list of ${schema.items ? typeOf(schema.items) : "values"}`;
  if (schema.type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object" && !schema.properties)
    return `map of ${typeOf(schema.additionalProperties)}`;
  const type = Array.isArray(schema.type) ? schema.type.join(" or ") : (schema.type ?? "any");
  if (type === "integer" && schema.minimum !== undefined)
    return schema.maximum === undefined || schema.maximum >= Number.MAX_SAFE_INTEGER
      ? `integer ≥ ${schema.minimum}`
      : `integer ${schema.minimum}–${schema.maximum}`;
  return type;
}

/** A schema whose leaves are settings of their own (objects with properties; maps of objects). */
function children(schema: JsonSchema): [string, JsonSchema, boolean][] {
  if (schema.properties) return Object.entries(schema.properties).map(([k, v]) => [k, v, schema.required?.includes(k) ?? false]);
  if (schema.type === "object" && typeof schema.additionalProperties === "object" && schema.additionalProperties.properties) {
    return [["<name>", schema.additionalProperties, true]];
  }
  return [];
}

/** Every setting, depth first, in the schema's order. */
export function referenceRows(): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const walk = (schema: JsonSchema, path: string, required: boolean) => {
    // A Railway frontend's `service` is a service like the others: one reference for both.
    if (path === "frontend.service") {
      rows.push({
        path,
        type: "object",
        required,
        description:
          "With `platform: railway`: the service that runs the frontend, with every setting of `services.<name>` (its `source` required).",
      });
      return;
    }
    const nested = children(schema);
    const description = schema.description ?? (path.endsWith(".<name>") ? "Each entry, under a name you choose." : undefined);
    rows.push({
      path,
      type: nested.length && schema.properties ? "object" : nested.length ? "map of objects" : typeOf(schema),
      required,
      default: schema.default,
      description,
    });
    for (const [key, child, childRequired] of nested) walk(child, `${path}.${key}`, childRequired);
  };
  for (const [key, child, required] of children(stackJsonSchema())) walk(child, key, required);
  return rows;
}

/** A description's own text and the `@default` it ends with, if any. */
function splitDefault(description = ""): { text: string; fallback?: string } {
  const at = description.indexOf("@default");
  return at < 0
    ? { text: description }
    : { text: description.slice(0, at).trim(), fallback: description.slice(at + "@default".length).trim() };
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** docs/configuration.md */
export function configurationReference(): string {
  const rows = referenceRows();
  const sections = new Map<string, ReferenceRow[]>();
  for (const row of rows) {
    const top = row.path.split(".")[0];
    sections.set(top, [...(sections.get(top) ?? []), row]);
  }
  const lines = [
    "# Configuration reference",
    "",
    "<!-- Generated from the stack schema (packages/components/src/stack/schema.ts) by `npm run docs:config`; a test fails when it is stale. Do not edit by hand. -->",
    "",
    `A stack file (\`Pulumi.<stack>.yaml\`) holds a stack's whole architecture under the \`${NAMESPACE}:\` namespace, one key per row of the first table below. \`trestle synth\` checks all of it and names every problem with its path (\`services.api.port: …\`).`,
    "Stack secrets are not here: they live in the project's own namespace (\`pulumi config set --secret <key>\` or \`trestle secret set <key>\`), and settings below name them (\`secrets: { SERPAPI_KEY: serpapiKey }\`).",
    "",
    "`<name>` stands for a name you choose (a service, a variable). A setting with a default may be left out.",
    "",
  ];
  for (const [top, section] of sections) {
    const [head, ...rest] = section;
    const own = splitDefault(head.description);
    const headDefault = head.default !== undefined ? `\`${JSON.stringify(head.default)}\`` : own.fallback;
    lines.push(`## \`${NAMESPACE}:${top}\``, "", own.text, "");
    lines.push(`Type: ${head.type}${head.required ? ", required" : ""}${headDefault ? `; default ${headDefault}` : ""}.`, "");
    if (rest.length) {
      lines.push("| setting | type | default | what it does |", "| --- | --- | --- | --- |");
      for (const row of rest) {
        const where = row.path.split(".").slice(1).join(".");
        const { text, fallback: documented } = splitDefault(row.description);
        const fallback = row.default !== undefined ? `\`${JSON.stringify(row.default)}\`` : row.required ? "required" : (documented ?? "");
        lines.push(`| \`${where}\` | ${cell(row.type)} | ${cell(fallback)} | ${cell(text)} |`);
      }
      lines.push("");
    }
  }
  lines.push(
    "## In the project's namespace",
    "",
    "Set with `pulumi config set` (`--secret` for secrets) or `trestle secret set`, without a namespace: the Railway providers and the stack program read them in the project's own namespace, the one `Pulumi.yaml` can declare.",
    "",
    "| key | what it does |",
    "| --- | --- |",
    "| `railwayToken` (secret) | The Railway API token; `RAILWAY_API_TOKEN` or `RAILWAY_TOKEN` in the environment work as well. |",
    "| `railwayTokenKind` | `account` (an account or workspace token, the default) or `project` (a project token, which can neither create projects nor environments). |",
    "| `railwayPlan` | `free`, `hobby` (the default) or `pro`: paces Trestle's requests to the plan's hourly budget and bounds `replicas` and `limits`. |",
    "| any stack secret (secret) | The value a `secrets` map names, e.g. `serpapiKey` for `secrets: { SERPAPI_KEY: serpapiKey }`. |",
    "",
  );
  return `${lines.join("\n").trimEnd()}\n`;
}

/**
 * A JSON Schema for a whole stack file (`Pulumi.<stack>.yaml`), for editors
 * (yaml-language-server, VS Code's YAML extension): Pulumi's own keys, ESC
 * imports, and under `config:` each `trestle:*` setting as the stack schema
 * reads it. Other keys of `config:` (stack secrets, provider settings) are
 * free. Written by `npm run docs:config` beside the package's sources.
 */
export function stackFileSchema(): Record<string, unknown> {
  // zod marks `startsWith` as a `starts_with` format beside the `pattern` that checks it; no validator knows that format.
  const stack = JSON.parse(JSON.stringify(stackJsonSchema()), (key, value) =>
    key === "format" && value === "starts_with" ? undefined : value,
  ) as JsonSchema;
  const settings = Object.fromEntries(Object.entries(stack.properties ?? {}).map(([key, value]) => [`${NAMESPACE}:${key}`, value]));
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "Trestle stack file (Pulumi.<stack>.yaml)",
    description:
      "A Pulumi stack settings file whose `trestle:*` config declares a Railway + Vercel architecture; see docs/configuration.md.",
    type: "object",
    properties: {
      secretsprovider: { type: "string", description: "Pulumi's secrets provider for this stack." },
      encryptedkey: { type: "string", description: "The data key for a cloud secrets provider (Pulumi writes it)." },
      encryptionsalt: { type: "string", description: "The passphrase provider's salt (Pulumi or `trestle secret set` writes it)." },
      environment: {
        type: "array",
        items: { type: "string" },
        description: "Pulumi ESC environments whose `pulumiConfig` supplies config, merged in order; the offline synth cannot open them.",
      },
      config: {
        type: "object",
        description: "The stack's config: the `trestle:*` settings, and stack secrets (`secure:`) in the project's namespace.",
        properties: settings,
        additionalProperties: true,
      },
    },
    additionalProperties: false,
  };
}
