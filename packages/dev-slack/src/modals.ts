// Which modal each person has open. Slack opens a modal for the person whose interaction produced
// the trigger_id that views.open exchanged, so every trigger id handed out here remembers its
// user. A view_submission's acknowledgement then closes the view, shows errors, updates, pushes
// or clears, as Slack documents for response_action.
import type { UiModal } from "./client/types.ts";
import { storeView } from "./methods.ts";
import type { FakeSlackCall } from "./web-api.ts";
import type { StoredView, Workspace } from "./workspace.ts";

type Json = Record<string, unknown>;

export type AckOutcome = "closed" | "errors" | "updated" | "pushed" | "cleared" | "invalid";

export function createModals(ws: Workspace) {
  const stacks = new Map<string, string[]>();
  const errors = new Map<string, Record<string, string>>();
  const triggerUsers = new Map<string, string>();

  const topId = (user: string) => stacks.get(user)?.at(-1);

  return {
    /** A trigger_id for an interaction by `user` (views.open accepts it once, within 3 s). */
    issueTrigger(user: string): string {
      const trigger = ws.issueTrigger();
      triggerUsers.set(trigger, user);
      return trigger;
    },

    /** Follows the app's views.open calls; true if someone's modal changed. */
    observe(call: FakeSlackCall | null): boolean {
      if (!call?.ok) return false;
      if (call.method === "views.update") return true;
      if (call.method !== "views.open") return false;
      const trigger = String(call.args.trigger_id ?? call.args.interactivity_pointer ?? "");
      const user = triggerUsers.get(trigger);
      const view = call.response?.view as { id?: string } | undefined;
      if (!user || !view?.id) return false;
      stacks.set(user, [view.id]);
      return true;
    },

    /** The modal `user` sees, if any. */
    current(user: string): UiModal | null {
      const id = topId(user);
      const view = id ? ws.views.get(id) : undefined;
      if (!id || !view) return null;
      return { view, errors: errors.get(id) ?? {}, depth: stacks.get(user)?.length ?? 1 };
    },

    /** The view `user` has on top, if it is `viewId`. */
    top(user: string, viewId: string): StoredView | undefined {
      return topId(user) === viewId ? ws.views.get(viewId) : undefined;
    },

    /** Closes the top view (the Cancel button, or an empty acknowledgement). */
    pop(user: string): void {
      const stack = stacks.get(user) ?? [];
      const id = stack.pop();
      if (id) errors.delete(id);
      if (stack.length === 0) stacks.delete(user);
    },

    /** Applies the app's answer to a view_submission of `viewId` (null: an empty 200). */
    acknowledge(user: string, viewId: string, ack: Json | null): AckOutcome {
      const action = ack?.response_action;
      if (ack === null || action === undefined) {
        this.pop(user);
        return "closed";
      }
      const stack = stacks.get(user) ?? [];
      if (action === "errors" && typeof ack.errors === "object" && ack.errors !== null) {
        errors.set(viewId, Object.fromEntries(Object.entries(ack.errors).map(([k, v]) => [k, String(v)])));
        return "errors";
      }
      if (action === "clear") {
        for (const id of stack) errors.delete(id);
        stacks.delete(user);
        return "cleared";
      }
      const next = ack.view as Json | undefined;
      if ((action === "update" || action === "push") && next?.type === "modal") {
        errors.delete(viewId);
        if (action === "update") storeView(ws, next, viewId);
        else stack.push(storeView(ws, next).id);
        return action === "update" ? "updated" : "pushed";
      }
      return "invalid";
    },
  };
}

export type Modals = ReturnType<typeof createModals>;
