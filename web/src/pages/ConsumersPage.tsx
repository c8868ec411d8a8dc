import type { Route } from '../router.js';
export type _R = Route;
export function ConsumersPage(_props: { route: Route }) {
  return <h1>Consumers</h1>;
}
