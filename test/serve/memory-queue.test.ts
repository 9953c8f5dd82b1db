import { describe, expect, it } from "vitest";
import { mergeRequestJob, QueueUnavailable } from "../../src/serve/job.js";
import { createMemoryQueue } from "../../src/serve/memory-queue.js";

describe("the in-process queue", () => {
  it("bounds pending work: a new MR beyond the bound is refused, a waiting one still coalesces", async () => {
    const queue = createMemoryQueue({ concurrency: 1, maxWaiting: 2 });
    // Not started: everything waits.
    expect(await queue.enqueue(mergeRequestJob("acme/web", 1, "test", "d1"))).toBe("queued");
    expect(await queue.enqueue(mergeRequestJob("acme/web", 2, "test", "d2"))).toBe("queued");
    await expect(queue.enqueue(mergeRequestJob("acme/web", 3, "test", "d3"))).rejects.toBeInstanceOf(QueueUnavailable);
    expect(await queue.enqueue(mergeRequestJob("acme/web", 1, "test", "d4"))).toBe("queued");
    expect(await queue.depth()).toEqual({ waiting: 2, active: 0 });
    // The refused delivery was not remembered: the sender's retry is taken once there is room.
    queue.start(async () => undefined);
    await queue.drain(1_000);
    expect(await queue.enqueue(mergeRequestJob("acme/web", 3, "test", "d3"))).toBe("queued");
    await queue.close();
  });
});
