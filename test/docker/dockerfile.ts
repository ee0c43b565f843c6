// A tiny Dockerfile parser: instructions (line continuations joined, comments dropped), grouped
// into stages; flags (--from=build) and exec-form JSON arrays split out.

export type Instruction = {
  keyword: string; // upper case: FROM, RUN, COPY, ...
  flags: Record<string, string>; // --from=build -> { from: "build" }
  args: string; // the rest of the line, after the flags
  line: number; // 1-based line where it starts
};

export type Stage = { image: string; name: string | null; instructions: Instruction[] };

export function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i] ?? "";
    if (/^\s*(#|$)/.test(line)) continue;
    while (/\\\s*$/.test(line) && i + 1 < lines.length) {
      i++;
      const next = lines[i] ?? "";
      if (/^\s*#/.test(next)) continue; // comments inside a continued instruction are dropped
      line = `${line.replace(/\s*\\\s*$/, "")} ${next.trim()}`;
    }
    const m = /^\s*(\S+)\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    let rest = m[2] ?? "";
    const flags: Record<string, string> = {};
    for (let f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); f; f = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
      flags[f[1] ?? ""] = f[2] ?? "true";
      rest = rest.slice(f[0].length);
    }
    out.push({ keyword: m[1].toUpperCase(), flags, args: rest.trim(), line: start + 1 });
  }
  return out;
}

export function parseStages(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const ins of parseInstructions(text)) {
    if (ins.keyword === "FROM") {
      const [image = "", as, name] = ins.args.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === "AS" ? (name ?? null) : null, instructions: [] });
      continue;
    }
    const current = stages.at(-1);
    if (!current) throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    current.instructions.push(ins);
  }
  return stages;
}

/** The exec form (`["node", "dist/app.js"]`) as an array; null for the shell form. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith("[")) return null;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === "string")) {
    throw new Error(`not a JSON array of strings: ${args}`);
  }
  return parsed;
}

/** The words of a shell-free argument list (COPY a b ./, EXPOSE 3000 9091), or its exec form. */
export const words = (args: string): string[] => execForm(args) ?? args.split(/\s+/).filter(Boolean);

export const find = (stage: Stage, keyword: string): Instruction[] =>
  stage.instructions.filter((i) => i.keyword === keyword);
