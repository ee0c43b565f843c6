// Small, strict text rewrites that turn the shipped alert manifests into configs that run in
// seconds (the demo, test/alerts/): the rule file's `for` durations and the Alertmanager receiver's
// URL, token path and timings. Everything else (expressions, labels, annotations, matchers,
// group_by) runs as shipped. Each rewrite throws when its target is missing, so a renamed alert or
// key cannot silently leave a run doing something other than what it claims.

/** Replaces the `for:` of each named alert in a rule file, e.g. { RdevAPIHighMemory: "3s" }. */
export function shortenFor(rulesYaml: string, durations: Record<string, string>): string {
  const lines = rulesYaml.split("\n");
  for (const [alert, duration] of Object.entries(durations)) {
    const start = lines.findIndex((line) => new RegExp(`^\\s*- alert:\\s*${alert}\\s*$`).test(line));
    if (start < 0) throw new Error(`no alert named ${alert} in the rule file`);
    let done = false;
    for (let i = start + 1; i < lines.length && !done; i++) {
      const line = lines[i] ?? "";
      if (/^\s*- (alert|record):/.test(line)) break;
      const m = /^(\s*)for:\s*\S+\s*$/.exec(line);
      if (m) {
        lines[i] = `${m[1]}for: ${duration}`;
        done = true;
      }
    }
    if (!done) throw new Error(`alert ${alert} has no \`for:\` to shorten`);
  }
  return lines.join("\n");
}

/**
 * Sets every `key: value` line (also `- key: value`) for each key, keeping indentation. Values are
 * written as JSON strings, which YAML reads back unchanged.
 */
export function setYamlValues(yaml: string, values: Record<string, string>): string {
  let text = yaml;
  for (const [key, value] of Object.entries(values)) {
    const pattern = new RegExp(`^(\\s*(?:- )?${key}:)[ \\t]+\\S.*$`, "gm");
    if (!pattern.test(text)) throw new Error(`no \`${key}:\` in the YAML`);
    text = text.replace(pattern, (_, prefix: string) => `${prefix} ${JSON.stringify(value)}`);
  }
  return text;
}
