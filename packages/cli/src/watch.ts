//! `fluxo check --watch`: check, then check again after every change to the
//! project, until killed.
//!
//! Each folder the project's files were found in is watched with its own
//! (non-recursive) `fs.watch`, and the set follows the project as folders come
//! and go. This looks only where the walk looks (no `node_modules`, no
//! dot-folders), which Node's recursive watcher cannot be told to do. Events
//! are debounced (50 ms) and batched; a batch re-reads only the files it
//! names, and a change to `fluxo.json` (or a failed refresh) reloads the
//! projects from scratch. A user mistake that appears while watching (a bad
//! `fluxo.json`, a folder emptied) prints its one line and watching goes on.
//!
//! Status lines go to stderr, reports to stdout as in a single check, so with
//! `--format json` stdout carries one JSON array per line per run.

import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { configFileName } from "./config.js";
import type { CliContext } from "./context.js";
import { CliError } from "./errors.js";
import { displayPath, isFolder, isSkippedName, sourceExtension } from "./files.js";
import { describeWorkspace, reportOf, writeReport, type CheckSettings } from "./output.js";
import { Workspace } from "./workspace.js";

const debounceMs = 50;

/** Keeps one `fs.watch` per folder, in step with a changing set of folders. */
export class FolderWatcher {
  private readonly watchers = new Map<string, fs.FSWatcher>();

  constructor(private readonly onEvent: (file: string | undefined, folder: string) => void) {}

  /** Watches exactly `folders` (absolute paths), starting and stopping watchers as needed. */
  sync(folders: Iterable<string>): void {
    const wanted = new Set(folders);
    for (const [folder, watcher] of this.watchers) {
      if (!wanted.has(folder)) {
        watcher.close();
        this.watchers.delete(folder);
      }
    }
    for (const folder of wanted) {
      if (this.watchers.has(folder)) continue;
      try {
        const watcher = fs.watch(folder, { persistent: true }, (_event, name) => {
          this.onEvent(name === null ? undefined : path.join(folder, name.toString()), folder);
        });
        watcher.on("error", () => {
          // The folder went away: stop watching it; the next batch rescans.
          watcher.close();
          this.watchers.delete(folder);
          this.onEvent(undefined, folder);
        });
        this.watchers.set(folder, watcher);
      } catch {
        // Vanished before we could watch it; the rescan that follows will notice.
      }
    }
  }

  has(folder: string): boolean {
    return this.watchers.has(folder);
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }
}

function clock(): string {
  const now = new Date();
  return [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

/** What a watched command does with the workspace after each change (default: print the check report). */
export type WatchAction = (workspace: Workspace) => void | Promise<void>;

/**
 * Runs a command in watch mode (`check` by default; `build` and `test` pass
 * their own action). Resolves only when the first load fails (exit 2);
 * otherwise runs until killed.
 */
export async function watchCheck(
  settings: Pick<CheckSettings, "paths" | "verbose">,
  context: CliContext,
  act: WatchAction = (workspace) => writeReport(reportOf(workspace), settings as CheckSettings, context),
): Promise<number> {
  const status = (text: string): void => {
    context.stderr.write(`[${clock()}] ${text}\n`);
  };

  // A mistake on the command line (missing path, bad fluxo.json) stops here
  // with exit status 2, as without --watch.
  let workspace = Workspace.load(settings.paths, context.cwd);
  let needsReload = false;
  const pending = new Set<string>();
  let rescan = false;
  let timer: NodeJS.Timeout | undefined;

  const isRelevant = (file: string): boolean => {
    const name = path.basename(file);
    if (name === configFileName) return true;
    if (isSkippedName(name)) return false;
    if (name.endsWith(sourceExtension)) return true;
    // A folder created, removed or renamed: its files are found by the rescan.
    return watcher.has(file) || isFolder(file);
  };

  let running = false;
  let runAgain = false;
  const run = async (): Promise<void> => {
    // One run at a time: changes during a run trigger one more run after it.
    if (running) {
      runAgain = true;
      return;
    }
    running = true;
    const started = performance.now();
    const changed = new Set(pending);
    pending.clear();
    rescan = false;
    try {
      if (needsReload || !workspace.refresh(changed)) {
        workspace = Workspace.load(settings.paths, context.cwd);
        if (settings.verbose) describeWorkspace(workspace, context);
      }
      needsReload = false;
      if (settings.verbose && changed.size > 0) {
        status(`changed: ${[...changed].map((file) => displayPath(file, context.cwd)).join(", ")}`);
      }
      await act(workspace);
      if (settings.verbose) status(`checked in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      // Reported, and watching goes on: the next change may well fix it.
      if (error instanceof CliError) context.stderr.write(`fluxo: error: ${error.message}\n`);
      else {
        const message = error instanceof Error ? error.message : String(error);
        context.stderr.write(`fluxo: internal error: ${message.split("\n")[0]} (this is a bug in fluxo)\n`);
        if (settings.verbose && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
      }
      needsReload = true;
    }
    watcher.sync([...workspace.folders, ...folderOfNamedPaths()]);
    status("Watching for file changes (Ctrl+C to stop).");
    running = false;
    if (runAgain) {
      runAgain = false;
      void run();
    }
  };

  // The named folders (or the folders of named files) stay watched even when
  // a reload fails, so fixing the mistake is noticed.
  const folderOfNamedPaths = (): string[] =>
    (settings.paths.length === 0 ? ["."] : settings.paths).map((given) => {
      const absolute = path.resolve(context.cwd, given);
      return isFolder(absolute) ? absolute : path.dirname(absolute);
    });

  const watcher = new FolderWatcher((file) => {
    if (file === undefined) rescan = true;
    else if (isRelevant(file)) pending.add(file);
    else return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (pending.size > 0 || rescan) {
        status("File change detected. Checking again…");
        void run();
      }
    }, debounceMs);
  });

  if (settings.verbose) describeWorkspace(workspace, context);
  await act(workspace);
  watcher.sync([...workspace.folders, ...folderOfNamedPaths()]);
  status("Watching for file changes (Ctrl+C to stop).");

  // Keeps the process alive even if every watched folder disappears.
  setInterval(() => {}, 1 << 30);
  return new Promise<number>(() => {});
}
