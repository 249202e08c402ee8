// Reading a Pulumi.yaml or a stack file a user wrote: every way it can be
// malformed (syntax, tabs, duplicate keys, alias bombs, deep nesting, custom
// tags, a device or a huge file given as --config) is one `StackFileError`
// naming `file:line:column`, never a stack trace and never a hang.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import * as path from "node:path";
import { isAlias, isCollection, parseDocument, visit } from "yaml";

/** A stack file is a few kilobytes; this bounds what a mistaken --config reads. */
export const MAX_STACK_FILE_BYTES = 1024 * 1024;
const MAX_ALIASES = 100;
const MAX_DEPTH = 32;

export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = "StackFileError";
  }
}

function where(file: string, linePos?: readonly { line: number; col: number }[]): string {
  const shown = path.relative(process.cwd(), file) || file;
  return linePos?.[0] ? `${shown}:${linePos[0].line}:${linePos[0].col}` : shown;
}

/** The file's text: a regular file, at most MAX_STACK_FILE_BYTES. */
function readBounded(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new StackFileError(`${where(file)}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new StackFileError(`${where(file)}: not a regular file; give the path of a YAML stack file`);
    if (stat.size > MAX_STACK_FILE_BYTES)
      throw new StackFileError(`${where(file)}: ${stat.size} bytes is larger than a stack file can be (${MAX_STACK_FILE_BYTES} bytes)`);
    const buffer = Buffer.alloc(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Parses a YAML file strictly: one problem is enough to refuse it, with where it is. */
export function readYamlFile(file: string): unknown {
  const text = readBounded(file);
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, strict: true, customTags: [] });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) {
    const first = problem.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new StackFileError(`${where(file, problem.linePos)}: ${first}`);
  }
  let aliases = 0;
  let deepest: { depth: number; line?: readonly { line: number; col: number }[] } = { depth: 0 };
  visit(doc, (_key, node, nodePath) => {
    if (isAlias(node)) aliases++;
    if (isCollection(node) && nodePath.length > deepest.depth) {
      deepest = {
        depth: nodePath.length,
        line: node.range ? [doc.contents ? lineCol(text, node.range[0]) : { line: 1, col: 1 }] : undefined,
      };
    }
  });
  if (aliases > MAX_ALIASES) throw new StackFileError(`${where(file)}: ${aliases} aliases; a stack file needs none`);
  if (deepest.depth > MAX_DEPTH)
    throw new StackFileError(`${where(file, deepest.line)}: nested ${deepest.depth} levels deep; a stack file needs a few`);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new StackFileError(`${where(file)}: ${(error as Error).message.split("\n")[0]}`);
  }
}

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before.at(-1)!.length + 1 };
}
