import type { Metadata } from "next";
import { OrderConfirmation } from "@/components/orders";

export const metadata: Metadata = { title: "Order" };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <OrderConfirmation id={Number(id)} />;
}
