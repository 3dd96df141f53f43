import { Suspense } from "react";
import { Catalog } from "@/components/catalog";
import { Spinner } from "@/components/ui";

export default function HomePage() {
  return (
    <Suspense fallback={<Spinner label="Loading deals" />}>
      <Catalog />
    </Suspense>
  );
}
