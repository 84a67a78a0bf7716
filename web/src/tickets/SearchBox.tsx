import { useEffect, useState } from 'react';

/** A search field that reports its text after the typing pauses. */
export function SearchBox({ value, onSearch, label }: { value: string; onSearch: (q: string) => void; label: string }) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = window.setTimeout(() => onSearch(text.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [text, value, onSearch]);
  return (
    <form
      role="search"
      className="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(text.trim());
      }}
    >
      <label className="visually-hidden" htmlFor="ticket-search">
        {label}
      </label>
      <input id="ticket-search" type="search" placeholder={label} value={text} onChange={(event) => setText(event.target.value)} />
    </form>
  );
}
