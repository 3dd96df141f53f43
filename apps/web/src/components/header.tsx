"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useMe } from "@/lib/hooks";
import { useTRPC } from "@/lib/trpc";

function NavLink({ href, children, testId }: { href: string; children: string; testId: string }) {
  const path = usePathname();
  const active = href === "/" ? path === "/" : path.startsWith(href);
  return (
    <Link
      href={href}
      data-testid={testId}
      aria-current={active ? "page" : undefined}
      className={`rounded-lg px-3 py-2 text-sm font-medium ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
    >
      {children}
    </Link>
  );
}

export function Header() {
  const me = useMe();
  const user = me.data ?? null;
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const logout = useMutation(
    trpc.auth.logout.mutationOptions({
      onSuccess: async () => {
        await qc.resetQueries();
        router.push("/");
      },
    }),
  );
  return (
    <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
      <div className="mx-auto flex max-w-6xl items-center gap-2 px-4 py-3 sm:px-6">
        <Link href="/" className="mr-2 flex items-center gap-2 text-lg font-extrabold tracking-tight" data-testid="logo">
          <span aria-hidden className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-white">⚡</span>
          <span>QuickDeal</span>
        </Link>
        <nav aria-label="Main" className="flex flex-1 items-center gap-1">
          <NavLink href="/" testId="nav-deals">Deals</NavLink>
          <NavLink href="/orders" testId="nav-orders">My orders</NavLink>
          {user?.role === "admin" ? <NavLink href="/admin" testId="nav-admin">Console</NavLink> : null}
        </nav>
        <div className="hidden text-sm text-slate-600 sm:block" data-testid="whoami">
          {user ? (
            <span className="flex items-center gap-3">
              <span>
                {user.displayName ?? (user.role === "admin" ? "Operator" : "Guest")}
                {user.role === "admin" && user.displayName ? " · operator" : ""}
              </span>
              <button type="button" className="text-slate-500 underline-offset-2 hover:underline" onClick={() => logout.mutate()} data-testid="sign-out">
                Sign out
              </button>
            </span>
          ) : (
            <Link className="font-medium text-brand-700 hover:underline" href="/welcome">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
