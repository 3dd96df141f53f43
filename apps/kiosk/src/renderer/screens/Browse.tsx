import { useState } from "react";
import type { ProductCard } from "../../core/api.js";
import type { KioskView } from "../../core/controller.js";
import type { KioskState, UserEvent } from "../../core/flow.js";
import { formatMoney } from "../../core/format.js";

type BrowseState = Extract<KioskState, { screen: "browse" }>;

/** The product picture from the storefront's origin, or a lettered tile when there is none. */
export function ProductImage({ product, imagesUrl }: { product: ProductCard; imagesUrl: string | null }) {
  const [failed, setFailed] = useState(false);
  const src = imagesUrl && product.imageUrl.startsWith("/") ? `${imagesUrl}${product.imageUrl}` : null;
  if (!src || failed) {
    return (
      <div className="thumb placeholder" aria-hidden="true">
        {product.name.slice(0, 1).toUpperCase()}
      </div>
    );
  }
  return <img className="thumb" src={src} alt="" onError={() => setFailed(true)} draggable={false} />;
}

const SALE_LABEL: Record<ProductCard["saleState"], string> = {
  on_sale: "On sale now",
  upcoming: "Starts soon",
  sold_out: "Sold out",
  ended: "Sale ended",
};

export function Browse({ state, view, send }: { state: BrowseState; view: KioskView; send: (e: UserEvent) => void }) {
  const onSale = (state.products ?? []).filter((p) => p.saleState === "on_sale" || p.saleState === "upcoming");
  return (
    <section className="browse" data-testid="browse">
      <div className="browse-head">
        <h1>Today's deals</h1>
        <button type="button" className="ghost" onClick={() => send({ type: "CANCEL" })}>
          Start over
        </button>
      </div>
      {state.joinError ? <p className="error-banner">{state.joinError}</p> : null}
      {state.error ? (
        <div className="center">
          <p className="error-banner">{state.error}</p>
          <button type="button" className="primary big" onClick={() => send({ type: "REFRESH" })}>
            Try again
          </button>
        </div>
      ) : state.products === null ? (
        <div className="center">
          <div className="spinner" aria-hidden="true" />
        </div>
      ) : onSale.length === 0 ? (
        <p className="center muted">No deals right now. Please check back soon.</p>
      ) : (
        <ul className="products">
          {onSale.map((p) => {
            const canJoin = p.saleState === "on_sale" && !p.paused;
            return (
              <li key={p.id} className={`product ${canJoin ? "" : "disabled"}`}>
                <ProductImage product={p} imagesUrl={view.imagesUrl} />
                <div className="product-body">
                  <h2>{p.name}</h2>
                  <p className="price">{formatMoney(p.priceMinor, p.currency, view.locale)}</p>
                  <p className="muted small">
                    {SALE_LABEL[p.saleState]}
                    {p.saleState === "on_sale" ? ` · ${p.stockLeft} of ${p.initialStock} left` : ""}
                    {p.paused ? " · paused" : ""}
                  </p>
                </div>
                <button
                  type="button"
                  className="primary"
                  disabled={!canJoin}
                  onClick={() => send({ type: "SELECT", productId: p.id })}
                  data-testid={`join-${p.id}`}
                >
                  Join the line
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function Joining({ product }: { product: ProductCard }) {
  return (
    <section className="center" data-testid="joining">
      <div className="spinner" aria-hidden="true" />
      <p>Getting you a place in line for {product.name}…</p>
    </section>
  );
}
