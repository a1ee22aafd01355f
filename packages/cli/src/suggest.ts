//! "Did you mean …?" for mistyped commands, options and fluxo.json keys: the
//! helpers live in @fluxo/compiler (`src/suggest.ts`, in its main entry; its
//! `fluxo.json` rules suggest keys too).

export { editDistance, closest, didYouMean } from "@fluxo/compiler";
