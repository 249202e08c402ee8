// docs/railway-behaviour.md is the contract between the Railway layer, its
// emulator and Railway: every behaviour named in code is catalogued with a
// source and a status, and every rule of the emulator names its entry.
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./root";

const ID = /\b(AUTH|ERR|RATE|PLAN|PROJ|ENV|SVC|VAR|DEP|RUN|IMG|DOM|TCP|VOL|BKT|LIM|PRE|BLIND)-\d+\b/g;
const catalogue = readFileSync(path.join(ROOT, "docs/railway-behaviour.md"), "utf8");
const rows = catalogue
  .split("\n")
  .filter((line) => /^\| [A-Z]+-\d+ \|/.test(line))
  .map((line) =>
    line
      .split("|")
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
const entries = new Map(rows.map(([id, does, source, status]) => [id, { does, source, status }]));

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name));
}

describe("the Railway behaviour catalogue", () => {
  it("has one row per id, each with what Railway does, a source and a status", () => {
    expect(rows.length).toBeGreaterThanOrEqual(45);
    expect(new Set(rows.map((r) => r[0])).size).toBe(rows.length);
    for (const [id, entry] of entries) {
      expect(entry.does.length, id).toBeGreaterThan(20);
      expect(entry.source.length, id).toBeGreaterThan(3);
      expect(entry.status, id).toMatch(/^(documented|observed|assumed)\b/);
    }
  });

  it("catalogues every behaviour the code names", () => {
    const files = [
      ...sources("packages/railway/src"),
      ...sources("packages/components/src"),
      ...sources("packages/policies/src"),
      ...sources("packages/cli/src"),
    ].map((f) => path.resolve(ROOT, f));
    const named = new Map<string, string>();
    for (const file of files) for (const id of readFileSync(file, "utf8").match(ID) ?? []) named.set(id, path.relative(ROOT, file));
    const missing = [...named].filter(([id]) => !entries.has(id)).map(([id, file]) => `${id} (${file})`);
    expect(missing).toEqual([]);
  });

  it("names an entry in every rule of the emulator", () => {
    const dir = path.join(ROOT, "packages/railway/src/testing/resolvers");
    const resolvers: { name: string; unnamed: boolean }[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(path.join(dir, file), "utf8");
      const body = text.slice(text.indexOf("  return {\n"));
      // Each resolver starts at `    name: (` and runs to the next one; a comment may sit just above it.
      const starts = [...body.matchAll(/^ {4}(\w+): \(/gm)].map((m) => ({ name: m[1], at: m.index! }));
      for (const [i, s] of starts.entries()) {
        const before = body.slice(Math.max(0, body.lastIndexOf("\n", s.at - 2) - 200), s.at);
        const own = body.slice(s.at, starts[i + 1]?.at ?? body.length);
        const comment = before
          .split("\n")
          .filter((l) => l.trim().startsWith("//"))
          .join(" ");
        resolvers.push({ name: `${file}: ${s.name}`, unnamed: !(own.match(ID) ?? []).length && !(comment.match(ID) ?? []).length });
      }
    }
    // Every root field of the schema subset the emulator answers is among them.
    const schema = readFileSync(path.join(ROOT, "packages/railway/src/testing/schema.graphql"), "utf8");
    const rootFields = ["Query", "Mutation"].flatMap((type) => {
      const block = schema.slice(schema.indexOf(`type ${type} {`), schema.indexOf("\n}", schema.indexOf(`type ${type} {`)));
      return [...block.matchAll(/^ {2}(\w+)[(:]/gm)].map((m) => m[1]);
    });
    expect(rootFields.length).toBeGreaterThan(40);
    const answered = new Set(resolvers.map((r) => r.name.split(": ")[1]));
    expect(rootFields.filter((f) => !answered.has(f))).toEqual([]);
    const unnamed = resolvers.filter((r) => r.unnamed);
    expect(unnamed.map((s) => s.name)).toEqual([]);
  });
});
