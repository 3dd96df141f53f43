import { useNow } from "../hooks.js";

export function IdleWarning({ until, onStay }: { until: number; onStay: () => void }) {
  const now = useNow(250);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return (
    <div className="overlay" role="alertdialog" aria-modal="true" data-testid="idle-warning">
      <div className="dialog">
        <h2>Still there?</h2>
        <p>For the next shopper's privacy, this kiosk starts over in {left} s.</p>
        <button type="button" className="primary big" onClick={onStay}>
          I'm still here
        </button>
      </div>
    </div>
  );
}
