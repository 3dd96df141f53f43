/**
 * The kiosk in an ordinary browser, for machines without Electron (developers, QA with
 * Playwright): the same core runs in this Node process, and a stand-in for the preload's
 * `window.kiosk` talks to it over HTTP (views as server-sent events, actions as POSTs).
 * Not for store devices: it has no kiosk lockdown, and it listens on loopback only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile } from "node:fs/promises";
import { parseUserEvent } from "../core/ipc.js";
import type { ViewSource } from "../core/runtime.js";
import { contentType, resolveAsset } from "../main/assets.js";
import { contentSecurityPolicy } from "../main/csp.js";

/** Defines `window.kiosk` the way the preload does, over this server's /bridge endpoints. */
const BRIDGE_JS = `(() => {
  const listeners = new Set();
  let last = null;
  const events = new EventSource("/bridge/views");
  events.onmessage = (m) => { last = JSON.parse(m.data); for (const l of listeners) l(last); };
  window.kiosk = {
    getView: () => (last ? Promise.resolve(last) : fetch("/bridge/view").then((r) => r.json())),
    onView: (l) => { listeners.add(l); return () => listeners.delete(l); },
    send: (e) => { void fetch("/bridge/send", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(e) }); },
  };
})();
`;

export interface PreviewOptions {
  source: ViewSource;
  rendererRoot: string;
  imagesOrigin: string | null;
}

async function body(req: IncomingMessage, limit = 16_384): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error("too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function createPreviewServer(opts: PreviewOptions): Server {
  // Same policy as in Electron, except that the page may call back to this server.
  const csp = contentSecurityPolicy({ imagesOrigin: opts.imagesOrigin }).replace("connect-src 'none'", "connect-src 'self'");
  const headers = { "content-security-policy": csp, "x-content-type-options": "nosniff", "cache-control": "no-store" };

  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://preview");
    try {
      if (url.pathname === "/bridge/views" && req.method === "GET") {
        res.writeHead(200, { ...headers, "content-type": "text/event-stream", connection: "keep-alive" });
        const push = (v: unknown) => res.write(`data: ${JSON.stringify(v)}\n\n`);
        push(opts.source.view);
        const off = opts.source.subscribe(push);
        req.on("close", off);
        return;
      }
      if (url.pathname === "/bridge/view" && req.method === "GET") {
        res.writeHead(200, { ...headers, "content-type": "application/json" }).end(JSON.stringify(opts.source.view));
        return;
      }
      if (url.pathname === "/bridge/send" && req.method === "POST") {
        const event = parseUserEvent(JSON.parse(await body(req)));
        if (!event) {
          res.writeHead(400, headers).end("bad event");
          return;
        }
        opts.source.send(event);
        res.writeHead(204, headers).end();
        return;
      }
      if (url.pathname === "/preview-bridge.js") {
        res.writeHead(200, { ...headers, "content-type": "text/javascript; charset=utf-8" }).end(BRIDGE_JS);
        return;
      }
      const file = resolveAsset(opts.rendererRoot, `app://kiosk${url.pathname}`);
      if (!file || req.method !== "GET") {
        res.writeHead(404, headers).end("not found");
        return;
      }
      let content: Buffer | string = await readFile(file);
      if (file.endsWith("index.html")) {
        // The bridge must exist before the app's (deferred) script runs.
        // The meta CSP forbids all connections (right for Electron); here the bridge needs its own origin.
        content = content
          .toString("utf8")
          .replace("connect-src 'none'", "connect-src 'self'")
          .replace('<script defer src="./app.js">', '<script src="./preview-bridge.js"></script>\n    <script defer src="./app.js">');
      }
      res.writeHead(200, { ...headers, "content-type": contentType(file) }).end(content);
    } catch {
      if (!res.headersSent) res.writeHead(404, headers);
      res.end();
    }
  });
}
