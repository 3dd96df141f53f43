import { AdminProducts } from "@/components/admin/products";

export default function AdminHome() {
  return <AdminProducts />;
}
