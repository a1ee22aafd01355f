// Generates src/generated/flows.ts from the example flows (examples/*.flow)
// with `fluxo build --target ts`. Paths are absolute, so the result does not
// depend on the folder pnpm was started from (fluxo resolves relative paths
// against INIT_CWD when a package manager runs it).
import { fileURLToPath } from "node:url";
import { main } from "@fluxo/cli";

const examples = fileURLToPath(new URL("../../", import.meta.url));
const out = fileURLToPath(new URL("../src/generated/", import.meta.url));
process.exitCode = await main(["build", examples, "--target", "ts", "--out", out]);
