// Every command under hostile arguments and files: it may refuse (exit 2),
// fail (exit 1) or succeed (exit 0), but never crash (exit 3 or a signal) and
// never print a stack trace.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../root";

const BIN = path.join(ROOT, "packages/cli/bin/trestle.js");
const dir = mkdtempSync(path.join(tmpdir(), "trestle-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A project copy, and hostile files beside it.
for (const file of ["Pulumi.yaml", "Pulumi.staging.yaml"]) cpSync(path.join(ROOT, file), path.join(dir, file));
const files = {
  deep: path.join(dir, "Pulumi.deep.yaml"),
  binary: path.join(dir, "Pulumi.binary.yaml"),
  list: path.join(dir, "Pulumi.list.yaml"),
  scalar: path.join(dir, "Pulumi.scalar.yaml"),
  huge: path.join(dir, "Pulumi.huge.yaml"),
  aDir: path.join(dir, "Pulumi.adir.yaml"),
  aFile: path.join(dir, "a-file"),
};
writeFileSync(files.deep, `config:\n  trestle:services: ${"[".repeat(20000)}${"]".repeat(20000)}\n`);
writeFileSync(files.binary, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x7f, 0x80, 0x81]));
writeFileSync(files.list, "- a\n- b\n");
writeFileSync(files.scalar, "just text\n");
writeFileSync(files.huge, `config:\n  trestle:railway: { project: ${"p".repeat(200000)}, environment: staging }\n`);
mkdirSync(files.aDir);
writeFileSync(files.aFile, "x");

const LONG = "x".repeat(5000);
const CASES: [string, string[], string?][] = [
  ["synth: a stack name that walks up", ["synth", "--stack", "../../etc/passwd"]],
  ["synth: a 5,000-character stack name", ["synth", "--stack", LONG]],
  ["synth: a stack file nested 20,000 deep", ["synth", "--stack", "deep", "--config", files.deep]],
  ["synth: a binary stack file", ["synth", "--stack", "binary", "--config", files.binary]],
  ["synth: a stack file that is a list", ["synth", "--stack", "list", "--config", files.list]],
  ["synth: a stack file that is a scalar", ["synth", "--stack", "scalar", "--config", files.scalar]],
  ["synth: a 200,000-character project name", ["synth", "--stack", "huge", "--config", files.huge]],
  ["synth: a directory as the stack file", ["synth", "--stack", "adir", "--config", files.aDir]],
  ["synth: an --out under a file", ["synth", "--stack", "staging", "--out", path.join(files.aFile, "out")]],
  ["diff: a 5,000-character base", ["diff", "--stack", "staging", "--base", LONG]],
  ["rehearse: a stack file nested 20,000 deep", ["rehearse", "--stack", "deep", "--config", files.deep]],
  ["rehearse: a binary stack file", ["rehearse", "--stack", "binary", "--config", files.binary]],
  ["rehearse: --from a directory", ["rehearse", "--stack", "staging", "--from", files.aDir]],
  ["init: into a file", ["init", path.join(files.aFile, "app"), "--name", "app"]],
  ["init: a 5,000-character name", ["init", path.join(dir, "new-app"), "--name", LONG]],
  ["secret: a stack file nested 20,000 deep", ["secret", "set", "k", "--config", files.deep]],
  ["secret: a binary stack file", ["secret", "set", "k", "--config", files.binary]],
  ["secret: a directory as the stack file", ["secret", "set", "k", "--config", files.aDir]],
  ["preview-env: a 5,000-character branch", ["preview-env", "--pr", "1", "--branch", LONG]],
  ["preview-env: an --out under a file", ["preview-env", "--pr", "1", "--branch", "b", "--out", path.join(files.aFile, "x.yaml")]],
  ["import: a project id that is not one", ["import", "--project", "../../x"]],
  ["an unknown command", ["frobnicate", LONG]],
];

describe("hostile arguments and files", () => {
  it.each(CASES)("%s", (_label, args) => {
    const run = spawnSync(process.execPath, [BIN, ...args], {
      cwd: dir,
      input: "value",
      encoding: "utf8",
      env: {
        ...process.env,
        PULUMI_CONFIG_PASSPHRASE: "trestle-placeholders",
        TRESTLE_INIT_SPECS: "version",
        RAILWAY_API_TOKEN: "",
        RAILWAY_TOKEN: "",
      },
    });
    expect([0, 1, 2], `exit ${run.status} ${run.signal ?? ""}\n${run.stderr}`).toContain(run.status);
    expect(run.stderr).not.toMatch(/\n\s+at [^\n]+:\d+:\d+/);
  });
});
