/** Everything the API needs from its process entry; library code never reads process.env. */
export interface RateLimitRule {
  /** Requests allowed per window. */
  points: number;
  durationSec: number;
}

export interface RateLimitConfig {
  joinPerUser: RateLimitRule;
  joinPerIp: RateLimitRule;
  checkoutPerUser: RateLimitRule;
  checkoutPerIp: RateLimitRule;
  signInPerIp: RateLimitRule;
}

export interface ApiConfig {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key and channel we and the queue use (tests use a random one). */
  redisPrefix: string;
  kafka: { brokers: string[]; clientId: string };
  joinTopic: string;
  joinPartitions: number;
  /** Linger of each produce request of joins (ms; default: the queue's JOIN_LINGER_MS). */
  joinLingerMs?: number;
  /** Waiting joins at which a produce request leaves without lingering (default: the queue's JOIN_FULL_BATCH). */
  joinFullBatch?: number;
  /** How far watchers' update intervals stretch while a process is saturated (default: the queue's; 1 never). */
  watchMaxStretch?: number;
  /** Signs sessions (and, through the queue, tickets); at least 32 characters. */
  authSecret: string;
  /** Origins allowed to make cookie-authenticated mutations (CSRF) and cross-origin calls (CORS). */
  allowedOrigins: string[];
  heartbeatGraceSec: number;
  logLevel: string;
  /** How long the fake gateway's "slow" test card takes. */
  paymentSlowMs: number;
  /** Mark the session cookie Secure (on for https deployments). */
  secureCookies: boolean;
  /** Take the client IP from X-Forwarded-For (only behind a proxy we run). */
  trustProxy: boolean;
  rateLimits: RateLimitConfig;
  /** How long a product row stays in the in-process cache. */
  productCacheTtlMs: number;
  dbPoolSize: number;
}

export const defaultRateLimits: RateLimitConfig = {
  joinPerUser: { points: 10, durationSec: 10 },
  // Shops and offices share an IP behind NAT: per-IP limits are loose, per-user limits tight.
  joinPerIp: { points: 300, durationSec: 10 },
  checkoutPerUser: { points: 10, durationSec: 60 },
  checkoutPerIp: { points: 300, durationSec: 60 },
  signInPerIp: { points: 600, durationSec: 60 },
};
