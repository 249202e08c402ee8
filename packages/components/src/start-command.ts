// The start command Trestle sends to Railway for a command a user writes.
//
// RUN-1: for an image or a Dockerfile build, Railway runs the start command in
// exec form: split into words, no shell, so `$PORT`, `&&` and pipes mean
// nothing. RUN-2: for a Railpack build it runs in a shell. A repository may
// build either way (a Dockerfile at its root is used when present), so a
// command that needs a shell is always wrapped in `/bin/sh -c "…"` (what
// Railway's docs prescribe), which is right in both cases; one that does not
// is sent as written. A list is exec form: its words are sent exactly.

/** A user's command: a string is a shell command; a list is exec form, one word per element. */
export type CommandSpec = string | readonly string[];

/** Characters that mean something to a shell (expansion, lists, redirection, globbing, quoting). */
const SHELL_SYNTAX = /[$&|;<>()`*?~{}\\'"\n#]/;
/** A word that needs no quotes under either reading. */
const PLAIN_WORD = /^[A-Za-z0-9_./:=,@%+-]+$/;
/** A `$NAME` or `${NAME}` reference. */
export const VARIABLE_REFERENCE = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;

/** Whether a command string needs a shell to mean what it says. */
export function needsShell(command: string): boolean {
  const first = command.trim().split(/\s+/)[0] ?? "";
  return SHELL_SYNTAX.test(command) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(first);
}

/** Double-quotes a word for Railway's exec-form split (RUN-4): `\` and `"` escaped, `$` and backquote too. */
function quoteWord(word: string): string {
  return PLAIN_WORD.test(word) ? word : `"${word.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/** A simple command (no list, pipe or redirection), which `exec` can replace the shell with. */
function isSimple(script: string): boolean {
  return !/[;&|<>\n()]/.test(script) && !/^\s*(exec|cd|export|if|for|while|case)\b/.test(script);
}

/**
 * `/bin/sh -c "…"` around a shell script, so it runs the same whether Railway
 * uses exec form or a shell. `exec` replaces the shell with the last program,
 * so the program itself gets Railway's SIGTERM on redeploy.
 */
export function shellWrapped(script: string): string {
  const trimmed = script.trim();
  let body = trimmed;
  if (isSimple(trimmed)) body = `exec ${trimmed}`;
  else if (/&&/.test(trimmed) && !/[;|<>\n()]|\|\||(^|[^&])&([^&]|$)/.test(trimmed)) {
    const parts = trimmed.split("&&");
    const last = parts.at(-1)!.trim();
    if (!/^exec\b/.test(last)) body = [...parts.slice(0, -1).map((p) => p.trim()), `exec ${last}`].join(" && ");
  }
  // Inside Railway's double quotes, `\` and `"` are escaped; `$` stays for the shell.
  return `/bin/sh -c "${body.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The exact `startCommand` Trestle writes for a user's command. */
export function railwayCommand(command: CommandSpec): string {
  if (typeof command !== "string") return command.map(quoteWord).join(" ");
  return needsShell(command) ? shellWrapped(command) : command.trim().split(/\s+/).join(" ");
}

/** List elements that hold a variable reference Railway will not expand in exec form. */
export function unexpandedReferences(command: CommandSpec | undefined): string[] {
  if (command === undefined || typeof command === "string") return [];
  return command.filter((word) => VARIABLE_REFERENCE.test(word));
}
