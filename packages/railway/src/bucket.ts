// An S3-compatible storage bucket in one environment (BKT-1..BKT-4). Railway
// creates the bucket in the project with `bucketCreate`, and deploys its
// instance into an environment with an environment patch, `buckets: { <id>:
// { region, isCreated: true } }`; it is deleted from the environment the same
// way (`isDeleted: true`), as Railway's CLI does (`commands/bucket.rs`). Each
// environment's instance has its own credentials, which services reference as
// `${{<bucket>.ACCESS_KEY_ID}}`: they never pass through Trestle or its state.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
import { CheckFailure, diffOf, requireStrings, unlessGone } from "./common";
import { PATCH_COMMIT, oneCommitAtATime } from "./first-deploy";
import { DataGuardInputs, deleteUnlessHeld, described, guardReplace, hold } from "./holdings";
import { BUCKET_REGIONS } from "./patterns";
import { configureFromStack, railwayClient } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface BucketArgs {
  /** Changing it replaces the bucket (and deletes its objects). */
  projectId: pulumi.Input<string>;
  /** Changing it replaces the bucket (and deletes its objects). */
  environmentId: pulumi.Input<string>;
  /** The display name, which services' references use (`${{<name>.ENDPOINT}}`); renamed in place. */
  name: pulumi.Input<string>;
  /** `sjc`, `iad`, `ams` or `sin`; fixed once created, so changing it replaces the bucket. */
  region: pulumi.Input<string>;
  /** Whether Trestle created the project (a same-name bucket there is this stack's own). @default false */
  projectCreated?: pulumi.Input<boolean>;
  /** Manage a same-name bucket Trestle did not create; `pulumi destroy` then deletes it. @default false */
  takeOver?: pulumi.Input<boolean>;
  /** Allow this update to replace the bucket, deleting its objects. @default false */
  allowReplace?: pulumi.Input<boolean>;
}

export interface BucketInputs extends DataGuardInputs {
  projectId: string;
  environmentId: string;
  name: string;
  region: string;
  projectCreated?: boolean;
  takeOver?: boolean;
}

export interface BucketOutputs extends BucketInputs {
  bucketId: string;
  /** Which resource holds the bucket (holdings.ts): a replaced resource never deletes it. */
  holder?: string;
}

const BUCKET_CREATE = railwayOperation(`
mutation bucketCreate($input: BucketCreateInput!) {
  bucketCreate(input: $input) { id name }
}`);

const BUCKET_UPDATE = railwayOperation(`
mutation bucketUpdate($id: String!, $input: BucketUpdateInput!) {
  bucketUpdate(id: $id, input: $input) { id name }
}`);

/** BKT-2: the project's buckets, and the environment's config, whose `buckets` say which are deployed there and where. */
const ENVIRONMENT_BUCKETS = railwayOperation(`
query environmentBuckets($projectId: String!, $environmentId: String!) {
  project(id: $projectId) { buckets(first: 500) { edges { node { id name } } } }
  environment(id: $environmentId) { config unmergedChangesCount }
}`);

interface BucketSeen {
  id: string;
  name: string;
  /** The environment's instance, when deployed there. */
  region?: string;
  deployed: boolean;
}

async function bucketsOf(inputs: { projectId: string; environmentId: string }): Promise<{ buckets: BucketSeen[]; staged: number }> {
  const data = await railwayClient().request<{
    project: { buckets: { edges: { node: { id: string; name: string } }[] } };
    environment: {
      config?: { buckets?: Record<string, { region?: string; isDeleted?: boolean }> } | null;
      unmergedChangesCount?: number | null;
    };
  }>(ENVIRONMENT_BUCKETS, { projectId: inputs.projectId, environmentId: inputs.environmentId });
  const instances = data.environment.config?.buckets ?? {};
  return {
    staged: data.environment.unmergedChangesCount ?? 0,
    buckets: data.project.buckets.edges.map(({ node }) => {
      const instance = instances[node.id];
      const deployed = instance !== undefined && instance.isDeleted !== true;
      return { id: node.id, name: node.name, region: deployed ? instance.region : undefined, deployed };
    }),
  };
}

/** BKT-2: a bucket's part of the environment's config, committed as Railway's CLI commits it. */
async function commitBuckets(environmentId: string, buckets: Record<string, Record<string, unknown>>, message: string): Promise<void> {
  await oneCommitAtATime(environmentId, () =>
    railwayClient().request(PATCH_COMMIT, { environmentId, patch: { buckets }, commitMessage: `Trestle: ${message}` }),
  );
}

/** Changes someone staged in the dashboard would be committed with Trestle's patch: refused, as Railway's CLI stages instead. */
function refuseStaged(staged: number, inputs: BucketInputs): void {
  if (staged > 0) {
    throw new Error(
      `the environment ${inputs.environmentId} has ${staged} staged change(s) in Railway's dashboard; a bucket is deployed by committing the environment's config, ` +
        "which would deploy them too: deploy or discard them in the dashboard, then run `pulumi up` again",
    );
  }
}

export function checkBucket(news: BucketInputs): CheckFailure[] {
  const failures = requireStrings(news as unknown as Record<string, unknown>, ["projectId", "environmentId", "name", "region"]);
  if (typeof news.region === "string" && !(BUCKET_REGIONS as readonly string[]).includes(news.region)) {
    failures.push({
      property: "region",
      reason: `\`${news.region}\` is not a bucket region; give one of ${BUCKET_REGIONS.join(", ")} (BKT-1)`,
    });
  }
  return failures;
}

export const bucketProvider: dynamic.ResourceProvider<BucketInputs, BucketOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    return { inputs: news, failures: checkBucket(news) };
  },

  async diff(_id, olds, news) {
    return guardReplace(
      diffOf<BucketInputs>(olds, news, { replace: ["projectId", "environmentId", "region"], update: ["name"] }),
      news,
      described("the bucket", olds.name, olds.bucketId),
      "A bucket's region is fixed once created (BKT-1): keep it, or add the bucket's name to `trestle:allowReplace` for this one update.",
    );
  },

  async create(inputs) {
    const { buckets, staged } = await bucketsOf(inputs);
    const same = buckets.find((b) => b.name === inputs.name);
    // A same-name bucket deployed here is this stack's only in a project it created (or with takeOver).
    if (same?.deployed && !inputs.projectCreated && !inputs.takeOver) {
      throw new Error(
        `a bucket named \`${inputs.name}\` is already deployed in environment ${inputs.environmentId}, and this stack did not create it: ` +
          "rename this stack's bucket, or set `takeOver: true` on it to manage that one (`pulumi destroy` would then delete it)",
      );
    }
    let id = same?.id;
    if (!id) {
      // The CLI leaves the environment out: the patch below deploys the bucket where it is wanted.
      const created = await railwayClient().request<{ bucketCreate: { id: string } }>(
        BUCKET_CREATE,
        { input: { projectId: inputs.projectId, name: inputs.name } },
        {
          adopt: async () => {
            const lost = (await bucketsOf(inputs)).buckets.find((b) => b.name === inputs.name);
            return lost ? { bucketCreate: { id: lost.id } } : undefined;
          },
        },
      );
      id = created.bucketCreate.id;
    }
    if (!same?.deployed) {
      refuseStaged(staged, inputs);
      await commitBuckets(inputs.environmentId, { [id]: { region: inputs.region, isCreated: true } }, `create bucket ${inputs.name}`);
    }
    return { id, outs: { ...inputs, bucketId: id, holder: hold("Bucket", id) } };
  },

  async read(id, props) {
    const olds = props as BucketOutputs;
    const seen = (await unlessGone(() => bucketsOf(olds)))?.buckets.find((b) => b.id === id);
    if (!seen?.deployed) return {};
    return { id, props: { ...olds, name: seen.name, region: seen.region ?? olds.region } };
  },

  async update(id, olds, news) {
    if (news.name !== olds.name) await railwayClient().request(BUCKET_UPDATE, { id, input: { name: news.name } });
    return { outs: { ...olds, ...news } };
  },

  async delete(id, props) {
    await deleteUnlessHeld("Bucket", id, props?.holder, async () => {
      const seen = (await unlessGone(() => bucketsOf(props)))?.buckets.find((b) => b.id === id);
      // BKT-4: a non-empty bucket's objects are deleted two days later, Railway's grace period.
      if (seen?.deployed) await commitBuckets(props.environmentId, { [id]: { isDeleted: true } }, `delete bucket ${props.name}`);
    });
  },
};

/**
 * An S3-compatible bucket, deployed in one environment. Protect it
 * (`protect: true`) where its objects matter.
 *
 * ```ts
 * const uploads = new Bucket("uploads", { projectId, environmentId, name: "uploads", region: "iad" }, { protect: true });
 * // in a service: AWS_ACCESS_KEY_ID = "${{uploads.ACCESS_KEY_ID}}"
 * ```
 */
export class Bucket extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.Bucket;
  declare readonly bucketId: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: BucketArgs, opts?: pulumi.CustomResourceOptions) {
    super(bucketProvider, name, { bucketId: undefined, ...args }, opts, RAILWAY_MODULE, "Bucket");
  }
}
