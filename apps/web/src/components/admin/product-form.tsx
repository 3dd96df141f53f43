"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { toMs } from "@/lib/format";
import { type FormErrors, type ProductFormValues, slugify, toLocalInput, validateProduct } from "@/lib/product-form";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox, Notice, Spinner } from "../ui";

const CATEGORIES = ["Electronics", "Gaming", "Home", "Fashion", "Sports", "Beauty", "Toys", "Books"];

function blank(): ProductFormValues {
  return {
    name: "",
    slug: "",
    description: "",
    category: "Electronics",
    imageUrl: "",
    price: "",
    currency: "USD",
    stock: "10",
    capacity: "5",
    checkoutTtlSec: "120",
    saleStartsAt: toLocalInput(Date.now()),
    saleEndsAt: "",
  };
}

export function ProductEditor({ id }: { id: number | null }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const existing = useQuery({ ...trpc.admin.products.byId.queryOptions({ id: id ?? 0 }), enabled: id !== null });
  const [values, setValues] = useState<ProductFormValues>(blank);
  const [errors, setErrors] = useState<FormErrors>({});
  const [slugTouched, setSlugTouched] = useState(id !== null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    const p = existing.data;
    if (!p) return;
    setValues({
      name: p.name,
      slug: p.slug,
      description: p.description,
      category: p.category,
      imageUrl: p.imageUrl,
      price: (p.priceMinor / 100).toFixed(2),
      currency: p.currency,
      stock: String(p.dbStock),
      capacity: String(p.capacity),
      checkoutTtlSec: String(p.checkoutTtlSec),
      saleStartsAt: toLocalInput(toMs(p.saleStartsAt) ?? Date.now()),
      saleEndsAt: p.saleEndsAt ? toLocalInput(toMs(p.saleEndsAt) ?? Date.now()) : "",
    });
  }, [existing.data]);

  const onSaved = () => {
    void qc.invalidateQueries({ queryKey: trpc.admin.products.list.pathKey() });
    void qc.invalidateQueries({ queryKey: trpc.catalog.pathKey() });
  };
  const create = useMutation(
    trpc.admin.products.create.mutationOptions({
      onSuccess: (p) => {
        onSaved();
        router.push(`/admin/rooms/${p.id}?created=1`);
      },
      onError: (err) => setErrors(serverErrors(err)),
    }),
  );
  const update = useMutation(
    trpc.admin.products.update.mutationOptions({
      onSuccess: () => {
        onSaved();
        setSaved(true);
        void existing.refetch();
      },
      onError: (err) => setErrors(serverErrors(err)),
    }),
  );
  const pending = create.isPending || update.isPending;
  const failure = create.error ?? update.error;

  const set = (k: keyof ProductFormValues) => (e: { target: { value: string } }) => {
    const v = e.target.value;
    setSaved(false);
    setValues((prev) => {
      const next = { ...prev, [k]: v };
      if (k === "name" && !slugTouched) next.slug = slugify(v);
      return next;
    });
    if (k === "slug") setSlugTouched(true);
    if (errors[k]) setErrors((er) => ({ ...er, [k]: undefined }));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const r = validateProduct(values);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setErrors({});
    if (id === null) create.mutate(r.input);
    else update.mutate({ id, patch: r.input });
  };

  if (id !== null && existing.isPending) return <Spinner />;
  if (id !== null && existing.isError) return <ErrorBox>{errorMessage(existing.error)}</ErrorBox>;

  return (
    <section className="mx-auto max-w-3xl" data-testid="product-editor">
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-2xl font-bold">{id === null ? "New product" : `Edit #${id}`}</h1>
        {id !== null ? (
          <Link href={`/admin/rooms/${id}`} className="btn-secondary">
            Live room
          </Link>
        ) : null}
      </div>
      <form noValidate onSubmit={submit} className="card grid gap-4 p-6 sm:grid-cols-2">
        <F label="Name" name="name" error={errors.name} className="sm:col-span-2">
          <input id="f-name" className="input" value={values.name} onChange={set("name")} aria-invalid={!!errors.name} aria-describedby={errors.name ? "f-name-error" : undefined} data-testid="pf-name" />
        </F>
        <F label="Slug" name="slug" error={errors.slug}>
          <input id="f-slug" className="input font-mono text-sm" value={values.slug} onChange={set("slug")} aria-invalid={!!errors.slug} aria-describedby={errors.slug ? "f-slug-error" : undefined} data-testid="pf-slug" />
        </F>
        <F label="Category" name="category" error={errors.category}>
          <input id="f-category" list="categories" className="input" value={values.category} onChange={set("category")} aria-invalid={!!errors.category} aria-describedby={errors.category ? "f-category-error" : undefined} data-testid="pf-category" />
          <datalist id="categories">
            {CATEGORIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </F>
        <F label="Description" name="description" error={errors.description} className="sm:col-span-2">
          <textarea id="f-description" rows={3} className="input" value={values.description} onChange={set("description")} data-testid="pf-description" />
        </F>
        <F label="Price" name="price" error={errors.price}>
          <input id="f-price" inputMode="decimal" className="input" placeholder="49.99" value={values.price} onChange={set("price")} aria-invalid={!!errors.price} aria-describedby={errors.price ? "f-price-error" : undefined} data-testid="pf-price" />
        </F>
        <F label="Currency" name="currency" error={errors.currency}>
          <input id="f-currency" className="input uppercase" maxLength={3} value={values.currency} onChange={set("currency")} aria-invalid={!!errors.currency} aria-describedby={errors.currency ? "f-currency-error" : undefined} data-testid="pf-currency" />
        </F>
        <F label="Stock (units)" name="stock" error={errors.stock}>
          <input id="f-stock" inputMode="numeric" className="input" value={values.stock} onChange={set("stock")} aria-invalid={!!errors.stock} aria-describedby={errors.stock ? "f-stock-error" : undefined} data-testid="pf-stock" />
        </F>
        <F label="Checkout capacity (shoppers at once)" name="capacity" error={errors.capacity}>
          <input id="f-capacity" inputMode="numeric" className="input" value={values.capacity} onChange={set("capacity")} aria-invalid={!!errors.capacity} aria-describedby={errors.capacity ? "f-capacity-error" : undefined} data-testid="pf-capacity" />
        </F>
        <F label="Checkout hold (seconds)" name="checkoutTtlSec" error={errors.checkoutTtlSec}>
          <input id="f-checkoutTtlSec" inputMode="numeric" className="input" value={values.checkoutTtlSec} onChange={set("checkoutTtlSec")} aria-invalid={!!errors.checkoutTtlSec} aria-describedby={errors.checkoutTtlSec ? "f-checkoutTtlSec-error" : undefined} data-testid="pf-ttl" />
        </F>
        <F label="Image URL (blank: generated)" name="imageUrl" error={errors.imageUrl}>
          <input id="f-imageUrl" className="input text-sm" placeholder={`/img/p/${values.slug || "slug"}.svg`} value={values.imageUrl} onChange={set("imageUrl")} aria-invalid={!!errors.imageUrl} aria-describedby={errors.imageUrl ? "f-imageUrl-error" : undefined} data-testid="pf-image" />
        </F>
        <F label="Sale starts" name="saleStartsAt" error={errors.saleStartsAt}>
          <input id="f-saleStartsAt" type="datetime-local" className="input" value={values.saleStartsAt} onChange={set("saleStartsAt")} aria-invalid={!!errors.saleStartsAt} aria-describedby={errors.saleStartsAt ? "f-saleStartsAt-error" : undefined} data-testid="pf-starts" />
        </F>
        <F label="Sale ends (optional)" name="saleEndsAt" error={errors.saleEndsAt}>
          <input id="f-saleEndsAt" type="datetime-local" className="input" value={values.saleEndsAt} onChange={set("saleEndsAt")} aria-invalid={!!errors.saleEndsAt} aria-describedby={errors.saleEndsAt ? "f-saleEndsAt-error" : undefined} data-testid="pf-ends" />
        </F>
        <div className="sm:col-span-2" aria-live="polite">
          {failure ? <ErrorBox testId="product-save-error">{errorMessage(failure)}</ErrorBox> : null}
          {saved ? <Notice tone="ok" testId="product-saved">Saved.</Notice> : null}
        </div>
        <div className="flex justify-end gap-3 sm:col-span-2">
          <Link href="/admin" className="btn-secondary">
            Cancel
          </Link>
          <button type="submit" className="btn-primary" disabled={pending} data-testid="pf-submit">
            {pending ? "Saving…" : id === null ? "Create product" : "Save changes"}
          </button>
        </div>
      </form>
    </section>
  );
}

function serverErrors(err: unknown): FormErrors {
  const f = fieldErrors(err);
  const out: FormErrors = {};
  for (const [k, v] of Object.entries(f)) {
    const key = (k.startsWith("patch.") ? k.slice(6) : k) as keyof ProductFormValues;
    out[key === ("priceMinor" as string) ? "price" : key] = v;
  }
  return out;
}

function F({ label, name, error, className = "", children }: { label: string; name: string; error: string | undefined; className?: string; children: ReactNode }) {
  return (
    <div className={className}>
      <label htmlFor={`f-${name}`} className="label">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`f-${name}-error`} className="field-error" data-testid={`pf-${name}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
