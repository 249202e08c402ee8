// How Railway runs a start command for an image or a Dockerfile build: in exec
// form, split into words, no shell (RUN-1, RUN-4). Shared by the emulator's
// containers, the components that write start commands and the policy that
// refuses a `$VAR` Railway would pass literally.

/**
 * The words Railway executes for a start command in exec form (RUN-4): split on
 * white space, double quotes group (the docs' own `/bin/sh -c "exec … $PORT"`
 * relies on it), single quotes and backslashes as in a POSIX shell (assumed),
 * and no `$` expansion (RUN-1).
 */
export function railwayWords(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error("unterminated quoted string");
      word += command.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      for (i++; ; i++) {
        if (i >= command.length) throw new Error("unterminated quoted string");
        if (command[i] === '"') break;
        if (command[i] === "\\" && '"\\$`'.includes(command[i + 1] ?? "")) word += command[++i];
        else word += command[i];
      }
    } else if (c === "\\" && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Whether a Railway start command runs through a shell that expands variables (`/bin/sh -c "…"`). */
export function runsInShell(command: string): boolean {
  const [program, flag] = railwayWords(command);
  return /^(\/usr)?(\/bin\/)?(sh|bash|dash|ash)$/.test(program ?? "") && flag === "-c";
}
