import { railwayWords, runsInShell } from "@trestle/railway/facts";
import { trestleRule } from "../lib/rule";

/** A `$NAME` or `${NAME}` reference. */
const REFERENCE = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/;

export default trestleRule({
  name: "exec-form-variables",
  description: "A command Railway runs without a shell holds no `$VAR`: Railway does not expand variables in exec form.",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Railway runs image and Dockerfile start commands in exec form, so `$PORT` reaches the program as the text `$PORT` (docs: deployments/start-command). " +
    'Write the command as a string (`start: uvicorn app:app --port $PORT`), which Trestle wraps in `/bin/sh -c "exec …"`, or give the value itself in the list (`--port, "8000"`).',
  validate(view, report) {
    for (const service of view.services) {
      const props = service.resource.props;
      const commands = [props.startCommand, ...((props.preDeployCommand as string[] | undefined) ?? [])].filter(
        (c): c is string => typeof c === "string",
      );
      for (const command of commands) {
        let words: string[];
        try {
          words = railwayWords(command);
        } catch {
          report(`${service.name}: \`${command}\` has an unterminated quote`, service.resource, { name: service.name });
          continue;
        }
        if (runsInShell(command)) continue;
        const literal = words.find((word) => REFERENCE.test(word));
        if (literal) {
          report(
            `${service.name}: \`${literal}\` in \`${command}\` reaches the program as literal text: Railway runs this command without a shell`,
            service.resource,
            { name: service.name, value: literal },
          );
        }
      }
    }
  },
});
