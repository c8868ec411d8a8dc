// The pages in nav order: route key, nav title.
export const PAGES = [
  ['cluster', 'Cluster'],
  ['dashboard', 'Dashboard'],
  ['topics', 'Topics'],
  ['consumers', 'Consumers'],
  ['producers', 'Producers'],
  ['messages', 'Messages'],
  ['namesrv', 'NameServers'],
] as const;

export type PageKey = (typeof PAGES)[number][0];

export function isPageKey(page: string): page is PageKey {
  return PAGES.some(([key]) => key === page);
}
