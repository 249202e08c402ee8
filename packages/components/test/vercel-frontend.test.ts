import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Recorder } from "../src/testing/recorder";
import { childrenOf, leaks, resolve, showSecrets } from "../src/testing/secrets";

let recorder: Recorder;
let mod: typeof import("../src/vercel-frontend");

beforeAll(async () => {
  recorder = new Recorder("trestle", "prod");
  await recorder.install();
  mod = await import("../src/vercel-frontend");
});

describe("VercelFrontend", () => {
  it("declares the project, its API URLs, sensitive secrets, domains and security headers", async () => {
    const web = new mod.VercelFrontend("web", {
      projectName: "travel-web",
      framework: "nextjs",
      repo: "acme/travel",
      rootDirectory: "frontend",
      domains: ["travel.example.com"],
      apiUrl: pulumi.output("https://api.travel.example.com"),
      variables: { NEXT_PUBLIC_ENVIRONMENT: "production" },
      secrets: { EDGE_CONFIG: pulumi.secret("https://edge-config.vercel.com/ecfg_x?token=edge-secret") },
      teamId: "team_acme",
    });
    await resolve(web.projectId);
    await recorder.settle();

    const component = recorder.get("trestle:index:VercelFrontend", "web");
    expect(
      childrenOf(recorder, component)
        .map((r) => `${r.type}::${r.name}`)
        .sort(),
    ).toEqual([
      "vercel:index/project:Project::web",
      "vercel:index/projectDomain:ProjectDomain::web-domain-0",
      "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable::web-secret-edge-config",
      "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables::web-env",
      "vercel:index/projectRoute:ProjectRoute::web-security-headers",
    ]);
    expect(recorder.get("vercel:index/project:Project", "web").inputs).toMatchObject({
      name: "travel-web",
      framework: "nextjs",
      rootDirectory: "frontend",
      gitRepository: { type: "github", repo: "acme/travel", productionBranch: "main" },
      teamId: "team_acme",
    });
    const env = recorder.get("vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables", "web-env");
    const targets = ["production", "preview"];
    expect(showSecrets(env.inputs.variables)).toEqual([
      { key: "NEXT_PUBLIC_API_URL", value: "https://api.travel.example.com", sensitive: false, targets },
      { key: "NEXT_PUBLIC_ENVIRONMENT", value: "production", sensitive: false, targets },
      { key: "NEXT_PUBLIC_WS_URL", value: "wss://api.travel.example.com", sensitive: false, targets },
    ]);
    const secret = recorder.get("vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable", "web-secret-edge-config");
    expect(showSecrets(secret.inputs)).toMatchObject({
      key: "EDGE_CONFIG",
      value: { secret: "https://edge-config.vercel.com/ecfg_x?token=edge-secret" },
      sensitive: true,
      targets,
      teamId: "team_acme",
    });
    expect(recorder.get("vercel:index/projectDomain:ProjectDomain", "web-domain-0").inputs).toMatchObject({ domain: "travel.example.com" });
    expect(recorder.get("vercel:index/projectRoute:ProjectRoute", "web-security-headers").inputs).toMatchObject({
      route: {
        src: "/(.*)",
        headers: {
          "X-Content-Type-Options": "nosniff",
          "X-Frame-Options": "DENY",
          "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
        },
      },
    });
    // With a custom domain, CORS gets it alone: `<project>.vercel.app` may be somebody else's.
    expect(web.origins).toEqual(["https://travel.example.com"]);
    expect(web.url).toBe("https://travel.example.com");
    expect(leaks(recorder, ["edge-secret"])).toEqual([]);
  });

  it("leaves out the WebSocket URL and headers when asked", async () => {
    const web = new mod.VercelFrontend("static", {
      projectName: "threadr",
      repo: "acme/threadr",
      apiUrl: "https://api.example.com",
      wsUrlVariable: "",
      securityHeaders: false,
    });
    await resolve(web.projectId);
    await recorder.settle();
    expect(recorder.resources.find((r) => r.name === "static-security-headers")).toBeUndefined();
    const env = recorder.get("vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables", "static-env");
    expect((env.inputs.variables as { key: string }[]).map((v) => v.key)).toEqual(["NEXT_PUBLIC_API_URL"]);
    expect(recorder.get("vercel:index/project:Project", "static").inputs.framework).toBeUndefined();
    expect(web.url).toBe("https://threadr.vercel.app");
  });
});
