"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { errorCode, errorMessage } from "@/lib/errors";
import { formatDuration, formatMoney } from "@/lib/format";
import { addPoint, type ChartPoint, clockLabel, mergeSeries } from "@/lib/series";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox, Notice, Spinner } from "../ui";

export function RoomDashboard({ productId }: { productId: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const params = useSearchParams();
  const product = useQuery({ ...trpc.admin.products.byId.queryOptions({ id: productId }), refetchInterval: 5_000 });
  const stats = useQuery({ ...trpc.admin.rooms.stats.queryOptions({ productId }), refetchInterval: 1_000, retry: false });
  const history = useQuery({ ...trpc.admin.rooms.series.queryOptions({ productId }), staleTime: Number.POSITIVE_INFINITY });

  // Live samples taken by this page (they carry "joined", which the server history does not).
  const [live, setLive] = useState<ChartPoint[]>([]);
  const s = stats.data;
  useEffect(() => {
    if (!s) return;
    setLive((prev) => addPoint(prev, { at: s.at || Date.now(), joined: s.joined, waiting: s.waiting, admitted: s.admitted, sold: s.sold }));
  }, [s]);
  const points = mergeSeries(
    // History carries "joined" once the API's SeriesPoint has it; until then joins start when the page opens.
    (history.data ?? []).map((h) => ({ at: h.at, joined: (h as { joined?: number }).joined, waiting: h.waiting, admitted: h.admitted, sold: h.sold })),
    live,
  );

  const invalidate = () => {
    void qc.invalidateQueries({ queryKey: trpc.admin.rooms.stats.queryKey({ productId }) });
    void qc.invalidateQueries({ queryKey: trpc.admin.products.byId.queryKey({ id: productId }) });
  };
  const pause = useMutation(trpc.admin.rooms.pause.mutationOptions({ onSuccess: invalidate }));
  const resume = useMutation(trpc.admin.rooms.resume.mutationOptions({ onSuccess: invalidate }));

  const p = product.data;
  const paused = s?.paused ?? p?.paused ?? false;
  const noRoom = stats.isError && errorCode(stats.error) === "NOT_FOUND";

  return (
    <section data-testid="room-dashboard" data-product-id={productId}>
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm font-medium text-slate-500">
            <Link href="/admin" className="underline underline-offset-2">
              Products
            </Link>{" "}
            / Live room
          </p>
          <h1 className="text-2xl font-bold" data-testid="room-title">
            {p?.name ?? `Product #${productId}`}
          </h1>
          {p ? (
            <p className="text-sm text-slate-600">
              {formatMoney(p.priceMinor, p.currency)} · capacity {p.capacity} · hold {p.checkoutTtlSec}s ·{" "}
              <Link href={`/products/${p.id}`} className="text-brand-700 underline underline-offset-2" data-testid="room-storefront-link">
                storefront page
              </Link>
            </p>
          ) : null}
        </div>
        <div className="flex items-center gap-2">
          <span data-testid="room-paused" data-paused={paused} className={`rounded-full px-3 py-1 text-xs font-semibold ${paused ? "bg-amber-100 text-amber-800" : "bg-emerald-100 text-emerald-800"}`}>
            {paused ? "Admissions paused" : "Admitting"}
          </span>
          {paused ? (
            <button type="button" className="btn-primary" onClick={() => resume.mutate({ productId })} disabled={resume.isPending} data-testid="room-resume">
              Resume
            </button>
          ) : (
            <button type="button" className="btn-dark" onClick={() => pause.mutate({ productId })} disabled={pause.isPending} data-testid="room-pause">
              Pause
            </button>
          )}
          <Link href={`/admin/products/${productId}`} className="btn-secondary">
            Edit
          </Link>
        </div>
      </div>
      {params.get("created") === "1" ? (
        <div className="mb-4">
          <Notice tone="ok" testId="product-created">
            Product created. Its waiting room is ready; figures appear here live.
          </Notice>
        </div>
      ) : null}
      {pause.isError || resume.isError ? (
        <div className="mb-4">
          <ErrorBox>{errorMessage(pause.error ?? resume.error)}</ErrorBox>
        </div>
      ) : null}

      {noRoom ? (
        <Notice testId="room-missing">This product has no waiting room yet: it opens when the product is created or the first shopper joins.</Notice>
      ) : stats.isPending ? (
        <Spinner label="Connecting to the room" />
      ) : stats.isError ? (
        <ErrorBox>{errorMessage(stats.error)}</ErrorBox>
      ) : s ? (
        <>
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-live="off">
            <Tile label="Joined" value={s.joined} testId="room-joined" />
            <Tile label="Waiting" value={s.waiting} testId="room-waiting" />
            <Tile label="In checkout" value={`${s.admitted} / ${s.capacity}`} testId="room-admitted" />
            <Tile label="Sold" value={s.sold} testId="room-sold" />
            <Tile label="Admission rate" value={`${s.admissionRate.toFixed(2)}/s`} testId="room-rate" />
            <Tile
              label="ETA to sell-out"
              value={s.soldOut ? "Sold out" : s.etaSellOutSec === null ? "—" : formatDuration(s.etaSellOutSec * 1000)}
              testId="room-eta"
            />
          </dl>
          <p className="mt-2 text-xs text-slate-500" data-testid="room-reservable">
            {s.reservable} units not yet held or sold.
          </p>
          <div className="card mt-6 p-4" data-testid="room-chart">
            <h2 className="mb-2 text-sm font-semibold text-slate-700">Joins, admissions and sales over time</h2>
            <div className="h-72 w-full">
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={points} margin={{ top: 8, right: 16, left: 0, bottom: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                  <XAxis dataKey="at" type="number" domain={["dataMin", "dataMax"]} scale="time" tickFormatter={clockLabel} fontSize={12} />
                  <YAxis allowDecimals={false} fontSize={12} width={40} />
                  <Tooltip labelFormatter={(v) => clockLabel(Number(v))} />
                  <Legend />
                  <Line type="monotone" dataKey="joined" name="Joined" stroke="#6366f1" dot={false} isAnimationActive={false} connectNulls />
                  <Line type="monotone" dataKey="waiting" name="Waiting" stroke="#f59e0b" dot={false} isAnimationActive={false} />
                  <Line type="monotone" dataKey="admitted" name="In checkout" stroke="#0ea5e9" dot={false} isAnimationActive={false} />
                  <Line type="monotone" dataKey="sold" name="Sold" stroke="#e11d48" dot={false} isAnimationActive={false} strokeWidth={2} />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </div>
        </>
      ) : null}
    </section>
  );
}

function Tile({ label, value, testId }: { label: string; value: number | string; testId: string }) {
  return (
    <div className="card p-4">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-bold tabular-nums" data-testid={testId} data-value={value}>
        {typeof value === "number" ? value.toLocaleString("en-US") : value}
      </dd>
    </div>
  );
}
