// One Railway service as every component deploys it (DEP-6): a Service, its
// Variables and, for a database, a Volume, each made with `deferToDeploy`, and
// the Deployment whose first deploy writes all of them in one patch with the
// source (railway/src/first-deploy.ts). RailwayService, PostgresDb and
// RedisCache differ only in the settings, the variables and what else the
// deploy waits for.
import * as pulumi from "@pulumi/pulumi";
import * as railway from "@trestle/railway";

type Scope = { projectId: pulumi.Input<string>; environmentId: pulumi.Input<string> };

export interface DeployedServiceArgs {
  scope: Scope;
  /** The Service's settings (its name, image or repository, start command, …); they go in the first deploy's patch. */
  settings: Omit<railway.ServiceArgs, "projectId" | "environmentId" | "deferToDeploy">;
  /** Plain variables, e.g. references like `${{Postgres.DATABASE_URL}}`. */
  variables: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Secret variables: encrypted in state, never shown. */
  secretVariables: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Seal the secret variables at the first deploy (VAR-8): Railway never shows them again. @default false */
  sealSecrets?: boolean;
  /** A volume (a database's data), with the backups the first deploy sets (VOL-4). */
  volume?: { mountPath: string; backups?: railway.BackupSchedule[]; allowReplace?: boolean };
  /** What the first deploy commits: an image, or a repository at its branch. */
  source: railway.DeploymentArgs["source"];
  /** Anything whose change must redeploy: settings, variables, an image digest. */
  triggers: pulumi.Input<unknown>;
  /** Seconds a deploy may take. @default 1200 */
  timeoutSeconds?: number;
  /** Resources made once the service exists that its deploy waits for: its domains, a TCP proxy. */
  attach?: (service: railway.Service) => pulumi.Resource[];
  /** Resources outside the component the deploy waits for: the databases a service connects to. */
  deployAfter?: pulumi.Resource[];
}

export interface DeployedService {
  service: railway.Service;
  variables: railway.Variables;
  volume?: railway.Volume;
  deployment: railway.Deployment;
}

/**
 * Declares the Service (named `name`), its Variables (`<name>-vars`), its
 * Volume (`<name>-data`) and its Deployment (`<name>-deploy`) under `parent`.
 * `protect` guards the Service and the Volume, where a database's data lives.
 */
export function deployedService(
  name: string,
  args: DeployedServiceArgs,
  opts: { parent: pulumi.Resource; protect?: boolean },
): DeployedService {
  const { parent, protect } = opts;
  const service = new railway.Service(name, { ...args.scope, ...args.settings, deferToDeploy: true }, { parent, protect });
  const volume =
    args.volume &&
    new railway.Volume(
      `${name}-data`,
      {
        ...args.scope,
        serviceId: service.serviceId,
        mountPath: args.volume.mountPath,
        name: `${name}-data`,
        backups: args.volume.backups,
        deferToDeploy: true,
        allowReplace: args.volume.allowReplace,
      },
      { parent, protect },
    );
  const attached = args.attach?.(service) ?? [];
  const variables = new railway.Variables(
    `${name}-vars`,
    {
      ...args.scope,
      serviceId: service.serviceId,
      variables: args.variables,
      secretVariables: args.secretVariables,
      deferToDeploy: true,
      ...(args.sealSecrets ? { sealSecrets: true } : {}),
    },
    { parent },
  );
  const deployment = new railway.Deployment(
    `${name}-deploy`,
    {
      ...args.scope,
      serviceId: service.serviceId,
      source: args.source,
      triggers: args.triggers,
      timeoutSeconds: args.timeoutSeconds,
      firstDeploy: railway.firstDeployOf({ variables, volumes: volume ? [volume] : [], service }),
    },
    { parent, dependsOn: [service, variables, ...(volume ? [volume] : []), ...attached, ...(args.deployAfter ?? [])] },
  );
  return { service, variables, volume, deployment };
}
