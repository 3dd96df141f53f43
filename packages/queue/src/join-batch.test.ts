import { describe, expect, it } from "vitest";
import { type BatchedJoin, JoinBatcher } from "./join-batch.js";

/** A send that records each batch and answers when the test says so. */
function manualSend() {
  const batches: { productId: number; users: string[]; answer: (replies: unknown[]) => void; fail: (err: unknown) => void }[] = [];
  const send = (productId: number, joins: BatchedJoin[]) =>
    new Promise<unknown[]>((answer, fail) => batches.push({ productId, users: joins.map((j) => j.userId), answer, fail }));
  return { batches, send };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const join = (userId: string): BatchedJoin => ({ userId, now: 1 });

describe("JoinBatcher", () => {
  it("sends what arrived in one turn as one batch per room, and gathers the next while one is out", async () => {
    const { batches, send } = manualSend();
    const b = new JoinBatcher(send);
    const first = [b.add(1, join("a")), b.add(2, join("x")), b.add(1, join("b"))];
    expect(batches).toHaveLength(0); // not before the turn ends
    await turn();
    expect(batches.map((x) => [x.productId, x.users])).toEqual([
      [1, ["a", "b"]],
      [2, ["x"]],
    ]);
    // Room 1's batch is still out: these wait for it, however many turns pass.
    const second = [b.add(1, join("c")), b.add(1, join("d"))];
    await turn();
    await turn();
    expect(batches).toHaveLength(2);
    batches[0]?.answer(["ra", "rb"]);
    batches[1]?.answer(["rx"]);
    expect(await Promise.all(first)).toEqual(["ra", "rx", "rb"]);
    await turn();
    expect(batches[2]?.users).toEqual(["c", "d"]);
    batches[2]?.answer(["rc", "rd"]);
    expect(await Promise.all(second)).toEqual(["rc", "rd"]);
  });

  it("splits a room's joins past the limit, in order", async () => {
    const { batches, send } = manualSend();
    const b = new JoinBatcher(send, 2);
    const all = ["a", "b", "c", "d", "e"].map((u) => b.add(1, join(u)));
    await turn();
    batches[0]?.answer([1, 2]);
    await turn();
    batches[1]?.answer([3, 4]);
    await turn();
    batches[2]?.answer([5]);
    expect(batches.map((x) => x.users)).toEqual([["a", "b"], ["c", "d"], ["e"]]);
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5]);
  });

  it("fails every join of a batch whose send fails, throws, or answers the wrong count, and goes on", async () => {
    let mode: "reject" | "throw" | "short" | "ok" = "reject";
    const b = new JoinBatcher((_productId, joins) => {
      if (mode === "throw") throw new Error("no connection");
      if (mode === "reject") return Promise.reject(new Error("Redis went away"));
      if (mode === "short") return Promise.resolve(joins.slice(1).map((j) => j.userId));
      return Promise.resolve(joins.map((j) => j.userId));
    });
    const settle = (users: string[]) => Promise.allSettled(users.map((u) => b.add(1, join(u))));
    const reasons = (s: PromiseSettledResult<unknown>[]) => s.map((r) => (r.status === "rejected" ? String(r.reason) : r.value));
    expect(reasons(await settle(["a", "b"]))).toEqual(["Error: Redis went away", "Error: Redis went away"]);
    mode = "throw";
    expect(reasons(await settle(["c"]))).toEqual(["Error: no connection"]);
    mode = "short";
    expect(reasons(await settle(["d", "e"]))).toEqual([
      "Error: The join script answered 1 of 2 joins.",
      "Error: The join script answered 1 of 2 joins.",
    ]);
    mode = "ok";
    expect(reasons(await settle(["f", "g"]))).toEqual(["f", "g"]);
  });
});
