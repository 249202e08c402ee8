import { trestleRule } from "../lib/rule";
import { PUBLIC_PREFIX, looksSecretName, secretValueReason } from "../lib/secrets";

export default trestleRule({
  name: "vercel-public-variables",
  description: "A frontend variable exposed to the browser (`NEXT_PUBLIC_*`, `VITE_*`, …) never holds a secret-looking name or value.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Browser variables are built into the public bundle. Keep the secret on the server: call the third-party API from the backend (or a Next.js route handler) and store the key as a non-public sensitive variable.",
  validate(view, report) {
    for (const v of view.vercelVariables()) {
      if (!PUBLIC_PREFIX.test(v.key)) continue;
      const reason = secretValueReason(v.value);
      if (reason) report(`frontend: \`${v.key}\` is sent to every browser and holds ${reason}`, v.resource, { name: "frontend", value: v.key });
      else if (looksSecretName(v.key.replace(PUBLIC_PREFIX, ""))) report(`frontend: \`${v.key}\` is sent to every browser and looks secret by its name`, v.resource, { name: "frontend", value: v.key });
    }
  },
});
