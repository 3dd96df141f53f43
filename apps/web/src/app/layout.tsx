import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { Header } from "@/components/header";
import { Providers } from "@/components/providers";
import { publicConfig } from "@/env";
import "./globals.css";

// The API URL is read per request (see env.ts), so nothing here may be prerendered at build time.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "QuickDeal — hot deals, fair lines", template: "%s · QuickDeal" },
  description: "Flash sales with a fair waiting room: join the line, watch your place, check out when it's your turn.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#e11d48" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-dvh">
        <a href="#main" className="sr-only focus:not-sr-only focus:fixed focus:left-2 focus:top-2 focus:z-50 focus:rounded-lg focus:bg-white focus:px-3 focus:py-2">
          Skip to content
        </a>
        <Providers config={publicConfig()}>
          <Header />
          <main id="main" className="mx-auto w-full max-w-6xl px-4 pb-16 pt-6 sm:px-6">
            {children}
          </main>
          <footer className="border-t border-slate-200 py-6 text-center text-xs text-slate-500">
            QuickDeal — every buyer waits in one fair line. Nobody is charged without an order.
          </footer>
        </Providers>
      </body>
    </html>
  );
}
