"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { errorMessage } from "@/lib/errors";
import { useTRPC } from "@/lib/trpc";
import { ErrorBox } from "./ui";

/** After any sign-in every cached query may belong to someone else: drop them all. */
function useAfterSignIn(next: string) {
  const qc = useQueryClient();
  const router = useRouter();
  return async () => {
    await qc.resetQueries();
    router.replace(next);
  };
}

export function GuestForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const after = useAfterSignIn(next);
  const [name, setName] = useState("");
  const id = useId();
  const guest = useMutation(trpc.auth.guest.mutationOptions({ onSuccess: after }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const displayName = name.trim();
    guest.mutate(displayName ? { displayName } : {});
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid="guest-form">
      <div>
        <label htmlFor={id} className="label">
          Your name <span className="font-normal text-slate-500">(optional)</span>
        </label>
        <input id={id} className="input" value={name} maxLength={40} onChange={(e) => setName(e.target.value)} autoComplete="nickname" data-testid="guest-name" />
      </div>
      {guest.isError ? <ErrorBox testId="guest-error">{errorMessage(guest.error)}</ErrorBox> : null}
      <button type="submit" className="btn-primary py-3" disabled={guest.isPending} data-testid="continue-as-guest">
        {guest.isPending ? "One moment…" : "Continue as guest"}
      </button>
    </form>
  );
}

export function LoginForm({ next, testPrefix = "login" }: { next: string; testPrefix?: string }) {
  const trpc = useTRPC();
  const after = useAfterSignIn(next);
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const emailId = useId();
  const pwId = useId();
  const login = useMutation(trpc.auth.login.mutationOptions({ onSuccess: after }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ email: email.trim(), password });
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid={`${testPrefix}-form`}>
      <div>
        <label htmlFor={emailId} className="label">
          Email
        </label>
        <input id={emailId} type="email" required className="input" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" data-testid={`${testPrefix}-email`} />
      </div>
      <div>
        <label htmlFor={pwId} className="label">
          Password
        </label>
        <input id={pwId} type="password" required className="input" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid={`${testPrefix}-password`} />
      </div>
      {login.isError ? <ErrorBox testId={`${testPrefix}-error`}>{errorMessage(login.error)}</ErrorBox> : null}
      <button type="submit" className="btn-dark py-3" disabled={login.isPending} data-testid={`${testPrefix}-submit`}>
        {login.isPending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
