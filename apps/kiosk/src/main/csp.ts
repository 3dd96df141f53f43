/**
 * The renderer's Content-Security-Policy. The page only draws what the main process sends over
 * IPC, so it needs no network at all: scripts and styles from the app itself, images from the
 * app, data: URIs (the receipt's QR code) and the storefront's image origin.
 */
export function contentSecurityPolicy(opts: { imagesOrigin: string | null }): string {
  const img = ["'self'", "data:", ...(opts.imagesOrigin ? [opts.imagesOrigin] : [])].join(" ");
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img}`,
    "font-src 'self'",
    "connect-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}
