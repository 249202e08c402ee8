import { trestleRule } from "../lib/rule";
import { TYPES } from "../lib/types";

export default trestleRule({
  name: "queue-redis-no-eviction",
  description: "A Redis used as a queue or broker never uses an eviction policy that can drop keys; a cache-only Redis may.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `evictionPolicy: noeviction` on a Redis whose `use` is `queue` or `both` (seed 004's `allkeys-lru` broker silently loses Celery jobs under memory pressure), or split the cache into a Redis of its own with `use: cache`.",
  validate(view, report) {
    for (const redis of view.ofType(TYPES.redisComponent)) {
      const { use, evictionPolicy, serviceName } = redis.props as { use?: string; evictionPolicy?: string; serviceName?: string };
      if ((use === "queue" || use === "both") && evictionPolicy && evictionPolicy !== "noeviction") {
        report(`${serviceName ?? redis.name}: \`${evictionPolicy}\` can evict queued jobs from a Redis used as \`${use}\``, redis, { name: serviceName ?? redis.name });
      }
    }
  },
});
