import type { KioskState, UserEvent } from "../../core/flow.js";
import { formatEta } from "../../core/format.js";

type WaitingState = Extract<KioskState, { screen: "waiting" }>;

export function Waiting({ state, send }: { state: WaitingState; send: (e: UserEvent) => void }) {
  const t = state.ticket;
  const eta = formatEta(t.etaSec);
  return (
    <section className="center waiting" data-testid="waiting">
      <p className="muted">You are in line for</p>
      <h1>{state.product.name}</h1>
      <div className="position" aria-live="polite">
        {t.ahead === 0 ? (
          <span className="position-big position-next">You're next</span>
        ) : (
          <>
            <span className="position-big" data-testid="ahead">
              {t.ahead}
            </span>
            <span className="position-label">{t.ahead === 1 ? "person ahead of you" : "people ahead of you"}</span>
          </>
        )}
      </div>
      <dl className="facts">
        <div>
          <dt>Estimated wait</dt>
          <dd>{eta ?? "calculating…"}</dd>
        </div>
        <div>
          <dt>Units left</dt>
          <dd data-testid="units-left">{t.stockLeft}</dd>
        </div>
        <div>
          <dt>At checkout now</dt>
          <dd>
            {t.admitted} / {t.capacity}
          </dd>
        </div>
      </dl>
      <p className="muted small">Stay close: when it's your turn, this screen takes you to checkout.</p>
      <button type="button" className="ghost" onClick={() => send({ type: "CANCEL" })}>
        Leave the line
      </button>
    </section>
  );
}
