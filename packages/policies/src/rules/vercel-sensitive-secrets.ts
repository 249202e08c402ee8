import { trestleRule } from "../lib/rule";
import { PUBLIC_PREFIX, looksSecretName, secretValueReason } from "@trestle/components/contract";

export default trestleRule({
  name: "vercel-sensitive-secrets",
  description: "Every secret Vercel variable is `sensitive`, so it cannot be read back from Vercel.",
  enforcementLevel: "mandatory",
  remediationSteps: "Declare it under the frontend's `secrets` (Trestle sets `sensitive: true`), or set `sensitive: true` on the variable.",
  validate(view, report) {
    for (const v of view.vercelVariables()) {
      if (v.sensitive || PUBLIC_PREFIX.test(v.key)) continue; // public ones: vercel-public-variables
      if (looksSecretName(v.key) || secretValueReason(v.value)) {
        report(`frontend: \`${v.key}\` is a secret stored as a readable (non-sensitive) Vercel variable`, v.resource, {
          name: "frontend",
          value: v.key,
        });
      }
    }
  },
});
