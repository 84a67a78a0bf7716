import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { tagsQuery } from './tags.api';

interface Props {
  label: string;
  onAdd: (tag: string) => void;
  disabled?: boolean;
}

/** A field that adds one tag on Enter, offering the tags in use (with how many tickets carry each). */
export function TagInput({ label, onAdd, disabled }: Props) {
  const [text, setText] = useState('');
  const listId = useId();
  const inputId = useId();
  const suggestions = useQuery({ ...tagsQuery(text.trim()), enabled: !disabled });
  const add = () => {
    const tag = text.trim();
    if (!tag) return;
    onAdd(tag);
    setText('');
  };
  return (
    <div className="tag-input">
      <label htmlFor={inputId} className="visually-hidden">
        {label}
      </label>
      <input
        id={inputId}
        list={listId}
        placeholder={label}
        value={text}
        maxLength={50}
        disabled={disabled}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          event.preventDefault();
          add();
        }}
      />
      <datalist id={listId}>
        {(suggestions.data ?? []).map((tag) => (
          <option key={tag.name} value={tag.name}>{`${tag.name} (${tag.count})`}</option>
        ))}
      </datalist>
      <button type="button" className="button secondary" disabled={disabled || text.trim() === ''} onClick={add}>
        Add
      </button>
    </div>
  );
}

/** A ticket's tags as chips; each removable when `onRemove` is given. */
export function TagList({ tags, onRemove }: { tags: readonly string[]; onRemove?: (tag: string) => void }) {
  return (
    <ul className="tag-list" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag} className="tag">
          {tag}
          {onRemove ? (
            <button type="button" className="tag-remove" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)}>
              ×
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
