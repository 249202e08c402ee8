// Pulumi ESC environments a stack file imports (`environment:`): only the
// Pulumi CLI opens them, so the offline synth says what it could not see.
import type { SynthResult } from "./run";

/** What an offline synth of a stack with ESC imports could not see. */
export function escLine(environments: NonNullable<SynthResult["environments"]>): string {
  const imports = environments.imports.map((e) => `\`${e}\``).join(", ");
  const assumed = environments.assumedSecrets.length
    ? `; stack secrets taken to come from it, as placeholders: ${environments.assumedSecrets.map((k) => `\`${k}\``).join(", ")}`
    : "";
  return `ESC: imports ${imports}, not opened offline (\`pulumi preview\` opens it)${assumed}.`;
}
