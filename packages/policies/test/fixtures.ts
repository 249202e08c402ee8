// Policy fixtures: what the components produce for a stack, as the engine
// would hand it to the pack, and small edits of it.
import type { EvaluatedResource } from "../src/evaluate";
import { RecordedResource, forPolicies } from "../../components/src/testing/recorder";

export function toEvaluated(resources: RecordedResource[]): EvaluatedResource[] {
  return resources.map(forPolicies);
}

/** A deep copy with one resource's props (or options) edited. */
export function edited(
  fixture: EvaluatedResource[],
  type: string,
  name: string,
  edit: (r: EvaluatedResource) => void,
): EvaluatedResource[] {
  const copy = structuredClone(fixture);
  const target = copy.find((r) => r.type === type && r.name === name);
  if (!target) throw new Error(`no ${type} ${name} in the fixture`);
  edit(target);
  return copy;
}
