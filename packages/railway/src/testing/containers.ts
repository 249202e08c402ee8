// How Railway starts a deployment's container, and what the programs Trestle
// deploys do when started that way. The emulator runs this instead of a real
// container: it resolves the argv Railway would execute, follows it through the
// images' entrypoint scripts, and ends the deploy CRASHED with the line the real
// program prints when it could not start.
//
// Every rule names its entry in docs/railway-behaviour.md. Nothing here runs a
// process: it is a model, checked against the real scripts and binaries by
// packages/railway/test/containers.test.ts and test/servers/*.test.ts.
import { railwayWords } from "../exec-form";
import { REFERENCE, needsQuotes } from "../references";

/** What Railway builds the deployment with. */
export type BuildKind = "image" | "dockerfile" | "railpack";

/** An image Trestle deploys, with its ENTRYPOINT and CMD as its Dockerfile declares them. */
export interface ImageSpec {
  /** Which entrypoint script it ships. */
  flavour: "postgres-ssl" | "postgres" | "redis" | "pgbouncer";
  entrypoint: string[];
  cmd: string[];
  /** Where the ENTRYPOINT/CMD were read. */
  source: string;
  entry: string;
}

/** IMG-1, IMG-2, IMG-4: the images of Railway's Postgres and Redis templates and their official bases. */
export const IMAGES: readonly { match: RegExp; spec: ImageSpec }[] = [
  {
    match: /^ghcr\.io\/railwayapp-templates\/postgres-ssl(:[\w.-]+)?$/,
    spec: {
      flavour: "postgres-ssl",
      entrypoint: ["wrapper.sh"],
      cmd: ["postgres", "--port=5432"],
      source: 'railwayapp-templates/postgres-ssl Dockerfile.16: ENTRYPOINT ["wrapper.sh"], CMD ["postgres", "--port=5432"]',
      entry: "IMG-1",
    },
  },
  {
    match: /^(docker\.io\/)?(library\/)?postgres(:[\w.-]+)?$/,
    spec: {
      flavour: "postgres",
      entrypoint: ["docker-entrypoint.sh"],
      cmd: ["postgres"],
      source: "docker-library/postgres 16/bookworm/Dockerfile",
      entry: "IMG-2",
    },
  },
  {
    match: /^(docker\.io\/)?(library\/)?redis(:[\w.-]+)?$/,
    spec: {
      flavour: "redis",
      entrypoint: ["docker-entrypoint.sh"],
      cmd: ["redis-server"],
      source: "docker-library/redis 7.4/debian/Dockerfile",
      entry: "IMG-4",
    },
  },
  {
    match: /^(docker\.io\/)?edoburu\/pgbouncer(:[\w.-]+)?$/,
    spec: {
      flavour: "pgbouncer",
      entrypoint: ["/entrypoint.sh"],
      cmd: ["/usr/bin/pgbouncer", "/etc/pgbouncer/pgbouncer.ini"],
      source:
        'edoburu/docker-pgbouncer Dockerfile: ENTRYPOINT ["/entrypoint.sh"], CMD ["/usr/bin/pgbouncer", "/etc/pgbouncer/pgbouncer.ini"]',
      entry: "IMG-9",
    },
  },
];

export function imageSpec(image: string | undefined): ImageSpec | undefined {
  return image ? IMAGES.find((i) => i.match.test(image))?.spec : undefined;
}

/**
 * Renders the references in `value`. `lookup(owner, name)` answers one
 * reference (owner undefined for the service's own variables) with a raw
 * value, which is rendered in turn in its owner's context; an unresolvable
 * reference renders empty (VAR-3, assumed).
 */
export function renderReferences(
  value: string,
  lookup: (owner: string | undefined, name: string) => { value: string; owner?: string } | undefined,
  depth = 0,
): string {
  return value.replace(REFERENCE, (_, quoted: string | undefined, bare: string | undefined, name: string) => {
    // VAR-7: a bare service name with a digit (or a dot) does not resolve; quoted, it does.
    const owner = quoted ?? bare;
    const found = depth < 10 && !(bare && needsQuotes(bare)) ? lookup(owner, name) : undefined;
    if (!found) return "";
    return renderReferences(found.value, (o, n) => lookup(o ?? found.owner, n), depth + 1);
  });
}

export class ShellSyntaxError extends Error {}

interface Word {
  text: string;
}

type Token = Word | { op: "&&" | "||" | ";" | "|" };

/**
 * Splits a command line into words. In exec form (RUN-1, RUN-4) quotes group
 * words and nothing is expanded; in a shell (RUN-2) `$NAME` and `${NAME}`
 * expand outside single quotes and `&&`, `||`, `;`, `|` separate commands.
 */
export function tokenize(line: string, env?: Record<string, string>): Token[] {
  const tokens: Token[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const push = () => {
    if (inWord) tokens.push({ text: word });
    word = "";
    inWord = false;
  };
  const expand = (): void => {
    // at `$`
    const rest = line.slice(i + 1);
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
    const bare = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    const match = braced ?? bare;
    if (!env || !match) {
      word += "$";
      i += 1;
      return;
    }
    word += env[match[1]] ?? "";
    i += 1 + match[0].length;
  };
  while (i < line.length) {
    const c = line[i];
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("unterminated quoted string");
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= line.length) throw new ShellSyntaxError("unterminated quoted string");
        const d = line[i];
        if (d === '"') {
          i++;
          break;
        }
        if (d === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) {
          word += line[i + 1];
          i += 2;
        } else if (d === "$" && env) {
          expand();
        } else {
          word += d;
          i++;
        }
      }
    } else if (c === "\\" && i + 1 < line.length) {
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (env && (c === "&" || c === "|" || c === ";")) {
      push();
      const two = line.slice(i, i + 2);
      if (two === "&&" || two === "||") {
        tokens.push({ op: two });
        i += 2;
      } else if (c === ";" || c === "|") {
        tokens.push({ op: c });
        i += 1;
      } else {
        throw new ShellSyntaxError("background jobs (`&`) are not modelled");
      }
    } else if (c === "$" && env) {
      inWord = true;
      expand();
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  push();
  return tokens;
}

/** Exec-form words of a start command (RUN-4): quotes group, nothing expands. */
export const execWords = railwayWords;

/** The argv Railway executes for a deployment (RUN-1, RUN-2, RUN-3, RUN-6). */
export function resolveArgv(
  build: BuildKind,
  startCommand: string | undefined,
  image: ImageSpec | undefined,
): { argv: string[]; form: "exec" | "shell" | "image" } | undefined {
  if (startCommand) {
    if (build === "railpack") return { argv: ["/bin/sh", "-c", startCommand], form: "shell" };
    return { argv: execWords(startCommand), form: "exec" };
  }
  if (image) return { argv: [...image.entrypoint, ...image.cmd], form: "image" };
  return undefined;
}

/** A running process: what clients can reach, and with which credentials. */
export interface RunningProcess {
  program: string;
  user: string;
  port?: number;
  /** Redis `requirepass`: undefined when none. */
  redisPassword?: string;
  /** PostgreSQL: the role, password and database initdb created, and the settings it runs with. */
  postgres?: { user: string; password: string; database: string; settings: Record<string, string> };
}

export type StartResult = { ok: true; process: RunningProcess; logs: string[] } | { ok: false; logs: string[] };

interface Context {
  env: Record<string, string>;
  user: string;
  image?: ImageSpec;
  logs: string[];
  /** Whether the data directory already holds a database (a volume that outlived a deploy). */
  initialized: boolean;
  depth: number;
}

const NOOP_BUILTINS = new Set(["rm", "mkdir", "echo", "true", "cd", "chmod", "chown", "touch", "export", "sleep", "printf", "test", "["]);

/** Starts `argv` as Railway would in a container of `image` with `env`, as root (RUN-7). */
export function start(
  argv: string[],
  env: Record<string, string>,
  image: ImageSpec | undefined,
  options: { initialized?: boolean } = {},
): StartResult {
  const ctx: Context = { env, user: "root", image, logs: [], initialized: options.initialized ?? false, depth: 0 };
  try {
    const process = run(argv, ctx);
    return { ok: true, process, logs: ctx.logs };
  } catch (error) {
    if (error instanceof Crash) return { ok: false, logs: [...ctx.logs, ...error.lines] };
    if (error instanceof ShellSyntaxError) return { ok: false, logs: [...ctx.logs, `/bin/sh: syntax error: ${error.message}`] };
    throw error;
  }
}

class Crash extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

function run(argv: string[], ctx: Context): RunningProcess {
  if (ctx.depth++ > 20) throw new Crash(["exec loop"]);
  if (!argv.length) throw new Crash(["No command specified"]);
  const [program, ...args] = argv;
  const name = program.split("/").at(-1)!;
  if ((name === "sh" || name === "bash") && args[0] === "-c") return shell(args[1] ?? "", ctx);
  if (name === "wrapper.sh" && ctx.image?.flavour === "postgres-ssl") return postgresSslWrapper(args, ctx);
  if (name === "docker-entrypoint.sh" && ctx.image) return dockerEntrypoint(args, ctx);
  if (name === "postgres" && ctx.image) return postgres(args, ctx);
  if (name === "redis-server" && ctx.image?.flavour === "redis") return redisServer(args, ctx);
  if (name === "entrypoint.sh" && ctx.image?.flavour === "pgbouncer") return pgbouncerEntrypoint(args, ctx);
  return application(program, args, ctx);
}

/** RUN-2: `sh -c` expands variables, runs `&&`/`;` lists, and `exec` replaces the shell. */
function shell(script: string, ctx: Context): RunningProcess {
  const tokens = tokenize(script, ctx.env);
  const commands: string[][] = [[]];
  for (const t of tokens) {
    if ("op" in t) commands.push([]);
    else commands.at(-1)!.push(t.text);
  }
  const list = commands.filter((c) => c.length);
  for (let i = 0; i < list.length; i++) {
    let words = list[i];
    const last = i === list.length - 1;
    if (words[0] === "exec") words = words.slice(1);
    if (!words.length) continue;
    if (NOOP_BUILTINS.has(words[0]) && !last) continue;
    if (!last) {
      // A command before the last one (a migration, a copy) is assumed to succeed.
      ctx.logs.push(`(ran ${words[0]})`);
      continue;
    }
    return run(words, ctx);
  }
  throw new Crash(["/bin/sh: the start command runs nothing"]);
}

const PG_DATA_MOUNT = "/var/lib/postgresql/data";

/** IMG-1: railwayapp-templates/postgres-ssl wrapper.sh, its checks and then `docker-entrypoint.sh "$@"`. */
function postgresSslWrapper(args: string[], ctx: Context): RunningProcess {
  const mount = ctx.env.RAILWAY_VOLUME_MOUNT_PATH ?? "";
  if (ctx.env.RAILWAY_ENVIRONMENT && mount !== PG_DATA_MOUNT) {
    throw new Crash([
      `Railway volume not mounted to the correct path, expected ${PG_DATA_MOUNT} but got ${mount}`,
      "Please update the volume mount path to the expected path and redeploy the service",
    ]);
  }
  if (!(ctx.env.PGDATA ?? "").startsWith(PG_DATA_MOUNT)) {
    throw new Crash([
      `PGDATA variable does not start with the expected volume mount path, expected to start with ${PG_DATA_MOUNT}`,
      "Please update the PGDATA variable to start with the expected volume mount path and redeploy the service",
    ]);
  }
  return dockerEntrypoint(args, ctx);
}

/** IMG-2 / IMG-4: the official images' docker-entrypoint.sh. */
function dockerEntrypoint(args: string[], ctx: Context): RunningProcess {
  const image = ctx.image!;
  if (image.flavour === "redis") {
    let argv = args;
    if (argv.length && (argv[0].startsWith("-") || argv[0].endsWith(".conf"))) argv = ["redis-server", ...argv];
    // Run as root, it chowns the data directory and re-executes itself as `redis` (gosu).
    if (argv[0] === "redis-server" && ctx.user === "root") ctx.user = "redis";
    return run(argv, ctx);
  }
  let argv = args;
  if (argv.length && argv[0].startsWith("-")) argv = ["postgres", ...argv];
  if (argv[0] === "postgres") {
    if (ctx.user === "root") ctx.user = "postgres";
    if (!ctx.initialized) {
      if (!ctx.env.POSTGRES_PASSWORD && ctx.env.POSTGRES_HOST_AUTH_METHOD !== "trust") {
        throw new Crash([
          "Error: Database is uninitialized and superuser password is not specified.",
          "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
          '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        ]);
      }
      ctx.logs.push("PostgreSQL init process complete; ready for start up.");
      ctx.initialized = true;
    } else {
      ctx.logs.push("PostgreSQL Database directory appears to contain a database; Skipping initialization");
    }
  }
  return run(argv, ctx);
}

/** IMG-3: the postgres binary refuses root and needs an initialized data directory. */
function postgres(args: string[], ctx: Context): RunningProcess {
  if (ctx.user === "root") {
    throw new Crash([
      '"root" execution of the PostgreSQL server is not permitted.',
      "The server must be started under an unprivileged user ID to prevent",
      "possible system security compromise.  See the documentation for",
      "more information on how to properly start the server.",
    ]);
  }
  const pgdata = ctx.env.PGDATA ?? PG_DATA_MOUNT;
  if (!ctx.initialized) {
    throw new Crash([
      `postgres: could not access directory "${pgdata}": No such file or directory`,
      "Run initdb or pg_basebackup to initialize a PostgreSQL data directory.",
    ]);
  }
  const settings: Record<string, string> = {};
  let port = 5432;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let setting: string | undefined;
    if (a === "-c" || a === "-p") setting = a === "-p" ? `port=${args[++i]}` : args[++i];
    else if (a.startsWith("--")) setting = a.slice(2);
    else throw new Crash([`postgres: invalid argument: "${a}"`, 'Try "postgres --help" for more information.']);
    const eq = setting?.indexOf("=") ?? -1;
    if (!setting || eq < 1) throw new Crash([`postgres: invalid argument: "${a}"`, 'Try "postgres --help" for more information.']);
    const key = setting.slice(0, eq).replace(/-/g, "_");
    settings[key] = setting.slice(eq + 1);
  }
  if (settings.port !== undefined) {
    if (!/^\d+$/.test(settings.port)) throw new Crash([`FATAL:  invalid value for parameter "port": "${settings.port}"`]);
    port = Number(settings.port);
  }
  ctx.logs.push(`LOG:  listening on IPv4 address "0.0.0.0", port ${port}`, "LOG:  database system is ready to accept connections");
  return {
    program: "postgres",
    user: ctx.user,
    port,
    postgres: {
      user: ctx.env.POSTGRES_USER || "postgres",
      password: ctx.env.POSTGRES_PASSWORD ?? "",
      database: ctx.env.POSTGRES_DB || ctx.env.POSTGRES_USER || "postgres",
      settings,
    },
  };
}

/**
 * IMG-9: edoburu/pgbouncer's entrypoint writes `pgbouncer.ini` from the first
 * of `DATABASE_URLS` (else `DATABASE_URL`): one database entry named as the
 * URL's database, at its host and port, and the URL's user and password in
 * `userlist.txt`; it listens on `LISTEN_PORT` (5432 unless set), then runs its
 * command. A client logs in with the upstream's user, password and database;
 * PgBouncer logs in to the server with them when the client does.
 */
function pgbouncerEntrypoint(args: string[], ctx: Context): RunningProcess {
  const first = (ctx.env.DATABASE_URLS ?? "").split(",")[0] || ctx.env.DATABASE_URL || "";
  let upstream: URL | undefined;
  try {
    upstream = first ? new URL(first) : undefined;
  } catch {
    upstream = undefined;
  }
  if (!upstream?.hostname) throw new Crash(["/entrypoint.sh: line 76: DB_HOST: Setup pgbouncer config error! You must set DB_HOST env"]);
  const port = Number(ctx.env.LISTEN_PORT || 5432);
  if (args[0]?.split("/").at(-1) !== "pgbouncer") return run(args, ctx);
  ctx.logs.push(`LOG process up: PgBouncer, listening on 0.0.0.0:${port}`);
  return {
    program: "pgbouncer",
    user: "postgres",
    port,
    postgres: {
      user: decodeURIComponent(upstream.username),
      password: decodeURIComponent(upstream.password),
      database: decodeURIComponent(upstream.pathname.replace(/^\//, "")) || "*",
      settings: {},
    },
  };
}

/** redis-server's command line: `--name value…` directives (IMG-4). */
function redisServer(args: string[], ctx: Context): RunningProcess {
  const directives: Record<string, string[]> = {};
  let current: string | undefined;
  for (const a of args) {
    if (a.startsWith("--")) {
      current = a.slice(2);
      directives[current] = [];
    } else if (current) {
      directives[current].push(a);
    } else {
      throw new Crash([`*** FATAL CONFIG FILE ERROR (Redis) ***`, `Bad directive or wrong number of arguments: ${a}`]);
    }
  }
  const port = directives.port?.[0] ?? "6379";
  if (!/^\d+$/.test(port))
    throw new Crash([
      "*** FATAL CONFIG FILE ERROR (Redis) ***",
      ">>> 'port \"" + port + "\"'",
      "argument couldn't be parsed into an integer",
    ]);
  ctx.logs.push(`* Ready to accept connections tcp`);
  return { program: "redis-server", user: ctx.user, port: Number(port), redisPassword: directives.requirepass?.join(" ") };
}

const UNEXPANDED = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;

/**
 * An application's own program. Only uvicorn's parsing of `--port` is modelled
 * from its source (click's integer option); any other program that receives a
 * variable reference as literal text is judged unable to use it, since that is
 * what every port, URL or secret argument does with `$NAME`.
 */
function application(program: string, args: string[], ctx: Context): RunningProcess {
  const name = program.split("/").at(-1)!;
  if (name === "uvicorn") {
    const i = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
    const value = i < 0 ? "8000" : args[i].startsWith("--port=") ? args[i].slice(7) : (args[i + 1] ?? "");
    if (!/^-?\d+$/.test(value)) {
      throw new Crash([
        "Usage: uvicorn [OPTIONS] APP",
        "Try 'uvicorn --help' for help.",
        "",
        `Error: Invalid value for '--port': '${value}' is not a valid integer.`,
      ]);
    }
    return { program: name, user: ctx.user, port: Number(value) };
  }
  const literal = [program, ...args].find((a) => UNEXPANDED.test(a));
  if (literal) {
    throw new Crash([
      `${name}: received the literal text \`${literal}\`: this start command runs in exec form, where Railway expands no variables (RUN-1); wrap it in /bin/sh -c`,
    ]);
  }
  return { program: name, user: ctx.user };
}

/** A client's connection attempt to a running process, and the error the server answers with when it refuses. */
export function connectionRefusal(url: URL, server: RunningProcess | undefined): string | undefined {
  const host = url.hostname;
  const port = Number(url.port || (url.protocol.startsWith("redis") ? 6379 : 5432));
  if (!server) return `could not connect to ${host}:${port}: Connection refused (the service is not running)`;
  if (server.port !== undefined && server.port !== port)
    return `could not connect to ${host}:${port}: Connection refused (it listens on ${server.port})`;
  if (url.protocol === "redis:" || url.protocol === "rediss:") {
    const password = decodeURIComponent(url.password);
    // IMG-7: Redis's answers to AUTH, from its source (and checked against a real server in test/servers/redis.test.ts).
    if (server.redisPassword === undefined) return undefined;
    if (!password) return "NOAUTH Authentication required.";
    if (password !== server.redisPassword) return "WRONGPASS invalid username-password pair or user is disabled.";
    return undefined;
  }
  if ((url.protocol === "postgresql:" || url.protocol === "postgres:") && server.postgres) {
    const user = decodeURIComponent(url.username);
    const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || user;
    if (user !== server.postgres.user || decodeURIComponent(url.password) !== server.postgres.password) {
      return `FATAL:  password authentication failed for user "${user}"`;
    }
    if (database !== server.postgres.database && database !== "postgres") return `FATAL:  database "${database}" does not exist`;
  }
  return undefined;
}
