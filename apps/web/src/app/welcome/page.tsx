import type { Metadata } from "next";
import { GuestForm, LoginForm } from "@/components/sign-in";
import { safeNext } from "@/lib/nav";

export const metadata: Metadata = { title: "Continue" };

export default async function WelcomePage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const sp = await searchParams;
  const next = safeNext(typeof sp.next === "string" ? sp.next : null);
  return (
    <div className="mx-auto grid max-w-3xl gap-6 md:grid-cols-2" data-testid="welcome-page">
      <section className="card p-6" aria-labelledby="guest-title">
        <h1 id="guest-title" className="text-xl font-bold">
          Continue as guest
        </h1>
        <p className="mb-4 mt-1 text-sm text-slate-600">No account needed. We keep your place in line on this device.</p>
        <GuestForm next={next} />
      </section>
      <section className="card p-6" aria-labelledby="login-title">
        <h2 id="login-title" className="text-xl font-bold">
          Sign in
        </h2>
        <p className="mb-4 mt-1 text-sm text-slate-600">Have an account? Sign in with your email.</p>
        <LoginForm next={next} />
      </section>
    </div>
  );
}
