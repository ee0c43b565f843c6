// The alert manifests' rewrites for fast runs live with the demo, which uses them too.
export { setYamlValues, shortenFor } from "@rdev/demo/yaml-rewrite.ts";
