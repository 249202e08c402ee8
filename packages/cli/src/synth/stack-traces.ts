// Stack traces the SDK captures but nobody reads, formatted natively.
//
// `@pulumi/pulumi` records `new Error().stack` on every promise it creates
// (runtime/debuggable.js, read only to report leaked promises at exit) and on
// every resource. Under ts-node each of those stacks is mapped through source
// maps (source-map-support's prepareStackTrace), which was 28% of a synth's
// CPU. Those two callers get V8's own format; every other error keeps its
// source-mapped stack.
const SDK_CAPTURES = /[\\/]@pulumi[\\/]pulumi[\\/](runtime[\\/]debuggable|resource)\.js$/;
const MARK = Symbol.for("trestle.nativeSdkStacks");

type Prepare = (error: Error, stack: NodeJS.CallSite[]) => unknown;

export function nativeStacksForSdkCaptures(): void {
  const mapped = Error.prepareStackTrace as (Prepare & { [MARK]?: true }) | undefined;
  if (!mapped || mapped[MARK]) return;
  const prepare: Prepare & { [MARK]?: true } = (error, stack) => {
    const file = stack[0]?.getFileName() ?? "";
    if (SDK_CAPTURES.test(file)) return `${error}\n${stack.map((site) => `    at ${site}`).join("\n")}`;
    return mapped(error, stack);
  };
  prepare[MARK] = true;
  Error.prepareStackTrace = prepare;
}
