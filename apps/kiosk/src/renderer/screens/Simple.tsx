import type { Notice as NoticeData } from "../../core/flow.js";

export function Starting() {
  return (
    <section className="center">
      <div className="spinner" aria-hidden="true" />
      <p className="muted">Starting…</p>
    </section>
  );
}

export function OutOfService({ message, attempt }: { message: string; attempt: number }) {
  return (
    <section className="center out-of-service" data-testid="out-of-service">
      <h1>Out of service</h1>
      <p>Sorry, this kiosk is not available right now.</p>
      <p className="muted small">{message}</p>
      {attempt > 0 ? <p className="muted small">Retrying automatically (attempt {attempt}).</p> : null}
    </section>
  );
}

export function Attract({ onStart }: { onStart: () => void }) {
  return (
    <button type="button" className="attract" onClick={onStart} data-testid="attract">
      <span className="attract-title">Hot deals, fair lines</span>
      <span className="attract-sub">Limited stock. Join the line, keep your place, pay right here.</span>
      <span className="attract-cta">Touch to start</span>
    </button>
  );
}

export function Notice({ notice, onDone }: { notice: NoticeData; onDone: () => void }) {
  return (
    <section className={`center notice tone-${notice.tone}`} data-testid="notice">
      <h1>{notice.title}</h1>
      <p>{notice.message}</p>
      <button type="button" className="primary big" onClick={onDone}>
        {notice.next === "browse" ? "See other deals" : "OK"}
      </button>
    </section>
  );
}
