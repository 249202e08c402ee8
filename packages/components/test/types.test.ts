// The type tokens are defined once (packages/components/src/contract/types.ts,
// packages/railway/src/types.ts); this pins them, and checks the providers'
// against their SDK classes, which do not declare them in their typings.
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as random from "@pulumi/random";
import * as vercel from "@pulumiverse/vercel";
import * as upstash from "@upstash/pulumi";
import { describe, expect, it } from "vitest";
import { COMPONENT_TYPES, PROVIDER_TYPES } from "../src/contract/types";
import { PostgresDb, RailwayService, RedisCache, StorageBucket, VercelFrontend, VercelPreview } from "../src";
import * as railway from "../../railway/src";

const tokenOf = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;

describe("type tokens", () => {
  it("are the components' own, on the classes", () => {
    expect(COMPONENT_TYPES).toEqual({
      RailwayService: "trestle:index:RailwayService",
      PostgresDb: "trestle:index:PostgresDb",
      RedisCache: "trestle:index:RedisCache",
      VercelFrontend: "trestle:index:VercelFrontend",
      VercelPreview: "trestle:index:VercelPreview",
      StorageBucket: "trestle:index:StorageBucket",
    });
    expect([RailwayService, PostgresDb, RedisCache, VercelFrontend, VercelPreview, StorageBucket].map(tokenOf)).toEqual(
      Object.values(COMPONENT_TYPES),
    );
  });

  it("are the Railway resources' own, on the classes", () => {
    for (const [name, token] of Object.entries(railway.RAILWAY_TYPES)) {
      expect(token).toBe(`pulumi-nodejs:dynamic/railway:${name}`);
      expect(tokenOf((railway as unknown as Record<string, unknown>)[name])).toBe(token);
    }
  });

  it("match each provider SDK's class", () => {
    expect(PROVIDER_TYPES).toEqual({
      vercelProject: tokenOf(vercel.Project),
      vercelProjectDomain: tokenOf(vercel.ProjectDomain),
      vercelVariables: tokenOf(vercel.ProjectEnvironmentVariables),
      vercelVariable: tokenOf(vercel.ProjectEnvironmentVariable),
      vercelRoute: tokenOf(vercel.ProjectRoute),
      upstashRedis: tokenOf(upstash.RedisDatabase),
      randomPassword: tokenOf(random.RandomPassword),
      dockerImage: tokenOf(docker.Image),
      localCommand: tokenOf(command.local.Command),
    });
  });
});
