// A Railway-provided `*.up.railway.app` domain for a service in one environment.
import * as pulumi from "@pulumi/pulumi";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { railwayOperation } from "./client";
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
}

export interface ServiceDomainInputs {
  projectId: string;
  environmentId: string;
  serviceId: string;
  targetPort?: number;
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
    return { inputs: news, failures };
  },

  async diff(_id, olds, news) {
    return diffOf<ServiceDomainInputs>(olds, news, { replace: ["projectId", "environmentId", "serviceId"], update: ["targetPort"] });
  },

  async create(inputs) {
    // Service domains have no name. Trestle gives a service one, so a domain the
    // service already has is the one an interrupted run (or a lost answer, or a
    // concurrent create) made: adopt it rather than make a second (DOM-1).
    const existing = async () => (await list(inputs)).sort((a, b) => a.id.localeCompare(b.id))[0];
    const found = await existing();
    if (found) {
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
    await railwayClient().request(SERVICE_DOMAIN_UPDATE, {
      input: compact({
        serviceDomainId: id,
        domain: olds.domain,
        environmentId: news.environmentId,
        serviceId: news.serviceId,
        targetPort: news.targetPort,
      }),
    });
    return { outs: { ...outputsOf(news, { id, domain: olds.domain }) } };
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
