/**
 * Electron main process: the thin shell around the kiosk core. It reads the device config,
 * runs the core (sessions, API, flow), serves the renderer from app://kiosk with a strict CSP,
 * and keeps one locked-down full-screen window alive.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { app, BrowserWindow, ipcMain, Menu, powerSaveBlocker, protocol, session } from "electron";
import { createKioskRuntime, outOfServiceSource, type ViewSource } from "../core/runtime.js";
import { APP_ENTRY, APP_SCHEME, serveAsset } from "./assets.js";
import { loadDeviceConfig } from "./config-file.js";
import { contentSecurityPolicy } from "./csp.js";
import { parseMainEnv } from "./env.js";
import { registerIpc } from "./ipc.js";
import { createFileLog, type Log } from "./log.js";
import { ReloadPolicy } from "./reload-policy.js";
import { hardenWebContents, kioskWindowOptions } from "./window.js";

const here = dirname(fileURLToPath(import.meta.url));
const rendererRoot = join(here, "..", "renderer");
const preloadPath = join(here, "..", "preload", "preload.cjs");

// Must happen before "ready": app:// behaves like a secure, standard origin (CSP 'self' works).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      console.error("kiosk failed to start", err);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  const env = parseMainEnv();
  const log = createFileLog(join(app.getPath("userData"), "logs"));
  process.on("uncaughtException", (err) => {
    // A store device has nobody to click "OK": log, then start over.
    log("uncaught exception; relaunching", { message: err.message });
    app.relaunch();
    app.exit(1);
  });

  const loaded = await loadDeviceConfig(app.getPath("userData"), env.configPath);
  let source: ViewSource;
  let devTools = false;
  let kioskMode = true;
  let stopRuntime: () => void = () => undefined;
  if (loaded.ok) {
    const runtime = createKioskRuntime(loaded.config, { log });
    runtime.controller.start();
    source = runtime.controller;
    devTools = loaded.config.devTools;
    kioskMode = loaded.config.kioskMode;
    stopRuntime = () => runtime.stop();
    log("kiosk starting", { config: loaded.path, api: loaded.config.apiUrl, kioskId: loaded.config.kioskId });
  } else {
    log("kiosk is not configured", { problems: loaded.problems });
    source = outOfServiceSource(`This kiosk is not set up yet. ${loaded.problems.join(" ")}`);
  }

  const csp = contentSecurityPolicy({ imagesOrigin: loaded.ok ? loaded.config.imagesUrl : null });
  protocol.handle(APP_SCHEME, (req) => serveAsset(rendererRoot, req.url, csp));
  // A kiosk page needs no camera, microphone, notifications, geolocation …
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  if (kioskMode) Menu.setApplicationMenu(null);
  powerSaveBlocker.start("prevent-display-sleep");

  const win = new BrowserWindow(kioskWindowOptions({ kioskMode, devTools, preloadPath }));
  hardenWebContents(win.webContents, { devTools });
  const stopIpc = registerIpc(ipcMain, source, () => BrowserWindow.getAllWindows().map((w) => w.webContents), log);
  keepPageAlive(win, log);
  win.once("ready-to-show", () => win.show());
  // A failed first load is retried by keepPageAlive (did-fail-load).
  await win.loadURL(APP_ENTRY).catch((err: unknown) => log("first page load failed", { message: String(err) }));

  app.on("window-all-closed", () => {
    stopIpc();
    stopRuntime();
    app.quit();
  });
}

/** Reloads the page after a crash, a hang or a failed load, backing off if it keeps happening. */
function keepPageAlive(win: BrowserWindow, log: Log): void {
  const policy = new ReloadPolicy();
  const wc = win.webContents;
  let hung: ReturnType<typeof setTimeout> | null = null;
  const reloadLater = (why: string, extra: Record<string, unknown> = {}) => {
    const delay = policy.next(Date.now());
    log("reloading the kiosk page", { why, delayMs: delay, recentCrashes: policy.recentCrashes, ...extra });
    setTimeout(() => {
      if (!win.isDestroyed()) void win.loadURL(APP_ENTRY).catch(() => undefined);
    }, delay);
  };
  wc.on("render-process-gone", (_e, details) => {
    if (details.reason !== "clean-exit") reloadLater("renderer gone", { reason: details.reason, exitCode: details.exitCode });
  });
  wc.on("unresponsive", () => {
    hung ??= setTimeout(() => {
      hung = null;
      wc.forcefullyCrashRenderer();
      reloadLater("renderer hung");
    }, 10_000);
  });
  wc.on("responsive", () => {
    if (hung) clearTimeout(hung);
    hung = null;
  });
  wc.on("did-fail-load", (_e, code, description, _url, isMainFrame) => {
    if (isMainFrame) reloadLater("load failed", { code, description });
  });
}
