"use client";
import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import { type CardErrors, type CardInput, formatCardNumber, formatExpiry, TEST_CARDS, validateCard } from "@/lib/card";
import { errorCode, errorMessage, fieldErrors } from "@/lib/errors";
import { formatCountdown, formatMoney } from "@/lib/format";
import { useMe, useNow } from "@/lib/hooks";
import { welcomeHref } from "@/lib/nav";
import { newIdempotencyKey } from "@/lib/ticket";
import { useTRPC } from "@/lib/trpc";
import { useAppConfig } from "./providers";
import { ErrorBox, Spinner } from "./ui";

const EMPTY: CardInput = { number: "", name: "", expiry: "", cvc: "" };

export function Checkout({ productId }: { productId: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const { demoMode } = useAppConfig();
  const me = useMe();
  const signedIn = !!me.data;
  const now = useNow(250);

  const product = useQuery(trpc.catalog.byId.queryOptions({ id: productId }));
  const mine = useQuery({ ...trpc.queue.mine.queryOptions({ productId }), enabled: signedIn });
  const ticket = mine.data?.ticket ?? null;
  // Watch the hold: the sweeper may expire it, or another tab may pay.
  const status = useQuery({
    ...trpc.queue.status.queryOptions(ticket ? { ticket } : skipToken),
    refetchInterval: 3_000,
    refetchIntervalInBackground: true,
  });
  const t = status.data && status.data.ticket === ticket ? status.data : (mine.data ?? null);

  const [card, setCard] = useState<CardInput>(EMPTY);
  const [errors, setErrors] = useState<CardErrors>({});
  const [attempts, setAttempts] = useState(0);
  const pay = useMutation(
    trpc.payment.checkout.mutationOptions({
      onSuccess: (order) => {
        void qc.invalidateQueries({ queryKey: trpc.orders.mine.queryKey() });
        void qc.invalidateQueries({ queryKey: trpc.queue.mine.queryKey({ productId }) });
        router.push(`/orders/${order.id}?new=1`);
      },
      onError: (err) => {
        const f = fieldErrors(err);
        if (Object.keys(f).length) setErrors((e) => ({ ...e, ...mapServerFields(f) }));
        if (errorCode(err) === "TIMEOUT" || /expired/i.test(errorMessage(err))) void mine.refetch();
      },
    }),
  );

  const expiresAt = t?.expiresAt ?? null;
  const msLeft = expiresAt === null ? null : expiresAt - now;
  const expired = t?.state === "EXPIRED" || (msLeft !== null && msLeft <= 0 && t?.state === "ADMITTED" && !pay.isPending);

  // Out of time: back to the product, which explains what happened.
  const left = useRef(false);
  useEffect(() => {
    if (!expired || left.current) return;
    left.current = true;
    router.replace(`/products/${productId}?expired=1`);
  }, [expired, router, productId]);
  // Paid elsewhere (another tab): to the order. When this tab pays, its ticket (polled, and
  // refetched on success) can show the purchase while onSuccess's confirmation (?new=1) is still
  // loading, and a plain /orders/N would replace it.
  const payingHere = pay.isPending || pay.isSuccess;
  useEffect(() => {
    if (!t || left.current) return;
    if (t.state === "WAITING") router.replace(`/queue/${productId}`);
    if (t.state === "PURCHASED" && t.orderId && !payingHere) router.replace(`/orders/${t.orderId}`);
  }, [t, router, productId, payingHere]);

  if (me.isPending || (signedIn && mine.isPending)) return <Spinner label="Loading checkout" />;
  if (!signedIn) {
    return (
      <div className="card mx-auto max-w-xl p-8 text-center">
        <h1 className="text-xl font-bold">Please sign in to check out</h1>
        <Link className="btn-primary mt-4" href={welcomeHref(`/products/${productId}`)}>
          Continue
        </Link>
      </div>
    );
  }
  if (!t || t.state === "SOLD_OUT" || t.state === "LEFT") {
    return (
      <div className="card mx-auto max-w-xl p-8 text-center" data-testid="checkout-no-hold">
        <h1 className="text-xl font-bold">{t?.state === "SOLD_OUT" ? "Sold out" : "No unit is held for you"}</h1>
        <p className="mt-2 text-slate-600">Join the line from the product page; when it's your turn you'll come back here.</p>
        <Link className="btn-primary mt-4" href={`/products/${productId}`}>
          Back to the product
        </Link>
      </div>
    );
  }

  const p = product.data;
  const update = (k: keyof CardInput, v: string) => {
    const value = k === "number" ? formatCardNumber(v) : k === "expiry" ? formatExpiry(v) : k === "cvc" ? v.replace(/\D/g, "").slice(0, 4) : v;
    setCard((c) => ({ ...c, [k]: value }));
    if (errors[k]) setErrors((e) => ({ ...e, [k]: undefined }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (pay.isPending) return;
    const v = validateCard(card);
    if (!v.ok) {
      setErrors(v.errors);
      const first = (["number", "name", "expiry", "cvc"] as const).find((k) => v.errors[k]);
      if (first) document.getElementById(`card-${first}`)?.focus();
      return;
    }
    setErrors({});
    setAttempts((n) => n + 1);
    // A new key per attempt: a decline must not be replayed as the answer to the retry.
    pay.mutate({ ticket: t.ticket, card: v.card, idempotencyKey: newIdempotencyKey() });
  };
  const fill = (number: string) => {
    setCard({ number, name: card.name || "Test Shopper", expiry: card.expiry || "12/30", cvc: card.cvc || "123" });
    setErrors({});
  };

  const urgent = msLeft !== null && msLeft < 30_000;
  return (
    <div className="mx-auto grid max-w-4xl gap-6 lg:grid-cols-[1fr_320px]" data-testid="checkout-page" data-state={t.state}>
      <section className="card p-6" aria-labelledby="pay-title">
        <div
          className={`mb-5 flex items-center justify-between rounded-xl px-4 py-3 ${urgent ? "bg-red-50 text-red-800" : "bg-emerald-50 text-emerald-900"}`}
          role="timer"
          aria-live="off"
        >
          <span className="text-sm font-medium">Your unit is held for</span>
          <span className="text-2xl font-extrabold tabular-nums" data-testid="hold-countdown">
            {msLeft === null ? "—" : formatCountdown(msLeft)}
          </span>
        </div>
        {urgent ? (
          <p className="sr-only" aria-live="assertive">
            Less than 30 seconds left to pay.
          </p>
        ) : null}
        <h1 id="pay-title" className="text-xl font-bold">
          Pay by card
        </h1>
        <form noValidate onSubmit={submit} className="mt-4 grid grid-cols-2 gap-4" data-testid="card-form">
          <Field id="card-number" label="Card number" error={errors.number} className="col-span-2">
            <input
              id="card-number"
              className="input font-mono tracking-wide"
              inputMode="numeric"
              autoComplete="cc-number"
              placeholder="1234 1234 1234 1234"
              value={card.number}
              onChange={(e) => update("number", e.target.value)}
              aria-invalid={!!errors.number}
              aria-describedby={errors.number ? "card-number-error" : undefined}
              data-testid="card-number"
            />
          </Field>
          <Field id="card-name" label="Name on card" error={errors.name} className="col-span-2">
            <input
              id="card-name"
              className="input"
              autoComplete="cc-name"
              value={card.name}
              onChange={(e) => update("name", e.target.value)}
              aria-invalid={!!errors.name}
              aria-describedby={errors.name ? "card-name-error" : undefined}
              data-testid="card-name"
            />
          </Field>
          <Field id="card-expiry" label="Expiry (MM/YY)" error={errors.expiry}>
            <input
              id="card-expiry"
              className="input"
              inputMode="numeric"
              autoComplete="cc-exp"
              placeholder="MM/YY"
              value={card.expiry}
              onChange={(e) => update("expiry", e.target.value)}
              aria-invalid={!!errors.expiry}
              aria-describedby={errors.expiry ? "card-expiry-error" : undefined}
              data-testid="card-expiry"
            />
          </Field>
          <Field id="card-cvc" label="Security code" error={errors.cvc}>
            <input
              id="card-cvc"
              className="input"
              inputMode="numeric"
              autoComplete="cc-csc"
              placeholder="123"
              value={card.cvc}
              onChange={(e) => update("cvc", e.target.value)}
              aria-invalid={!!errors.cvc}
              aria-describedby={errors.cvc ? "card-cvc-error" : undefined}
              data-testid="card-cvc"
            />
          </Field>
          <div className="col-span-2" aria-live="polite">
            {pay.isError ? (
              <ErrorBox testId="payment-error">
                <strong>Payment failed.</strong> {errorMessage(pay.error)} {t.state !== "EXPIRED" ? "Your unit is still held — you can try again." : null}
              </ErrorBox>
            ) : null}
          </div>
          <button type="submit" className="btn-primary col-span-2 py-3 text-base" disabled={pay.isPending} data-testid="pay-button" data-attempts={attempts}>
            {pay.isPending ? "Processing payment…" : p ? `Pay ${formatMoney(p.priceMinor, p.currency)}` : "Pay"}
          </button>
        </form>
        {demoMode ? <TestCards onPick={fill} /> : null}
      </section>

      <aside className="card h-fit p-5" aria-label="Order summary" data-testid="order-summary">
        {p ? (
          <>
            <img src={p.imageUrl} alt="" className="aspect-[4/3] w-full rounded-xl object-cover" width={320} height={240} />
            <h2 className="mt-3 font-semibold">{p.name}</h2>
            <p className="text-sm text-slate-500">{p.category}</p>
            <div className="mt-3 flex justify-between border-t border-slate-200 pt-3 font-semibold">
              <span>Total</span>
              <span className="tabular-nums">{formatMoney(p.priceMinor, p.currency)}</span>
            </div>
          </>
        ) : (
          <Spinner />
        )}
        <p className="mt-3 text-xs text-slate-500">You are charged only if your order is created. One per shopper.</p>
      </aside>
    </div>
  );
}

function mapServerFields(f: Record<string, string>): CardErrors {
  const out: CardErrors = {};
  for (const [k, v] of Object.entries(f)) {
    if (/number/.test(k)) out.number = v;
    else if (/name/.test(k)) out.name = v;
    else if (/exp/i.test(k)) out.expiry = v;
    else if (/cvc/.test(k)) out.cvc = v;
  }
  return out;
}

function Field({ id, label, error, className = "", children }: { id: string; label: string; error: string | undefined; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function TestCards({ onPick }: { onPick: (n: string) => void }) {
  const id = useId();
  return (
    <section className="mt-6 rounded-xl border border-dashed border-slate-300 p-4" aria-labelledby={id} data-testid="test-cards">
      <h2 id={id} className="text-sm font-semibold text-slate-700">
        Demo mode — test cards (any name, future expiry, any 3-digit code)
      </h2>
      <ul className="mt-2 grid gap-1.5 text-sm">
        {TEST_CARDS.map((c) => (
          <li key={c.number} className="flex items-center justify-between gap-2">
            <span>
              <code className="font-mono">{c.number}</code> <span className="text-slate-500">— {c.outcome}</span>
            </span>
            <button type="button" className="text-sm font-medium text-brand-700 hover:underline" onClick={() => onPick(c.number)} data-testid={`use-card-${c.number.replace(/ /g, "")}`}>
              Use
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
