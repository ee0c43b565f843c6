// The page's shared state and DOM access: the browser globals, the elements by id, what the
// acting user is looking at, and how times are shown.
import { browser, type DomElement } from "./dom.ts";
import type { UiState } from "./types.ts";

export const win = browser();
export const doc = win.document;

export function byId(id: string): DomElement {
  const el = doc.getElementById(id);
  if (!el) throw new Error(`the page lacks #${id}`);
  return el;
}

const params = new URL(win.location.href).searchParams;
export const ui = {
  state: null as UiState | null,
  user: params.get("as") ?? "",
  channel: params.get("channel") ?? "",
  thread: null as { channel: string; ts: string } | null,
  modalKey: "",
  loading: false,
  dirty: false,
  confirm: null as (() => void) | null,
};

const pad = (n: number) => String(n).padStart(2, "0");
export const time = (ts: string) => {
  const d = new Date(Number(ts) * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
