import type { Metadata } from "next";
import { LoginForm } from "@/components/sign-in";
import { safeNext } from "@/lib/nav";

export const metadata: Metadata = { title: "Sign in" };

export default async function AdminLoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const sp = await searchParams;
  const next = safeNext(typeof sp.next === "string" ? sp.next : null, "/admin");
  return (
    <div className="card mx-auto max-w-md p-6" data-testid="admin-login-page">
      <h1 className="text-xl font-bold">Operator console</h1>
      <p className="mb-4 mt-1 text-sm text-slate-600">Sign in with an admin account.</p>
      <LoginForm next={next.startsWith("/admin/login") ? "/admin" : next} testPrefix="admin-login" />
    </div>
  );
}
