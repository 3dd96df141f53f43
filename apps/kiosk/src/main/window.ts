import type { BrowserWindowConstructorOptions, WebContents } from "electron";
import { isAppUrl } from "./assets.js";

export interface WindowSettings {
  kioskMode: boolean;
  devTools: boolean;
  preloadPath: string;
}

/** The one window: full-screen kiosk, isolated page, no Node, sandboxed, no way out. */
export function kioskWindowOptions(s: WindowSettings): BrowserWindowConstructorOptions {
  return {
    show: false,
    backgroundColor: "#0b1220",
    kiosk: s.kioskMode,
    fullscreen: s.kioskMode,
    frame: !s.kioskMode,
    autoHideMenuBar: true,
    width: 1080,
    height: 1440,
    title: "QuickDeal",
    webPreferences: {
      preload: s.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      disableDialogs: true,
      devTools: s.devTools,
    },
  };
}

/** Keeps a page on our own origin: no popups, no navigation away, no webviews, no zoom. */
export function hardenWebContents(wc: WebContents, opts: { devTools: boolean }): void {
  wc.setWindowOpenHandler(() => ({ action: "deny" }));
  wc.on("will-navigate", (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  wc.on("will-redirect", (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  wc.on("will-attach-webview", (event) => event.preventDefault());
  wc.on("did-finish-load", () => void wc.setVisualZoomLevelLimits(1, 1).catch(() => undefined));
  if (!opts.devTools) wc.on("devtools-opened", () => wc.closeDevTools());
}
