// What Pulumi's component analyzer reads: the five components, whose args it
// turns into the package schema (`pulumi package add`). index.js serves the same.
export { PostgresDb, RailwayService, RedisCache, StorageBucket, VercelFrontend } from "@trestle/components";
