// This repository's policy pack: `npm run preview -- --stack prod` runs it
// (`pulumi preview --policy-pack policies --policy-pack-config policies/config.json`).
// A team's own pack is the same two lines.
import { TrestlePolicies } from "@trestle/policies";

new TrestlePolicies("trestle");
