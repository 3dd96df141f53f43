import { useSyncExternalStore } from "react";
import type { ViewStore } from "./bridge.js";
import { IdleWarning } from "./screens/IdleWarning.js";
import { Attract, Notice, OutOfService, Starting } from "./screens/Simple.js";
import { Browse, Joining } from "./screens/Browse.js";
import { Checkout } from "./screens/Checkout.js";
import { Receipt } from "./screens/Receipt.js";
import { Waiting } from "./screens/Waiting.js";

export function App({ store }: { store: ViewStore }) {
  const view = useSyncExternalStore(store.subscribe, store.get);
  if (!view) return <Starting />;
  const { state } = view;
  const send = store.send;
  return (
    <div className={`kiosk screen-${state.screen}`}>
      <header className="bar">
        <span className="brand">QuickDeal</span>
        {view.kiosk ? <span className="where">{view.kiosk.store}</span> : null}
      </header>
      <main className="stage">
        {state.screen === "starting" && <Starting />}
        {state.screen === "outOfService" && <OutOfService message={state.message} attempt={state.attempt} />}
        {state.screen === "attract" && <Attract onStart={() => send({ type: "START" })} />}
        {state.screen === "browse" && <Browse state={state} view={view} send={send} />}
        {state.screen === "joining" && <Joining product={state.product} />}
        {state.screen === "waiting" && <Waiting state={state} send={send} />}
        {state.screen === "checkout" && <Checkout state={state} view={view} send={send} />}
        {state.screen === "receipt" && <Receipt state={state} send={send} />}
        {state.screen === "notice" && <Notice notice={state.notice} onDone={() => send({ type: "DONE" })} />}
      </main>
      {view.warningUntil !== null && <IdleWarning until={view.warningUntil} onStay={() => send({ type: "ACTIVITY" })} />}
    </div>
  );
}
