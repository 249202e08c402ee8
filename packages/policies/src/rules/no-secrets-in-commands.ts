import { trestleRule } from "../lib/rule";
import { TYPES, looksSecretName, secretValueReason } from "@trestle/components/contract";

/** `redis-server --requirepass s3cret`: a literal password on a command line. */
const LITERAL_PASSWORD_FLAG = /--(requirepass|password|pass)[= ]+(?!["']?\$)(\S+)/;

export default trestleRule({
  name: "no-secrets-in-commands",
  description: "No secret in Docker build arguments or in command lines (start, build and pre-deploy commands, local commands).",
  enforcementLevel: "mandatory",
  remediationSteps:
    "Pass secrets as environment variables (`$VAR` in the command, the value in a secret variable) or Docker build secrets; build arguments and command lines end up in image layers, process lists and logs.",
  validate(view, report) {
    for (const image of view.ofType(TYPES.dockerImage)) {
      const args = ((image.props.build as { args?: Record<string, string> } | undefined)?.args ?? {}) as Record<string, string>;
      for (const [name, value] of Object.entries(args)) {
        const reason = secretValueReason(value) ?? (looksSecretName(name) ? "a secret-looking name" : undefined);
        if (reason)
          report(`${image.name}: build argument \`${name}\` has ${reason}; build arguments stay in the image`, image, {
            name: image.name,
            value: name,
          });
      }
    }
    for (const service of view.services) {
      const props = service.resource.props;
      const commands = [props.startCommand, props.buildCommand, ...((props.preDeployCommand as string[] | undefined) ?? [])].filter(
        (c): c is string => typeof c === "string",
      );
      for (const command of commands) {
        const reason = secretValueReason(command) ?? (LITERAL_PASSWORD_FLAG.test(command) ? "a literal password" : undefined);
        if (reason) report(`${service.name}: a command line holds ${reason}`, service.resource, { name: service.name });
      }
    }
    for (const command of view.ofType(TYPES.localCommand)) {
      const texts = [
        command.props.create,
        command.props.update,
        command.props.delete,
        ...Object.values((command.props.environment ?? {}) as Record<string, string>),
      ];
      if (texts.some((t) => secretValueReason(t)))
        report(`${command.name}: a local command holds a secret in its command line or environment`, command, { name: command.name });
    }
  },
});
