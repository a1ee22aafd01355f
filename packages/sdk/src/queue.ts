//! Per-session FIFO queues: the in-process half of "two messages of one
//! session are never applied to the same state" (RUNTIME §3). Each session
//! has a promise chain; a task starts when the one before it settled
//! (fulfilled or not), and the chain is dropped once it runs dry, so idle
//! sessions cost nothing.

/** Runs tasks one at a time per key, in the order they were queued. */
export class SessionQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind the key's earlier tasks; settles as the task does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    const result = previous === undefined ? task() : previous.then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks. */
  get active(): number {
    return this.tails.size;
  }
}
