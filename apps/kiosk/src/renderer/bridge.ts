import type { KioskView } from "../core/controller.js";
import type { UserEvent } from "../core/flow.js";
import type { KioskBridge } from "../core/ipc.js";

declare global {
  interface Window {
    /** Exposed by the preload script (or by the browser preview's stand-in). */
    kiosk?: KioskBridge;
  }
}

/** The bridge as a store for useSyncExternalStore: one current view, listeners told on change. */
export interface ViewStore {
  get(): KioskView | null;
  subscribe(listener: () => void): () => void;
  send(event: UserEvent): void;
}

export function createViewStore(bridge: KioskBridge): ViewStore {
  let current: KioskView | null = null;
  const listeners = new Set<() => void>();
  const set = (view: KioskView) => {
    current = view;
    for (const l of listeners) l();
  };
  bridge.onView(set);
  void bridge.getView().then((v) => {
    // A pushed view may already be newer than the one we asked for.
    if (current === null) set(v);
  });
  return {
    get: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    send: (event) => bridge.send(event),
  };
}

/** Any touch counts as "still here"; at most one message a second reaches the main process. */
export function reportActivity(bridge: KioskBridge, target: Document, now: () => number = Date.now): () => void {
  let last = 0;
  const onActivity = () => {
    const t = now();
    if (t - last < 1000) return;
    last = t;
    bridge.send({ type: "ACTIVITY" });
  };
  const events = ["pointerdown", "keydown", "wheel"] as const;
  for (const e of events) target.addEventListener(e, onActivity, { passive: true, capture: true });
  return () => {
    for (const e of events) target.removeEventListener(e, onActivity, { capture: true });
  };
}
