import { trpcAuthApi, trpcKioskApi } from "./api.js";
import { createKioskClient } from "./client.js";
import type { Clock } from "./clock.js";
import type { KioskConfig } from "./config.js";
import { KioskController, type KioskView } from "./controller.js";
import type { UserEvent } from "./flow.js";
import { buildReceipt } from "./receipt.js";
import { KioskSessionManager } from "./session.js";

/** What the screen talks to: the current view, its changes, and the shopper's actions. */
export interface ViewSource {
  readonly view: KioskView;
  subscribe(listener: (view: KioskView) => void): () => void;
  send(event: UserEvent): void;
}

export interface KioskRuntime {
  controller: KioskController;
  sessions: KioskSessionManager;
  stop(): void;
}

export interface RuntimeOptions {
  clock?: Clock;
  log?: (msg: string, extra?: Record<string, unknown>) => void;
  fetch?: typeof fetch;
  pollMs?: number;
}

/** The whole kiosk (sessions, API, flow) from a validated device config; no Electron involved. */
export function createKioskRuntime(config: KioskConfig, opts: RuntimeOptions = {}): KioskRuntime {
  const sessions = new KioskSessionManager({
    credentials: { kioskId: config.kioskId, key: config.key },
    auth: trpcAuthApi(config.apiUrl, opts.fetch),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const controller = new KioskController({
    sessions,
    apiFor: (token) => trpcKioskApi(createKioskClient({ url: config.apiUrl, token, ...(opts.fetch ? { fetch: opts.fetch } : {}) })),
    receipt: (order, product, kiosk) => buildReceipt(order, product, kiosk, config.locale),
    idle: config.idle,
    locale: config.locale,
    imagesUrl: config.imagesUrl,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
  });
  return {
    controller,
    sessions,
    stop() {
      controller.stop();
      sessions.stop();
    },
  };
}

/** A screen that only says what is wrong (no config, unreadable config): nothing to send. */
export function outOfServiceSource(message: string, locale = "en-US"): ViewSource {
  const view: KioskView = {
    state: { screen: "outOfService", message, attempt: 0 },
    warningUntil: null,
    kiosk: null,
    locale,
    imagesUrl: null,
  };
  return { view, subscribe: () => () => undefined, send: () => undefined };
}
