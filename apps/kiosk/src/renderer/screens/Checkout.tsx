import { useState } from "react";
import {
  type CardEntry,
  type CardField,
  cardErrors,
  displayExpiry,
  displayNumber,
  emptyCardEntry,
  focus,
  type KeypadKey,
  press,
  toCardDetails,
} from "../../core/card-entry.js";
import type { KioskView } from "../../core/controller.js";
import { type KioskState, PAYABLE, type UserEvent } from "../../core/flow.js";
import { formatCountdown, formatMoney } from "../../core/format.js";
import { useNow } from "../hooks.js";

type CheckoutState = Extract<KioskState, { screen: "checkout" }>;

const KEYS: KeypadKey[] = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"];
const KEY_LABEL: Partial<Record<KeypadKey, string>> = { clear: "Clear", back: "⌫" };

function Field({ entry, field, label, value, placeholder, onFocus }: {
  entry: CardEntry;
  field: CardField;
  label: string;
  value: string;
  placeholder: string;
  onFocus: (f: CardField) => void;
}) {
  const active = entry.field === field;
  return (
    <button type="button" className={`field ${active ? "active" : ""}`} onClick={() => onFocus(field)} data-testid={`field-${field}`}>
      <span className="field-label">{label}</span>
      <span className={`field-value ${value ? "" : "empty"}`}>{value || placeholder}</span>
    </button>
  );
}

export function Checkout({ state, view, send }: { state: CheckoutState; view: KioskView; send: (e: UserEvent) => void }) {
  const [entry, setEntry] = useState<CardEntry>(emptyCardEntry);
  const now = useNow(500);
  const expiresAt = state.ticket.expiresAt;
  const card = toCardDetails(entry, new Date(now));
  const errors = cardErrors(entry, new Date(now));
  const numberDone = entry.field !== "number" && entry.number.length > 0;
  const p = state.product;
  return (
    <section className="checkout" data-testid="checkout">
      <div className="checkout-head">
        <div>
          <p className="muted">It's your turn!</p>
          <h1>{p.name}</h1>
          <p className="price">{formatMoney(p.priceMinor, p.currency, view.locale)}</p>
        </div>
        {expiresAt !== null ? (
          <div className="hold" aria-live="polite">
            <span className="muted small">Held for you</span>
            <span className="hold-time" data-testid="hold">
              {formatCountdown(expiresAt - now)}
            </span>
          </div>
        ) : null}
      </div>
      <div className="card-fields">
        <Field entry={entry} field="number" label="Card number" value={displayNumber(entry.number, numberDone)} placeholder="•••• •••• •••• ••••" onFocus={(f) => setEntry(focus(entry, f))} />
        <div className="row">
          <Field entry={entry} field="expiry" label="Expiry (MM/YY)" value={displayExpiry(entry.expiry)} placeholder="MM/YY" onFocus={(f) => setEntry(focus(entry, f))} />
          <Field entry={entry} field="cvc" label="Security code" value={"•".repeat(entry.cvc.length)} placeholder="CVC" onFocus={(f) => setEntry(focus(entry, f))} />
        </div>
        {entry.field !== "number" && errors.number && entry.number.length > 0 ? <p className="field-error">{errors.number}</p> : null}
        {entry.field === "cvc" && errors.expiry && entry.expiry.length === 4 ? <p className="field-error">{errors.expiry}</p> : null}
      </div>
      {state.error ? (
        <p className="error-banner" role="alert" data-testid="pay-error">
          {state.error}
        </p>
      ) : null}
      <fieldset className="keypad" aria-label="Keypad">
        {KEYS.map((k) => (
          <button type="button" key={k} className={`key key-${k}`} disabled={state.paying} onClick={() => setEntry(press(entry, k))} data-testid={`key-${k}`}>
            {KEY_LABEL[k] ?? k}
          </button>
        ))}
      </fieldset>
      <div className="checkout-actions">
        <button type="button" className="ghost" disabled={state.paying} onClick={() => send({ type: "CANCEL" })}>
          Cancel
        </button>
        <button
          type="button"
          className="primary big"
          disabled={!card || state.paying || !PAYABLE.has(state.ticket.state)}
          onClick={() => card && send({ type: "PAY", card })}
          data-testid="pay"
        >
          {state.paying ? "Paying…" : `Pay ${formatMoney(p.priceMinor, p.currency, view.locale)}`}
        </button>
      </div>
    </section>
  );
}
