import type { Route } from '../router.js';
export type _R = Route;
export function NamesrvPage() {
  return <h1>Namesrv</h1>;
}
