"use client";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef } from "react";
import { errorMessage } from "@/lib/errors";
import { useNow } from "@/lib/hooks";
import { useTRPC } from "@/lib/trpc";
import { ProductTile } from "./product-tile";
import { ErrorBox, Spinner } from "./ui";

export const PAGE_SIZE = 12;

export function Catalog() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const category = params.get("category") || null;
  const now = useNow(1000);

  const categories = useQuery({ ...trpc.catalog.categories.queryOptions(), staleTime: 60_000 });
  const list = useInfiniteQuery({
    ...trpc.catalog.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, category },
      { getNextPageParam: (last) => last.nextCursor ?? undefined },
    ),
    // Live stock badges: the catalog is served from in-process caches, so a light poll is cheap
    // (the product page polls faster; this one refetches every loaded page).
    refetchInterval: 10_000,
  });

  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = list;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "400px 0px" },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const pick = (c: string | null) => {
    const q = new URLSearchParams(params);
    if (c) q.set("category", c);
    else q.delete("category");
    const s = q.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };

  return (
    <section aria-labelledby="deals-title">
      <div className="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 id="deals-title" className="text-3xl font-extrabold tracking-tight sm:text-4xl">
            Hot deals
          </h1>
          <p className="mt-1 text-slate-600">Little stock, one fair line. Join early, wait your turn, check out in time.</p>
        </div>
      </div>
      <fieldset className="-mx-4 mb-6 flex gap-2 overflow-x-auto px-4 pb-1" data-testid="category-filter">
        <legend className="sr-only">Filter by category</legend>
        <CategoryChip active={category === null} onClick={() => pick(null)} label="All" testId="category-all" />
        {(categories.data ?? []).map((c) => (
          <CategoryChip key={c} active={category === c} onClick={() => pick(c)} label={c} testId={`category-${c}`} />
        ))}
      </fieldset>

      {list.isPending ? (
        <Spinner label="Loading deals" />
      ) : list.isError ? (
        <ErrorBox>{errorMessage(list.error)}</ErrorBox>
      ) : items.length === 0 ? (
        <p className="text-slate-600" data-testid="catalog-empty">
          No deals here right now.
        </p>
      ) : (
        <ul className="grid grid-cols-1 gap-5 sm:grid-cols-2 lg:grid-cols-3" data-testid="catalog-grid" data-count={items.length}>
          {items.map((p, i) => (
            <ProductTile key={p.id} p={p} now={now} eager={i < 6} />
          ))}
        </ul>
      )}
      <div ref={sentinel} data-testid="catalog-sentinel" className="h-8" aria-hidden />
      <div className="mt-4 flex justify-center">
        {isFetchingNextPage ? (
          <Spinner label="Loading more deals" />
        ) : hasNextPage ? (
          <button type="button" className="btn-secondary" onClick={() => void fetchNextPage()} data-testid="load-more">
            Load more deals
          </button>
        ) : items.length > 0 ? (
          <p className="text-sm text-slate-500" data-testid="catalog-end">
            That's every deal for now.
          </p>
        ) : null}
      </div>
    </section>
  );
}

function CategoryChip({ active, onClick, label, testId }: { active: boolean; onClick: () => void; label: string; testId: string }) {
  return (
    <button
      type="button"
      onClick={onClick}
      aria-pressed={active}
      data-testid={testId}
      className={`shrink-0 rounded-full border px-4 py-1.5 text-sm font-medium transition ${active ? "border-slate-900 bg-slate-900 text-white" : "border-slate-300 bg-white text-slate-700 hover:bg-slate-100"}`}
    >
      {label}
    </button>
  );
}
