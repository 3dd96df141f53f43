/**
 * Group commit for joins: the joins to one room that arrive together go to Redis as one join
 * script call (join-n.lua), in the order they arrived.
 *
 * Why: at a sale's opening every join is the same script on the same room. One call per join cost
 * the API a command object, a promise, a reply and a callback each (ioredis was the largest library
 * in the join profiles) and Redis a script call each; ioredis's auto-pipelining shared only the
 * socket write. As with auto-pipelining, a room's batch leaves at the end of the event-loop turn
 * (setImmediate, after every request read in that turn has reached here), and while one batch is
 * in flight the next one gathers, so a busier room sends bigger batches, not more calls.
 */

/** One join as the script takes it. */
export interface BatchedJoin {
  userId: string;
  now: number;
  /** The limit's counter key and its rule, or none. */
  limit?: { key: string; points: number; windowMs: number };
}

/** Sends one room's batch and returns one raw script reply per join, in order. */
export type SendBatch = (productId: number, joins: BatchedJoin[]) => Promise<unknown[]>;

interface Waiting {
  join: BatchedJoin;
  resolve: (reply: unknown) => void;
  reject: (err: unknown) => void;
}

interface RoomBatch {
  waiting: Waiting[];
  /** A send is in flight, or one is due at the end of this turn. */
  busy: boolean;
}

/** Joins per script call at most: Redis runs a script alone, so a batch must stay short. */
export const MAX_JOIN_BATCH = 256;

export class JoinBatcher {
  private readonly rooms = new Map<number, RoomBatch>();

  constructor(
    private readonly send: SendBatch,
    private readonly maxBatch = MAX_JOIN_BATCH,
  ) {}

  /** The script's reply for this join, once its batch came back. */
  add(productId: number, join: BatchedJoin): Promise<unknown> {
    let room = this.rooms.get(productId);
    if (!room) {
      room = { waiting: [], busy: false };
      this.rooms.set(productId, room);
    }
    const waiting = room.waiting;
    const promise = new Promise<unknown>((resolve, reject) => waiting.push({ join, resolve, reject }));
    if (!room.busy) {
      room.busy = true;
      setImmediate(() => this.flush(productId));
    }
    return promise;
  }

  private flush(productId: number): void {
    const room = this.rooms.get(productId);
    if (!room) return;
    if (room.waiting.length === 0) {
      // Nothing gathered while the last batch was out: forget the room until its next join.
      this.rooms.delete(productId);
      return;
    }
    const batch = room.waiting.splice(0, this.maxBatch);
    const fail = (err: unknown) => {
      for (const w of batch) w.reject(err);
    };
    const settle = (replies: unknown[]) => {
      if (replies.length !== batch.length) {
        fail(new Error(`The join script answered ${replies.length} of ${batch.length} joins.`));
        return;
      }
      for (const [i, w] of batch.entries()) w.resolve(replies[i]);
    };
    let sent: Promise<unknown[]>;
    try {
      sent = this.send(productId, batch.map((w) => w.join));
    } catch (err) {
      sent = Promise.reject(err);
    }
    // Whatever the outcome, what gathered meanwhile goes next.
    sent.then(settle, fail).finally(() => this.flush(productId));
  }
}
