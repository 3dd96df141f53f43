import { z } from "zod";
import type { KioskView } from "./controller.js";
import type { UserEvent } from "./flow.js";

/** IPC channel names shared by main and preload (the preload repeats them, type-checked). */
export const IPC = {
  getView: "kiosk:get-view",
  view: "kiosk:view",
  send: "kiosk:send",
} as const;

/** What the preload exposes to the page as `window.kiosk`: read the view, send shopper actions. */
export interface KioskBridge {
  getView(): Promise<KioskView>;
  /** Calls back on every new view; returns a function that stops listening. */
  onView(listener: (view: KioskView) => void): () => void;
  send(event: UserEvent): void;
}

const digits = (min: number, max: number) => z.string().regex(new RegExp(`^\\d{${min},${max}}$`));

/** The renderer is not trusted: main accepts only these shapes. */
export const userEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("START") }).strict(),
  z.object({ type: z.literal("SELECT"), productId: z.int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
  z.object({ type: z.literal("REFRESH") }).strict(),
  z
    .object({
      type: z.literal("PAY"),
      card: z
        .object({
          number: digits(12, 19),
          expMonth: z.int().min(1).max(12),
          expYear: z.int().min(2000).max(2100),
          cvc: digits(3, 4),
          name: z.string().min(1).max(100),
        })
        .strict(),
    })
    .strict(),
  z.object({ type: z.literal("CANCEL") }).strict(),
  z.object({ type: z.literal("DONE") }).strict(),
  z.object({ type: z.literal("ACTIVITY") }).strict(),
]);

export function parseUserEvent(value: unknown): UserEvent | null {
  const r = userEventSchema.safeParse(value);
  return r.success ? r.data : null;
}
