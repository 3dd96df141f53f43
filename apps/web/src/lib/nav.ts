/** Same-site paths only, so `?next=` cannot send a visitor to another site. */
export function safeNext(next: string | null | undefined, fallback = "/"): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  return next;
}

/** The welcome page that asks a visitor to continue as guest, then returns to `next`. */
export function welcomeHref(next: string): string {
  return `/welcome?next=${encodeURIComponent(safeNext(next))}`;
}
