import { trestleRule } from "../lib/rule";
import { COMPONENT_TYPES, PUBLIC_PREFIX, intentOf, looksSecretName, secretValueReason } from "@trestle/components/contract";

export default trestleRule({
  name: "vercel-public-variables",
  description:
    "A frontend variable exposed to the browser (`NEXT_PUBLIC_*`, `VITE_*`, …), on Vercel or on a Railway-hosted frontend, never holds a secret-looking name or value, nor a `${{…}}` reference that renders one (a database URL or password, another service's secret), followed through every variable it names.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Browser variables are built into the public bundle. Keep the secret on the server: call the third-party API from the backend (or a Next.js route handler) and store the key as a non-public sensitive variable.",
  validate(view, report) {
    const check = (
      key: string,
      value: unknown,
      where: string,
      resource: Parameters<typeof report>[1],
      service?: (typeof view.services)[number],
    ) => {
      if (!PUBLIC_PREFIX.test(key)) return;
      const reason = service ? view.rendersSecret(service, value) : secretValueReason(value);
      if (reason) report(`${where}: \`${key}\` is sent to every browser and holds ${reason}`, resource, { name: where, value: key });
      else if (looksSecretName(key.replace(PUBLIC_PREFIX, "")))
        report(`${where}: \`${key}\` is sent to every browser and looks secret by its name`, resource, { name: where, value: key });
    };
    for (const v of view.vercelVariables()) check(v.key, v.value, "frontend", v.resource);
    // A Next.js server on Railway inlines its public variables at build time too.
    for (const service of view.services.filter((s) => intentOf(s.component, COMPONENT_TYPES.RailwayService)?.frontend === true)) {
      const all = { ...service.plainVariables, ...((service.variables?.props.secretVariables ?? {}) as Record<string, unknown>) };
      for (const [key, value] of Object.entries(all)) check(key, value, service.name, service.variables ?? service.resource, service);
    }
  },
});
