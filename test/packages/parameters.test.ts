// Named arguments over long positional lists: no function in the packages'
// sources takes more than five positional parameters (the review found one of
// eight); more than that goes in an object whose fields say what each is.
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../stack-harness";

const MOST = 5;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return ["node_modules", "dist", "test"].includes(e.name) ? [] : sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

describe("positional parameters", () => {
  it(`are at most ${MOST} in every function of packages/*/src`, () => {
    const files = sources(path.join(ROOT, "packages"));
    expect(files.length).toBeGreaterThan(100);
    const long: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && node.parameters.length > MOST) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          long.push(`${path.relative(ROOT, file)}:${line + 1} (${node.parameters.length})`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
