import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { discoverProjects, isInScope, isWithin, listProjectFiles } from "./project.js";

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "fluxo-project-")));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function write(relative: string, text = 'flow x {\n    say "x"\n}\n'): string {
  const file = path.join(root, relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

write("app/fluxo.json", '{ "include": ["flows", "shared/common.flow"], "locale": "es" }');
write("app/flows/a.flow");
write("app/flows/deep/b.flow");
write("app/shared/common.flow");
write("app/shared/other.flow");
write("app/scratch/c.flow");
write("app/flows/node_modules/x/d.flow");
write("app/flows/.git/e.flow");
write("loose/l.flow");
write("loose/empty/readme.txt", "");

const relative = (files: string[]) => files.map((file) => path.relative(root, file));

describe("isWithin", () => {
  test("itself and below, not beside", () => {
    expect(isWithin("/a/b/c.flow", "/a/b")).toBe(true);
    expect(isWithin("/a/b", "/a/b")).toBe(true);
    expect(isWithin("/a/bc/d.flow", "/a/b")).toBe(false);
    expect(isWithin("/a/..b/d.flow", "/a")).toBe(true);
    expect(isWithin("/x.flow", "/a")).toBe(false);
  });
});

describe("discoverProjects", () => {
  test("the project folder: its include entries, all reported", () => {
    const [project, ...rest] = discoverProjects(["app"], root);
    expect(rest).toEqual([]);
    expect(project!.options).toEqual({ locale: "es", timeZone: "UTC" });
    expect(project!.scope).toBeUndefined();
    expect(relative(listProjectFiles(project!, root).files)).toEqual([
      "app/flows/a.flow",
      "app/flows/deep/b.flow",
      "app/shared/common.flow",
    ]);
  });

  test("a folder below the project: the whole project, reported below the folder", () => {
    const [project] = discoverProjects(["deep"], path.join(root, "app/flows"));
    const files = listProjectFiles(project!, root).files;
    expect(files).toHaveLength(3);
    expect(relative(files.filter((file) => isInScope(project!, file)))).toEqual(["app/flows/deep/b.flow"]);
  });

  test("a named file outside include joins the project", () => {
    const [project] = discoverProjects(["app/scratch/c.flow"], root);
    expect(relative(listProjectFiles(project!, root).files)).toContain("app/scratch/c.flow");
    expect(isInScope(project!, path.join(root, "app/flows/a.flow"))).toBe(false);
  });

  test("no fluxo.json: the named paths with the defaults; node_modules and dot-folders skipped", () => {
    const projects = discoverProjects(["loose", "app/flows/node_modules/x/d.flow"], root);
    expect(projects.map((project) => project.config?.path)).toEqual([undefined, path.join(root, "app/fluxo.json")]);
    expect(projects[0]!.options).toEqual({ locale: "en", timeZone: "UTC" });
    expect(relative(listProjectFiles(projects[0]!, root).files)).toEqual(["loose/l.flow"]);
    // Named explicitly, a file under node_modules is taken.
    expect(relative(listProjectFiles(projects[1]!, root).files)).toContain("app/flows/node_modules/x/d.flow");
    expect(relative(listProjectFiles(projects[1]!, root).files)).not.toContain("app/flows/.git/e.flow");
  });

  test("mistakes", () => {
    expect(() => discoverProjects(["nope"], root)).toThrow("'nope' does not exist");
    expect(() => discoverProjects(["loose/empty/readme.txt"], root)).toThrow("'loose/empty/readme.txt' is not a .flow file");
    const [empty] = discoverProjects(["loose/empty"], root);
    expect(() => listProjectFiles(empty!, root)).toThrow("no .flow files in 'loose/empty'");
    const [current] = discoverProjects([], path.join(root, "loose/empty"));
    expect(() => listProjectFiles(current!, root)).toThrow(/^no \.flow files in the current folder \(.*\) and no fluxo\.json above it$/);
  });
});
