//! The locales a project may declare (LANGUAGE §3), in a module of its own so
//! that `program.ts`, the main entry and `project-config.ts` (a subpath) share
//! one list.

export const supportedLocales = ["en", "pt-BR", "es"] as const;
