import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from "electron";
import { IPC, parseUserEvent } from "../core/ipc.js";
import type { ViewSource } from "../core/runtime.js";
import { isAppUrl } from "./assets.js";
import type { Log } from "./log.js";

function fromOurPage(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url;
  return typeof url === "string" && isAppUrl(url);
}

/**
 * The page's two doors into the main process: read the view, send a shopper action (checked
 * against a schema: the page is not trusted). Views are pushed to every page we serve.
 */
export function registerIpc(ipcMain: IpcMain, source: ViewSource, pages: () => WebContents[], log: Log): () => void {
  ipcMain.handle(IPC.getView, (event) => {
    if (!fromOurPage(event)) throw new Error("not allowed");
    return source.view;
  });
  ipcMain.on(IPC.send, (event, raw: unknown) => {
    if (!fromOurPage(event)) return;
    const e = parseUserEvent(raw);
    if (!e) {
      log("ignored a malformed message from the page");
      return;
    }
    source.send(e);
  });
  const off = source.subscribe((view) => {
    for (const wc of pages()) if (!wc.isDestroyed()) wc.send(IPC.view, view);
  });
  return () => {
    off();
    ipcMain.removeHandler(IPC.getView);
    ipcMain.removeAllListeners(IPC.send);
  };
}
