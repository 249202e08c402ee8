import { trestleRule } from "../lib/rule";
import { TYPES, isProduction } from "@trestle/components/contract";
import { secretVariablesOf } from "../lib/stack-view";

/** A connection URL's name: `DATABASE_URL`, `REDIS_URL`, `MONGO_URI`, `CELERY_BROKER_URL`, `<NAME>_DATABASE_URL`, … */
const CONNECTION_URL =
  /(^|_)(DATABASE|DB|POSTGRES|POSTGRESQL|PG|REDIS|MONGO|MONGODB|MYSQL|AMQP|RABBITMQ|BROKER|CACHE)(_[A-Z]+)?_(URL|URI|DSN)$/;

// A pull request's preview runs code nobody has reviewed yet: it must not be
// able to reach, change or stand in for production. What production owns, a
// preview neither adopts nor declares.
export default trestleRule({
  name: "preview-isolation",
  description:
    "A pull request's preview references no production resource: no production flag or environment, no adopted project, no custom domain, no Vercel production variable or project of its own, and no database URL from a stack secret (its databases are its own, reached with `connects`).",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Write preview stacks with `trestle preview-env` (its own Railway project and `pr-<number>` environment, fresh Postgres and Redis, the base stack's Vercel previews of the branch); remove custom domains, `projectId` and anything aimed at production.",
  validate(view, report) {
    if (!view.preview) return;
    const components = view.resources.filter(
      (r) => r.type === TYPES.serviceComponent || r.type === TYPES.postgresComponent || r.type === TYPES.redisComponent,
    );
    for (const component of components) {
      if (isProduction([component])) report(`${component.name}: a preview is marked production`, component, { name: component.name });
    }
    for (const environment of view.ofType(TYPES.railwayEnvironment)) {
      if (environment.props.name === "production")
        report(`${environment.name}: a preview deploys to the \`production\` environment`, environment, { name: environment.name });
    }
    for (const project of view.ofType(TYPES.railwayProject)) {
      if (project.props.existingProjectId)
        report(`${project.name}: a preview adopts an existing Railway project, which may be production's`, project, { name: project.name });
    }
    for (const domain of [...view.ofType(TYPES.customDomain), ...view.ofType(TYPES.vercelProjectDomain)]) {
      report(
        `${domain.name}: a preview declares the custom domain \`${String(domain.props.domain)}\`, which production or staging serves`,
        domain,
        { name: domain.name },
      );
    }
    for (const project of view.ofType(TYPES.vercelProject)) {
      report(
        `${project.name}: a preview manages the Vercel project \`${String(project.props.name)}\`; it sets branch variables on the base stack's project instead`,
        project,
        { name: project.name },
      );
    }
    // A URL in a stack secret can point anywhere, production's database included; a preview's are its own.
    for (const service of view.services) {
      for (const name of Object.keys(secretVariablesOf(service))) {
        if (CONNECTION_URL.test(name)) {
          report(
            `${service.name}: a preview reads \`${name}\` from a stack secret, which may be production's database; connect the preview's own with \`connects\``,
            service.variables ?? service.resource,
            { name: service.name, value: name },
          );
        }
      }
    }
    // The same for the environment's shared variables (VAR-2), which every service may read.
    for (const shared of view.resources.filter((r) => r.type === TYPES.railwayVariables && r.name === "shared-vars")) {
      const raw = (shared.props.secretVariables ?? {}) as Record<string, unknown>;
      const secrets = raw.value && typeof raw.value === "object" ? (raw.value as Record<string, unknown>) : raw;
      for (const name of Object.keys(secrets).filter((n) => CONNECTION_URL.test(n))) {
        report(
          `shared: a preview's shared variable \`${name}\` comes from a stack secret, which may be production's database; connect the preview's own with \`connects\``,
          shared,
          { name: "shared-vars", value: name },
        );
      }
    }
    for (const v of view.vercelVariables()) {
      const targets = (v.resource.props.targets ??
        (v.resource.props.variables as { key: string; targets?: string[] }[] | undefined)?.find((e) => e.key === v.key)?.targets ??
        []) as string[];
      if (targets.includes("production"))
        report(`frontend: \`${v.key}\` is set for Vercel production from a preview`, v.resource, { name: "frontend", value: v.key });
    }
  },
});
