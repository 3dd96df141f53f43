import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  check,
  datetime,
  foreignKey,
  index,
  int,
  mysqlEnum,
  mysqlTable,
  text,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";

// All times are datetime(3) in UTC (the client pins the session time zone to +00:00).
const createdAt = () =>
  datetime("created_at", { mode: "date", fsp: 3 })
    .notNull()
    .default(sql`CURRENT_TIMESTAMP(3)`);

export const user = mysqlTable("user", {
  id: varchar("id", { length: 36 }).primaryKey(),
  role: mysqlEnum("role", ["shopper", "admin"]).notNull().default("shopper"),
  displayName: varchar("display_name", { length: 64 }).notNull(),
  email: varchar("email", { length: 255 }).unique("user_email_unique"),
  passwordHash: varchar("password_hash", { length: 255 }),
  createdAt: createdAt(),
});

export const kiosk = mysqlTable("kiosk", {
  id: varchar("id", { length: 36 }).primaryKey(),
  store: varchar("store", { length: 128 }).notNull(),
  name: varchar("name", { length: 128 }).notNull(),
  keyHash: varchar("key_hash", { length: 255 }).notNull(),
  active: boolean("active").notNull().default(true),
  createdAt: createdAt(),
});

export const product = mysqlTable(
  "product",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    slug: varchar("slug", { length: 128 }).notNull().unique("product_slug_unique"),
    name: varchar("name", { length: 200 }).notNull(),
    description: text("description").notNull(),
    category: varchar("category", { length: 64 }).notNull(),
    imageUrl: varchar("image_url", { length: 512 }).notNull(),
    priceMinor: int("price_minor").notNull(),
    currency: char("currency", { length: 3 }).notNull().default("USD"),
    stock: int("stock").notNull(),
    initialStock: int("initial_stock").notNull(),
    saleStartsAt: datetime("sale_starts_at", { mode: "date", fsp: 3 }).notNull(),
    saleEndsAt: datetime("sale_ends_at", { mode: "date", fsp: 3 }),
    capacity: int("capacity").notNull(),
    checkoutTtlSec: int("checkout_ttl_sec").notNull(),
    paused: boolean("paused").notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    // Catalog pages filter by category and walk ids ascending (keyset pagination, no OFFSET).
    index("product_category_id_idx").on(t.category, t.id),
    // Plain column names: MySQL 8 and MariaDB both accept them in CHECK, qualified names are riskier.
    // Last guard against overselling: the checkout's guarded UPDATE should never get here.
    check("product_stock_nonneg", sql`stock >= 0`),
    check("product_capacity_pos", sql`capacity > 0`),
    check("product_ttl_pos", sql`checkout_ttl_sec > 0`),
    check("product_price_nonneg", sql`price_minor >= 0`),
  ],
);

export const order = mysqlTable(
  "order",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    // No foreign key to user: guest/kiosk shopper ids are server-signed and need not have a row.
    userId: varchar("user_id", { length: 36 }).notNull(),
    productId: bigint("product_id", { mode: "number", unsigned: true }).notNull(),
    // `<productId>:<seq>` of the waiting-room ticket that bought this unit.
    ticketId: varchar("ticket_id", { length: 64 }).notNull(),
    amountMinor: int("amount_minor").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    status: mysqlEnum("status", ["PENDING", "PAID"]).notNull().default("PENDING"),
    paymentRef: varchar("payment_ref", { length: 128 }),
    idempotencyKey: varchar("idempotency_key", { length: 64 }),
    channel: mysqlEnum("channel", ["web", "kiosk"]).notNull(),
    kioskId: varchar("kiosk_id", { length: 36 }),
    createdAt: createdAt(),
    // Set by drizzle on update: MySQL rejects ON UPDATE CURRENT_TIMESTAMP without the column's fsp.
    updatedAt: datetime("updated_at", { mode: "date", fsp: 3 })
      .notNull()
      .default(sql`CURRENT_TIMESTAMP(3)`)
      .$onUpdate(() => new Date()),
  },
  (t) => [
    // At most one order per ticket and per shopper+product (DESIGN invariants).
    uniqueIndex("order_ticket_unique").on(t.ticketId),
    uniqueIndex("order_user_product_unique").on(t.userId, t.productId),
    uniqueIndex("order_idempotency_unique").on(t.idempotencyKey),
    // "My orders" pages walk ids per user.
    index("order_user_id_idx").on(t.userId, t.id),
    index("order_product_idx").on(t.productId),
    foreignKey({ name: "order_product_fk", columns: [t.productId], foreignColumns: [product.id] }),
  ],
);

export type User = typeof user.$inferSelect;
export type NewUser = typeof user.$inferInsert;
export type Kiosk = typeof kiosk.$inferSelect;
export type NewKiosk = typeof kiosk.$inferInsert;
export type Product = typeof product.$inferSelect;
export type NewProduct = typeof product.$inferInsert;
export type Order = typeof order.$inferSelect;
export type NewOrder = typeof order.$inferInsert;
export type OrderStatus = Order["status"];
export type OrderChannel = Order["channel"];
export type UserRole = User["role"];
