// Preloaded with `-r` by bench/synth.ts: on exit, append this process's CPU
// time (user + system, ms) to the file named by TRESTLE_BENCH_CPU_FILE, so the
// benchmark compares the CPU of a synth with the CPU of loading the program.
import { appendFileSync } from "node:fs";

const file = process.env.TRESTLE_BENCH_CPU_FILE;
if (file) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    appendFileSync(file, `${(usage.userCPUTime + usage.systemCPUTime) / 1000}\n`);
  });
}
