// The travel planner's stacks (staging and prod): the whole architecture is in
// Pulumi.<stack>.yaml, declared by Trestle's stack program.
import { trestleStack } from "@trestle/components";

export = trestleStack();
