import type { Metadata } from "next";
import { RoomDashboard } from "@/components/admin/room-dashboard";

export const metadata: Metadata = { title: "Live room" };

export default async function RoomPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RoomDashboard productId={Number(id)} />;
}
