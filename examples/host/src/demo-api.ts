//! A stand-in for the store's order API (`https://api.loja.example`), which
//! the HTTP action `buscarPedido` of rastreio.flow calls. The runtime makes
//! the request through the `fetch` the host gives it, so the demo answers it
//! here; set `DEMO_API=0` to use the real network instead.

import type { FetchLike } from "@fluxo/sdk";

const orders: Record<string, object> = {
  "123456": { id: "123456", status: "enviado", previsaoEntrega: "28/11", transportadora: "Correios", codigoRastreio: "BR123456789BR" },
  "654321": { id: "654321", status: "entregue", previsaoEntrega: null, transportadora: "Loggi", codigoRastreio: null },
  "111111": { id: "111111", status: "em_separacao", previsaoEntrega: null, transportadora: null, codigoRastreio: null },
};

/** A `fetch` that serves the demo order API and refuses everything else. */
export function demoFetch(): FetchLike {
  return async (url, init) => {
    const match = /^https:\/\/api\.loja\.example\/pedidos\/([^/?#]+)$/.exec(url);
    if (!match) throw new Error(`demo: no network access to ${url}`);
    const authorized = /^Bearer .+/.test(init.headers["authorization"] ?? init.headers["Authorization"] ?? "");
    const order = orders[decodeURIComponent(match[1]!)];
    const status = !authorized ? 401 : order ? 200 : 404;
    const body = JSON.stringify(status === 200 ? order : { error: status === 401 ? "unauthorized" : "not found" });
    return {
      status,
      headers: { get: (name: string) => (name.toLowerCase() === "content-type" ? "application/json" : null) },
      body: null,
      text: async () => body,
    };
  };
}
