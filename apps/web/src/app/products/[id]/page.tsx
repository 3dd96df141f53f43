import { Suspense } from "react";
import { ProductView } from "@/components/product-view";
import { Spinner } from "@/components/ui";

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <Suspense fallback={<Spinner />}>
      <ProductView id={Number(id)} />
    </Suspense>
  );
}
