// A small router over location.hash: `#/topics?q=foo` → { page: 'topics', params }. Hash routing keeps every URL
// served by the one index.html, and the state of a page (search, filters, selection) in its address.
import { useEffect, useState } from 'react';

export interface Route {
  page: string;
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [page = '', query = ''] = text.split('?', 2);
  return { page: page || 'cluster', params: new URLSearchParams(query) };
}

export function hrefFor(page: string, params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return `#/${page}${text ? `?${text}` : ''}`;
}

export function navigate(page: string, params: Record<string, string | number | undefined> = {}): void {
  location.hash = hrefFor(page, params);
}

/** Replaces the current page's parameters without adding a history entry per keystroke. */
export function setParams(route: Route, changes: Record<string, string | number | undefined>): void {
  const merged: Record<string, string> = Object.fromEntries(route.params.entries());
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') delete merged[key];
    else merged[key] = String(value);
  }
  history.replaceState(null, '', hrefFor(route.page, merged));
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const onChange = (): void => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
