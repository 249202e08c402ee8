// A doc comment (`/** … */`) documents the declaration right under it: one
// followed by a blank line or by another comment documents nothing, and an
// editor shows it on the wrong thing or on nothing. Checked over every
// package's sources.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ROOT } from "../stack-harness";

const sources = execFileSync("git", ["ls-files", "packages/*/src/*.ts", "packages/*/src/**/*.ts"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter(Boolean);

/** Each doc comment that stands apart from any declaration, as `file:line`. */
function orphans(file: string): string[] {
  const lines = readFileSync(`${ROOT}/${file}`, "utf8").split("\n");
  const found: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim().startsWith("/**")) continue;
    let end = i;
    while (end < lines.length && !lines[end].includes("*/")) end++;
    const next = (lines[end + 1] ?? "").trim();
    if (next === "" || next.startsWith("/**") || next.startsWith("//")) found.push(`${file}:${i + 1}`);
    i = end;
  }
  return found;
}

describe("doc comments", () => {
  it("each sit on the declaration they document", () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.flatMap(orphans)).toEqual([]);
  });
});
