// Component args are plain strings, numbers, booleans, lists, maps and named
// interfaces, with no unions: what Pulumi's component analyzer accepts, so the
// components can be used from Python, Go and YAML. A set of allowed values is
// therefore checked here, when the component is constructed, with an error that
// names the component, the arg and the values it takes.

/** `value` when it is one of `allowed` (or undefined); otherwise a clear error. */
export function oneOf<T extends string | number>(
  where: string,
  arg: string,
  value: string | number | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly (string | number)[]).includes(value)) return value as T;
  throw new Error(`${where}: \`${arg}\` is ${JSON.stringify(value)}; use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
}

/** Each of `values` checked as `oneOf`. */
export function allOneOf<T extends string>(
  where: string,
  arg: string,
  values: readonly string[] | undefined,
  allowed: readonly T[],
): T[] | undefined {
  return values?.map((v, i) => oneOf(where, `${arg}[${i}]`, v, allowed)!);
}
