// The figures' formatting lives in packages/bot/src/units/format.ts (the runbook and the metrics sources use it too).
export * from "../units/format.ts";
