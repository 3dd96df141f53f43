/**
 * Redis key names. Every key of one product shares the hash tag `{p:<id>}` so all of a room's
 * scripts run on one Redis Cluster slot.
 */
export interface RoomKeys {
  room: string;
  tickets: string;
  users: string;
  expiries: string;
  left: string;
}

export function roomKeys(prefix: string, productId: number): RoomKeys {
  const tag = `${prefix}:{p:${productId}}`;
  return {
    room: `${tag}:room`,
    tickets: `${tag}:t`,
    users: `${tag}:u`,
    expiries: `${tag}:exp`,
    left: `${tag}:left`,
  };
}

/** Set of product ids with a live room (the sweeper and snapshot publisher iterate it). */
export const activeRoomsKey = (prefix: string) => `${prefix}:rooms`;
/** Pub/sub: room snapshots and leave events, worker → API processes. */
export const snapshotChannel = (prefix: string) => `${prefix}:snapshots`;
/** Pub/sub: a slot or unit was freed (checkout done, expiry, leave, resume), API/sweeper → workers. */
export const slotChannel = (prefix: string) => `${prefix}:slots`;
