import { trestleRule } from "../lib/rule";

const BACKEND_NAME =
  /(^|_)(DATABASE_URL|REDIS_URL|POSTGRES_URL|PG_URL|CELERY_BROKER_URL)$|^(PG|POSTGRES|REDIS)(HOST|PASSWORD|USER|_PASSWORD)$/;
const BACKEND_VALUE = /^(postgres(ql)?|redis|rediss|mysql|mongodb(\+srv)?):\/\//i;

export default trestleRule({
  name: "vercel-no-backend-urls",
  description: "The Vercel frontend is never given a database or Redis connection (`DATABASE_URL`, `REDIS_URL`, …).",
  enforcementLevel: "mandatory",
  remediationSteps:
    "The frontend talks to the API, and only the API talks to Postgres and Redis over Railway's private network: remove the variable from the frontend.",
  validate(view, report) {
    for (const v of view.vercelVariables()) {
      if (BACKEND_NAME.test(v.key) || BACKEND_VALUE.test(String(v.value ?? ""))) {
        report(`frontend: \`${v.key}\` gives the frontend a database connection`, v.resource, { name: "frontend", value: v.key });
      }
    }
  },
});
