"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { type FormEvent, useEffect, useState } from "react";
import { errorMessage } from "@/lib/errors";
import { formatDateTime } from "@/lib/format";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox, Spinner } from "../ui";

export function KioskAdmin() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const list = useQuery(trpc.admin.kiosks.list.queryOptions());
  const [store, setStore] = useState("");
  const [name, setName] = useState("");
  const [issued, setIssued] = useState<{ id: string; name: string; key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState<string | null>(null);
  // The kiosk's setup screen can scan id + key instead of someone typing 40 characters.
  useEffect(() => {
    setQr(null);
    if (!issued) return;
    let live = true;
    QRCode.toDataURL(JSON.stringify({ kioskId: issued.id, key: issued.key }), { margin: 1, width: 192 }).then(
      (url) => live && setQr(url),
      () => live && setQr(null),
    );
    return () => {
      live = false;
    };
  }, [issued]);
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.admin.kiosks.list.queryKey() });
  const register = useMutation(
    trpc.admin.kiosks.register.mutationOptions({
      onSuccess: (r) => {
        setIssued({ id: r.kiosk.id, name: r.kiosk.name, key: r.key });
        setCopied(false);
        setStore("");
        setName("");
        refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.admin.kiosks.revoke.mutationOptions({ onSuccess: refresh }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!store.trim() || !name.trim()) return;
    register.mutate({ store: store.trim(), name: name.trim() });
  };

  return (
    <section className="grid gap-6 lg:grid-cols-[360px_1fr]" data-testid="admin-kiosks">
      <div className="flex flex-col gap-4">
        <form onSubmit={submit} className="card flex flex-col gap-3 p-5" data-testid="kiosk-register-form">
          <h1 className="text-lg font-bold">Register a kiosk</h1>
          <div>
            <label htmlFor="k-store" className="label">
              Store
            </label>
            <input id="k-store" className="input" required value={store} onChange={(e) => setStore(e.target.value)} data-testid="kiosk-store" />
          </div>
          <div>
            <label htmlFor="k-name" className="label">
              Kiosk name
            </label>
            <input id="k-name" className="input" required value={name} onChange={(e) => setName(e.target.value)} data-testid="kiosk-name" />
          </div>
          {register.isError ? <ErrorBox>{errorMessage(register.error)}</ErrorBox> : null}
          <button type="submit" className="btn-primary" disabled={register.isPending || !store.trim() || !name.trim()} data-testid="kiosk-register">
            {register.isPending ? "Registering…" : "Register kiosk"}
          </button>
        </form>
        {issued ? (
          <div className="card border-amber-300 bg-amber-50 p-5" role="alert" data-testid="kiosk-key-once">
            <h2 className="font-bold text-amber-900">Key for “{issued.name}” — shown once</h2>
            <p className="mt-1 text-sm text-amber-900">Enter it on the kiosk now. Only a hash is stored; if it's lost, revoke the kiosk and register a new one.</p>
            <dl className="mt-3 grid gap-2 text-sm">
              <div>
                <dt className="font-medium text-amber-900">Kiosk id</dt>
                <dd className="break-all font-mono" data-testid="kiosk-issued-id">
                  {issued.id}
                </dd>
              </div>
              <div>
                <dt className="font-medium text-amber-900">Key</dt>
                <dd className="break-all rounded-lg bg-white p-2 font-mono" data-testid="kiosk-issued-key">
                  {issued.key}
                </dd>
              </div>
            </dl>
            {qr ? <img src={qr} alt="QR code with the kiosk id and key, for the kiosk's setup screen" className="mt-3 rounded-lg bg-white p-1" width={192} height={192} data-testid="kiosk-qr" /> : null}
            <div className="mt-3 flex gap-2">
              <button
                type="button"
                className="btn-secondary"
                onClick={() => void navigator.clipboard?.writeText(issued.key).then(() => setCopied(true), () => setCopied(false))}
              >
                {copied ? "Copied" : "Copy key"}
              </button>
              <button type="button" className="btn-dark" onClick={() => setIssued(null)} data-testid="kiosk-key-done">
                I've saved it
              </button>
            </div>
          </div>
        ) : null}
      </div>

      <div className="card overflow-x-auto">
        {list.isPending ? (
          <div className="p-5">
            <Spinner />
          </div>
        ) : list.isError ? (
          <div className="p-5">
            <ErrorBox>{errorMessage(list.error)}</ErrorBox>
          </div>
        ) : list.data.length === 0 ? (
          <p className="p-5 text-slate-600" data-testid="kiosks-empty">
            No kiosks yet.
          </p>
        ) : (
          <table className="w-full min-w-[560px] text-left text-sm">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">Kiosk</th>
                <th scope="col" className="px-4 py-3">Store</th>
                <th scope="col" className="px-4 py-3">Registered</th>
                <th scope="col" className="px-4 py-3">Status</th>
                <th scope="col" className="px-4 py-3"><span className="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.data.map((k) => (
                <tr key={k.id} data-testid="kiosk-row" data-kiosk-id={k.id} data-active={k.active}>
                  <td className="px-4 py-3">
                    <div className="font-medium">{k.name}</div>
                    <div className="font-mono text-xs text-slate-500">{k.id}</div>
                  </td>
                  <td className="px-4 py-3">{k.store}</td>
                  <td className="px-4 py-3 text-slate-600">{formatDateTime(k.createdAt)}</td>
                  <td className="px-4 py-3">
                    <span className={`rounded-full px-2 py-0.5 text-xs font-semibold ${k.active ? "bg-emerald-100 text-emerald-800" : "bg-slate-200 text-slate-600"}`}>
                      {k.active ? "Active" : "Revoked"}
                    </span>
                  </td>
                  <td className="px-4 py-3 text-right">
                    {k.active ? (
                      <button
                        type="button"
                        className="text-sm font-medium text-red-700 hover:underline"
                        onClick={() => {
                          if (window.confirm(`Revoke “${k.name}”? It will be signed out and cannot sign in again.`)) revoke.mutate({ id: k.id });
                        }}
                        data-testid="kiosk-revoke"
                      >
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {revoke.isError ? (
          <div className="p-4">
            <ErrorBox>{errorMessage(revoke.error)}</ErrorBox>
          </div>
        ) : null}
      </div>
    </section>
  );
}
