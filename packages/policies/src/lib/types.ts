// Resource type tokens the rules look at.
const DYN = "pulumi-nodejs:dynamic/railway";

export const TYPES = {
  railwayService: `${DYN}:Service`,
  railwayVariables: `${DYN}:Variables`,
  serviceDomain: `${DYN}:ServiceDomain`,
  customDomain: `${DYN}:CustomDomain`,
  tcpProxy: `${DYN}:TcpProxy`,
  volume: `${DYN}:Volume`,
  serviceComponent: "trestle:index:RailwayService",
  postgresComponent: "trestle:index:PostgresDb",
  redisComponent: "trestle:index:RedisCache",
  frontendComponent: "trestle:index:VercelFrontend",
  vercelProject: "vercel:index/project:Project",
  vercelVariables: "vercel:index/projectEnvironmentVariables:ProjectEnvironmentVariables",
  vercelVariable: "vercel:index/projectEnvironmentVariable:ProjectEnvironmentVariable",
  upstashRedis: "upstash:index/redisDatabase:RedisDatabase",
  dockerImage: "docker:index/image:Image",
  localCommand: "command:local:Command",
} as const;
