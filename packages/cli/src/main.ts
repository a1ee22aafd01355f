//! The `fluxo` command: parses the command line, dispatches to a command,
//! and turns every failure into an exit status (TOOLING §1).
//!
//! `main` resolves to the exit status instead of calling `process.exit`, so
//! that piped output is flushed before the process ends. Mistakes of the user
//! (`CliError`) print one line, `fluxo: error: …`, and exit 2; anything else
//! is a bug in fluxo and says so, with the stack trace under `--verbose`.

import { parseArgs, type ParsedArgs } from "./args.js";
import { findCommand, outputFormats, type OutputFormat } from "./commands.js";
import { userDirectory, type CliContext } from "./context.js";
import { CliError } from "./errors.js";
import { commandHelp, generalHelp } from "./help.js";
import { version } from "./version.js";

export type { CliContext } from "./context.js";

/** Exit statuses (TOOLING §1). */
export const exitCodes = { ok: 0, diagnostics: 1, usage: 2 } as const;

function processContext(overrides: Partial<CliContext>): CliContext {
  const env = overrides.env ?? process.env;
  if (!overrides.stdout) {
    // A reader that goes away (`fluxo check | head`) is not an error of ours.
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
  return {
    env,
    cwd: overrides.cwd ?? userDirectory(process.cwd(), env),
    stdout: overrides.stdout ?? process.stdout,
    stderr: overrides.stderr ?? process.stderr,
  };
}

/** `--format` and `--pretty` of the commands that print diagnostics (`check`, `build`). */
function diagnosticSettings(args: ParsedArgs): { format: OutputFormat; pretty?: boolean } {
  const format = args.options.get("format");
  const pretty = args.options.get("pretty");
  return {
    format: typeof format === "string" && (outputFormats as readonly string[]).includes(format) ? (format as OutputFormat) : "pretty",
    ...(typeof pretty === "boolean" ? { pretty } : {}),
  };
}

async function dispatch(args: ParsedArgs, context: CliContext): Promise<number> {
  if (args.options.get("version") === true) {
    context.stdout.write(`fluxo ${version()}\n`);
    return exitCodes.ok;
  }
  if (args.command === undefined) {
    context.stdout.write(generalHelp());
    return exitCodes.ok;
  }
  if (args.command === "help") {
    const [topic, ...rest] = args.positionals;
    if (rest.length > 0) throw new CliError("'fluxo help' takes one command name, as in 'fluxo help check'");
    if (topic === undefined) {
      context.stdout.write(generalHelp());
      return exitCodes.ok;
    }
    const command = findCommand(topic);
    if (!command) return dispatch(parseArgs([topic]), context); // reports the unknown command
    context.stdout.write(commandHelp(command));
    return exitCodes.ok;
  }

  const command = findCommand(args.command)!;
  if (args.options.get("help") === true) {
    context.stdout.write(commandHelp(command));
    return exitCodes.ok;
  }
  if (!command.available) {
    throw new CliError(`'fluxo ${command.name}' is not available yet in fluxo ${version()}; this version has 'fluxo check'`);
  }

  switch (command.name) {
    case "check": {
      // Loaded on demand: the compiler takes a moment to load, and help,
      // --version and usage errors should not wait for it.
      const { check } = await import("./commands/check.js");
      return check(
        {
          paths: args.positionals,
          ...diagnosticSettings(args),
          watch: args.options.get("watch") === true,
          verbose: args.options.get("verbose") === true,
        },
        context,
      );
    }
    case "build": {
      const { build } = await import("./commands/build.js");
      const out = args.options.get("out");
      return build(
        {
          paths: args.positionals,
          target: args.options.get("target") === "ts" ? "ts" : "json",
          ...(typeof out === "string" ? { out } : {}),
          ...diagnosticSettings(args),
          watch: args.options.get("watch") === true,
          verbose: args.options.get("verbose") === true,
        },
        context,
      );
    }
    case "test": {
      const { test } = await import("./commands/test.js");
      const bundle = args.options.get("bundle");
      return test(
        {
          paths: args.positionals,
          coverage: args.options.get("coverage") === true,
          ...(typeof bundle === "string" ? { bundle } : {}),
          watch: args.options.get("watch") === true,
          verbose: args.options.get("verbose") === true,
        },
        context,
      );
    }
    case "run": {
      const { run } = await import("./commands/run.js");
      const [file, ...rest] = args.positionals;
      if (file === undefined) throw new CliError("'fluxo run' needs a .flow file, as in 'fluxo run flows/faq.flow'");
      if (rest.length > 0) throw new CliError(`'fluxo run' takes one file; found also ${rest.join(", ")}`);
      const option = (name: string): string | undefined => {
        const value = args.options.get(name);
        return typeof value === "string" ? value : undefined;
      };
      const flow = option("flow");
      const runContext = option("context");
      const mocks = option("mocks");
      return run(
        {
          file,
          ...(flow !== undefined ? { flow } : {}),
          ...(runContext !== undefined ? { context: runContext } : {}),
          ...(mocks !== undefined ? { mocks } : {}),
          json: args.options.get("json") === true,
          verbose: args.options.get("verbose") === true,
        },
        context,
      );
    }
    case "graph": {
      const { graph } = await import("./commands/graph.js");
      const [file, ...rest] = args.positionals;
      if (file === undefined) throw new CliError("'fluxo graph' needs a .flow file, as in 'fluxo graph flows/faq.flow'");
      if (rest.length > 0) throw new CliError(`'fluxo graph' takes one file; found also ${rest.join(", ")}`);
      const flow = args.options.get("flow");
      return graph(
        {
          file,
          ...(typeof flow === "string" ? { flow } : {}),
          format: args.options.get("format") === "dot" ? "dot" : "mermaid",
        },
        context,
      );
    }
    case "diff": {
      const { diff } = await import("./commands/diff.js");
      const [previous, next, ...rest] = args.positionals;
      if (previous === undefined || next === undefined) throw new CliError("'fluxo diff' needs two bundles, as in 'fluxo diff old/flows.json dist/flows.json'");
      if (rest.length > 0) throw new CliError(`'fluxo diff' takes two bundles; found also ${rest.join(", ")}`);
      return diff({ previous, next, json: args.options.get("json") === true }, context);
    }
    case "lsp": {
      const { lsp } = await import("./commands/lsp.js");
      return lsp({ stdio: args.options.get("stdio") === true, positionals: args.positionals });
    }
    case "fmt": {
      const { fmt } = await import("./commands/fmt.js");
      return fmt(
        { paths: args.positionals, check: args.options.get("check") === true, verbose: args.options.get("verbose") === true },
        context,
      );
    }
    default:
      throw new Error(`command '${command.name}' is marked available but has no implementation`);
  }
}

/**
 * Runs `fluxo` with the given arguments (without the node and script paths)
 * and resolves to the exit status. `overrides` replace parts of the process
 * (folder, environment, streams) for tests.
 */
export async function main(argv: readonly string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const context = processContext(overrides);
  const verbose = argv.includes("--verbose");
  try {
    return await dispatch(parseArgs(argv), context);
  } catch (error) {
    if (error instanceof CliError) {
      context.stderr.write(`fluxo: error: ${error.message}\n`);
      if (verbose && error.stack) context.stderr.write(`${error.stack}\n`);
      return exitCodes.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(
      `fluxo: internal error: ${message.split("\n")[0]} (this is a bug in fluxo${verbose ? "" : "; run with --verbose for the stack trace"})\n`,
    );
    if (verbose && error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
    return exitCodes.usage;
  }
}
