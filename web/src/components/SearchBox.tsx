// A search input that reports its value a moment after typing stops (one request per pause, not per key).
import { useEffect, useState } from 'react';

export function SearchBox({ value, onSearch, placeholder }: { value: string; onSearch: (text: string) => void; placeholder: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = setTimeout(() => onSearch(text.trim()), 300);
    return () => clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <input
      type="search"
      className="search"
      aria-label={placeholder}
      placeholder={placeholder}
      value={text}
      maxLength={255}
      onChange={(e) => setText(e.target.value)}
    />
  );
}
