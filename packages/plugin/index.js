// The component provider's entry: the Pulumi CLI requires this module and hosts
// every component class it exports (see index.ts for what the analyzer reads).
"use strict";
const { PostgresDb, RailwayService, RedisCache, StorageBucket, VercelFrontend } = require("@trestle/components");
module.exports = { PostgresDb, RailwayService, RedisCache, StorageBucket, VercelFrontend };
