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

/**
 * Each argument of `argv` as a flag, with `value()` to take the flag's value:
 * inline (`--flag=value`) or the next argument. A missing or empty value, or
 * another flag in its place, ends the command naming the flag, one rule for
 * every command.
 */
export function* eachFlag(argv: readonly string[], usage: string): Generator<{ flag: string; arg: string; value: () => string }> {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    const [flag, inline] = splitFlag(arg);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "" || (inline === undefined && v.startsWith("--"))) fail(`${flag} needs a value\n${usage}`);
      return v;
    };
    yield { flag, arg, value };
    i++;
  }
}

/**
 * Runs a command's `main` on the one error path every command shares: whatever
 * it throws (a file that is not what it should be, a directory where a file
 * goes, a stack file nested too deep to read) ends the command with one line
 * naming the command, and exit 2, never a stack trace.
 */
export function runCommand(name: string, main: () => unknown): void {
  const onError = (error: unknown) => {
    const text =
      error instanceof RangeError ? "the input is nested too deeply to read" : error instanceof Error ? error.message : String(error);
    console.error(`trestle ${name}: ${text.split("\n")[0]}`);
    process.exit(2);
  };
  try {
    Promise.resolve(main()).catch(onError);
  } catch (error) {
    onError(error);
  }
}

/**
 * Why `name` is not a Pulumi stack name, or undefined: letters, digits, `.`,
 * `_` and `-`, at most 100 characters (Pulumi's own rule for stack names).
 */
export function stackNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    return `\`${name.length > 60 ? `${name.slice(0, 60)}…` : name}\` is not a stack name (letters, digits, \`.\`, \`_\`, \`-\`)`;
  if (name.length > 100) return `a stack name has at most 100 characters; this one has ${name.length}`;
  if (name === "." || name === "..") return `\`${name}\` is not a stack name`;
  return undefined;
}
