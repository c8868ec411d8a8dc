// The left navigation; the current page is marked for the eye and for assistive tech.
import { PAGES } from '../pages/registry.js';
import { hrefFor } from '../router.js';

export function Nav({ current }: { current: string }) {
  return (
    <nav className="nav" aria-label="Pages">
      <div className="nav-brand">rocketmq-ts</div>
      {PAGES.map(([key, title]) => (
        <a key={key} href={hrefFor(key)} className={key === current ? 'active' : undefined} aria-current={key === current ? 'page' : undefined}>
          {title}
        </a>
      ))}
    </nav>
  );
}
