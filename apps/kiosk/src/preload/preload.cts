/**
 * The page's only bridge to the main process, as `window.kiosk`: read the view, listen for new
 * views, send a shopper action. No Node, no ipcRenderer, no arbitrary channels reach the page.
 * (CommonJS: sandboxed preloads cannot be ES modules.)
 */
import electron = require("electron");
import type { KioskView } from "../core/controller.js";
import type { UserEvent } from "../core/flow.js";
import type { IPC, KioskBridge } from "../core/ipc.js";

// Repeated here because a sandboxed preload can require nothing but electron; the type keeps it in step.
const CHANNELS: typeof IPC = { getView: "kiosk:get-view", view: "kiosk:view", send: "kiosk:send" };

const bridge: KioskBridge = {
  getView: () => electron.ipcRenderer.invoke(CHANNELS.getView) as Promise<KioskView>,
  onView(listener) {
    const handler = (_event: unknown, view: KioskView) => listener(view);
    electron.ipcRenderer.on(CHANNELS.view, handler);
    return () => {
      electron.ipcRenderer.removeListener(CHANNELS.view, handler);
    };
  },
  send(event: UserEvent) {
    electron.ipcRenderer.send(CHANNELS.send, event);
  },
};

electron.contextBridge.exposeInMainWorld("kiosk", bridge);
