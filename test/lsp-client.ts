//! A small LSP client for the protocol tests: spawns a server process and
//! speaks JSON-RPC with hand-written `Content-Length` framing, so the tests
//! see exactly the bytes a real editor exchanges (and can send broken ones).

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export interface RpcError {
  code: number;
  message: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: RpcError) => void;
}

export class LspClient {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners: ((method: string, params: unknown) => void)[] = [];
  /** Every notification received, in order. */
  readonly notifications: { method: string; params: unknown }[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;

  private constructor(readonly process: ChildProcessWithoutNullStreams) {
    process.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    process.stderr.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => process.on("exit", (code) => resolve(code)));
  }

  /** Starts `command args` (e.g. `node dist/server.js --stdio`). */
  static spawn(command: string, args: readonly string[], cwd: string): LspClient {
    return new LspClient(spawn(command, args, { cwd, stdio: "pipe" }));
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString("ascii");
      const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
      if (this.buffer.length < headerEnd + 4 + length) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString("utf8");
      this.buffer = this.buffer.subarray(headerEnd + 4 + length);
      this.dispatch(JSON.parse(body) as { id?: number; method?: string; params?: unknown; result?: unknown; error?: RpcError });
    }
  }

  private dispatch(message: { id?: number; method?: string; params?: unknown; result?: unknown; error?: RpcError }): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server (registerCapability, configuration, …): accept it.
      this.write({ jsonrpc: "2.0", id: message.id, result: null });
      return;
    }
    if (message.method !== undefined) {
      this.notifications.push({ method: message.method, params: message.params });
      for (const listener of [...this.listeners]) listener(message.method, message.params);
      return;
    }
    const pending = this.pending.get(message.id!);
    if (!pending) return;
    this.pending.delete(message.id!);
    if (message.error) pending.reject(message.error);
    else pending.resolve(message.result);
  }

  /** Writes raw bytes (for malformed-input tests). */
  writeRaw(data: string | Buffer): void {
    this.process.stdin.write(data);
  }

  private frame(message: unknown): Buffer {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, "ascii"), body]);
  }

  write(message: unknown): void {
    this.writeRaw(this.frame(message));
  }

  /** Sends a request; resolves to its result, rejects with its error. */
  request<T = any>(method: string, params?: unknown): Promise<T> {
    const id = this.nextId++;
    return this.requestWithId<T>(id, method, params);
  }

  /** The id the next request will get. */
  peekId(): number {
    return this.nextId;
  }

  /** Sends a request and `$/cancelRequest` for it in the same write, as a client cancelling a queued request does. */
  requestAndCancel<T = any>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.writeRaw(Buffer.concat([this.frame({ jsonrpc: "2.0", id, method, params }), this.frame({ jsonrpc: "2.0", method: "$/cancelRequest", params: { id } })]));
    return result;
  }

  private requestWithId<T>(id: number, method: string, params: unknown): Promise<T> {
    const result = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.write({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });
    return result;
  }

  notify(method: string, params?: unknown): void {
    this.write({ jsonrpc: "2.0", method, ...(params === undefined ? {} : { params }) });
  }

  /** Resolves with the first notification (from now on) for which `match` returns a value. */
  waitFor<T>(match: (method: string, params: any) => T | undefined, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        reject(new Error(`timed out waiting for a notification; stderr: ${this.stderr}`));
      }, timeoutMs);
      const listener = (method: string, params: unknown): void => {
        const value = match(method, params);
        if (value === undefined) return;
        clearTimeout(timer);
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        resolve(value);
      };
      this.listeners.push(listener);
    });
  }

  /** The next `publishDiagnostics` for `uri` (with `version`, when given). */
  diagnostics(uri: string, version?: number, timeoutMs?: number): Promise<any[]> {
    return this.waitFor(
      (method, params) =>
        method === "textDocument/publishDiagnostics" && params.uri === uri && (version === undefined || params.version === version) ? (params.diagnostics as any[]) : undefined,
      timeoutMs,
    );
  }

  /** `shutdown` then `exit`; resolves to the exit code. */
  async close(): Promise<number | null> {
    if (this.process.exitCode !== null) return this.process.exitCode;
    await this.request("shutdown").catch(() => undefined);
    this.notify("exit");
    return this.exited;
  }
}
