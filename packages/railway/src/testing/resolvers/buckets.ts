// The emulator's answers about storage buckets (BKT): the project's buckets;
// their instances per environment are in the environment patch (deployments.ts).
// Each resolver names the catalogue entry (docs/railway-behaviour.md) it implements.
import { randomUUID } from "node:crypto";
import type { RailwayEmulator, Resolvers } from "../emulator";
import { notFound } from "../answers";

export function bucketsResolvers(emu: RailwayEmulator): Resolvers {
  const s = emu.state;
  return {
    // BKT-1: a bucket of the project, deployed nowhere until an environment patch says so
    bucketCreate: ({ input }) => {
      emu.requireProject(input.projectId);
      const bucket = { id: randomUUID(), name: input.name ?? `bucket-${s.buckets.size + 1}`, projectId: input.projectId };
      s.buckets.set(bucket.id, bucket);
      return { ...bucket, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    },
    // BKT-1: a rename keeps the S3 name and the credentials
    bucketUpdate: ({ id, input }) => {
      const bucket = s.buckets.get(id);
      if (!bucket) throw notFound("Bucket");
      bucket.name = input.name;
      return { ...bucket, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() };
    },
  };
}
