"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { type ReactNode, useEffect } from "react";
import { useMe } from "@/lib/hooks";
import { Spinner } from "../ui";

/** Admin-only area: everyone else is sent to the console sign-in (the API enforces it too). */
export function AdminShell({ children }: { children: ReactNode }) {
  const me = useMe();
  const path = usePathname();
  const router = useRouter();
  const isLogin = path === "/admin/login";
  const isAdmin = me.data?.role === "admin";

  useEffect(() => {
    if (!isLogin && !me.isPending && !isAdmin) router.replace(`/admin/login?next=${encodeURIComponent(path)}`);
  }, [isLogin, me.isPending, isAdmin, router, path]);

  if (isLogin) return <>{children}</>;
  if (!isAdmin) return <Spinner label="Checking access" />;

  const tab = (href: string, label: string, testId: string) => {
    const active = href === "/admin" ? path === "/admin" || path.startsWith("/admin/products") || path.startsWith("/admin/rooms") : path.startsWith(href);
    return (
      <Link href={href} data-testid={testId} aria-current={active ? "page" : undefined} className={`rounded-lg px-3 py-1.5 text-sm font-medium ${active ? "bg-white text-slate-900 shadow-sm" : "text-slate-300 hover:text-white"}`}>
        {label}
      </Link>
    );
  };
  return (
    <div data-testid="admin-console">
      <div className="mb-6 flex flex-wrap items-center gap-2 rounded-2xl bg-slate-900 p-2 pl-4 text-white">
        <span className="mr-2 text-sm font-semibold uppercase tracking-wider text-slate-400">Console</span>
        <nav aria-label="Console" className="flex flex-1 gap-1">
          {tab("/admin", "Products", "admin-tab-products")}
          {tab("/admin/kiosks", "Kiosks", "admin-tab-kiosks")}
        </nav>
      </div>
      {children}
    </div>
  );
}
