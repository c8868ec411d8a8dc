import type { Route } from '../router.js';
export type _R = Route;
export function TopicsPage(_props: { route: Route }) {
  return <h1>Topics</h1>;
}
