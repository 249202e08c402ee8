// What a stack's program asks of Railway, as the preflight needs it: read from
// the Railway resources the program declares (the synth's, or the rehearsal's
// recorder), never from the stack file's shape, so any Trestle program is read
// the same way.
import { type IntendedService, type PreflightIntent, RAILWAY_TYPE_PREFIX, type RailwayPlan } from "@trestle/railway";

export interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const kindOf = (type: string) => type.slice(RAILWAY_TYPE_PREFIX.length);
const text = (v: unknown) => (typeof v === "string" && !v.startsWith("«") ? v : undefined);

/**
 * The preflight's intent. A resource names its service by `serviceId`: in the
 * synth a placeholder `«computed:<service resource>.serviceId»`, in a
 * rehearsal the id `serviceOfId` knows.
 */
export function intentOf(
  resources: readonly DeclaredResource[],
  declaredPlan: RailwayPlan,
  serviceOfId: (id: string) => string | undefined = () => undefined,
): PreflightIntent {
  const railway = resources.filter((r) => r.type.startsWith(RAILWAY_TYPE_PREFIX));
  const project = railway.find((r) => kindOf(r.type) === "Project");
  const services = new Map<string, IntendedService>();
  for (const r of railway.filter((x) => kindOf(x.type) === "Service")) {
    services.set(r.name, {
      name: String(r.inputs.name ?? r.name),
      repo: text(r.inputs.repo),
      branch: text(r.inputs.repo) ? (text(r.inputs.branch) ?? "main") : undefined,
      customDomains: 0,
      subdomain: undefined,
      volumes: 0,
      backups: false,
    });
  }
  const owner = (r: DeclaredResource) => {
    const id = String(r.inputs.serviceId ?? "");
    const placeholder = /^«computed:(.+)\.serviceId»$/.exec(id)?.[1];
    return services.get(placeholder ?? serviceOfId(id) ?? "");
  };
  for (const r of railway) {
    const service = owner(r);
    if (!service) continue;
    if (kindOf(r.type) === "CustomDomain") service.customDomains++;
    if (kindOf(r.type) === "ServiceDomain" && text(r.inputs.subdomain)) service.subdomain = text(r.inputs.subdomain);
    if (kindOf(r.type) === "Volume") {
      service.volumes++;
      if (Array.isArray(r.inputs.backups) && r.inputs.backups.length) service.backups = true;
    }
  }
  return {
    declaredPlan,
    project: {
      name: project && !text(project.inputs.existingProjectId) ? text(project.inputs.name) : undefined,
      id: project ? text(project.inputs.existingProjectId) : undefined,
      workspaceId: project ? text(project.inputs.workspaceId) : undefined,
      owner: project ? text(project.inputs.owner) : undefined,
    },
    services: [...services.values()],
  };
}
