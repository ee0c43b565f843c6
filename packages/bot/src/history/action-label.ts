// A remediation in words people read ("Restart pod rdev-api-7d9f8b6c5d-x2k4q"), never its id
// ("restart-pod"): the words are the action catalog's (runbooks/high-memory/catalog/). Plain text;
// renderers escape. Pure.
import { entryOf } from "../runbooks/high-memory/catalog/index.ts";

export function actionLabel(action: string, params: Readonly<Record<string, unknown>>): string {
  return entryOf(action)?.label(params) ?? action.replace(/[-_]/g, " ");
}
