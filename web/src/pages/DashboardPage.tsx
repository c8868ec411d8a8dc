import type { Route } from '../router.js';
export type _R = Route;
export function DashboardPage() {
  return <h1>Dashboard</h1>;
}
