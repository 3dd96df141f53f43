import type { Metadata } from "next";
import { KioskAdmin } from "@/components/admin/kiosks";

export const metadata: Metadata = { title: "Kiosks" };

export default function KiosksPage() {
  return <KioskAdmin />;
}
