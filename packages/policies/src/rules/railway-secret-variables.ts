import { trestleRule } from "../lib/rule";
import { looksSecretName, onlyReferences, secretValueReason } from "@trestle/components/contract";

export default trestleRule({
  name: "railway-secret-variables",
  description: "A Railway variable whose name or value looks secret is a secret variable, never a plain one.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Store the value as a stack secret (`trestle secret set <key> --stack <s>`, the value from standard input) and map it in the service's `secrets` (`VARIABLE: <key>`) instead of `variables`; if the value is a generated password, use `generated`.",
  validate(view, report) {
    for (const service of view.services) {
      if (!service.variables) continue;
      for (const [name, value] of Object.entries(service.plainVariables)) {
        if (onlyReferences(value)) continue; // a `${{…}}` reference is not a value
        const reason = secretValueReason(value);
        if (reason)
          report(`${service.name}: \`${name}\` holds ${reason} as a plain variable`, service.variables, {
            name: service.name,
            value: name,
          });
        else if (looksSecretName(name))
          report(`${service.name}: \`${name}\` looks secret by its name but is a plain variable`, service.variables, {
            name: service.name,
            value: name,
          });
      }
    }
  },
});
