import type { Metadata } from "next";
import { MyOrders } from "@/components/orders";

export const metadata: Metadata = { title: "My orders" };

export default function OrdersPage() {
  return <MyOrders />;
}
