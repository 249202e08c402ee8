// What a database's Railway service and volume carry so that a replacement
// (a new, empty database) is refused unless the user opted in for it
// (@trestle/railway holdings.ts): the service is marked as holding data, and
// the opt-in is sent only when given, so a stack without it synthesizes as before.
export interface DataGuard {
  holdsData: true;
  allowReplace?: true;
}

export function dataGuard(allowReplace: boolean | undefined): DataGuard {
  return allowReplace ? { holdsData: true, allowReplace: true } : { holdsData: true };
}
