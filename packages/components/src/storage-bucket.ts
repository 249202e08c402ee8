// An S3-compatible storage bucket on Railway (BKT-1..BKT-4), deployed in the
// stack's environment. Services reach it by references to its variables under
// the AWS SDK's names, so its credentials never pass through Trestle, its
// state or its synth output.
import * as pulumi from "@pulumi/pulumi";
import * as railway from "@trestle/railway";
import { oneOf } from "./args";
import { BucketIntent } from "./contract/intent";
import { COMPONENT_TYPES } from "./contract/types";

export interface StorageBucketArgs {
  /** The Railway project. */
  projectId: pulumi.Input<string>;
  /** The environment the bucket is deployed in (each has its own instance and credentials). */
  environmentId: pulumi.Input<string>;
  /** The bucket's name, which services' references use (`${{uploads.ENDPOINT}}`); the S3 name is it and a short hash. */
  name: string;
  /** `sjc` (US West), `iad` (US East), `ams` (EU West) or `sin` (Asia Pacific); fixed once created. */
  region: string;
  /** Protect the bucket, whose deletion deletes its objects (BKT-4). @default false */
  protect?: boolean;
  /** Allow this update to replace the bucket (a new region), deleting its objects. @default false */
  allowReplace?: boolean;
  /** A production stack (recorded for the policy pack). @default false */
  production?: boolean;
  /** Whether Trestle created the project (a same-name bucket there is this stack's own). @default false */
  projectCreated?: pulumi.Input<boolean>;
  /** Manage a same-name bucket Trestle did not create. @default false */
  takeOver?: boolean;
}

/**
 * BKT-3: the variables a service that connects to a bucket gets, under the AWS
 * SDK's names (those Railway's CLI prints credentials under), each a reference
 * Railway renders when the service deploys.
 */
export function bucketVariables(bucket: string): Record<string, string> {
  const ref = (name: string) => railway.serviceReference(bucket, name);
  return {
    AWS_ENDPOINT_URL: ref("ENDPOINT"),
    AWS_DEFAULT_REGION: ref("REGION"),
    AWS_S3_BUCKET_NAME: ref("BUCKET"),
    AWS_ACCESS_KEY_ID: ref("ACCESS_KEY_ID"),
    AWS_SECRET_ACCESS_KEY: ref("SECRET_ACCESS_KEY"),
  };
}

/**
 * A storage bucket in the stack's environment.
 *
 * ```ts
 * const uploads = new StorageBucket("uploads", { projectId, environmentId, name: "uploads", region: "iad", protect: true });
 * // in a service: variables: uploads.references  →  AWS_ACCESS_KEY_ID = "${{uploads.ACCESS_KEY_ID}}", …
 * ```
 */
export class StorageBucket extends pulumi.ComponentResource {
  /** Its type token, defined once (contract/types.ts). */
  static readonly __pulumiType = COMPONENT_TYPES.StorageBucket;
  readonly bucketId: pulumi.Output<string>;
  /** The AWS SDK variables a service that uses the bucket gets, as references. */
  readonly references: Record<string, string>;

  constructor(name: string, args: StorageBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    const intent: BucketIntent = {
      name: args.name,
      region: args.region,
      production: args.production ?? false,
      protect: args.protect ?? false,
    };
    super(StorageBucket.__pulumiType, name, intent, opts);
    const region = oneOf(`StorageBucket ${name}`, "region", args.region, railway.BUCKET_REGIONS)!;
    const bucket = new railway.Bucket(
      name,
      {
        projectId: args.projectId,
        environmentId: args.environmentId,
        name: args.name,
        region,
        projectCreated: args.projectCreated,
        takeOver: args.takeOver,
        allowReplace: args.allowReplace,
      },
      { parent: this, protect: args.protect },
    );
    this.bucketId = bucket.bucketId;
    this.references = bucketVariables(args.name);
    this.registerOutputs({ ...intent, bucketId: this.bucketId });
  }
}
