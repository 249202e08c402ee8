import { trestleRule } from "../lib/rule";
import { TYPES } from "@trestle/components/contract";

export default trestleRule({
  name: "upstash-tls",
  description: "Upstash Redis has TLS on, and services connect to it with a `rediss://` URL.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Set `tls: true` on the database (Trestle does) and use the `rediss://` URL Trestle gives services; `redis://` to Upstash sends the password in clear text.",
  validate(view, report) {
    for (const db of view.ofType(TYPES.upstashRedis)) {
      if (db.props.tls !== true) report(`${db.name}: the Upstash database does not set \`tls: true\``, db, { name: db.name });
    }
    for (const service of view.services) {
      if (!service.variables) continue;
      const secret = (service.variables.props.secretVariables ?? {}) as Record<string, string>;
      for (const [name, value] of Object.entries({ ...service.plainVariables, ...secret })) {
        if (typeof value === "string" && /^redis:\/\/[^\s]*upstash\.io/i.test(value)) {
          report(`${service.name}: \`${name}\` connects to Upstash without TLS (\`redis://\`)`, service.variables, {
            name: service.name,
            value: name,
          });
        }
      }
    }
  },
});
