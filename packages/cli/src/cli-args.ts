// What every `trestle` command shares in reading its arguments: `--flag value`
// and `--flag=value` alike, and a mistake ends the command with one line and
// exit 2, never a stack trace.

/** `--flag=value` → `["--flag", "value"]`; anything else → `[arg, undefined]`. */
export function splitFlag(arg: string): [string, string | undefined] {
  const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
  return eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
}

/** Ends the command: the message on standard error, exit 2. */
export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}
