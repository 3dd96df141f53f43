"use client";
import type { AppRouter } from "@quickdeal/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import { createContext, type ReactNode, useContext, useState } from "react";
import type { PublicConfig } from "@/env";
import { TRPCProvider } from "@/lib/trpc";

const ConfigContext = createContext<PublicConfig>({ apiUrl: "/api/trpc", demoMode: true });

export function useAppConfig(): PublicConfig {
  return useContext(ConfigContext);
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        // 4xx answers (not found, unauthorized, bad input) will not change on retry.
        retry: (count, err) => {
          if (err instanceof TRPCClientError) {
            const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus;
            if (status && status < 500 && status !== 429) return false;
          }
          return count < 2;
        },
      },
    },
  });
}

export function Providers({ config, children }: { config: PublicConfig; children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          // SSE; the browser sends the session cookie cross-origin only with withCredentials.
          true: httpSubscriptionLink({ url: config.apiUrl, eventSourceOptions: () => ({ withCredentials: true }) }),
          false: httpBatchLink({
            url: config.apiUrl,
            maxURLLength: 4000,
            fetch: (url, init) => fetch(url, { ...init, credentials: "include" }),
          }),
        }),
      ],
    }),
  );
  return (
    <ConfigContext.Provider value={config}>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          {children}
        </TRPCProvider>
      </QueryClientProvider>
    </ConfigContext.Provider>
  );
}
