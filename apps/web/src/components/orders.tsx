"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatMoney } from "@/lib/format";
import { useMe } from "@/lib/hooks";
import { welcomeHref } from "@/lib/nav";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox, PageTitle, Spinner } from "./ui";

export function MyOrders() {
  const trpc = useTRPC();
  const me = useMe();
  const orders = useInfiniteQuery({
    ...trpc.orders.mine.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    enabled: !!me.data,
  });
  const items = orders.data?.pages.flatMap((p) => p.items) ?? [];
  if (me.isPending) return <Spinner />;
  if (!me.data) {
    return (
      <div className="card mx-auto max-w-xl p-8 text-center" data-testid="orders-signed-out">
        <h1 className="text-xl font-bold">My orders</h1>
        <p className="mt-2 text-slate-600">Continue as guest or sign in to see your orders.</p>
        <Link className="btn-primary mt-4" href={welcomeHref("/orders")}>
          Continue
        </Link>
      </div>
    );
  }
  return (
    <div data-testid="orders-page">
      <PageTitle sub="Everything you bought in QuickDeal sales.">My orders</PageTitle>
      {orders.isPending ? (
        <Spinner label="Loading orders" />
      ) : orders.isError ? (
        <ErrorBox>{errorMessage(orders.error)}</ErrorBox>
      ) : items.length === 0 ? (
        <div className="card p-8 text-center" data-testid="orders-empty">
          <p className="text-slate-600">No orders yet.</p>
          <Link href="/" className="btn-primary mt-4">
            Browse deals
          </Link>
        </div>
      ) : (
        <ul className="grid gap-3" data-testid="orders-list">
          {items.map((o) => (
            <li key={o.id} data-testid="order-row" data-order-id={o.id}>
              <Link href={`/orders/${o.id}`} className="card flex items-center gap-4 p-4 hover:shadow-md">
                <img src={o.imageUrl} alt="" className="h-14 w-18 rounded-lg object-cover" width={72} height={56} />
                <div className="min-w-0 flex-1">
                  <p className="truncate font-semibold" data-testid="order-product">
                    {o.productName}
                  </p>
                  <p className="text-sm text-slate-500">
                    Order #{o.id} · {formatDateTime(o.createdAt)}
                  </p>
                </div>
                <div className="text-right">
                  <p className="font-semibold tabular-nums">{formatMoney(o.amountMinor, o.currency)}</p>
                  <StatusPill status={o.status} />
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {orders.hasNextPage ? (
        <div className="mt-4 text-center">
          <button type="button" className="btn-secondary" onClick={() => void orders.fetchNextPage()} disabled={orders.isFetchingNextPage}>
            {orders.isFetchingNextPage ? "Loading…" : "Older orders"}
          </button>
        </div>
      ) : null}
    </div>
  );
}

export function OrderConfirmation({ id }: { id: number }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const order = useQuery({ ...trpc.orders.byId.queryOptions({ id }), enabled: Number.isInteger(id) && id > 0 });
  if (order.isPending) return <Spinner label="Loading your order" />;
  if (order.isError) return <ErrorBox>{errorMessage(order.error)}</ErrorBox>;
  const o = order.data;
  const fresh = params.get("new") === "1";
  return (
    <div className="mx-auto max-w-xl" data-testid="order-confirmation" data-order-id={o.id}>
      <div className="card p-8 text-center">
        <div className="mx-auto grid h-16 w-16 place-items-center rounded-full bg-emerald-100 text-3xl" aria-hidden>
          ✓
        </div>
        <h1 className="mt-4 text-2xl font-extrabold" data-testid="confirmation-title">
          {fresh ? "You got it! Order confirmed" : "Order confirmed"}
        </h1>
        <p className="mt-1 text-slate-600">
          Order <span data-testid="order-id">#{o.id}</span> · {formatDateTime(o.createdAt)}
        </p>
        <div className="mt-6 flex items-center gap-4 rounded-xl bg-slate-50 p-4 text-left">
          <img src={o.imageUrl} alt="" className="h-16 w-20 rounded-lg object-cover" width={80} height={64} />
          <div className="flex-1">
            <p className="font-semibold" data-testid="order-product">
              {o.productName}
            </p>
            <StatusPill status={o.status} />
          </div>
          <p className="text-lg font-bold tabular-nums" data-testid="order-amount">
            {formatMoney(o.amountMinor, o.currency)}
          </p>
        </div>
        {o.paymentRef ? <p className="mt-3 text-xs text-slate-500">Payment reference {o.paymentRef}</p> : null}
        <div className="mt-6 flex justify-center gap-3">
          <Link href="/orders" className="btn-secondary" data-testid="to-my-orders">
            My orders
          </Link>
          <Link href="/" className="btn-primary">
            More deals
          </Link>
        </div>
      </div>
    </div>
  );
}

function StatusPill({ status }: { status: string }) {
  const paid = status === "PAID";
  return (
    <span data-testid="order-status" className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${paid ? "bg-emerald-100 text-emerald-800" : "bg-amber-100 text-amber-800"}`}>
      {paid ? "Paid" : status.toLowerCase()}
    </span>
  );
}
