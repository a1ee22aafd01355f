//! Starts the example webhook service: `pnpm --filter @fluxo/example-host
//! build && pnpm --filter @fluxo/example-host start` (see README.md).
//!
//! Environment: PORT (default 3000), VERIFY_TOKEN (the Cloud API handshake),
//! APP_SECRET (check X-Hub-Signature-256), PEDIDOS_TOKEN (the order API's
//! token, default "demo-token"), DEMO_API=0 (call the real order API instead
//! of the built-in stand-in), TICK_SECONDS (how often timeouts run, default 15).

import { createApp } from "./app.js";
import { demoFetch } from "./demo-api.js";
import flows from "./generated/flows.js";

const env = process.env;
const port = Number(env["PORT"] ?? 3000);
const app = createApp(flows, {
  secrets: { PEDIDOS_TOKEN: env["PEDIDOS_TOKEN"] ?? "demo-token" },
  ...(env["DEMO_API"] === "0" ? {} : { fetch: demoFetch() }),
  ...(env["VERIFY_TOKEN"] !== undefined ? { verifyToken: env["VERIFY_TOKEN"] } : {}),
  ...(env["APP_SECRET"] !== undefined ? { appSecret: env["APP_SECRET"] } : {}),
  log: (line) => console.log(line),
});

const tickSeconds = Number(env["TICK_SECONDS"] ?? 15);
setInterval(() => {
  app.tick().then(
    (messages) => messages.forEach((message) => console.log(`timeout → would send ${JSON.stringify(message)}`)),
    (error: unknown) => console.error("tick failed:", error),
  );
}, tickSeconds * 1000).unref();

app.server.listen(port, () => {
  console.log(`Fluxo example host on http://localhost:${port} (bundle ${flows.bundle.version})`);
});
