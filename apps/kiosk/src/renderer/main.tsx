import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import { createViewStore, reportActivity } from "./bridge.js";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
const bridge = window.kiosk;
if (!bridge) {
  root.textContent = "This page runs inside the QuickDeal kiosk app.";
} else {
  const store = createViewStore(bridge);
  reportActivity(bridge, document);
  // No long-press menus or text selection on a touch kiosk.
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  createRoot(root).render(<App store={store} />);
}
