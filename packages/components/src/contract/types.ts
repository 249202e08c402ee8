// Every resource type token a Trestle stack declares, defined once: the policy
// pack, the synth (recorder, report, diff), the rehearsal and the tests import
// these instead of spelling them. Railway's come from @trestle/railway; the
// providers' are their SDK classes' `__pulumiType` (not in their typings, so
// spelled here and checked against the classes in packages/components/test/types.test.ts).
import { RAILWAY_TYPES } from "@trestle/railway/facts";

export const COMPONENT_TYPES = {
  RailwayService: "trestle:index:RailwayService",
  PostgresDb: "trestle:index:PostgresDb",
  RedisCache: "trestle:index:RedisCache",
  VercelFrontend: "trestle:index:VercelFrontend",
  VercelPreview: "trestle:index:VercelPreview",
  StorageBucket: "trestle:index:StorageBucket",
} as const;

/** What every Trestle component's token starts with. */
export const COMPONENT_TYPE_PREFIX = "trestle:index:";

export const PROVIDER_TYPES = {
  vercelProject: "vercel:index/project:Project",
  vercelProjectDomain: "vercel:index/projectDomain:ProjectDomain",
  vercelVariables: "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables",
  vercelVariable: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
  vercelRoute: "vercel:index/projectRoute:ProjectRoute",
  upstashRedis: "upstash:index/redisDatabase:RedisDatabase",
  randomPassword: "random:index/randomPassword:RandomPassword",
  dockerImage: "docker:index/image:Image",
  localCommand: "command:local:Command",
} as const;

/** The tokens the policy rules judge, by what they are. */
export const TYPES = {
  railwayService: RAILWAY_TYPES.Service,
  railwayVariables: RAILWAY_TYPES.Variables,
  serviceDomain: RAILWAY_TYPES.ServiceDomain,
  customDomain: RAILWAY_TYPES.CustomDomain,
  tcpProxy: RAILWAY_TYPES.TcpProxy,
  volume: RAILWAY_TYPES.Volume,
  bucket: RAILWAY_TYPES.Bucket,
  serviceComponent: COMPONENT_TYPES.RailwayService,
  postgresComponent: COMPONENT_TYPES.PostgresDb,
  redisComponent: COMPONENT_TYPES.RedisCache,
  frontendComponent: COMPONENT_TYPES.VercelFrontend,
  previewComponent: COMPONENT_TYPES.VercelPreview,
  railwayProject: RAILWAY_TYPES.Project,
  railwayEnvironment: RAILWAY_TYPES.Environment,
  vercelProjectDomain: PROVIDER_TYPES.vercelProjectDomain,
  vercelProject: PROVIDER_TYPES.vercelProject,
  vercelVariables: PROVIDER_TYPES.vercelVariables,
  vercelVariable: PROVIDER_TYPES.vercelVariable,
  upstashRedis: PROVIDER_TYPES.upstashRedis,
  dockerImage: PROVIDER_TYPES.dockerImage,
  localCommand: PROVIDER_TYPES.localCommand,
} as const;

/** Pulumi's wire marker for a secret value (sdk/nodejs/runtime/rpc.ts): `{ [SECRET_SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
