"use client";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { playAdmittedChime } from "@/lib/beep";
import { errorMessage } from "@/lib/errors";
import { formatEta, formatMoney } from "@/lib/format";
import { useMe } from "@/lib/hooks";
import { welcomeHref } from "@/lib/nav";
import { latest, roomView } from "@/lib/queue-view";
import { isActive, rememberStartAhead, untrack } from "@/lib/ticket";
import { type TicketStatus, useTRPC } from "@/lib/trpc";
import { ErrorBox, ProgressBar, Spinner } from "./ui";

const REDIRECT_DELAY_MS = 1500;

export function WaitingRoom({ productId }: { productId: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const me = useMe();
  const signedIn = !!me.data;

  const product = useQuery({ ...trpc.catalog.byId.queryOptions({ id: productId }), refetchInterval: 10_000 });
  // The ticket is found again from the server, so a reload, a reopened tab or a second tab shows the same place.
  const mine = useQuery({ ...trpc.queue.mine.queryOptions({ productId }), enabled: signedIn });
  const ticket = mine.data && isActive(mine.data.state) ? mine.data.ticket : (mine.data?.ticket ?? null);

  const [live, setLive] = useState<{ value: TicketStatus; at: number } | null>(null);
  const sub = useSubscription(
    trpc.queue.watch.subscriptionOptions(ticket && mine.data && isActive(mine.data.state) ? { ticket } : skipToken, {
      onData: (ev) => setLive({ value: untrack(ev) as TicketStatus, at: Date.now() }),
    }),
  );
  const sseHealthy = sub.status === "pending";
  // Polling fallback: fast while SSE is down or connecting, slow otherwise (it doubles as a heartbeat).
  const poll = useQuery({
    ...trpc.queue.status.queryOptions(ticket ? { ticket } : skipToken),
    refetchInterval: (q) => {
      const s = q.state.data?.state;
      if (s && !isActive(s)) return false;
      return sseHealthy ? 15_000 : 2_000;
    },
    // A shopper often waits in another tab: the fallback must keep going there too.
    refetchIntervalInBackground: true,
  });

  // Only snapshots of the current ticket count (after leaving and re-joining, older ones are stale).
  const same = (s: TicketStatus | null | undefined) => (s && s.ticket === ticket ? s : null);
  const current = latest(
    { value: mine.data, at: mine.dataUpdatedAt },
    { value: same(poll.data), at: poll.dataUpdatedAt },
    { value: same(live?.value), at: live?.at ?? 0 },
  );
  const [startAhead, setStartAhead] = useState(0);
  useEffect(() => {
    if (!current) return;
    setStartAhead(rememberStartAhead(current.ticket, current.ahead, typeof window === "undefined" ? null : window.localStorage));
  }, [current]);

  const leave = useMutation(
    trpc.queue.leave.mutationOptions({
      onSuccess: (s) => {
        setLive({ value: s, at: Date.now() });
        qc.setQueryData(trpc.queue.mine.queryKey({ productId }), s);
      },
    }),
  );
  const join = useMutation(
    trpc.queue.join.mutationOptions({
      onSuccess: (s) => {
        setLive(null);
        qc.setQueryData(trpc.queue.mine.queryKey({ productId }), s);
      },
    }),
  );

  const view = current ? roomView(current, startAhead) : null;
  // The tab title carries the news, for shoppers who wait in another tab. Next's metadata owns
  // <title>, so it is set after every render that changes it (and restored on leaving).
  const tabTitle = !current ? null : current.state === "WAITING" ? `(${current.ahead}) ahead · Waiting room` : (view?.headline ?? null);
  useEffect(() => {
    if (!tabTitle) return;
    const want = `${tabTitle} · QuickDeal`;
    const apply = () => {
      if (document.title !== want) document.title = want;
    };
    apply();
    // Metadata may be streamed in after this effect ran: re-apply when the <head> changes.
    const mo = new MutationObserver(apply);
    mo.observe(document.head, { subtree: true, childList: true, characterData: true });
    return () => mo.disconnect();
  }, [tabTitle]);
  const admittedOnce = useRef(false);
  const [celebrate, setCelebrate] = useState(false);
  useEffect(() => {
    if (!view?.goCheckout || admittedOnce.current) return;
    admittedOnce.current = true;
    setCelebrate(true);
    playAdmittedChime();
    if (typeof navigator !== "undefined" && "vibrate" in navigator) navigator.vibrate?.(200);
    const t = setTimeout(() => router.push(`/checkout/${productId}`), REDIRECT_DELAY_MS);
    return () => clearTimeout(t);
  }, [view?.goCheckout, router, productId]);

  if (me.isPending || (signedIn && mine.isPending)) return <Spinner label="Finding your place in line" />;
  if (!signedIn) {
    return (
      <Panel>
        <h1 className="text-xl font-bold">Join the line as a guest</h1>
        <p className="mt-2 text-slate-600">We need to know who you are to keep your place.</p>
        <Link className="btn-primary mt-4" href={welcomeHref(`/products/${productId}`)} data-testid="queue-continue">
          Continue
        </Link>
      </Panel>
    );
  }
  if (mine.isError) return <ErrorBox>{errorMessage(mine.error)}</ErrorBox>;

  const p = product.data;
  const title = p ? p.name : "this deal";

  if (!current || !view) {
    return (
      <Panel testId="not-in-line">
        <h1 className="text-xl font-bold">You're not in line for {title}</h1>
        <p className="mt-2 text-slate-600">Join to get a place. Your place is kept if you reload or come back later.</p>
        <button type="button" className="btn-primary mt-4" disabled={join.isPending} onClick={() => join.mutate({ productId })} data-testid="join-line">
          {join.isPending ? "Joining…" : "Join the line"}
        </button>
        {join.isError ? <div className="mt-3"><ErrorBox testId="join-error">{errorMessage(join.error)}</ErrorBox></div> : null}
      </Panel>
    );
  }

  const waiting = current.state === "WAITING";
  const checkingOut = current.admitted;
  return (
    <div className="mx-auto max-w-2xl" data-testid="waiting-room" data-state={current.state} data-ticket-seq={current.seq}>
      <div className="mb-4 flex items-center gap-4">
        {p ? <img src={p.imageUrl} alt="" className="h-16 w-20 rounded-xl object-cover" width={80} height={64} /> : null}
        <div>
          <p className="text-sm font-medium text-slate-500">
            Waiting room · <span data-testid="queue-number">your number #{current.seq}</span>
          </p>
          <h1 className="text-xl font-bold leading-tight" data-testid="queue-product">
            {title}
          </h1>
          {p ? <p className="text-sm text-slate-600">{formatMoney(p.priceMinor, p.currency)}</p> : null}
        </div>
      </div>

      <section
        className={`card p-6 sm:p-8 ${view.tone === "go" ? "border-emerald-400 ring-4 ring-emerald-200" : view.tone === "bad" ? "border-slate-300" : ""}`}
        aria-labelledby="queue-headline"
      >
        {/* One polite live region: screen readers hear position changes without being interrupted. */}
        <div aria-live="polite" aria-atomic="true" data-testid="queue-live">
          {celebrate || view.tone === "go" ? (
            <div className="animate-pop text-center" data-testid="admitted-banner">
              <svg viewBox="0 0 24 24" className="mx-auto h-14 w-14 text-emerald-600" fill="none" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
                <circle cx="12" cy="12" r="10" />
                <path d="m7.5 12.5 3 3 6-7" />
              </svg>
              <h2 id="queue-headline" className="mt-2 text-2xl font-extrabold text-emerald-700">
                {view.headline}
              </h2>
              <p className="mt-1 text-slate-700">{view.detail}</p>
            </div>
          ) : (
            <>
              <h2 id="queue-headline" className="text-2xl font-extrabold tracking-tight sm:text-3xl" data-testid="queue-headline">
                {view.headline}
              </h2>
              <p className="mt-1 text-slate-600" data-testid="queue-detail">
                {view.detail}
              </p>
            </>
          )}
        </div>

        {waiting ? (
          <>
            <div className="mt-6">
              <ProgressBar value={view.progress} label="Your progress through the line" testId="queue-progress" />
            </div>
            <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Stat label="Ahead of you" value={current.ahead.toLocaleString("en-US")} testId="queue-ahead" />
              <Stat label="Est. wait" value={current.etaSec == null ? "—" : formatEta(current.etaSec).replace("about ", "~")} testId="queue-eta" />
              <Stat label="Units left" value={String(current.stockLeft)} testId="queue-stock" />
              <Stat label="Checking out" value={`${checkingOut} / ${current.capacity}`} testId="queue-checking-out" />
            </dl>
            <p className="mt-6 text-sm text-slate-500">
              Keep this page open — we'll take you to checkout automatically. You can reload or come back in another tab; your place is
              kept.
            </p>
            <div className="mt-4 flex items-center justify-between gap-3">
              <span className="text-xs text-slate-500" data-testid="queue-connection" data-mode={sseHealthy ? "live" : "polling"}>
                <span aria-hidden className={sseHealthy ? "text-emerald-500" : "text-slate-400"}>
                  ●
                </span>{" "}
                {sseHealthy ? "Live" : "Updating every few seconds"}
              </span>
              <button type="button" className="btn-secondary" disabled={leave.isPending} onClick={() => leave.mutate({ ticket: current.ticket })} data-testid="leave-line">
                {leave.isPending ? "Leaving…" : "Leave the line"}
              </button>
            </div>
            {leave.isError ? <div className="mt-3"><ErrorBox>{errorMessage(leave.error)}</ErrorBox></div> : null}
          </>
        ) : view.goCheckout ? (
          <div className="mt-6 text-center">
            <Link href={`/checkout/${productId}`} className="btn-primary px-6 py-3 text-base" data-testid="go-checkout">
              Go to checkout now
            </Link>
          </div>
        ) : (
          <FinalActions state={current.state} productId={productId} orderId={current.orderId} onRejoin={() => join.mutate({ productId })} rejoining={join.isPending} />
        )}
        {join.isError ? <div className="mt-3"><ErrorBox testId="join-error">{errorMessage(join.error)}</ErrorBox></div> : null}
      </section>
    </div>
  );
}

function FinalActions({ state, productId, orderId, onRejoin, rejoining }: { state: string; productId: number; orderId: number | null; onRejoin: () => void; rejoining: boolean }) {
  return (
    <div className="mt-6 flex flex-wrap gap-3" data-testid={state === "SOLD_OUT" ? "sold-out" : `final-${state.toLowerCase()}`}>
      {state === "PURCHASED" && orderId ? (
        <Link className="btn-primary" href={`/orders/${orderId}`}>
          View your order
        </Link>
      ) : null}
      {state === "LEFT" || state === "EXPIRED" ? (
        <button type="button" className="btn-primary" onClick={onRejoin} disabled={rejoining} data-testid="rejoin-line">
          {rejoining ? "Joining…" : "Join the line again"}
        </button>
      ) : null}
      <Link className="btn-secondary" href={`/products/${productId}`}>
        Back to the product
      </Link>
      <Link className="btn-secondary" href="/" data-testid="browse-other">
        Browse other deals
      </Link>
    </div>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-xl bg-slate-50 p-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-lg font-bold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Panel({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="card mx-auto max-w-xl p-8 text-center" data-testid={testId}>
      {children}
    </div>
  );
}
