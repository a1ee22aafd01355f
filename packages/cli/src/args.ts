//! Command-line parsing: `fluxo [global options] <command> [options] [args]`.
//!
//! Hand-written rather than `node:util` `parseArgs`, so that every mistake
//! gets a short message naming the option, the command and the likely typo
//! (`unknown option '--fomat' for 'fluxo check' (did you mean '--format'?)`).

import { commands, findCommand, globalOptions, type CommandSpec, type OptionSpec } from "./commands.js";
import { CliError } from "./errors.js";
import { didYouMean } from "./suggest.js";

/** The command line, parsed. Option values are keyed by the option's long name. */
export interface ParsedArgs {
  /** The command as typed (`check`, `help`, …), or undefined when none was given. */
  command?: string;
  positionals: string[];
  options: Map<string, string | boolean>;
}

/** The words a command accepts in the command position. */
const commandNames = ["help", ...commands.map((command) => command.name)];

function optionLabel(spec: OptionSpec): string {
  return `--${spec.name}`;
}

function listChoices(choices: readonly string[]): string {
  if (choices.length <= 1) return choices.join("");
  return `${choices.slice(0, -1).join(", ")} or ${choices[choices.length - 1]}`;
}

function context(command: CommandSpec | undefined): string {
  return command ? ` for 'fluxo ${command.name}'` : "";
}

/** Parses `argv` (without the node and script paths). Throws `CliError` on a mistake. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const result: ParsedArgs = { positionals: [], options: new Map() };
  let command: CommandSpec | undefined;
  let onlyPositionals = false;

  const specs = (): readonly OptionSpec[] => (command ? [...globalOptions, ...command.options] : globalOptions);

  const setCommand = (word: string): void => {
    if (word === "help") {
      result.command = word;
      return;
    }
    const found = findCommand(word);
    if (!found) {
      throw new CliError(`unknown command '${word}'${didYouMean(word, commandNames)}; run 'fluxo --help' for the list of commands`);
    }
    result.command = word;
    command = found;
  };

  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;

    if (onlyPositionals || token === "-" || !token.startsWith("-")) {
      if (result.command === undefined) setCommand(token);
      else result.positionals.push(token);
      continue;
    }
    if (token === "--") {
      onlyPositionals = true;
      continue;
    }

    // A command of a later version: its options are not known yet, so only
    // `--help` is looked for; running it reports that it is not available.
    if (command && !command.available) {
      if (token === "--help" || token === "-h") result.options.set("help", true);
      else result.positionals.push(token);
      continue;
    }

    const long = token.startsWith("--");
    const equals = long ? token.indexOf("=") : -1;
    const name = long ? token.slice(2, equals === -1 ? undefined : equals) : token.slice(1);
    const inlineValue = equals === -1 ? undefined : token.slice(equals + 1);
    const spec = specs().find((candidate) => (long ? candidate.name === name : candidate.short === name));

    if (!spec) {
      const shown = long ? `--${name}` : token;
      if (!command && long && commands.some((c) => c.options.some((o) => o.name === name))) {
        throw new CliError(`option '${shown}' goes after the command, as in 'fluxo check ${shown} …'`);
      }
      const known = specs().flatMap((candidate) => [`--${candidate.name}`]);
      throw new CliError(`unknown option '${shown}'${context(command)}${didYouMean(shown, known)}`);
    }

    switch (spec.kind) {
      case "flag":
        if (inlineValue !== undefined) throw new CliError(`option '${optionLabel(spec)}' does not take a value`);
        result.options.set(spec.name, true);
        break;
      case "boolean":
      case "choice": {
        const choices = spec.kind === "boolean" ? ["true", "false"] : (spec.choices ?? []);
        let value = inlineValue;
        if (value === undefined) {
          const next = argv[i + 1];
          if (next === undefined || next.startsWith("-")) {
            throw new CliError(`option '${optionLabel(spec)}' needs a value: ${listChoices(choices)}`);
          }
          value = next;
          i++;
        }
        if (!choices.includes(value)) {
          throw new CliError(
            `invalid value '${value}' for option '${optionLabel(spec)}': expected ${listChoices(choices)}${didYouMean(value, choices)}`,
          );
        }
        result.options.set(spec.name, spec.kind === "boolean" ? value === "true" : value);
        break;
      }
      case "value": {
        let value = inlineValue;
        if (value === undefined) {
          const next = argv[i + 1];
          if (next === undefined || (next.startsWith("-") && next !== "-")) {
            throw new CliError(`option '${optionLabel(spec)}' needs a value${spec.valueHint ? `: ${spec.valueHint}` : ""}`);
          }
          value = next;
          i++;
        }
        result.options.set(spec.name, value);
        break;
      }
      default: {
        const unreachable: never = spec.kind;
        throw new Error(`unknown option kind ${String(unreachable)}`);
      }
    }
  }
  return result;
}
