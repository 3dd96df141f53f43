import type { Metadata } from "next";
import { WaitingRoom } from "@/components/waiting-room";

export const metadata: Metadata = { title: "Waiting room" };

export default async function QueuePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <WaitingRoom productId={Number(id)} />;
}
