"use client";
import type { AppRouter, RouterOutputs } from "@quickdeal/api";
import { createTRPCContext } from "@trpc/tanstack-react-query";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type ProductCard = RouterOutputs["catalog"]["list"]["items"][number];
export type TicketStatus = NonNullable<RouterOutputs["queue"]["mine"]>;
export type Order = RouterOutputs["orders"]["byId"];
export type Me = RouterOutputs["auth"]["me"];
