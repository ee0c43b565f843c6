// Loaded with `node --import`: records every module URL the process resolves (ESM and CommonJS,
// through module.registerHooks) and writes them, one per line, to $RECORD_LOADS_FILE at exit.
// test/architecture/boundaries.test.ts starts an entry point with it to see what it really loads.
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const seen = new Set();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    seen.add(result.url);
    return result;
  },
});
process.on("exit", () => {
  if (process.env.RECORD_LOADS_FILE) writeFileSync(process.env.RECORD_LOADS_FILE, [...seen].join("\n"));
});
