//! The benchmark workloads have the shape the benchmarks assume: a fixed
//! number of lines per step, a chain s1 → … → sN that ends the conversation,
//! a flow that the Fluxo parser reads without a diagnostic, and an ink story
//! that inkjs compiles and that tells the same conversation.
//! Small sizes only, so the test stays fast and deterministic.

import { describe, expect, it } from "vitest";
import { Compiler, Story } from "inkjs/full";
import { parse } from "@fluxo/compiler";
import {
  FLOW_HEADER_LINES,
  FLOW_LINES_PER_STEP,
  INK_HEADER_LINES,
  INK_LINES_PER_STEP,
  countLines,
  generateFlow,
  generateInk,
  stepsForLines,
} from "./generate.mjs";

const N = 5;

/** The text of each `step sI { … }` of a generated flow, keyed by step name. */
function stepsOf(flow: string): Map<string, string[]> {
  const steps = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of flow.split("\n")) {
    const header = /^ {4}step (s\d+) \{$/.exec(line);
    if (header) steps.set(header[1]!, (current = []));
    if (current) current.push(line);
    if (line === "    }") current = undefined;
  }
  return steps;
}

describe("generateFlow", () => {
  const flow = generateFlow(N);

  it("is deterministic", () => {
    expect(generateFlow(N)).toBe(flow);
  });

  it("has a header, N steps of FLOW_LINES_PER_STEP lines, and a closing brace", () => {
    expect(countLines(flow)).toBe(FLOW_HEADER_LINES + N * FLOW_LINES_PER_STEP + 1);
    const steps = stepsOf(flow);
    expect([...steps.keys()]).toEqual(["s1", "s2", "s3", "s4", "s5"]);
    // Each step is its lines plus the blank line before it.
    for (const lines of steps.values()) expect(lines.length + 1).toBe(FLOW_LINES_PER_STEP);
    expect(flow.endsWith("\n}\n")).toBe(true);
  });

  it("starts the flow at s1 with a counter, and chains each step to the next", () => {
    expect(flow).toContain("flow bench {\n    trigger start\n    var counter: integer = 0\n    goto s1\n");
    const s1 = stepsOf(flow).get("s1")!.join("\n");
    expect(s1).toContain('say "Passo {counter}: ');
    expect(s1).toContain("set counter = counter + 1");
    expect(s1).toContain("if counter % 2 == 0 {");
    expect(s1.match(/=> (?:\{ say "[^"]*"; )?goto s2/g)).toHaveLength(3);
  });

  it("ends the conversation in the last step instead of jumping on", () => {
    const last = stepsOf(flow).get(`s${N}`)!.join("\n");
    expect(last).not.toContain("goto");
    expect(last.match(/=> (?:\{ say "[^"]*"; )?end\b/g)).toHaveLength(3);
  });

  it("parses with zero diagnostics into one context and one flow of N steps", () => {
    const { file, diagnostics } = parse(flow, "bench.flow");
    expect(diagnostics).toEqual([]);
    expect(file.declarations.map((d) => d.kind)).toEqual(["Context", "Flow"]);
    const bench = file.declarations[1];
    expect(bench?.kind === "Flow" && bench.steps.map((step) => step.name?.text)).toEqual(["s1", "s2", "s3", "s4", "s5"]);
  });

  it("reaches the parse benchmark's 40k lines", () => {
    expect(countLines(generateFlow(stepsForLines(40_000)))).toBeGreaterThanOrEqual(40_000);
  });
});

describe("generateInk", () => {
  const ink = generateInk(N);

  it("has a header and N knots of INK_LINES_PER_STEP lines", () => {
    expect(countLines(ink)).toBe(INK_HEADER_LINES + N * INK_LINES_PER_STEP);
    expect(ink.match(/^=== s\d+ ===$/gm)).toEqual(["=== s1 ===", "=== s2 ===", "=== s3 ===", "=== s4 ===", "=== s5 ==="]);
  });

  it("compiles with inkjs without errors or warnings, and plays the same conversation", () => {
    const compiler = new Compiler(ink);
    const story = new Story(compiler.Compile().ToJson()!);
    expect(compiler.errors).toEqual([]);
    expect(compiler.warnings).toEqual([]);

    const transcript: string[] = [];
    for (let step = 1; step <= N; step++) {
      transcript.push(story.ContinueMaximally().trim());
      expect(story.currentChoices.map((choice: { text: string }) => choice.text)).toEqual(["A", "B", "C"]);
      story.ChooseChoiceIndex(2); // "C" says something before moving on
    }
    transcript.push(story.ContinueMaximally().trim());
    expect(story.canContinue).toBe(false);
    expect(story.currentChoices).toEqual([]);

    expect(transcript[0]).toBe(
      "Passo 0: olá, Ana! Esta é a etapa 1 de 5.\nO contador 1 é ímpar.\nEtapa 1: qual caminho você prefere?",
    );
    expect(transcript[1]).toBe(
      "Você escolheu C na etapa 1.\nPasso 1: olá, Ana! Esta é a etapa 2 de 5.\nO contador 2 é par.\nEtapa 2: qual caminho você prefere?",
    );
    expect(transcript[N]).toBe("Você escolheu C na etapa 5.");
  });
});
