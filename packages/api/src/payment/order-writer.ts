import { setTimeout as sleep } from "node:timers/promises";
import type { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from "mysql2/promise";

/** The PENDING order a checkout records together with taking its unit. */
export interface NewOrder {
  userId: string;
  productId: number;
  ticketId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  channel: "web" | "kiosk";
  kioskId: string | null;
  createdAt: Date;
}

/** No unit left for this order (the guarded stock update matched no row). */
export class SoldOutError extends Error {
  override readonly name = "SoldOutError";
}

interface Waiter<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

const MAX_GROUP = 200;
/**
 * How long a group waits for more orders before its transaction starts. Every statement costs a
 * write and a read on the socket in both processes whatever the group size, so at a few hundred
 * checkouts a second it pays to wait a moment: groups of 1–2 become groups of several.
 */
const LINGER_MS = 4;

/**
 * Checkouts of one hot product all update the same product row. One transaction per checkout
 * makes hundreds of them queue on that row lock inside MariaDB (lock waits, deadlock detection,
 * one log flush each). Instead each process runs at most one stock transaction per product at a
 * time, and the orders that arrive meanwhile go into the next one together (group commit):
 * `stock = stock - n WHERE stock >= n` plus one multi-row INSERT. If the group fails as a whole
 * (a duplicate order, fewer units left than orders, a lock timeout), its orders are retried one by
 * one, so each gets its own outcome. Raw mysql2 statements: this is the hot path.
 */
export class OrderWriter {
  private placing = new Map<number, Waiter<NewOrder, number>[]>();
  private paying: Waiter<{ id: number; ref: string }, boolean>[] = [];
  private payingBusy = false;
  /** Ids of a multi-row insert are consecutive only with auto-inc lock mode 0/1 ("consecutive"). */
  private idStride: Promise<number | null> | null = null;
  /** Stock transactions run (committed or not) and orders placed, for tests and metrics. */
  transactions = 0;
  placed = 0;

  constructor(
    private readonly pool: Pool,
    private readonly lingerMs = LINGER_MS,
  ) {}

  /** Takes one unit of the product and inserts the PENDING order; resolves to the order id. */
  place(o: NewOrder): Promise<number> {
    return new Promise((resolve, reject) => {
      let queue = this.placing.get(o.productId);
      const idle = !queue;
      if (!queue) {
        queue = [];
        this.placing.set(o.productId, queue);
      }
      queue.push({ item: o, resolve, reject });
      if (idle) void this.flushPlacing(o.productId, queue);
    });
  }

  /** PENDING → PAID with the processor's reference; false if the order is no longer pending. */
  markPaid(id: number, ref: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.paying.push({ item: { id, ref }, resolve, reject });
      if (!this.payingBusy) void this.flushPaying();
    });
  }

  private async flushPlacing(productId: number, queue: Waiter<NewOrder, number>[]): Promise<void> {
    try {
      while (queue.length > 0) {
        if (this.lingerMs > 0 && queue.length < MAX_GROUP) await sleep(this.lingerMs);
        const group = queue.splice(0, MAX_GROUP);
        if (group.length > 1) {
          try {
            const ids = await this.insertGroup(productId, group.map((w) => w.item));
            this.placed += group.length;
            for (const [k, w] of group.entries()) w.resolve(ids[k] as number);
            continue;
          } catch {
            // Fall through: one by one, each with its own outcome.
          }
        }
        for (const w of group) {
          try {
            w.resolve((await this.insertGroup(productId, [w.item]))[0] as number);
            this.placed++;
          } catch (err) {
            w.reject(err);
          }
        }
      }
    } finally {
      this.placing.delete(productId);
    }
  }

  private async insertGroup(productId: number, orders: NewOrder[]): Promise<number[]> {
    const n = orders.length;
    this.transactions++;
    const conn = await this.pool.getConnection();
    let open = false;
    try {
      await conn.query("START TRANSACTION");
      open = true;
      // Take the units before inserting the orders: the orders' foreign key takes a shared lock on
      // the product row, and two transactions each holding it while waiting to upgrade would deadlock.
      const [upd] = await conn.execute<ResultSetHeader>("UPDATE product SET stock = stock - ? WHERE id = ? AND stock >= ?", [n, productId, n]);
      if (upd.affectedRows !== 1) throw new SoldOutError(`fewer than ${n} units left`);
      const rows = orders.map((o) => [o.userId, o.productId, o.ticketId, o.amountMinor, o.currency, "PENDING", o.idempotencyKey, o.channel, o.kioskId, o.createdAt, o.createdAt]);
      const [ins] = await conn.query<ResultSetHeader>(
        "INSERT INTO `order` (user_id, product_id, ticket_id, amount_minor, currency, status, idempotency_key, channel, kiosk_id, created_at, updated_at) VALUES ?",
        [rows],
      );
      const stride = n > 1 ? await this.stride(conn) : 1;
      let ids: number[];
      if (stride !== null) {
        ids = orders.map((_, k) => Number(ins.insertId) + k * stride);
      } else {
        const [found] = await conn.query<RowDataPacket[]>("SELECT id, ticket_id FROM `order` WHERE ticket_id IN (?)", [orders.map((o) => o.ticketId)]);
        const byTicket = new Map(found.map((r) => [String(r.ticket_id), Number(r.id)]));
        ids = orders.map((o) => byTicket.get(o.ticketId) ?? Number.NaN);
      }
      await conn.query("COMMIT");
      open = false;
      return ids;
    } catch (err) {
      if (open) await conn.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      conn.release();
    }
  }

  private stride(conn: PoolConnection): Promise<number | null> {
    this.idStride ??= conn
      .query<RowDataPacket[]>("SELECT @@innodb_autoinc_lock_mode AS mode, @@auto_increment_increment AS inc")
      .then(([rows]) => {
        const r = rows[0];
        return r && Number(r.mode) <= 1 ? Number(r.inc) : null;
      })
      .catch((err: unknown) => {
        this.idStride = null;
        throw err;
      });
    return this.idStride;
  }

  private async flushPaying(): Promise<void> {
    this.payingBusy = true;
    try {
      while (this.paying.length > 0) {
        if (this.lingerMs > 0 && this.paying.length < MAX_GROUP) await sleep(this.lingerMs);
        const group = this.paying.splice(0, MAX_GROUP);
        try {
          const paid = await this.payGroup(group.map((w) => w.item));
          for (const [k, w] of group.entries()) w.resolve(paid[k] as boolean);
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.payingBusy = false;
    }
  }

  private async payGroup(items: { id: number; ref: string }[]): Promise<boolean[]> {
    const now = new Date();
    if (items.length === 1) {
      const { id, ref } = items[0] as { id: number; ref: string };
      const [res] = await this.pool.execute<ResultSetHeader>(
        "UPDATE `order` SET status = 'PAID', payment_ref = ?, updated_at = ? WHERE id = ? AND status = 'PENDING'",
        [ref, now, id],
      );
      return [res.affectedRows === 1];
    }
    const ids = items.map((i) => i.id);
    const cases = items.map(() => "WHEN ? THEN ?").join(" ");
    const [res] = await this.pool.query<ResultSetHeader>(
      `UPDATE \`order\` SET status = 'PAID', payment_ref = CASE id ${cases} END, updated_at = ? WHERE id IN (?) AND status = 'PENDING'`,
      [...items.flatMap((i) => [i.id, i.ref]), now, ids],
    );
    if (res.affectedRows === items.length) return items.map(() => true);
    // Some order was no longer pending: tell each caller whether its own payment was recorded.
    const [rows] = await this.pool.query<RowDataPacket[]>("SELECT id, status, payment_ref FROM `order` WHERE id IN (?)", [ids]);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return items.map((i) => {
      const r = byId.get(i.id);
      return r?.status === "PAID" && r.payment_ref === i.ref;
    });
  }
}
