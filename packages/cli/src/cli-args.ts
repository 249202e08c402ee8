// What every `trestle` command shares in reading its arguments: `node:util`'s
// `parseArgs` reads `--flag value` and `--flag=value` alike, and a mistake ends
// the command with one line and exit 2, never a stack trace.
import { type ParseArgsConfig, parseArgs } from "node:util";

/** Ends the command: the message on standard error, exit 2. */
export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** A command's flags, as `node:util` `parseArgs` declares them: each takes a value (`string`) or not (`boolean`). */
export type FlagSpec = Record<string, "string" | "boolean">;

/** `--help` and `-h` are every command's. */
const HELP: ParseArgsConfig["options"] = { help: { type: "boolean", short: "h" } };

/**
 * Each argument of `argv`, in order, parsed by `node:util` `parseArgs` against
 * the command's `flags`: a flag with `value()` to read its value (inline
 * `--flag=value` or the next argument), a positional as itself. What parseArgs
 * refuses (an unknown flag, a missing or empty value, another flag where a
 * value goes, a positional a command takes none of) ends the command with one
 * line naming it and exit 2, one rule for every command.
 */
export function* eachFlag(
  argv: readonly string[],
  usage: string,
  flags: FlagSpec,
  options: { positionals?: boolean } = {},
): Generator<{ flag: string; arg: string; value: () => string }> {
  const declared = { ...HELP, ...Object.fromEntries(Object.entries(flags).map(([name, type]) => [name, { type }])) };
  let tokens: NonNullable<ReturnType<typeof parseArgs>["tokens"]>;
  try {
    ({ tokens } = parseArgs({
      args: [...argv],
      options: declared,
      strict: true,
      allowPositionals: options.positionals ?? false,
      tokens: true,
    }));
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const named = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? /positional argument '([^']+)'/.exec(message)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") fail(`${named.split(",")[0]} needs a value\n${usage}`);
    fail(`unknown argument \`${named || argv.find((a) => a.startsWith("-")) || argv[0]}\`\n${usage}`);
  }
  for (const token of tokens) {
    if (token.kind === "option-terminator") continue;
    if (token.kind === "positional") {
      yield { flag: token.value, arg: token.value, value: () => fail(`\`${token.value}\` takes no value\n${usage}`) };
      continue;
    }
    const flag = token.rawName.startsWith("--") ? token.rawName : `--${token.name}`;
    const value = () => {
      if (token.value === undefined || token.value === "") fail(`${flag} needs a value\n${usage}`);
      return token.value;
    };
    yield { flag: token.name === "help" ? token.rawName : flag, arg: token.rawName, value };
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
