//! Entry point of the bundled browser worker (`dist/browser-worker.js`).

import { startWorkerServer } from "./browser.js";

startWorkerServer();
