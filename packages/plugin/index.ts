// What Pulumi's component analyzer reads: the four components, whose args it
// turns into the package schema (`pulumi package add`). index.js serves the same.
export { PostgresDb, RailwayService, RedisCache, VercelFrontend } from "@trestle/components";
