import { EventEmitter } from "node:events";
import type { IpcMain, WebContents } from "electron";
import { describe, expect, it } from "vitest";
import type { KioskView } from "../src/core/controller.js";
import type { UserEvent } from "../src/core/flow.js";
import { IPC } from "../src/core/ipc.js";
import type { ViewSource } from "../src/core/runtime.js";
import { registerIpc } from "../src/main/ipc.js";

/** Just enough of ipcMain to drive the handlers the way Electron would. */
class FakeIpcMain extends EventEmitter {
  handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) {
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
}

const view = (screen: "attract" | "starting"): KioskView => ({ state: { screen }, warningUntil: null, kiosk: null, locale: "en-US", imagesUrl: null });

function setup() {
  const ipc = new FakeIpcMain();
  const sent: UserEvent[] = [];
  const listeners = new Set<(v: KioskView) => void>();
  let current = view("starting");
  const source: ViewSource = {
    get view() {
      return current;
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    send: (e) => sent.push(e),
  };
  const pushed: unknown[] = [];
  const page = { isDestroyed: () => false, send: (channel: string, v: unknown) => pushed.push([channel, v]) } as unknown as WebContents;
  const logs: string[] = [];
  const off = registerIpc(ipc as unknown as IpcMain, source, () => [page], (m) => logs.push(m));
  const from = (url: string) => ({ senderFrame: { url } });
  return {
    ipc,
    sent,
    pushed,
    logs,
    off,
    from,
    change(v: KioskView) {
      current = v;
      for (const l of listeners) l(v);
    },
  };
}

describe("main-process IPC", () => {
  it("answers the view to our page only", async () => {
    const t = setup();
    const getView = t.ipc.handlers.get(IPC.getView);
    expect(await getView?.(t.from("app://kiosk/index.html"))).toEqual(view("starting"));
    expect(() => getView?.(t.from("https://evil.example/"))).toThrow("not allowed");
  });

  it("passes on valid shopper actions from our page and drops everything else", () => {
    const t = setup();
    t.ipc.emit(IPC.send, t.from("app://kiosk/index.html"), { type: "SELECT", productId: 4 });
    t.ipc.emit(IPC.send, t.from("app://kiosk/index.html"), { type: "IDLE_TIMEOUT" });
    t.ipc.emit(IPC.send, t.from("app://kiosk/index.html"), { type: "PAY", card: { number: "1" } });
    t.ipc.emit(IPC.send, t.from("https://evil.example/"), { type: "START" });
    expect(t.sent).toEqual([{ type: "SELECT", productId: 4 }]);
    expect(t.logs).toHaveLength(2);
  });

  it("pushes every new view to the page and stops when unregistered", () => {
    const t = setup();
    t.change(view("attract"));
    expect(t.pushed).toEqual([[IPC.view, view("attract")]]);
    t.off();
    t.change(view("starting"));
    expect(t.pushed).toHaveLength(1);
    expect(t.ipc.handlers.size).toBe(0);
    expect(t.ipc.listenerCount(IPC.send)).toBe(0);
  });
});
