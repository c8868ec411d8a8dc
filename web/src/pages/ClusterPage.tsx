import type { Route } from '../router.js';
export type _R = Route;
export function ClusterPage() {
  return <h1>Cluster</h1>;
}
