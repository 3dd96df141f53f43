import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
  name: string;
}

export interface ChargeRequest {
  amountMinor: number;
  currency: string;
  card: CardInput;
  /** One key per payment attempt: retrying the same key never charges twice. */
  idempotencyKey: string;
  description: string;
}

export type ChargeResult =
  | { status: "approved"; ref: string }
  | { status: "declined"; code: string; message: string };

/** The processor failed; `maybeCharged` when we cannot tell whether money moved (timeouts, lost replies). */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    message: string,
    readonly maybeCharged: boolean,
  ) {
    super(message);
  }
}

export interface PaymentGateway {
  charge(req: ChargeRequest): Promise<ChargeResult>;
  /** Cancels whatever charge was made under this key (no-op when there was none). */
  void(idempotencyKey: string): Promise<void>;
}

/**
 * Test cards of the fake gateway (documented in docs/architecture.md):
 * approve, decline, processor error (the charge is captured but the reply is lost), slow then approve.
 */
export const TEST_CARDS = {
  approve: "4242424242424242",
  decline: "4000000000000002",
  insufficientFunds: "4000000000009995",
  processorError: "4000000000000119",
  slow: "4000000000003220",
} as const;

export interface LedgerEntry {
  idempotencyKey: string;
  amountMinor: number;
  currency: string;
  status: "captured" | "voided" | "declined";
  ref: string | null;
}

/**
 * Deterministic in-process gateway. Its ledger lets tests prove "never a charge without an order".
 */
export class FakeGateway implements PaymentGateway {
  readonly ledger = new Map<string, LedgerEntry>();

  constructor(private readonly opts: { slowMs: number }) {}

  async charge(req: ChargeRequest): Promise<ChargeResult> {
    const seen = this.ledger.get(req.idempotencyKey);
    if (seen) return replay(seen);
    const number = req.card.number.replace(/[\s-]/g, "");
    switch (number) {
      case TEST_CARDS.approve:
        return this.capture(req);
      case TEST_CARDS.slow:
        await sleep(this.opts.slowMs);
        return this.capture(req);
      case TEST_CARDS.processorError:
        // Money moved, then the connection dropped: the caller must void.
        this.capture(req);
        throw new GatewayError("The payment processor did not answer.", true);
      case TEST_CARDS.insufficientFunds:
        return this.decline(req, "insufficient_funds", "Your card has insufficient funds. Try another card.");
      case TEST_CARDS.decline:
        return this.decline(req, "card_declined", "Your card was declined. Try another card.");
      default:
        return this.decline(req, "unknown_test_card", "This store only accepts its test cards right now.");
    }
  }

  async void(idempotencyKey: string): Promise<void> {
    const entry = this.ledger.get(idempotencyKey);
    if (entry?.status === "captured") entry.status = "voided";
  }

  /** Captured (not voided) charges, for tests and reconciliation. */
  captured(): LedgerEntry[] {
    return [...this.ledger.values()].filter((e) => e.status === "captured");
  }

  private capture(req: ChargeRequest): ChargeResult {
    const ref = `fake_${randomUUID()}`;
    this.ledger.set(req.idempotencyKey, {
      idempotencyKey: req.idempotencyKey,
      amountMinor: req.amountMinor,
      currency: req.currency,
      status: "captured",
      ref,
    });
    return { status: "approved", ref };
  }

  private decline(req: ChargeRequest, code: string, message: string): ChargeResult {
    this.ledger.set(req.idempotencyKey, {
      idempotencyKey: req.idempotencyKey,
      amountMinor: req.amountMinor,
      currency: req.currency,
      status: "declined",
      ref: null,
    });
    return { status: "declined", code, message };
  }
}

function replay(e: LedgerEntry): ChargeResult {
  if (e.status === "declined") return { status: "declined", code: "card_declined", message: "Your card was declined." };
  if (e.status === "voided") throw new GatewayError("This payment was cancelled.", false);
  return { status: "approved", ref: e.ref ?? "" };
}
