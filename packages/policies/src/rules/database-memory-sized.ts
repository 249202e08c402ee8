import { trestleRule } from "../lib/rule";
import { COMPONENT_TYPES, intentOf } from "@trestle/components/contract";

// Where both the memory limit and the settings are known, the stack config
// refuses what cannot fit (memory-fit.ts). Without a limit the container has
// the plan's default memory, which Trestle cannot see: that is worth a warning.
export default trestleRule({
  name: "database-memory-sized",
  description:
    "A database whose memory settings (Redis `maxmemory`, PostgreSQL `shared_buffers`, `work_mem`, `effective_cache_size`) are given has a memory limit (`limits.memoryGB`) they are checked against.",
  enforcementLevel: "advisory",
  remediationSteps:
    "Give the database `limits: { memoryGB: <n> }`: the settings are then checked to fit it (Redis keeps a quarter free, shared_buffers at most 40%), and Railway holds the container to it.",
  validate(view, report) {
    for (const service of view.services) {
      const intent = intentOf(service.component, COMPONENT_TYPES.PostgresDb) ?? intentOf(service.component, COMPONENT_TYPES.RedisCache);
      if (!intent?.unsizedMemory?.length) continue;
      report(
        `${service.name}: ${intent.unsizedMemory.map((s) => `\`${s}\``).join(", ")} ${intent.unsizedMemory.length > 1 ? "are" : "is"} set with no \`limits.memoryGB\`, so nothing checks ${intent.unsizedMemory.length > 1 ? "they fit" : "it fits"} the plan's default memory`,
        service.component ?? service.resource,
        { name: service.name },
      );
    }
  },
});
