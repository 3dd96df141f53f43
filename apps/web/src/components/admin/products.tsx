"use client";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { errorMessage } from "@/lib/errors";
import { formatDateTime, formatMoney } from "@/lib/format";
import { useNow } from "@/lib/hooks";
import { liveSaleState } from "@/lib/sale";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox, SaleBadge, Spinner } from "../ui";

export function AdminProducts() {
  const trpc = useTRPC();
  const now = useNow(5000);
  const list = useInfiniteQuery({
    ...trpc.admin.products.list.infiniteQueryOptions({ limit: 50 }, { getNextPageParam: (last) => last.nextCursor ?? undefined }),
    refetchInterval: 5_000,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section data-testid="admin-products">
      <div className="mb-4 flex items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Products</h1>
        <Link href="/admin/products/new" className="btn-primary" data-testid="admin-new-product">
          New product
        </Link>
      </div>
      {list.isPending ? (
        <Spinner />
      ) : list.isError ? (
        <ErrorBox>{errorMessage(list.error)}</ErrorBox>
      ) : (
        <div className="card overflow-x-auto">
          <table className="w-full min-w-[760px] text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">Product</th>
                <th scope="col" className="px-4 py-3">State</th>
                <th scope="col" className="px-4 py-3 text-right">Price</th>
                <th scope="col" className="px-4 py-3 text-right">Left / initial</th>
                <th scope="col" className="px-4 py-3 text-right">Capacity · TTL</th>
                <th scope="col" className="px-4 py-3">Starts</th>
                <th scope="col" className="px-4 py-3"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((p) => (
                <tr key={p.id} data-testid="admin-product-row" data-product-id={p.id} data-slug={p.slug}>
                  <td className="px-4 py-3">
                    <div className="font-medium text-slate-900">{p.name}</div>
                    <div className="text-xs text-slate-500">#{p.id} · {p.category}</div>
                  </td>
                  <td className="px-4 py-3">
                    <SaleBadge state={liveSaleState(p, now)} />
                    {p.paused ? <span className="ml-1 rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-800">Paused</span> : null}
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{formatMoney(p.priceMinor, p.currency)}</td>
                  <td className="px-4 py-3 text-right tabular-nums">
                    {p.stockLeft} / {p.initialStock}
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">
                    {p.capacity} · {p.checkoutTtlSec}s
                  </td>
                  <td className="px-4 py-3 text-slate-600">{formatDateTime(p.saleStartsAt)}</td>
                  <td className="whitespace-nowrap px-4 py-3 text-right">
                    <Link href={`/admin/rooms/${p.id}`} className="font-medium text-brand-700 hover:underline" data-testid="admin-open-room">
                      Live room
                    </Link>
                    <span className="mx-2 text-slate-300">|</span>
                    <Link href={`/admin/products/${p.id}`} className="font-medium text-slate-700 hover:underline" data-testid="admin-edit-product">
                      Edit
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {list.hasNextPage ? (
            <div className="border-t border-slate-200 p-3 text-center">
              <button type="button" className="btn-secondary" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
                {list.isFetchingNextPage ? "Loading…" : "Load more"}
              </button>
            </div>
          ) : null}
        </div>
      )}
    </section>
  );
}
