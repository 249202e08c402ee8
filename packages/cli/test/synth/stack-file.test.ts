// Every way a stack file can be malformed is one StackFileError naming file:line:column.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_STACK_FILE_BYTES, StackFileError, readYamlFile } from "../../src/synth/stack-file";

const dir = mkdtempSync(path.join(tmpdir(), "trestle-stack-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problem(body: string | Buffer): string {
  const file = path.join(dir, "Pulumi.bad.yaml");
  writeFileSync(file, body);
  try {
    readYamlFile(file);
  } catch (error) {
    expect(error).toBeInstanceOf(StackFileError);
    return (error as Error).message.replace(`${path.relative(process.cwd(), file)}`, "FILE");
  }
  return "";
}

const bomb = [
  "a: &a [1,1,1,1,1,1,1,1,1]",
  ..."bcdef".split("").map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcde"[i]}`).join(",")}]`),
].join("\n");

describe("reading a stack file", () => {
  it("refuses a file with no `config:` (such as /proc/self/environ or an empty file)", async () => {
    const { readStackConfig } = await import("../../src/synth/run");
    const file = path.join(dir, "Pulumi.empty.yaml");
    writeFileSync(file, "# nothing here\n");
    expect(() => readStackConfig(file, { name: "p" })).toThrow(
      /Pulumi\.empty\.yaml: no `config:` mapping; a stack file holds its settings under `config:`/,
    );
  });

  it.each<[string, string, string | RegExp]>([
    ["a syntax error", "config:\n  trestle:railway: {project: x\n", /^FILE:\d+:\d+: /],
    ["tab indentation", "config:\n\ttrestle:production: true\n", "FILE:2:1: Tabs are not allowed as indentation"],
    ["a duplicate key", "config:\n  trestle:production: true\n  trestle:production: false\n", "FILE:3:3: Map keys must be unique"],
    ["an alias bomb", `${bomb}\n`, /^FILE: .*alias/i],
    [
      "deep nesting",
      `config:\n  trestle:x: ${"[".repeat(80)}${"]".repeat(80)}\n`,
      /^FILE:2:\d+: nested \d+ levels deep; a stack file needs a few$/,
    ],
    ["a custom tag", "config:\n  trestle:x: !!js/function f\n", /^FILE:2:\d+: Unresolved tag/],
  ])("refuses %s", (_what, body, message) => {
    expect(problem(body)).toMatch(message);
  });

  it("refuses a file larger than a stack file can be, and a device", () => {
    expect(problem(Buffer.alloc(MAX_STACK_FILE_BYTES + 1, 0x20))).toBe(
      `FILE: ${MAX_STACK_FILE_BYTES + 1} bytes is larger than a stack file can be (${MAX_STACK_FILE_BYTES} bytes)`,
    );
    expect(() => readYamlFile("/dev/zero")).toThrow("/dev/zero: not a regular file; give the path of a YAML stack file");
  });

  it("reads a well-formed one", () => {
    const file = path.join(dir, "Pulumi.good.yaml");
    writeFileSync(file, "config:\n  trestle:production: true\n  trestle:railway: { project: x }\n");
    expect(readYamlFile(file)).toEqual({ config: { "trestle:production": true, "trestle:railway": { project: "x" } } });
  });
});
