// Edits of a stack file that `trestle init` (a staging stack from a production
// one) and `trestle preview-env` (a pull request's stack from staging) share:
// what belongs to production alone comes out, comments and order stay.
import { Document } from "yaml";

/** The Trestle services a stack file declares, by name. */
export function serviceNames(doc: Document): string[] {
  const services = doc.getIn(["config", "trestle:services"]) as { items: { key: { value: string } }[] } | undefined;
  return (services?.items ?? []).map((item) => String(item.key.value));
}

/**
 * Not production: `production: false`, and no custom domains or replicas
 * (they are production's; other stacks run on Railway's and Vercel's own URLs).
 */
export function withoutProductionSettings(doc: Document): void {
  doc.setIn(["config", "trestle:production"], false);
  for (const name of serviceNames(doc)) {
    for (const key of ["domains", "replicas", "regions"]) doc.deleteIn(["config", "trestle:services", name, key]);
  }
  if (doc.hasIn(["config", "trestle:frontend"])) doc.deleteIn(["config", "trestle:frontend", "domains"]);
}
