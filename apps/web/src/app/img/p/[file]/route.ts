import { loadDb } from "@/server/runtime";
import { imageDb } from "@/server/services";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

const FILE = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.svg$/;

/** `/img/p/<slug>.svg`: the product's picture, drawn from its name and category. */
export async function GET(_req: Request, { params }: { params: Promise<{ file: string }> }): Promise<Response> {
  const { file } = await params;
  const m = FILE.exec(file);
  if (!m || file.length > 140) return new Response("Not found", { status: 404 });
  const slug = m[1]!;
  const [rows] = await (await imageDb()).pool.query("SELECT id, name, category FROM product WHERE slug = ? LIMIT 1", [slug]);
  const row = (rows as Array<{ id: number; name: string; category: string }>)[0];
  if (!row) return new Response("Not found", { status: 404 });
  const { productSvg } = await loadDb();
  return new Response(productSvg({ name: row.name, category: row.category, seed: row.id }), {
    headers: {
      "content-type": "image/svg+xml; charset=utf-8",
      // Names rarely change; an hour of caching keeps catalog scrolling off MySQL.
      "cache-control": "public, max-age=3600, stale-while-revalidate=86400",
      "x-content-type-options": "nosniff",
    },
  });
}
