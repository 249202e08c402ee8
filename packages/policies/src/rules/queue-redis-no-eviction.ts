import { trestleRule } from "../lib/rule";
import { COMPONENT_TYPES, TYPES, intentOf } from "@trestle/components/contract";

export default trestleRule({
  name: "queue-redis-no-eviction",
  description: "A Redis used as a queue or broker never uses an eviction policy that can drop keys; a cache-only Redis may.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `evictionPolicy: noeviction` on a Redis whose `use` is `queue` or `both` (Godo's `allkeys-lru` broker silently loses Celery jobs under memory pressure), or split the cache into a Redis of its own: keep the queue's `noeviction`, and declare a cache Redis in `trestle:databases` (`cache: { redis: { use: cache, evictionPolicy: allkeys-lru } }`, reached with `connects: [cache]`).",
  validate(view, report) {
    for (const { redis, declared, queueBy } of view.redisUses()) {
      const component = redis.component;
      const evictionPolicy = intentOf(component, COMPONENT_TYPES.RedisCache)?.evictionPolicy;
      const asQueue = declared === "queue" || declared === "both" || queueBy.length > 0;
      if (!asQueue || !evictionPolicy || evictionPolicy === "noeviction") continue;
      const why =
        declared === "queue" || declared === "both"
          ? `a Redis used as \`${declared}\``
          : `a Redis ${queueBy.join(", ")} use${queueBy.length === 1 ? "s" : ""} as a queue (its \`use\` says \`${declared}\`)`;
      report(`${redis.name}: \`${evictionPolicy}\` can evict queued jobs from ${why}`, component ?? redis.resource, { name: redis.name });
    }
    // An Upstash Redis has no Railway service; judge it by its component.
    for (const upstash of view.ofType(TYPES.redisComponent)) {
      const intent = intentOf(upstash, COMPONENT_TYPES.RedisCache);
      if (intent?.provider !== "upstash") continue;
      const { use, evictionPolicy, serviceName } = intent;
      if ((use === "queue" || use === "both") && evictionPolicy && evictionPolicy !== "noeviction") {
        report(`${serviceName ?? upstash.name}: \`${evictionPolicy}\` can evict queued jobs from a Redis used as \`${use}\``, upstash, {
          name: serviceName ?? upstash.name,
        });
      }
    }
  },
});
