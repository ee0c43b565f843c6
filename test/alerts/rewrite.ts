// The alert manifests' rewrites for fast runs live with the demo, which uses them too.
export { setYamlValues, shortenFor } from "../../src/demo/yaml-rewrite.ts";
