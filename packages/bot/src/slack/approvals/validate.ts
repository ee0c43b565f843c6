// Validation of the value typed into an approval modal: the action catalog's value form (the one
// quantity or duration parser). Pure; the error is shown under the input (response_action "errors").
import type { ModalKind } from "../../render/blocks/approval.ts";
import { CATALOG, type Validated, type ValueLimits } from "../../runbooks/high-memory/catalog/index.ts";

export type Limits = ValueLimits;
export type { Validated };

export function validateModalValue(
  kind: ModalKind,
  raw: string | null | undefined,
  limits: Limits,
): Validated {
  const form = CATALOG[kind].value;
  if (!form) return { ok: false, error: "This action takes no value." };
  return form.validate((raw ?? "").trim(), limits);
}
