import { describe, expect, it } from "vitest";
import { SessionQueue } from "./queue.js";

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe("SessionQueue", () => {
  it("runs one key's tasks one at a time, in order; other keys run alongside", async () => {
    const queue = new SessionQueue();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (key: string, i: number, ms: number) =>
      queue.run(key, async () => {
        running++;
        most = Math.max(most, running);
        log.push(`${key}${i}+`);
        await tick(ms);
        log.push(`${key}${i}-`);
        running--;
        return `${key}${i}`;
      });
    const results = await Promise.all([task("a", 1, 20), task("a", 2, 1), task("b", 1, 5), task("a", 3, 1)]);
    expect(results).toEqual(["a1", "a2", "b1", "a3"]);
    const a = log.filter((e) => e.startsWith("a"));
    expect(a).toEqual(["a1+", "a1-", "a2+", "a2-", "a3+", "a3-"]);
    expect(most).toBe(2); // a and b overlapped
    expect(log.indexOf("b1+")).toBeLessThan(log.indexOf("a1-"));
  });

  it("goes on after a failed task, and forgets idle keys", async () => {
    const queue = new SessionQueue();
    const failed = queue.run("a", async () => {
      throw new Error("boom");
    });
    const next = queue.run("a", async () => "next");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next");
    await tick(0);
    expect(queue.active).toBe(0);
  });
});
