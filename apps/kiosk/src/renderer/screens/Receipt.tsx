import type { KioskState, UserEvent } from "../../core/flow.js";

type ReceiptState = Extract<KioskState, { screen: "receipt" }>;

export function Receipt({ state, send }: { state: ReceiptState; send: (e: UserEvent) => void }) {
  const r = state.receipt;
  return (
    <section className="center receipt" data-testid="receipt">
      <h1>{r?.title ?? "Thank you!"}</h1>
      <p>Your order #{state.order.id} is paid.</p>
      {r ? (
        <>
          <img className="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(r.qrSvg)}`} alt={`QR code for order ${r.orderId}`} />
          <dl className="receipt-lines">
            {r.lines.map((l) => (
              <div key={l.label}>
                <dt>{l.label}</dt>
                <dd>{l.value}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">{r.footer}</p>
        </>
      ) : (
        <div className="spinner" aria-hidden="true" />
      )}
      <button type="button" className="primary big" onClick={() => send({ type: "DONE" })}>
        Done
      </button>
    </section>
  );
}
