//! The host's side of the example flows: one handler per host action, typed
//! by the generated module (a missing or mistyped handler does not compile).
//! A demo: the catalog, orders and CRM live in memory; a real host would
//! call its store's APIs here, passing `signal` (the action's timeout) and
//! `idempotencyKey` (exactly-once side effects) along.

import type { ActionHandlers } from "@fluxo/sdk";
import type { Categoria, FlowsSpec, Pedido, Produto } from "./generated/flows.js";

const catalog: Record<Categoria, Produto[]> = {
  Roupas: [
    { sku: "CAM-001", nome: "Camiseta Básica", preco: 59.9, foto: "https://cdn.loja.example/produtos/cam-001.jpg", tamanhos: ["P", "M", "G"] },
    { sku: "BER-014", nome: "Bermuda de Sarja", preco: 129.9, foto: "https://cdn.loja.example/produtos/ber-014.jpg", tamanhos: ["M", "G"] },
  ],
  Calçados: [{ sku: "TEN-210", nome: "Tênis de Corrida", preco: 349.9, foto: "https://cdn.loja.example/produtos/ten-210.jpg", tamanhos: [] }],
  Acessórios: [{ sku: "BON-007", nome: "Boné Aba Curva", preco: 79.9, foto: "https://cdn.loja.example/produtos/bon-007.jpg", tamanhos: [] }],
};

/** What the demo's CRM and order system remember, by contact (session id). */
export class DemoCrm {
  readonly tags = new Map<string, Set<string>>();
  readonly lists = new Map<string, Set<string>>();
  readonly fields = new Map<string, Map<string, string>>();
  readonly orders = new Map<string, Pedido>();
  readonly ratings: { pedidoId: string; nota: number; comentario: string | null }[] = [];
  readonly tickets: string[] = [];
  /** Results of calls already made, by idempotency key: a retried call gets the same result. */
  private readonly done = new Map<string, unknown>();

  once<T>(key: string, effect: () => T): T {
    if (this.done.has(key)) return this.done.get(key) as T;
    const result = effect();
    this.done.set(key, result);
    return result;
  }
}

function setOf<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

/** The handlers of the example flows' host actions. */
export function demoActions(crm: DemoCrm): ActionHandlers<FlowsSpec> {
  return {
    tag: (name, { session }) => void setOf(crm.tags, session.id).add(name),
    addToList: (list, { session }) => void setOf(crm.lists, list).add(session.id),
    removeFromList: (list, { session }) => void setOf(crm.lists, list).delete(session.id),
    setField: (name, value, { session }) => {
      const fields = crm.fields.get(session.id) ?? new Map<string, string>();
      crm.fields.set(session.id, fields.set(name, value));
    },
    buscarProdutos: async (categoria, precoMaximo) => catalog[categoria].filter((p) => p.preco <= precoMaximo),
    criarPedido: async (telefone, sku, _tamanho, quantidade, { idempotencyKey }) =>
      crm.once(idempotencyKey, () => {
        const product = Object.values(catalog)
          .flat()
          .find((p) => p.sku === sku);
        const id = String(100_000 + crm.orders.size + 1);
        const total = Math.round((product?.preco ?? 0) * quantidade * 100) / 100;
        crm.orders.set(id, { id, status: "aguardando_pagamento", previsaoEntrega: null, transportadora: null, codigoRastreio: null });
        crm.orders.set(`last:${telefone}`, crm.orders.get(id)!);
        return { id, total, linkPagamento: `https://pag.loja.example/p/${id}` };
      }),
    ultimoPedido: async (telefone) => crm.orders.get(`last:${telefone}`) ?? null,
    registrarAvaliacao: async (pedidoId, nota, comentario, { idempotencyKey }) =>
      crm.once(idempotencyKey, () => void crm.ratings.push({ pedidoId, nota, comentario })),
    abrirChamado: async (telefone, area, descricao, prioridade, { idempotencyKey }) =>
      crm.once(idempotencyKey, () => {
        const protocolo = `SUP-${String(crm.tickets.length + 1).padStart(4, "0")}`;
        crm.tickets.push(`${protocolo} ${telefone} ${area} ${prioridade}: ${descricao}`);
        return { protocolo, prazoHoras: prioridade === "alta" ? 4 : 24 };
      }),
  };
}
