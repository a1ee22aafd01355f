//! The table of `fluxo` commands and their options (TOOLING §1).
//!
//! One description drives argument parsing (`args.ts`) and the help texts
//! (`help.ts`), so the two cannot disagree. Commands the toolchain does not
//! implement yet are listed with `available: false`: they have help, and
//! running them says plainly that they are not there yet.

/** How an option takes its value. */
export type OptionKind =
  /** `--watch`: no value. */
  | "flag"
  /** `--pretty true`, `--pretty=false`: a boolean, always written out. */
  | "boolean"
  /** `--format json`: one of `choices`. */
  | "choice"
  /** `--out dist`: any text (a path, a name, JSON). */
  | "value";

export interface OptionSpec {
  name: string;
  short?: string;
  kind: OptionKind;
  choices?: readonly string[];
  /** Shown in help after the option name, e.g. `pretty|json|github`. */
  valueHint?: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** Options besides the global ones. */
  options: readonly OptionSpec[];
  /** False for commands of the contract that this version does not implement yet. */
  available: boolean;
}

/** Options every command accepts. */
export const globalOptions: readonly OptionSpec[] = [
  { name: "help", short: "h", kind: "flag", description: "show help" },
  { name: "version", short: "v", kind: "flag", description: "print the version of fluxo" },
  { name: "verbose", kind: "flag", description: "print project details and timings on stderr, and stack traces of failures" },
];

export const outputFormats = ["pretty", "json", "github"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/**
 * The options of the commands that print diagnostics (`check`, `build`;
 * TOOLING §1 gives the formats for diagnostics, not for one command), so the
 * two accept and describe them alike.
 */
const diagnosticOptions: readonly OptionSpec[] = [
  {
    name: "format",
    kind: "choice",
    choices: outputFormats,
    valueHint: outputFormats.join("|"),
    description: "pretty (default): messages with code frames; json: one JSON array on stdout; github: GitHub Actions annotations",
  },
  {
    name: "pretty",
    kind: "boolean",
    valueHint: "true|false",
    description: "colours: default on a terminal; false never; true also when piped (NO_COLOR still wins)",
  },
];

export const commands: readonly CommandSpec[] = [
  {
    name: "check",
    usage: "fluxo check [paths…] [--format pretty|json|github] [--pretty true|false] [--watch]",
    summary: "parse and type-check; print diagnostics",
    available: true,
    options: [...diagnosticOptions, { name: "watch", short: "w", kind: "flag", description: "check again whenever a file of the project changes" }],
  },
  {
    name: "build",
    usage: "fluxo build [paths…] [--target json|ts] [--out DIR] [--format pretty|json|github] [--pretty true|false] [--watch]",
    summary: "check, then write the bundle DIR/flows.json or module DIR/flows.ts",
    available: true,
    options: [
      { name: "target", kind: "choice", choices: ["json", "ts"], valueHint: "json|ts", description: "json (default): DIR/flows.json; ts: DIR/flows.ts" },
      { name: "out", kind: "value", valueHint: "DIR", description: "output folder (default: outDir of fluxo.json, else ./dist)" },
      ...diagnosticOptions,
      { name: "watch", short: "w", kind: "flag", description: "build again whenever a file of the project changes" },
    ],
  },
  {
    name: "fmt",
    usage: "fluxo fmt [paths…] [--check]",
    summary: "format files in place; --check lists unformatted files",
    available: true,
    options: [
      { name: "check", kind: "flag", description: "rewrite nothing: list the files that are not formatted, exit 1 if there are any" },
    ],
  },
  {
    name: "run",
    usage: "fluxo run FILE [--flow NAME] [--context JSON] [--mocks FILE] [--json]",
    summary: "chat with a flow in the terminal",
    available: true,
    options: [
      { name: "flow", kind: "value", valueHint: "NAME", description: "the flow to run (default: the first flow of FILE)" },
      { name: "context", kind: "value", valueHint: "JSON", description: "the contact's context, as a JSON object" },
      { name: "mocks", kind: "value", valueHint: "FILE", description: 'JSON results of actions: { "getOrder": { … } } or { "getOrder": { "fails": true } }' },
      { name: "json", kind: "flag", description: "print one event per line as JSON" },
    ],
  },
  {
    name: "test",
    usage: "fluxo test [paths…] [--coverage] [--bundle FILE] [--watch]",
    summary: "run test blocks",
    available: true,
    options: [
      { name: "coverage", kind: "flag", description: "list, per flow, the statements and options no test reached" },
      { name: "bundle", kind: "value", valueHint: "FILE", description: "run the tests against a bundle written by 'fluxo build' (default: compile in memory)" },
      { name: "watch", short: "w", kind: "flag", description: "run the tests again whenever a file of the project changes" },
    ],
  },
  {
    name: "graph",
    usage: "fluxo graph FILE [--flow NAME] [--format mermaid|dot]",
    summary: "print a flow as a diagram",
    available: true,
    options: [
      { name: "flow", kind: "value", valueHint: "NAME", description: "the flow to draw (default: every flow of the file)" },
      { name: "format", kind: "choice", choices: ["mermaid", "dot"], valueHint: "mermaid|dot", description: "mermaid (default) or Graphviz dot" },
    ],
  },
  {
    name: "diff",
    usage: "fluxo diff OLD.json NEW.json [--json]",
    summary: "list the steps and variables a redeploy to a new bundle would drop",
    available: true,
    options: [{ name: "json", kind: "flag", description: "print the result as one JSON object" }],
  },
  {
    name: "lsp",
    usage: "fluxo lsp --stdio",
    summary: "start the language server",
    available: true,
    options: [{ name: "stdio", kind: "flag", description: "speak LSP on stdin and stdout (the only transport)" }],
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return commands.find((command) => command.name === name);
}
