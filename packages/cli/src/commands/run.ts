//! `fluxo run FILE [--flow NAME] [--context JSON] [--mocks FILE] [--json]`:
//! chat with a flow in the terminal (TOOLING §1).
//!
//! Interactive (a terminal on stdin): the bot's messages are printed, each
//! question waits for a line; `/timeout` makes the pending question time out
//! and `/quit` stops. An action without a mock asks for its result on the
//! terminal (JSON; an empty line makes the call fail). Piped: one reply per
//! line; an unmocked action fails (its `else` runs), except the standard
//! actions, which succeed. `--json` prints one event per line. HTTP actions
//! get the environment variables their `secret("…")` names; values are never
//! printed. Exit 0 when the conversation ends, hands off or waits at the end
//! of the input; 1 when it ends in an error; 2 when the engine refuses a turn
//! (a `--context` or parameters that do not fit, a `/timeout` for a question
//! without one): its message is one line on stderr, in every mode. A file
//! with errors is not run: its diagnostics go to stderr, as `graph`'s do
//! (stdout is the conversation), and the exit status is 1.

import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { lowerProgram } from "@fluxo/compiler";
import { createEngine, type Event, type Turn } from "@fluxo/runtime";
import type { Bundle } from "@fluxo/runtime/bundle";
import pc from "picocolors";
import { shouldColor, type CliContext } from "../context.js";
import { CliError, describeFsError } from "../errors.js";
import { displayPath, statOrUndefined } from "../files.js";
import { reportOf, writeReport } from "../output.js";
import { exitStatus } from "../report.js";
import { renderEvent } from "../test-runner.js";
import { pathToUri, uriToPath, Workspace } from "../workspace.js";

export interface RunSettings {
  file: string;
  flow?: string;
  context?: string;
  mocks?: string;
  json: boolean;
  verbose: boolean;
  /** Lines to read instead of stdin (tests). */
  input?: NodeJS.ReadableStream;
  interactive?: boolean;
}

type MockValue = { fails: true } | { returns: unknown };

/** The longest timeout the engine's timer can wait (2^31 - 1 ms, about 24.8 days; see the runtime's `schedule`). */
export const humanTimeoutMs = 2_147_483_647;

/**
 * The bundle an interactive run's engine runs: a copy of `bundle` in which
 * the actions in `asked` (those whose result is typed on the terminal) get
 * the longest timeout the engine can wait, `humanTimeoutMs`.
 *
 * An action's `timeout` bounds the host's call (LANGUAGE §3.3); the engine
 * races every handler against it. When the handler is a person typing the
 * result as JSON, that bound is not meant for them: with `timeout 1s` the
 * call failed a second after the prompt, whatever they typed. Standing in for
 * the host, the CLI gives the person all the time they need, and only them:
 * mocked, standard and HTTP actions keep their declared timeouts, and so do
 * all actions in piped mode. The copy is used by this run's engine only;
 * nothing is written, and `build` is not affected.
 */
export function bundleForHumans(bundle: Bundle, asked: ReadonlySet<string>): Bundle {
  if (asked.size === 0) return bundle;
  const actions: Bundle["actions"] = {};
  for (const [name, action] of Object.entries(bundle.actions)) {
    actions[name] = asked.has(name) ? { ...action, timeoutMs: Math.max(action.timeoutMs, humanTimeoutMs) } : action;
  }
  return { ...bundle, actions };
}

function parseJsonOption(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
}

function readMocks(file: string, context: CliContext, bundle: Bundle): Map<string, MockValue> {
  const shown = displayPath(file, context.cwd);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${shown}: ${describeFsError(error)}`);
  }
  const json = parseJsonOption(text, shown);
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new CliError(`${shown}: expected an object of action names to results`);
  const mocks = new Map<string, MockValue>();
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (!(name in bundle.actions)) throw new CliError(`${shown}: the flows have no action '${name}'; actions: ${Object.keys(bundle.actions).join(", ")}`);
    const fails = value !== null && typeof value === "object" && !Array.isArray(value) && (value as Record<string, unknown>)["fails"] === true && Object.keys(value).length === 1;
    mocks.set(name, fails ? { fails: true } : { returns: value });
  }
  return mocks;
}

/** Names of the secrets HTTP actions read (`secret("NAME")` with a literal name). */
function secretNames(bundle: Bundle): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (!Array.isArray(node)) return;
    if (node[0] === "fn" && node[1] === "secret" && Array.isArray(node[2]) && node[2][0] === "lit" && typeof node[2][1] === "string") names.add(node[2][1]);
    for (const child of node) visit(child);
  };
  for (const action of Object.values(bundle.actions)) if (action.http) visit([action.http.url, ...action.http.headers.map((h) => h[1]), action.http.body]);
  return [...names];
}

export async function run(settings: RunSettings, context: CliContext): Promise<number> {
  const file = path.resolve(context.cwd, settings.file);
  const shown = displayPath(file, context.cwd);
  const stat = statOrUndefined(file);
  if (!stat) throw new CliError(`${shown}: no such file`);
  if (stat.isDirectory()) throw new CliError(`${shown} is a folder; 'fluxo run' takes the .flow file of the flow to run`);

  const workspace = Workspace.load([settings.file], context.cwd);
  const checked = reportOf(workspace);
  if (exitStatus(checked) !== 0) {
    // On stderr, as `graph` does: stdout is the conversation (with `--json`, one event a line and nothing else).
    writeReport(checked, { paths: [settings.file], format: "pretty", watch: false, verbose: settings.verbose }, { ...context, stdout: context.stderr });
    return 1;
  }
  const loaded = workspace.projects[0]!;
  const root = loaded.project.config?.root ?? context.cwd;
  const bundle = lowerProgram(loaded.program, { sourceName: (uri) => path.relative(root, uriToPath(uri)).split(path.sep).join("/") });

  // The flow: --flow, or the first flow declared in the file.
  const tree = loaded.program.getSourceFile(pathToUri(file));
  const flowsInFile = (tree?.declarations ?? []).flatMap((d) => (d.kind === "Flow" && d.name ? [d.name.text] : []));
  const flowName = settings.flow ?? flowsInFile[0];
  if (flowName === undefined) throw new CliError(`${shown} declares no flow; name one with --flow`);
  const flow = bundle.flows[flowName];
  if (!flow) throw new CliError(`the project has no flow '${flowName}'; flows: ${Object.keys(bundle.flows).join(", ")}`);

  const sessionContext = settings.context !== undefined ? parseJsonOption(settings.context, "--context") : {};
  if (sessionContext === null || typeof sessionContext !== "object" || Array.isArray(sessionContext)) throw new CliError("--context must be a JSON object");
  const mocks = settings.mocks !== undefined ? readMocks(path.resolve(context.cwd, settings.mocks), context, bundle) : new Map<string, MockValue>();

  const interactive = settings.interactive ?? (settings.input === undefined && process.stdin.isTTY === true);
  const input = settings.input ?? process.stdin;
  const lines = readline.createInterface({ input, terminal: false });
  const iterator = lines[Symbol.asyncIterator]();
  const color = !settings.json && shouldColor(context.stdout, context.env, undefined);
  const paint = (f: (s: string) => string) => (s: string) => (color ? f(s) : s);
  const bot = paint(pc.cyan);
  const dim = paint(pc.dim);
  const prompt = async (question: string): Promise<string | undefined> => {
    if (interactive) context.stdout.write(question);
    const next = await iterator.next();
    return next.done ? undefined : next.value;
  };

  const actions: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  /** The actions whose result a person types (see `bundleForHumans`). */
  const asked = new Set<string>();
  for (const [name, action] of Object.entries(bundle.actions)) {
    if (interactive && !mocks.has(name) && !action.http && !action.standard && action.result !== null) asked.add(name);
    if (action.http && !mocks.has(name)) continue;
    actions[name] = async (...all: unknown[]) => {
      const args = all.slice(0, action.params.length);
      const mock = mocks.get(name);
      if (mock) {
        if ("fails" in mock) throw new Error(`mock of ${name} fails`);
        return mock.returns;
      }
      if (action.standard) return null;
      const call = `${name}(${args.map((a) => JSON.stringify(a)).join(", ")})`;
      if (!interactive) throw new Error(`no mock for ${call} (piped mode)`);
      if (action.result === null) return null;
      const answer = await prompt(dim(`  ${call} → result as JSON (empty: the call fails): `));
      if (answer === undefined || answer.trim() === "") throw new Error(`${call} failed (no result given)`);
      try {
        return JSON.parse(answer);
      } catch {
        return answer;
      }
    };
  }
  const secrets: Record<string, string | undefined> = {};
  for (const name of secretNames(bundle)) secrets[name] = context.env[name];

  const engine = createEngine(bundleForHumans(bundle, asked), { actions: actions as never, secrets });

  // Parameters: the flow's required parameters are asked for in interactive mode.
  const params: Record<string, unknown> = {};
  for (const param of flow.params) {
    if ("default" in param) continue;
    if (typeof param.type === "object" && "union" in param.type && param.type.union.includes("null")) continue;
    if (!interactive) throw new CliError(`flow '${flowName}' needs the parameter '${param.name}'; run it on a terminal to be asked for it`);
    const answer = await prompt(dim(`${param.name}: `));
    if (answer === undefined) return 0;
    try {
      params[param.name] = JSON.parse(answer);
    } catch {
      params[param.name] = answer;
    }
  }

  const show = (events: readonly Event[]): void => {
    for (const event of events) {
      if (settings.json) {
        context.stdout.write(`${JSON.stringify(event)}\n`);
        continue;
      }
      switch (event.type) {
        case "say":
          context.stdout.write(`${bot("bot:")} ${event.text}\n`);
          break;
        case "ask":
          context.stdout.write(`${bot("bot:")} ${event.prompt}\n`);
          (event.input.options ?? []).forEach((option, i) => context.stdout.write(`     ${i + 1}. ${option}\n`));
          break;
        default:
          context.stdout.write(`${dim(`[${renderEvent(event)}]`)}\n`);
      }
    }
  };

  try {
    let turn: Turn = await engine.start(flowName, { params, context: sessionContext });
    refuse(turn, `cannot start flow '${flowName}'`);
    show(turn.events);
    while (turn.status === "waiting") {
      const reply = await prompt(interactive ? "you: " : "");
      if (reply === undefined || reply === "/quit") break;
      if (!interactive && !settings.json) context.stdout.write(`${dim("you:")} ${reply}\n`);
      if (reply === "/timeout") {
        turn = await engine.timeout(turn.state);
        refuse(turn, "cannot time out the question");
      } else {
        turn = await engine.reply(turn.state, reply, { context: sessionContext });
        refuse(turn, "cannot apply the reply");
      }
      show(turn.events);
    }
    return turn.status === "error" ? 1 : 0;
  } finally {
    // Also on a refusal: an open reader would keep a terminal's stdin, and the process, alive.
    lines.close();
  }
}

/**
 * Throws the engine's refusal of a turn as a `CliError`: one line on stderr,
 * exit 2 (TOOLING §1). A refused turn ran nothing: what the engine refused is
 * what fluxo was given (a `--context` or parameters that do not fit the
 * declarations, a `/timeout` for a question without one), a usage problem,
 * not a runtime error of the flow (exit 1). Without this, a refused start
 * printed nothing: its turn has no events and status `error`.
 */
function refuse(turn: Turn, doing: string): void {
  if (!turn.error) return;
  const message = turn.error.message.replace(/\s*[\r\n]+\s*/g, " ");
  throw new CliError(`${doing}: ${message}`);
}
