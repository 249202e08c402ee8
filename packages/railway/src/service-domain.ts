// A Railway-provided `*.up.railway.app` domain for a service in one environment.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { RailwayApiError, railwayOperation } from "./client";
import { CheckFailure, compact, deleteIfPresent, diffOf, requireStrings, tcpPortFailure, unlessGone } from "./common";
import { whenInstanceShows } from "./instance-lag";
import { configureFromStack, railwayClient } from "./settings";
import { RAILWAY_MODULE, RAILWAY_TYPES } from "./types";

export interface ServiceDomainArgs {
  /** Changing it replaces the domain. */
  projectId: pulumi.Input<string>;
  /** Changing it replaces the domain. */
  environmentId: pulumi.Input<string>;
  /** Changing it replaces the domain. */
  serviceId: pulumi.Input<string>;
  /** The port the service listens on. @default Railway's detected `PORT` */
  targetPort?: pulumi.Input<number>;
  /** DOM-3: the domain's own label, `<subdomain>.up.railway.app`; changing it renames the domain in place. @default Railway's generated name */
  subdomain?: pulumi.Input<string>;
}

export interface ServiceDomainInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  targetPort?: number;
  subdomain?: string;
}

export interface ServiceDomainOutputs extends ServiceDomainInputs {
  /** The host name, e.g. `api-production-1a2b.up.railway.app`. */
  domain: string;
  /** `https://<domain>`. */
  url: string;
}

interface ServiceDomainNode {
  id: string;
  domain: string;
  targetPort?: number | null;
}

const SERVICE_DOMAIN_CREATE = railwayOperation(`
mutation serviceDomainCreate($input: ServiceDomainCreateInput!) {
  serviceDomainCreate(input: $input) { id domain targetPort }
}`);

export const SERVICE_DOMAINS = railwayOperation(`
query serviceDomains($projectId: String!, $environmentId: String!, $serviceId: String!) {
  domains(projectId: $projectId, environmentId: $environmentId, serviceId: $serviceId) {
    serviceDomains { id domain targetPort }
  }
}`);

const SERVICE_DOMAIN_UPDATE = railwayOperation(`
mutation serviceDomainUpdate($input: ServiceDomainUpdateInput!) {
  serviceDomainUpdate(input: $input)
}`);

const SERVICE_DOMAIN_DELETE = railwayOperation(`
mutation serviceDomainDelete($id: String!) {
  serviceDomainDelete(id: $id)
}`);

async function list(inputs: ServiceDomainInputs): Promise<ServiceDomainNode[]> {
  const data = await railwayClient().request<{ domains: { serviceDomains: ServiceDomainNode[] } }>(SERVICE_DOMAINS, {
    projectId: inputs.projectId,
    environmentId: inputs.environmentId,
    serviceId: inputs.serviceId,
  });
  return data.domains.serviceDomains;
}

/** A domain label: what `<label>.up.railway.app` takes. */
const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const RAILWAY_SUFFIX = ".up.railway.app";

/** The host these inputs want: the chosen subdomain's, else the one it has. */
const wanted = (inputs: ServiceDomainInputs, current: string) => (inputs.subdomain ? `${inputs.subdomain}${RAILWAY_SUFFIX}` : current);

/**
 * DOM-3: sets the domain's host (and port) with `serviceDomainUpdate`, as other
 * clients set a chosen `<name>.up.railway.app`; a name another service holds
 * is refused by Railway, and the error says so.
 */
async function rename(id: string, inputs: ServiceDomainInputs, current: string): Promise<ServiceDomainNode> {
  const domain = wanted(inputs, current);
  try {
    await railwayClient().request(SERVICE_DOMAIN_UPDATE, {
      input: compact({
        serviceDomainId: id,
        domain,
        environmentId: inputs.environmentId,
        serviceId: inputs.serviceId,
        targetPort: inputs.targetPort,
      }),
    });
  } catch (error) {
    // The client redacts every input from its errors; the chosen name is no secret, and the fix needs it.
    if (inputs.subdomain && error instanceof RailwayApiError && ["alreadyExists", "invalid", "internal"].includes(error.kind)) {
      const message = `Railway refused the domain \`${domain}\` for service ${inputs.serviceId} (${error.message}): another service holds it, or Railway does not allow it; choose another \`subdomain\``;
      throw Object.assign(new Error(message), { name: "SubdomainRefusedError" });
    }
    throw error;
  }
  return { id, domain };
}

function outputsOf(inputs: ServiceDomainInputs, node: ServiceDomainNode): ServiceDomainOutputs {
  return compact({ ...inputs, domain: node.domain, url: `https://${node.domain}` });
}

export const serviceDomainProvider: dynamic.ResourceProvider<ServiceDomainInputs, ServiceDomainOutputs> = {
  configure: configureFromStack,

  async check(_olds, news) {
    const failures: CheckFailure[] = requireStrings(news as unknown as Record<string, unknown>, [
      "projectId",
      "environmentId",
      "serviceId",
    ]);
    failures.push(...tcpPortFailure("targetPort", news.targetPort));
    if (news.subdomain !== undefined && (typeof news.subdomain !== "string" || !SUBDOMAIN.test(news.subdomain))) {
      failures.push({
        property: "subdomain",
        reason: `\`${news.subdomain}\` is not a domain label: lower-case letters, digits and \`-\`, 1-63, not starting or ending with \`-\``,
      });
    }
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    return diffOf<ServiceDomainInputs>(olds, news, {
      replace: ["projectId", "environmentId", "serviceId"],
      update: ["targetPort", "subdomain"],
    });
  },

  async create(inputs) {
    // Service domains have no name. Trestle gives a service one, so a domain the
    // service already has is the one an interrupted run (or a lost answer, or a
    // concurrent create) made: adopt it rather than make a second (DOM-1).
    const existing = async () => (await list(inputs)).sort((a, b) => a.id.localeCompare(b.id))[0];
    const found = await existing();
    if (found) {
      if (wanted(inputs, found.domain) !== found.domain)
        return { id: found.id, outs: outputsOf(inputs, await rename(found.id, inputs, found.domain)) };
      if (inputs.targetPort !== undefined && found.targetPort !== inputs.targetPort) {
        await railwayClient().request(SERVICE_DOMAIN_UPDATE, {
          input: compact({
            serviceDomainId: found.id,
            domain: found.domain,
            environmentId: inputs.environmentId,
            serviceId: inputs.serviceId,
            targetPort: inputs.targetPort,
          }),
        });
      }
      return { id: found.id, outs: outputsOf(inputs, found) };
    }
    // ERR-3, SVC-9: "ServiceInstance not found" right after the service's create is the instance's lag (DST marks it retryable here).
    const { serviceDomainCreate } = await whenInstanceShows(() =>
      railwayClient().request<{ serviceDomainCreate: ServiceDomainNode }>(
        SERVICE_DOMAIN_CREATE,
        { input: compact({ environmentId: inputs.environmentId, serviceId: inputs.serviceId, targetPort: inputs.targetPort }) },
        {
          adopt: async () => {
            const mine = await existing();
            return mine ? { serviceDomainCreate: mine } : undefined;
          },
        },
      ),
    );
    // DOM-3: Railway generates the name; a chosen one is set on the new domain at once.
    if (wanted(inputs, serviceDomainCreate.domain) !== serviceDomainCreate.domain) {
      return {
        id: serviceDomainCreate.id,
        outs: outputsOf(inputs, await rename(serviceDomainCreate.id, inputs, serviceDomainCreate.domain)),
      };
    }
    return { id: serviceDomainCreate.id, outs: outputsOf(inputs, serviceDomainCreate) };
  },

  async read(id, props) {
    const olds = props as ServiceDomainOutputs;
    const domains = await unlessGone(() => list(olds));
    const node = domains?.find((d) => d.id === id);
    if (!node) return {};
    return {
      id,
      props: outputsOf({ ...olds, targetPort: olds.targetPort === undefined ? undefined : (node.targetPort ?? undefined) }, node),
    };
  },

  async update(id, olds, news) {
    // Without `subdomain` the domain keeps the name it has (generated, or one chosen before).
    return { outs: outputsOf(news, await rename(id, news, olds.domain)) };
  },

  async delete(id) {
    await deleteIfPresent(() => railwayClient().request(SERVICE_DOMAIN_DELETE, { id }));
  },
};

/**
 * A public `*.up.railway.app` domain for a service.
 *
 * ```ts
 * const domain = new ServiceDomain("api-domain", { projectId, environmentId, serviceId: api.serviceId, targetPort: 8000 });
 * export const apiUrl = domain.url;
 * ```
 */
export class ServiceDomain extends pulumi.dynamic.Resource {
  /** Its type token (what `validateResourceOfType` and the synth match on). */
  static readonly __pulumiType = RAILWAY_TYPES.ServiceDomain;
  declare readonly domain: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;

  constructor(name: string, args: ServiceDomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(serviceDomainProvider, name, { domain: undefined, url: undefined, ...args }, opts, RAILWAY_MODULE, "ServiceDomain");
  }
}
