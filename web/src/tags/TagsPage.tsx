import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type SubmitEvent } from 'react';
import type { TagCount } from '../api/models';
import { EmptyState, ErrorBox, Loading } from '../ui/feedback';
import { FormError, TextField, useFormErrors } from '../ui/forms';
import { useToast } from '../ui/toast';
import { deleteTag, renameTag, tagKeys, tagsQuery } from './tags.api';

/** One tag: renamed (or merged, when the new name is in use) or deleted on every ticket. */
function TagRow({ tag, onChanged }: { tag: TagCount; onChanged: (text: string) => void }) {
  const [name, setName] = useState(tag.name);
  const [busy, setBusy] = useState(false);
  const { errors, show, clear } = useFormErrors();

  const run = async (change: () => Promise<{ tickets: number }>, done: (tickets: number) => string) => {
    clear();
    setBusy(true);
    try {
      onChanged(done((await change()).tickets));
    } catch (caught) {
      show(caught, ['name']);
    } finally {
      setBusy(false);
    }
  };
  const rename = (event: SubmitEvent) => {
    event.preventDefault();
    void run(() => renameTag(tag.name, name), (tickets) => `${tag.name} is now ${name} on ${tickets} tickets`);
  };
  const remove = () => {
    if (!window.confirm(`Take "${tag.name}" off all ${tag.count} tickets?`)) return;
    void run(() => deleteTag(tag.name), (tickets) => `${tag.name} was taken off ${tickets} tickets`);
  };

  return (
    <li className="card" data-tag={tag.name}>
      <form className="reply-actions" onSubmit={rename} aria-label={`Tag ${tag.name}`}>
        <TextField label={`${tag.name} (${tag.count})`} value={name} maxLength={50} required error={errors.fields.name} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button secondary" disabled={busy || name.trim() === '' || name === tag.name}>
          Rename or merge
        </button>
        <button type="button" className="button secondary" disabled={busy} onClick={remove}>
          Delete
        </button>
      </form>
      <FormError message={errors.form} />
    </li>
  );
}

/** The desk's tags, most used first: managers rename, merge and delete them everywhere at once. */
export function TagsPage() {
  const client = useQueryClient();
  const toast = useToast();
  const tags = useQuery(tagsQuery('', 100));
  const changed = (text: string) => {
    toast.show(text);
    void client.invalidateQueries({ queryKey: tagKeys.all });
  };
  return (
    <section className="page" aria-labelledby="tags-title">
      <h1 id="tags-title">Tags</h1>
      <p className="muted">Renaming to a tag already in use merges the two. Each ticket changed gets the change in its history.</p>
      {tags.isPending ? <Loading label="Loading tags…" /> : null}
      {tags.error ? <ErrorBox error={tags.error} onRetry={() => void tags.refetch()} /> : null}
      {tags.data?.length === 0 ? <EmptyState title="No tags in use" /> : null}
      <ul className="macro-list">
        {(tags.data ?? []).map((tag) => (
          // Keyed by name and count: a row starts afresh once its tag changed.
          <TagRow key={`${tag.name}:${tag.count}`} tag={tag} onChanged={changed} />
        ))}
      </ul>
    </section>
  );
}
