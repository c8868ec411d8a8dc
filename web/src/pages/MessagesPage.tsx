import type { Route } from '../router.js';
export type _R = Route;
export function MessagesPage(_props: { route: Route }) {
  return <h1>Messages</h1>;
}
