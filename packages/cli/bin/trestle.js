#!/usr/bin/env node
// The `trestle` command. Installed from a package it runs the compiled CLI. In
// Trestle's own repository (the TypeScript sources beside it, nothing built) it
// runs the sources through ts-node, with the packages resolved to their sources
// by the `trestle-source` export condition in this process and every child.
"use strict";
const { existsSync } = require("node:fs");
const path = require("node:path");

const source = path.join(__dirname, "..", "src", "bin.ts");
process.env.TRESTLE_CLI_ENTRY = __filename;
if (!existsSync(source)) {
  require("../dist/bin.js");
} else if (!(process.env.NODE_OPTIONS || "").includes("--conditions=trestle-source")) {
  const { spawnSync } = require("node:child_process");
  const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, "--conditions=trestle-source"].filter(Boolean).join(" ") };
  const child = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], { stdio: "inherit", env });
  process.exit(child.status ?? 1);
} else {
  require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "..", "..", "tsconfig.json") });
  require(source);
}
