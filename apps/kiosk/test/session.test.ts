import { describe, expect, it } from "vitest";
import { FakeClock } from "../src/core/clock.js";
import { KioskError } from "../src/core/errors.js";
import { type KioskAuthApi, KioskSessionManager } from "../src/core/session.js";

const HOUR = 3_600_000;
const credentials = { kioskId: "8b3c1f2e-1111-4222-8333-944455556666", key: "qdk_0123456789abcdef0123" };

/** A stand-in API that issues numbered tokens with the server's lifetimes, on the fake clock. */
function fakeAuth(clock: FakeClock, opts: { deviceTtlMs?: number; shopperTtlMs?: number } = {}) {
  const calls = { signIn: 0, shopper: 0 };
  let failSignIns = 0;
  let refuseToken: string | null = null;
  const api: KioskAuthApi = {
    async signIn(c) {
      calls.signIn++;
      if (c.key !== credentials.key) throw new KioskError("unauthorized", "wrong key");
      if (failSignIns > 0) {
        failSignIns--;
        throw new KioskError("offline", "no server");
      }
      return {
        token: `device-${calls.signIn}`,
        expiresAt: new Date(clock.now() + (opts.deviceTtlMs ?? 24 * HOUR)).toISOString(),
        kiosk: { id: c.kioskId, store: "Main St", name: "Front door" },
      };
    },
    async shopperSession(deviceToken, renew) {
      if (deviceToken === refuseToken) throw new KioskError("unauthorized", "token refused");
      calls.shopper++;
      return {
        token: `shopper-${calls.shopper}-via-${deviceToken}`,
        // A renewal keeps the identity, as the API does.
        userId: renew ? `user-${renew.split("-")[1]}` : `user-${calls.shopper}`,
        expiresAt: new Date(clock.now() + (opts.shopperTtlMs ?? 15 * 60_000)).toISOString(),
      };
    },
  };
  return {
    api,
    calls,
    failNextSignIns(n: number) {
      failSignIns = n;
    },
    refuse(token: string) {
      refuseToken = token;
    },
  };
}

describe("kiosk session manager", () => {
  it("renews the device session ten minutes before it expires, on the clock", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    const first = await sessions.start();
    expect(first.token).toBe("device-1");
    expect(first.kiosk.store).toBe("Main St");

    await clock.advance(24 * HOUR - 10 * 60_000 - 1);
    expect(auth.calls.signIn).toBe(1);
    await clock.advance(1);
    expect(auth.calls.signIn).toBe(2);
    expect(sessions.deviceSession?.token).toBe("device-2");
    // And again a day later: renewals keep rescheduling themselves.
    await clock.advance(24 * HOUR);
    expect(auth.calls.signIn).toBe(3);
    sessions.stop();
    expect(clock.pending).toBe(0);
  });

  it("keeps the old device token and retries with backoff when a renewal fails", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock, retryMs: 5_000 });
    await sessions.start();
    auth.failNextSignIns(2);
    await clock.advance(24 * HOUR - 10 * 60_000);
    expect(auth.calls.signIn).toBe(2);
    expect(sessions.deviceSession?.token).toBe("device-1");
    // Shoppers are still served with the old token meanwhile.
    expect((await sessions.beginShopper()).token).toBe("shopper-1-via-device-1");
    await clock.advance(5_000);
    expect(auth.calls.signIn).toBe(3);
    await clock.advance(9_999);
    expect(auth.calls.signIn).toBe(3);
    await clock.advance(1);
    expect(auth.calls.signIn).toBe(4);
    expect(sessions.deviceSession?.token).toBe("device-4");
    sessions.stop();
  });

  it("caps the margin at half the lifetime of a short session", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock, { deviceTtlMs: 10 * 60_000 });
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    await sessions.start();
    await clock.advance(5 * 60_000 - 1);
    expect(auth.calls.signIn).toBe(1);
    await clock.advance(1);
    expect(auth.calls.signIn).toBe(2);
    sessions.stop();
  });

  it("gives every customer a fresh shopper session and wipes it on reset", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    await sessions.start();
    const a = await sessions.beginShopper();
    expect(sessions.shopperToken()).toBe(a.token);
    sessions.wipe();
    expect(sessions.shopperToken()).toBeNull();
    const b = await sessions.beginShopper();
    expect(b.userId).not.toBe(a.userId);
    sessions.stop();
  });

  it("stops handing out a shopper token once it has expired", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    await sessions.start();
    await sessions.beginShopper();
    await clock.advance(15 * 60_000 - 1);
    expect(sessions.shopperToken()).not.toBeNull();
    await clock.advance(1);
    expect(sessions.shopperToken()).toBeNull();
    sessions.stop();
  });

  it("renews a shopper session before it runs out (before a join), not while plenty is left", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock, shopperMinRemainingMs: 5 * 60_000 });
    await sessions.start();
    const first = await sessions.beginShopper();
    await clock.advance(9 * 60_000);
    expect(await sessions.ensureShopper()).toBe(first);
    await clock.advance(60_001);
    const renewed = await sessions.ensureShopper();
    expect(renewed.token).not.toBe(first.token);
    expect(renewed.expiresAt).toBe(clock.now() + 15 * 60_000);
    // Same person, same identity: a ticket they hold stays theirs.
    expect(renewed.userId).toBe(first.userId);
    // Once it has fully expired, the next shopper is someone new.
    await clock.advance(16 * 60_000);
    expect((await sessions.ensureShopper()).userId).not.toBe(first.userId);
    sessions.stop();
  });

  it("signs the device in again once when the server refuses its token", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    await sessions.start();
    auth.refuse("device-1");
    const s = await sessions.beginShopper();
    expect(s.token).toBe("shopper-1-via-device-2");
    sessions.stop();
  });

  it("signs in again when the device session has expired (the kiosk slept)", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    await sessions.start();
    sessions.stop(); // no renewal timer: as if the machine was suspended
    await clock.advance(25 * HOUR);
    const s = await sessions.beginShopper();
    expect(s.token).toBe("shopper-1-via-device-2");
    sessions.stop();
  });

  it("shares one sign-in between concurrent callers and reports a wrong key as unauthorized", async () => {
    const clock = new FakeClock();
    const auth = fakeAuth(clock);
    const sessions = new KioskSessionManager({ credentials, auth: auth.api, clock });
    const [a, b] = await Promise.all([sessions.start(), sessions.start()]);
    expect(a).toBe(b);
    expect(auth.calls.signIn).toBe(1);
    sessions.stop();

    const wrong = new KioskSessionManager({ credentials: { ...credentials, key: "qdk_wrong-key-0000000000" }, auth: auth.api, clock });
    await expect(wrong.start()).rejects.toMatchObject({ kind: "unauthorized" });
    expect(clock.pending).toBe(0);
  });
});
