"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { errorCode, errorMessage } from "@/lib/errors";
import { formatDuration, formatMoney } from "@/lib/format";
import { useMe, useNow } from "@/lib/hooks";
import { welcomeHref } from "@/lib/nav";
import { saleClock, soldPercent } from "@/lib/sale";
import { isActive } from "@/lib/ticket";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox, Notice, SaleBadge, SaleCountdown, Spinner, StockBadge } from "./ui";

export function ProductView({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const qc = useQueryClient();
  const now = useNow(1000);
  const me = useMe();
  const signedIn = !!me.data;

  const product = useQuery({
    ...trpc.catalog.byId.queryOptions({ id }),
    enabled: Number.isInteger(id) && id > 0,
    refetchInterval: 3_000,
  });
  const mine = useQuery({ ...trpc.queue.mine.queryOptions({ productId: id }), enabled: signedIn, refetchInterval: 10_000 });
  const join = useMutation(
    trpc.queue.join.mutationOptions({
      onSuccess: (status) => {
        qc.setQueryData(trpc.queue.mine.queryKey({ productId: id }), status);
        router.push(`/queue/${id}`);
      },
    }),
  );

  if (!Number.isInteger(id) || id <= 0 || (product.isError && errorCode(product.error) === "NOT_FOUND")) {
    return <NotFound />;
  }
  if (product.isPending) return <Spinner label="Loading product" />;
  if (product.isError) return <ErrorBox>{errorMessage(product.error)}</ErrorBox>;
  const p = product.data;
  if (!p) return <NotFound />;

  const clock = saleClock(p, now);
  const ticket = mine.data ?? null;
  const inLine = ticket && isActive(ticket.state);
  const bought = ticket?.state === "PURCHASED";
  const expired = params.get("expired") === "1";

  const buy = () => {
    if (!signedIn) {
      router.push(welcomeHref(`/products/${id}`));
      return;
    }
    join.mutate({ productId: id });
  };

  return (
    <article className="grid gap-8 lg:grid-cols-2" data-testid="product-page" data-product-id={p.id}>
      <div className="card overflow-hidden">
        <img src={p.imageUrl} alt={p.name} className="aspect-[4/3] w-full object-cover" width={800} height={600} />
      </div>
      <div className="flex flex-col gap-5">
        <div>
          <Link href={`/?category=${encodeURIComponent(p.category)}`} className="text-sm font-semibold uppercase tracking-wide text-brand-700 hover:underline">
            {p.category}
          </Link>
          <h1 className="mt-1 text-3xl font-extrabold tracking-tight" data-testid="product-title">
            {p.name}
          </h1>
          <p className="mt-3 text-slate-700">{p.description}</p>
        </div>

        <div className="flex flex-wrap items-center gap-3">
          <span className="text-3xl font-bold tabular-nums" data-testid="product-price">
            {formatMoney(p.priceMinor, p.currency)}
          </span>
          <SaleBadge state={clock.state} />
          <StockBadge stockLeft={p.stockLeft} initialStock={p.initialStock} inCheckout={p.inCheckout} />
        </div>

        <div className="card p-4">
          <div className="flex items-baseline justify-between text-sm">
            <span className="font-medium text-slate-700">
              <span data-testid="stock-left" className="tabular-nums">{p.stockLeft}</span> of {p.initialStock} left
            </span>
            {p.inCheckout > 0 ? (
              <span className="text-slate-500" data-testid="in-checkout">
                {p.inCheckout} checking out now
              </span>
            ) : null}
          </div>
          <div className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100" aria-hidden>
            <div className="h-full bg-brand-500 transition-[width]" style={{ width: `${soldPercent(p.stockLeft, p.initialStock)}%` }} />
          </div>
          <div className="mt-2">
            <SaleCountdown label={clock.label} msLeft={clock.msLeft} />
          </div>
        </div>

        {expired ? (
          <Notice tone="warn" testId="expired-notice">
            <strong>Your hold expired.</strong> Checkout was not completed within the time limit, so the unit went back to the line
            and the next shopper was admitted. You were not charged. If units are left you can join the line again.
          </Notice>
        ) : null}
        {clock.state === "on_sale" && p.stockLeft <= 0 && p.inCheckout > 0 && !inLine && !bought ? (
          <Notice tone="info" testId="all-held-notice">
            Every unit left is held by a shopper in checkout. Join the line: if one of them doesn't pay in time, the unit goes to the next
            person in line.
          </Notice>
        ) : null}
        {p.paused && clock.state === "on_sale" ? (
          <Notice tone="warn" testId="paused-notice">
            Admissions are paused for a moment. You can still join the line and keep your place.
          </Notice>
        ) : null}

        {bought ? (
          <Notice tone="ok" testId="already-bought">
            You bought this.{" "}
            {ticket?.orderId ? (
              <Link className="font-semibold underline" href={`/orders/${ticket.orderId}`}>
                View your order
              </Link>
            ) : null}
          </Notice>
        ) : inLine ? (
          <Link href={ticket.state === "WAITING" ? `/queue/${id}` : `/checkout/${id}`} className="btn-primary py-3 text-base" data-testid="go-to-line">
            {ticket.state === "WAITING" ? "You're in line — open the waiting room" : "It's your turn — go to checkout"}
          </Link>
        ) : (
          <BuyButton state={clock.state} pending={join.isPending} onBuy={buy} signedIn={signedIn} />
        )}
        {join.isError ? <ErrorBox testId="join-error">{errorMessage(join.error)}</ErrorBox> : null}

        <dl className="grid grid-cols-2 gap-3 text-sm">
          <div className="card p-3">
            <dt className="text-slate-500">Time to pay once admitted</dt>
            <dd className="font-semibold" data-testid="checkout-ttl">{formatDuration(p.checkoutTtlSec * 1000)}</dd>
          </div>
          <div className="card p-3">
            <dt className="text-slate-500">Checking out at once</dt>
            <dd className="font-semibold">up to {p.capacity} shoppers</dd>
          </div>
        </dl>
        <p className="text-xs text-slate-500">
          How it works: join the line, keep this page open (or come back — your place is kept), and when it's your turn a unit is held
          for you while you pay. One per shopper.
        </p>
      </div>
    </article>
  );
}

function BuyButton({ state, pending, onBuy, signedIn }: { state: string; pending: boolean; onBuy: () => void; signedIn: boolean }) {
  if (state === "sold_out") {
    return (
      <button type="button" disabled className="btn-dark py-3 text-base" data-testid="buy-now">
        Sold out
      </button>
    );
  }
  if (state === "ended") {
    return (
      <button type="button" disabled className="btn-dark py-3 text-base" data-testid="buy-now">
        This sale has ended
      </button>
    );
  }
  if (state === "upcoming") {
    return (
      <button type="button" disabled className="btn-secondary py-3 text-base" data-testid="buy-now">
        Not on sale yet
      </button>
    );
  }
  return (
    <button type="button" onClick={onBuy} disabled={pending} className="btn-primary py-3 text-base" data-testid="buy-now">
      {pending ? "Joining the line…" : signedIn ? "Buy now" : "Buy now — continue as guest"}
    </button>
  );
}

function NotFound() {
  return (
    <div className="card p-8 text-center" data-testid="product-not-found">
      <h1 className="text-xl font-bold">We couldn't find that deal</h1>
      <p className="mt-2 text-slate-600">It may have been removed.</p>
      <Link href="/" className="btn-primary mt-4">
        Browse deals
      </Link>
    </div>
  );
}
