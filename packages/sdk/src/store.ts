//! Session stores (RUNTIME §3): where a bot keeps each session's state
//! between turns. The interface is small so adapters for Redis, PostgreSQL
//! or a key-value service are a page each:
//!
//! - `get` reads a session with its version;
//! - `set` is compare-and-set: it writes only if the stored version is still
//!   the one the turn started from, so two bot instances can never both apply
//!   a message to the same state (the loser reloads and runs its turn again);
//! - `delete` removes a session (compare-and-set too, when given a version);
//! - `due(now)` lists the sessions whose pending question has timed out.
//!
//! Versions count writes: 0 is "no session", and a successful `set` with
//! expected version `v` stores version `v + 1`. A store need not keep old
//! states, but it must never give a session id a version it had before, even
//! across `delete`: a store remembers the last version of a deleted session
//! (a tombstone, or a counter per id that `delete` leaves in place), and the
//! next session of that id, created with expected version 0, starts above it.
//! Otherwise a turn loaded at version 2 before a `reset`, and still running,
//! would find a new conversation at version 2 again and overwrite it (the ABA
//! problem). An adapter keeps the counter beside the session: in Redis a
//! second key incremented by every write and left by `delete`; in
//! PostgreSQL a row kept with a null state (or a version taken from a
//! sequence). `MemoryStore` is the in-process store: for tests, development
//! and single-process bots.

import type { SessionState } from "@fluxo/runtime";
import type { Awaitable } from "./flows.js";

/** A stored session: its state, the state's version and its timeout deadline. */
export interface StoredSession {
  /** The engine's state (plain JSON). */
  readonly state: SessionState;
  /** How many times the session id was written (≥ 1), counting writes before a `delete`: never reused. */
  readonly version: number;
  /** When the pending question times out, in milliseconds since the epoch; null when nothing is pending. */
  readonly deadline: number | null;
}

/** What a turn writes. */
export interface SessionWrite {
  readonly state: SessionState;
  readonly deadline: number | null;
}

/** Where a bot keeps sessions. Every method may be synchronous or return a promise. */
export interface SessionStore {
  /** The session, or undefined when there is none. */
  get(sessionId: string): Awaitable<StoredSession | undefined>;
  /**
   * Writes the session if its stored version is `expectedVersion`, giving it
   * version `expectedVersion + 1`. With `expectedVersion` 0 it writes only if
   * there is no session, giving it a version above any the id had before it
   * was deleted (1 for an id never written). Returns false, writing nothing,
   * when the version differs (another writer got there first); a deleted
   * session has no version, so a write expecting its last version fails.
   */
  set(sessionId: string, session: SessionWrite, expectedVersion: number): Awaitable<boolean>;
  /**
   * Removes the session: unconditionally, or only if its version is
   * `expectedVersion`. Returns whether a session was removed. The session's
   * last version is remembered (see `set`): versions are never reused.
   */
  delete(sessionId: string, expectedVersion?: number): Awaitable<boolean>;
  /** Ids of the sessions whose deadline is at or before `now`, earliest first (at most `limit`). */
  due(now: Date, limit?: number): Awaitable<string[]>;
}

/**
 * A `SessionStore` in this process's memory. Sessions are kept as given
 * (states are never mutated by the engine or the SDK), so reads and writes
 * are cheap; several bots in one process may share one store, as several
 * processes share a real one.
 */
export class MemoryStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  /** The last version of each deleted session (a number per id ever deleted): a new session of the id starts above it. */
  private readonly deleted = new Map<string, number>();

  get(sessionId: string): Promise<StoredSession | undefined> {
    return Promise.resolve(this.sessions.get(sessionId));
  }

  set(sessionId: string, session: SessionWrite, expectedVersion: number): Promise<boolean> {
    const current = this.sessions.get(sessionId)?.version ?? 0;
    if (current !== expectedVersion) return Promise.resolve(false);
    const version = (current === 0 ? (this.deleted.get(sessionId) ?? 0) : current) + 1;
    this.sessions.set(sessionId, { state: session.state, deadline: session.deadline, version });
    this.deleted.delete(sessionId);
    return Promise.resolve(true);
  }

  delete(sessionId: string, expectedVersion?: number): Promise<boolean> {
    const current = this.sessions.get(sessionId);
    if (current === undefined || (expectedVersion !== undefined && current.version !== expectedVersion)) return Promise.resolve(false);
    this.sessions.delete(sessionId);
    this.deleted.set(sessionId, current.version);
    return Promise.resolve(true);
  }

  due(now: Date, limit = Infinity): Promise<string[]> {
    const time = now.getTime();
    const due: [string, number][] = [];
    for (const [id, session] of this.sessions) {
      if (session.deadline !== null && session.deadline <= time) due.push([id, session.deadline]);
    }
    due.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return Promise.resolve(due.slice(0, limit).map(([id]) => id));
  }

  /** How many sessions the store holds. */
  get size(): number {
    return this.sessions.size;
  }
}
