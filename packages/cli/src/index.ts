// `@trestle/cli` as a library: the offline synth and the rehearsal the
// `trestle` command runs, for scripts and tests of a team's own.
export { synthesize } from "./synth/run";
export type { SynthResult, SynthResource } from "./synth/run";
export { rehearse, rehearsalExitCode } from "./rehearse/run";
export type { RehearsalResult } from "./rehearse/run";
