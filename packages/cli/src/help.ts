//! Help texts, generated from the command table so they list exactly the
//! options the parser accepts.

import { commands, globalOptions, type CommandSpec, type OptionSpec } from "./commands.js";
import { version } from "./version.js";

function optionRows(options: readonly OptionSpec[]): string[] {
  const left = options.map((option) => {
    const short = option.short ? `-${option.short}, ` : "    ";
    const value = option.valueHint ? ` ${option.valueHint}` : "";
    return `  ${short}--${option.name}${value}`;
  });
  const width = Math.max(...left.map((text) => text.length)) + 2;
  return left.map((text, i) => `${text.padEnd(width)}${options[i]!.description}`);
}

/** `fluxo --help`. */
export function generalHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length)) + 2;
  return [
    `fluxo ${version()}: the Fluxo toolchain for .flow conversation flows`,
    "",
    "Usage: fluxo <command> [options] [paths…]",
    "",
    "Commands:",
    ...commands.map(
      (command) => `  ${command.name.padEnd(width)}${command.summary}${command.available ? "" : " (not available yet)"}`,
    ),
    "",
    "Global options:",
    ...optionRows(globalOptions),
    "",
    "Run 'fluxo help <command>' for the options of a command.",
    "",
  ].join("\n");
}

/** `fluxo help check`, `fluxo check --help`. */
export function commandHelp(command: CommandSpec): string {
  const lines = [`Usage: ${command.usage}`, "", `${command.summary[0]!.toUpperCase()}${command.summary.slice(1)}.`];
  if (!command.available) {
    lines.push("", `Not available yet in fluxo ${version()}.`);
  } else {
    if (command.name === "check" || command.name === "build" || command.name === "fmt") {
      lines.push(
        "",
        "A path is a .flow file or a folder (every .flow file below it). The project of a",
        "path is found by searching upward for fluxo.json; no path means the project of",
        "the current folder.",
      );
    }
    if (command.options.length > 0) lines.push("", "Options:", ...optionRows(command.options));
    lines.push("", "Global options:", ...optionRows(globalOptions));
    if (command.name === "check") lines.push("", "Exit status: 0 no errors (warnings allowed), 1 errors, 2 usage or I/O problem.");
    if (command.name === "build") {
      lines.push(
        "",
        "Diagnostics print as 'fluxo check' prints them. With --format json, stdout holds",
        "only the JSON array ([] when there are none); the summary and the 'Wrote …' lines",
        "go to stderr. Exit status as check: 0 written (warnings allowed), 1 errors",
        "(nothing written), 2 usage or I/O problem.",
      );
    }
    if (command.name === "diff") {
      lines.push(
        "",
        "Steps (and flows) the new bundle lacks: sessions waiting there would be refused.",
        "Variables no longer declared, or whose type changed: moved sessions would lose",
        "them. Exit status: 0 nothing would be dropped, 1 something would, 2 usage or a",
        "file that is not a valid bundle.",
      );
    }
    if (command.name === "fmt") {
      lines.push(
        "",
        "Files with syntax errors are left as they are. Exit status: 0 done (or, with --check,",
        "all formatted), 1 unformatted files found or a file could not be formatted, 2 usage",
        "or I/O problem.",
      );
    }
  }
  lines.push("");
  return lines.join("\n");
}
