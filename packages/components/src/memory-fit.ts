// Whether a database's memory settings fit the memory its container has. A
// server told it may use more than the container holds is killed at its
// limit, not slowed down.
//
// Headroom, and where it comes from:
// - Redis: `maxmemory` counts the dataset only. Fragmentation, client and
//   replication buffers and the copy-on-write pages of a forked save come on
//   top; reserve 25% of the memory for them (AWS ElastiCache, "Managing
//   reserved memory": `reserved-memory-percent` defaults to 25%, "Do not
//   reduce this value"). So `maxmemory` ≤ 75% of the limit.
// - PostgreSQL: "it is unlikely that an allocation of more than 40% of RAM to
//   shared_buffers will work better than a smaller amount" (PostgreSQL docs,
//   runtime-config-resource, shared_buffers). Each connection may use
//   `work_mem` per sort or hash at once (same page, work_mem), so
//   `shared_buffers + work_mem × max_connections` must fit the memory, and
//   `effective_cache_size` (the cache the planner assumes) cannot exceed it.
import { postgresBytes, redisBytes } from "./server-settings";

const GB = 1024 ** 3;
export const REDIS_HEADROOM = 0.25;
export const SHARED_BUFFERS_SHARE = 0.4;

const size = (bytes: number) => (bytes >= GB ? `${+(bytes / GB).toFixed(2)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`);

/** Why a Redis `maxmemory` cannot fit `memoryGB`, or undefined. */
export function redisMemoryProblem(maxmemory: string | undefined, memoryGB: number): string | undefined {
  if (!maxmemory) return undefined;
  const bytes = redisBytes(maxmemory);
  const room = memoryGB * GB * (1 - REDIS_HEADROOM);
  if (!(bytes > room)) return undefined;
  return `\`${maxmemory}\` leaves Redis no room in ${memoryGB} GB: fragmentation, buffers and a save's copy-on-write need a quarter of it, so give at most ${size(room)}, or raise \`limits.memoryGB\``;
}

/** Why PostgreSQL settings cannot fit `memoryGB`, each with the setting it names, or none. */
export function postgresMemoryProblems(version: number, settings: Record<string, string | number>, memoryGB: number): [string, string][] {
  const limit = memoryGB * GB;
  const bytes = (name: string) => (settings[name] === undefined ? undefined : postgresBytes(version, name, settings[name]));
  const problems: [string, string][] = [];
  const shared = bytes("shared_buffers") ?? 128 * 1024 ** 2; // PostgreSQL's default
  if (settings.shared_buffers !== undefined && shared > limit * SHARED_BUFFERS_SHARE) {
    problems.push([
      "shared_buffers",
      `\`${settings.shared_buffers}\` is more than 40% of the ${memoryGB} GB the server has (PostgreSQL's own ceiling for it): give at most ${size(limit * SHARED_BUFFERS_SHARE)}, or raise \`limits.memoryGB\``,
    ]);
  }
  const work = bytes("work_mem");
  const connections = Number(settings.max_connections ?? 100);
  if (work !== undefined && shared + work * connections > limit) {
    problems.push([
      "work_mem",
      `\`${settings.work_mem}\` × ${connections} connections, with shared_buffers, needs ${size(shared + work * connections)}, more than the ${memoryGB} GB the server has: lower \`work_mem\` or \`max_connections\`, or raise \`limits.memoryGB\``,
    ]);
  }
  const cache = bytes("effective_cache_size");
  if (cache !== undefined && cache > limit) {
    problems.push([
      "effective_cache_size",
      `\`${settings.effective_cache_size}\` tells the planner of more cache than the ${memoryGB} GB the server has: give at most ${memoryGB}GB`,
    ]);
  }
  return problems;
}
