/**
 * "Test" a saved feed: read a repository's tags through the server (the stored credentials), and
 * show what it answered, or the FEED_* error's message saying what to check. The repository is in
 * the URL (?repository=), so a test is a link.
 */
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { spacePath, withQuery } from '../../api/client.js';
import { useApi } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { ErrorMessage } from '../../components/ErrorMessage.js';
import { Field } from '../../components/Field.js';
import { Loading } from '../../components/common.js';
import type { FeedTagsJson } from './types.js';

/** See the module comment. */
export function FeedTest({ space, feedId, feedName }: { space: string; feedId: string; feedName: string }) {
  const [params, setParams] = useSearchParams();
  const repository = params.get('repository') ?? '';
  const [typed, setTyped] = useState(repository);
  const path = repository
    ? withQuery(spacePath(space, 'feeds', feedId, 'tags'), { image: repository, limit: 1000 })
    : undefined;
  const tags = useApi<FeedTagsJson>(path, { retry: false, staleTime: 0 });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(params);
    next.set('repository', typed.trim());
    setParams(next);
    if (typed.trim() === repository) void tags.refetch();
  };
  return (
    <section className="card library-form" aria-labelledby="feed-test">
      <h2 id="feed-test">Test and browse tags</h2>
      <p className="muted">Reads a repository’s tags through {feedName} with its stored credentials.</p>
      <form className="library-inline" onSubmit={submit}>
        <Field label="Repository" hint="e.g. hello-color or team/web">
          <input value={typed} onChange={(e) => setTyped(e.target.value)} />
        </Field>
        <Button type="submit" variant="primary" busy={tags.isFetching} disabled={typed.trim() === ''}>
          Test
        </Button>
      </form>
      {path && tags.isFetching ? <Loading what={`Reading ${repository}`} /> : null}
      {path && tags.error && !tags.isFetching ? (
        <ErrorMessage error={tags.error} title="The feed could not be read" />
      ) : null}
      {path && tags.data && !tags.isFetching ? (
        <>
          <p className="notice notice-success" role="status">
            The feed answered: {repository} has {tags.data.items.length} version
            {tags.data.items.length === 1 ? '' : 's'}
            {tags.data.otherTags.length > 0 ? ` and ${tags.data.otherTags.length} other tags` : ''}.
          </p>
          {tags.data.items.length > 0 ? (
            <div className="table-wrap library-scroll">
              <table className="table">
                <caption>Versions of {repository}, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Tag</th>
                    <th scope="col">Version</th>
                  </tr>
                </thead>
                <tbody>
                  {tags.data.items.map((t) => (
                    <tr key={t.tag}>
                      <td className="mono">{t.tag}</td>
                      <td className="mono">{t.version}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {tags.data.otherTags.length > 0 ? (
            <p className="muted">
              Not versions (never chosen for a release): {tags.data.otherTags.join(', ')}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
