import { describe, expect, test } from "vitest";
import { parseArgs } from "./args.js";

const parsed = (argv: string[]) => {
  const result = parseArgs(argv);
  return { command: result.command, positionals: result.positionals, options: Object.fromEntries(result.options) };
};

describe("parseArgs", () => {
  test("a command with paths and options in any order", () => {
    expect(parsed(["check", "a.flow", "--format", "json", "flows", "-w", "--pretty=false"])).toEqual({
      command: "check",
      positionals: ["a.flow", "flows"],
      options: { format: "json", watch: true, pretty: false },
    });
  });

  test("--format=value and --pretty value", () => {
    expect(parsed(["check", "--format=github", "--pretty", "true"]).options).toEqual({ format: "github", pretty: true });
  });

  test("global options before the command", () => {
    expect(parsed(["--verbose", "check"])).toEqual({ command: "check", positionals: [], options: { verbose: true } });
    expect(parsed(["-v"]).options).toEqual({ version: true });
    expect(parsed([])).toEqual({ command: undefined, positionals: [], options: {} });
  });

  test("after --, everything is a path", () => {
    expect(parsed(["check", "--", "--watch", "-x"]).positionals).toEqual(["--watch", "-x"]);
  });

  test("help takes a command name", () => {
    expect(parsed(["help", "check"])).toEqual({ command: "help", positionals: ["check"], options: {} });
  });

  test("value options take the next argument as their value", () => {
    expect(parsed(["run", "a.flow", "--flow", "x", "--context", '{"a":1}', "-h"])).toEqual({
      command: "run",
      positionals: ["a.flow"],
      options: { flow: "x", context: '{"a":1}', help: true },
    });
  });

  test.each([
    [["chek"], "unknown command 'chek' (did you mean 'check'?); run 'fluxo --help' for the list of commands"],
    [["frobnicate"], "unknown command 'frobnicate'; run 'fluxo --help' for the list of commands"],
    [["check", "--fomat", "json"], "unknown option '--fomat' for 'fluxo check' (did you mean '--format'?)"],
    [["check", "-q"], "unknown option '-q' for 'fluxo check'"],
    [["--watch"], "option '--watch' goes after the command, as in 'fluxo check --watch …'"],
    [["check", "--format"], "option '--format' needs a value: pretty, json or github"],
    [["check", "--format", "--watch"], "option '--format' needs a value: pretty, json or github"],
    [["check", "--format", "jsno"], "invalid value 'jsno' for option '--format': expected pretty, json or github (did you mean 'json'?)"],
    [["check", "--pretty"], "option '--pretty' needs a value: true or false"],
    [["check", "--pretty=yes"], "invalid value 'yes' for option '--pretty': expected true or false"],
    [["check", "--watch=true"], "option '--watch' does not take a value"],
  ])("%j is a mistake", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
