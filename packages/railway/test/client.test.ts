import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_ENDPOINT,
  RailwayApiError,
  RailwayClient,
  RailwayTokenMissingError,
  classify,
  isAlreadyExists,
  isAuthError,
  isNotFound,
  isRateLimited,
  parseRetryAfter,
  railwayOperation,
  sentOperations,
} from "../src/client";
import { configureFromStack, configureRailway, railwayClient, resetRailwaySettings, resolveCredentials } from "../src/settings";
import { RailwayEmulator } from "../src/testing/emulator";
import { FAST_RETRY } from "./harness";

const PROJECTS = railwayOperation(`
query listProjects($workspaceId: String) {
  projects(workspaceId: $workspaceId, first: 500) { edges { node { id name description workspaceId deletedAt } } }
}`);
const PROJECT_CREATE = railwayOperation(`
mutation createProject($input: ProjectCreateInput!) {
  projectCreate(input: $input) { id name description workspaceId }
}`);
const PROJECT = railwayOperation(`
query getProject($id: String!) {
  project(id: $id) { id name description workspaceId deletedAt }
}`);

let emulator: RailwayEmulator;

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function client(overrides: Partial<ConstructorParameters<typeof RailwayClient>[0]> = {}) {
  return new RailwayClient({
    credentials: { token: emulator.token, kind: "account" },
    endpoint: emulator.url,
    retry: FAST_RETRY,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<RailwayApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RailwayApiError);
  return error as RailwayApiError;
}

beforeAll(async () => {
  emulator = await RailwayEmulator.start();
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => {
  resetRailwaySettings();
  expect(emulator.pendingFaults()).toEqual([]);
});

describe("auth and transport", () => {
  it("sends account tokens as a Bearer header and names the operation", async () => {
    const before = emulator.requests.length;
    await client().request(PROJECTS, {});
    const sent = emulator.requests[before];
    expect(sent.authorization).toBe(`Bearer ${emulator.token}`);
    expect(sent.projectAccessToken).toBeUndefined();
    expect(sent.operation).toBe("listProjects");
  });

  it("tallies every request it sends by operation, retries included, for a rehearsal against the real API to report", async () => {
    const before = sentOperations().listProjects ?? 0;
    emulator.inject({ operation: "listProjects", kind: "serverError" });
    await client().request(PROJECTS, {});
    expect(sentOperations().listProjects).toBe(before + 2);
  });

  it("sends project tokens as Project-Access-Token", async () => {
    const before = emulator.requests.length;
    await client({ credentials: { token: emulator.projectToken, kind: "project" } }).request(PROJECTS, {});
    const sent = emulator.requests[before];
    expect(sent.projectAccessToken).toBe(emulator.projectToken);
    expect(sent.authorization).toBeUndefined();
  });

  it("defaults to Railway's endpoint with a query string", () => {
    expect(DEFAULT_ENDPOINT).toBe("https://backboard.railway.com/graphql/v2?source=trestle");
  });

  it("turns a rejected token into an auth error, never a not-found, without echoing the token", async () => {
    const secret = "tok-definitely-not-valid-1234";
    const error = await failure(client({ credentials: { token: secret, kind: "account" } }).request(PROJECTS, {}));
    expect(error.kind).toBe("auth");
    expect(isAuthError(error)).toBe(true);
    expect(isNotFound(error)).toBe(false);
    expect(error.message).toBe("Railway listProjects failed (INTERNAL_SERVER_ERROR): Not Authorized");
    expect(error.message).not.toContain(secret);
    expect(error.attempts).toBe(1);
  });

  it('treats an unknown project token ("project token not found") as an auth error, not a missing object', async () => {
    const error = await failure(client({ credentials: { token: "proj-tok-wrong-5678", kind: "project" } }).request(PROJECT, { id: "any" }));
    expect(error.message).toBe("Railway getProject failed (INTERNAL_SERVER_ERROR): project token not found");
    expect(error.kind).toBe("auth");
    expect(isNotFound(error)).toBe(false);
  });

  it("does not retry a refused connection (a wrong endpoint)", async () => {
    const port = await closedPort();
    const error = await failure(client({ endpoint: `http://127.0.0.1:${port}/graphql/v2?source=x` }).request(PROJECTS, {}));
    expect(error.code).toBe("NETWORK_ERROR");
    expect(error.retryable).toBe(false);
    expect(error.attempts).toBe(1);
    expect(error.message).toContain(`could not reach http://127.0.0.1:${port}/graphql/v2 (ECONNREFUSED)`);
  });
});

describe("errors", () => {
  it("treats GraphQL errors in an HTTP 200 response as errors, with operation and code", async () => {
    const error = await failure(client().request(PROJECT, { id: "no-such-project" }));
    expect(error.status).toBe(200);
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.kind).toBe("notFound");
    expect(error.operation).toBe("getProject");
    expect(error.message).toBe("Railway getProject failed (INTERNAL_SERVER_ERROR): Project not found");
    expect(isNotFound(error)).toBe(true);
    expect(isRateLimited(error)).toBe(false);
  });

  it("classifies already-exists answers as Railway sends them", async () => {
    emulator.inject({
      operation: "listProjects",
      kind: "graphqlError",
      code: "INTERNAL_SERVER_ERROR",
      message: 'A service named "api" already exists in this project',
    });
    const error = await failure(client().request(PROJECTS, {}));
    expect(isAlreadyExists(error)).toBe(true);
    expect(isNotFound(error)).toBe(false);
  });

  // One row per rule of components/railway/errors.ts: [HTTP status, code, message, kind].
  const shapes: [number, string | undefined, string, string][] = [
    [200, "INTERNAL_SERVER_ERROR", 'A service named "api" already exists in this project', "alreadyExists"],
    [200, "INTERNAL_SERVER_ERROR", "Domain api.example.com is already in use", "alreadyExists"],
    [200, undefined, "Environment staging already exists", "alreadyExists"],
    [200, "INTERNAL_SERVER_ERROR", "Project not found", "notFound"],
    [200, "INTERNAL_SERVER_ERROR", "ServiceInstance not found", "notFound"],
    [200, "INTERNAL_SERVER_ERROR", "Deployment not found", "notFound"],
    [200, "NOT_FOUND", "whatever", "notFound"],
    [200, "SERVICE_NOT_FOUND", "whatever", "notFound"],
    [200, "INTERNAL_SERVER_ERROR", "Not Authorized", "auth"],
    [200, "INTERNAL_SERVER_ERROR", "project token not found", "auth"],
    [200, "UNAUTHENTICATED", "Project not found", "auth"],
    [200, "FORBIDDEN", "nope", "auth"],
    [200, "INTERNAL_SERVER_ERROR", "Failed to create service domain, please try again", "transient"],
    [200, undefined, "Problem processing request", "transient"],
    [200, "INTERNAL_SERVER_ERROR", "Cannot delete TCP proxy: an operation is already in progress", "transient"],
    [200, "INTERNAL_SERVER_ERROR", "You are creating volumes too quickly. Please wait and try again.", "rateLimited"],
    [200, "INTERNAL_SERVER_ERROR", "one environment can be created per user every 30s", "rateLimited"],
    [429, undefined, "Too Many Requests", "rateLimited"],
    [502, undefined, "upstream Project not found", "transient"],
    [503, "INTERNAL_SERVER_ERROR", "Service not found", "transient"],
    [200, "BAD_USER_INPUT", "Service api already exists", "invalid"],
    [200, "INTERNAL_SERVER_ERROR", "Invalid project name", "internal"],
    [200, "PLAN_LIMIT", "Upgrade to add replicas", "planLimit"],
  ];
  it.each(shapes)("HTTP %s, code %s, %j means %s", (status, code, message, kind) => {
    expect(classify(status, code, message).kind).toBe(kind);
  });

  it('retries a transient 500 whose text says "not found", and never reports it as gone', async () => {
    emulator.inject({ operation: "getProject", kind: "serverError", status: 500, message: "Deployment not found upstream", times: 2 });
    const created = await client().request<{ projectCreate: { id: string } }>(PROJECT_CREATE, { input: { name: "transient-nf" } });
    const found = await client().request<{ project: { id: string } }>(PROJECT, { id: created.projectCreate.id });
    expect(found.project.id).toBe(created.projectCreate.id);
  });

  it("ends an attempt that never completes at its deadline, naming the operation and the time", async () => {
    const server = createServer((req) => req.resume()); // reads the request, never answers
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await failure(
        client({
          endpoint: `http://127.0.0.1:${port}/graphql/v2?source=x`,
          retry: { ...FAST_RETRY, attemptTimeoutMs: 200, maxElapsedMs: 700 },
        }).request(PROJECTS, {}),
      );
      expect(error.kind).toBe("timeout");
      expect(error.message).toMatch(/^Railway listProjects failed \(TIMEOUT\): no complete answer within \d+ ms$/);
      // The server never answers: that the request ended at all is the deadline at work (no wall-clock bound: CI's cores may be busy).
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("ends a response that trickles one byte at a time at the attempt deadline", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const error = await failure(
        client({
          endpoint: `http://127.0.0.1:${port}/graphql/v2?source=x`,
          retry: { ...FAST_RETRY, attemptTimeoutMs: 300, maxAttempts: 2 },
        }).request(PROJECTS, {}),
      );
      expect(error.kind).toBe("timeout");
      expect(error.attempts).toBe(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("never repeats an input value or the token in an error message", async () => {
    emulator.inject({
      operation: "createProject",
      kind: "graphqlError",
      code: "BAD_USER_INPUT",
      message: `Invalid description sk_live_51HxSecretValue for token ${emulator.token}`,
    });
    const error = await failure(client().request(PROJECT_CREATE, { input: { name: "p", description: "sk_live_51HxSecretValue" } }));
    expect(error.message).toBe("Railway createProject failed (BAD_USER_INPUT): Invalid description [redacted] for token [redacted]");
    expect(error.code).toBe("BAD_USER_INPUT");
  });

  // Every form a secret takes when a server or proxy repeats it.
  const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
  const SERVICE_ACCOUNT = JSON.stringify({ type: "service_account", private_key: PEM });
  const forms: [string, string, (s: string) => string][] = [
    ["raw", "pa55 w0rd!", (v) => v],
    ["JSON-escaped (a PEM key)", PEM, (v) => JSON.stringify(v).slice(1, -1)],
    ["JSON-escaped (service-account JSON)", SERVICE_ACCOUNT, (v) => JSON.stringify(v).slice(1, -1)],
    ["twice JSON-escaped", PEM, (v) => JSON.stringify(JSON.stringify(v).slice(1, -1)).slice(1, -1)],
    ["URL-encoded", "p@ss/w0rd?&=", (v) => encodeURIComponent(v)],
    ["base64", "hunter2-secret", (v) => Buffer.from(v).toString("base64")],
    ["base64url", "ü>?secret", (v) => Buffer.from(v).toString("base64url")],
    ["short (a declared secret of 4 characters)", "k9Zq", (v) => v],
  ];
  it.each(forms)("keeps a secret out of an error message when Railway repeats it %s", async (_form, secret, encode) => {
    emulator.inject({
      operation: "createProject",
      kind: "graphqlError",
      code: "BAD_USER_INPUT",
      message: `Invalid value: ${encode(secret)} (end)`,
    });
    const error = await failure(client().request(PROJECT_CREATE, { input: { name: "p", description: "d" } }, { secrets: [secret] }));
    expect(error.message).toBe("Railway createProject failed (BAD_USER_INPUT): Invalid value: [redacted] (end)");
    expect(error.stack).not.toContain(encode(secret));
  });

  it("does not retry other GraphQL errors", async () => {
    const before = emulator.requests.length;
    emulator.inject({ operation: "listProjects", kind: "graphqlError", code: "FORBIDDEN", message: "Not allowed" });
    const error = await failure(client().request(PROJECTS, {}));
    expect(error.code).toBe("FORBIDDEN");
    expect(emulator.requests.length - before).toBe(1);
  });
});

describe("retries", () => {
  it("retries a 429 after its Retry-After", async () => {
    emulator.inject({ operation: "listProjects", kind: "rateLimit", retryAfterSeconds: 1 });
    const before = emulator.requests.length;
    await client().request(PROJECTS, {});
    const [limited, retried] = emulator.requests.slice(before);
    expect(limited.status).toBe(429);
    expect(retried.status).toBe(200);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(950);
  });

  it("waits exactly the Retry-After it was given, not its own backoff", async () => {
    const slept: number[] = [];
    emulator.inject({ operation: "listProjects", kind: "rateLimit", retryAfterSeconds: 7 });
    await client({ sleep: async (ms) => void slept.push(ms), retry: { ...FAST_RETRY, maxElapsedMs: 60_000 } }).request(PROJECTS, {});
    expect(slept).toEqual([7000]);
  });

  it("gives up at once when Retry-After is past its time budget", async () => {
    const slept: number[] = [];
    emulator.inject({ operation: "listProjects", kind: "rateLimit", retryAfterSeconds: 3600 });
    const error = await failure(client({ sleep: async (ms) => void slept.push(ms) }).request(PROJECTS, {}));
    expect(isRateLimited(error)).toBe(true);
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(slept).toEqual([]);
  });

  it("retries 5xx with jittered exponential backoff, bounded in attempts", async () => {
    const slept: number[] = [];
    emulator.inject({ operation: "listProjects", kind: "serverError", status: 502, times: 4 });
    const error = await failure(
      client({
        sleep: async (ms) => void slept.push(ms),
        random: () => 1,
        retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 250, maxElapsedMs: 60_000 },
      }).request(PROJECTS, {}),
    );
    expect(error.status).toBe(502);
    expect(error.attempts).toBe(4);
    expect(slept).toEqual([100, 200, 250]);
  });

  it("draws backoff between half and all of the exponential delay", async () => {
    const slept: number[] = [];
    emulator.inject({ operation: "listProjects", kind: "serverError", times: 2 });
    await client({ sleep: async (ms) => void slept.push(ms), random: () => 0, retry: { baseDelayMs: 100, maxDelayMs: 10_000 } }).request(
      PROJECTS,
      {},
    );
    expect(slept).toEqual([50, 100]);
  });

  it("waits at least the throttle floor after Railway's 'too quickly' answers", async () => {
    const slept: number[] = [];
    emulator.inject({ operation: "listProjects", kind: "throttle", message: "You are creating projects too quickly" });
    await client({
      sleep: async (ms) => void slept.push(ms),
      retry: { ...FAST_RETRY, throttleDelayMs: 30_000, maxElapsedMs: 60_000 },
    }).request(PROJECTS, {});
    expect(slept).toEqual([30_000]);
  });

  it("bounds retries in time as well as attempts", async () => {
    let clock = 0;
    emulator.inject({ operation: "listProjects", kind: "serverError", times: 3 });
    const error = await failure(
      client({
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
        random: () => 1,
        retry: { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 1000, maxElapsedMs: 2500 },
      }).request(PROJECTS, {}),
    );
    expect(error.attempts).toBe(3);
    expect(clock).toBe(2000);
  });

  it("adopts instead of resending a mutation whose response was lost", async () => {
    emulator.inject({ operation: "createProject", kind: "lostResponse" });
    const before = emulator.requests.length;
    const name = `lost-${Date.now()}`;
    const result = await client().request<{ projectCreate: { id: string } }>(
      PROJECT_CREATE,
      { input: { name } },
      {
        adopt: async () => {
          const found = [...emulator.state.projects.values()].find((p) => p.name === name);
          return found ? { projectCreate: { id: found.id } } : undefined;
        },
      },
    );
    expect(emulator.operationsSince(before)).toEqual(["createProject"]);
    expect([...emulator.state.projects.values()].filter((p) => p.name === name).map((p) => p.id)).toEqual([result.projectCreate.id]);
  });

  it("retries a dropped connection", async () => {
    emulator.inject({ operation: "listProjects", kind: "dropConnection" });
    const before = emulator.requests.length;
    await client().request(PROJECTS, {});
    expect(emulator.operationsSince(before)).toEqual(["listProjects", "listProjects"]);
  });
});

describe("retry-after parsing", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe("credentials", () => {
  it("prefers the stack secret, then RAILWAY_API_TOKEN, then RAILWAY_TOKEN", async () => {
    const env = { RAILWAY_API_TOKEN: "account-from-env", RAILWAY_TOKEN: "project-from-env" };
    expect(resolveCredentials(env)).toEqual({ token: "account-from-env", kind: "account" });
    expect(resolveCredentials({ RAILWAY_TOKEN: "project-from-env" })).toEqual({ token: "project-from-env", kind: "project" });
    await configureFromStack({ config: { get: (key) => ({ railwayToken: "from-stack", railwayTokenKind: "project" })[key] } });
    expect(resolveCredentials(env)).toEqual({ token: "from-stack", kind: "project" });
  });

  it("refuses an unknown token kind in config, naming the key and the choices", async () => {
    await expect(configureFromStack({ config: { get: (key) => ({ railwayToken: "t", railwayTokenKind: "team" })[key] } })).rejects.toThrow(
      "config `railwayTokenKind`: `team` is not a Railway token kind; use `account` or `project`",
    );
  });

  it("says how to set a token when there is none", () => {
    const saved = { api: process.env.RAILWAY_API_TOKEN, project: process.env.RAILWAY_TOKEN };
    delete process.env.RAILWAY_API_TOKEN;
    delete process.env.RAILWAY_TOKEN;
    try {
      expect(() => railwayClient()).toThrow(RailwayTokenMissingError);
      expect(() => railwayClient()).toThrow("trestle secret set railwayToken --stack <s>");
      expect(() => railwayClient()).toThrow("RAILWAY_API_TOKEN");
    } finally {
      if (saved.api !== undefined) process.env.RAILWAY_API_TOKEN = saved.api;
      if (saved.project !== undefined) process.env.RAILWAY_TOKEN = saved.project;
    }
  });

  it("uses the endpoint override", async () => {
    configureRailway({ token: emulator.token, endpoint: emulator.url });
    const before = emulator.requests.length;
    await railwayClient().request(PROJECTS, {});
    expect(emulator.requests.length).toBe(before + 1);
  });
});
