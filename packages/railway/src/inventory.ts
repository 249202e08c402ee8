// What a Railway project holds in one environment, read with the same queries
// the resources use to refresh (so every one is already checked against
// Railway's schema): its services, each instance's settings, its variables as
// written (references unrendered) and its domains. `trestle import` turns it
// into a stack file.
import { CUSTOM_DOMAINS } from "./custom-domain";
import { ENVIRONMENTS_LIST } from "./environment";
import { InstanceNode, PROJECT_SERVICES, SERVICE_READ } from "./service";
import { SERVICE_DOMAINS } from "./service-domain";
import { railwayClient } from "./settings";
import { VARIABLES_READ } from "./variables";

export interface ServiceInventory {
  id: string;
  name: string;
  instance: InstanceNode;
  /** As written: `${{Postgres.DATABASE_URL}}` stays a reference. */
  variables: Record<string, string>;
  serviceDomains: { domain: string; targetPort?: number | null }[];
  customDomains: { domain: string; targetPort?: number | null }[];
}

export interface ProjectInventory {
  projectId: string;
  environment: { id: string; name: string };
  services: ServiceInventory[];
}

type Connection<T> = { edges: { node: T }[] };

/** Reads project `projectId` as it stands in environment `environmentName`. */
export async function readInventory(projectId: string, environmentName: string): Promise<ProjectInventory> {
  const client = railwayClient();
  const { environments } = await client.request<{ environments: Connection<{ id: string; name: string }> }>(ENVIRONMENTS_LIST, {
    projectId,
  });
  const environment = environments.edges.map((e) => e.node).find((e) => e.name === environmentName);
  if (!environment) {
    const names = environments.edges.map((e) => `\`${e.node.name}\``).join(", ");
    throw new InventoryError(`the project has no environment \`${environmentName}\`${names ? `; it has ${names}` : ""}`);
  }
  const { project } = await client.request<{ project: { services: Connection<{ id: string; name: string }> } }>(PROJECT_SERVICES, {
    projectId,
  });
  const services: ServiceInventory[] = [];
  for (const { node } of project.services.edges) {
    const scope = { projectId, environmentId: environment.id, serviceId: node.id };
    const settings = await client.request<{ serviceInstance: InstanceNode }>(SERVICE_READ, {
      serviceId: node.id,
      environmentId: environment.id,
    });
    const { variables } = await client.request<{ variables: Record<string, string> }>(VARIABLES_READ, scope);
    const serviceDomains = await client.request<{ domains: { serviceDomains: ServiceInventory["serviceDomains"] } }>(
      SERVICE_DOMAINS,
      scope,
    );
    const customDomains = await client.request<{ domains: { customDomains: ServiceInventory["customDomains"] } }>(CUSTOM_DOMAINS, scope);
    services.push({
      id: node.id,
      name: node.name,
      instance: settings.serviceInstance,
      variables: variables ?? {},
      serviceDomains: serviceDomains.domains.serviceDomains ?? [],
      customDomains: customDomains.domains.customDomains ?? [],
    });
  }
  return { projectId, environment, services: services.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** The project or environment to import is not there. */
export class InventoryError extends Error {}
