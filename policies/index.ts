// The Trestle policy pack: `pulumi preview --policy-pack policies`. Only builds
// the pack; the rules live in ./rules so tests and the offline synth can import
// them without starting the pack's server.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("trestle", { policies, enforcementLevel: "mandatory" });
