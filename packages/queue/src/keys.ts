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
  const tag = roomTag(prefix, productId);
  return {
    room: `${tag}:room`,
    tickets: `${tag}:t`,
    users: `${tag}:u`,
    expiries: `${tag}:exp`,
    left: `${tag}:left`,
  };
}

const roomTag = (prefix: string, productId: number) => `${prefix}:{p:${productId}}`;

/**
 * A caller's join-limit counter (the API's per-IP join limit; `scope` is the address) for one
 * product. It carries the room's hash tag so the join script that counts it runs on the room's
 * Cluster slot; the limit is therefore per product.
 */
export function joinLimitKey(prefix: string, productId: number, scope: string): string {
  return `${roomTag(prefix, productId)}:rl:joinPerIp:${scope}`;
}

/** SCAN MATCH pattern for one scope's join-limit counters in every product (support resets). */
export function joinLimitPattern(prefix: string, scope: string): string {
  return `${globEscape(prefix)}:{p:*}:rl:joinPerIp:${globEscape(scope)}`;
}

/** Redis glob patterns treat `* ? [ ] \` as special; a backslash makes them literal. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}

/** Set of product ids with a live room (the sweeper and snapshot publisher iterate it). */
export const activeRoomsKey = (prefix: string) => `${prefix}:rooms`;
/** Pub/sub: room snapshots and leave events, worker → API processes. */
export const snapshotChannel = (prefix: string) => `${prefix}:snapshots`;
/**
 * Pub/sub: a ticket holding a unit changed (`<productId>:<seq>`: paying, bought, back from paying,
 * expired, left), published by the script that changed it, so the process watching that ticket
 * re-reads it then instead of polling it.
 */
export const ticketChannel = (prefix: string) => `${prefix}:tickets`;
/** Pub/sub: a slot or unit was freed (checkout done, expiry, leave, resume), API/sweeper → workers. */
export const slotChannel = (prefix: string) => `${prefix}:slots`;
