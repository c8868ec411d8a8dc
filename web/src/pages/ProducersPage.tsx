import type { Route } from '../router.js';
export type _R = Route;
export function ProducersPage(_props: { route: Route }) {
  return <h1>Producers</h1>;
}
