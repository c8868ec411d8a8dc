// Tab buttons; the caller renders the chosen tab's content.
export function Tabs<K extends string>({ tabs, active, onChange }: { tabs: Array<[K, string]>; active: K; onChange: (key: K) => void }) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map(([key, title]) => (
        <button key={key} type="button" role="tab" aria-selected={key === active} className={key === active ? 'tab active' : 'tab'} onClick={() => onChange(key)}>
          {title}
        </button>
      ))}
    </div>
  );
}
