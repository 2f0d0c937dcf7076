/**
 * One version rule of a channel: the package references it applies to, the version range and the
 * pre-release regex, with a live check of which of the feed's tags it accepts. The check asks the
 * server (GET /feeds/{id}/tags/match), which applies the release service's own rule code.
 */
import { useEffect, useState } from 'react';
import { ApiError, spacePath, withQuery } from '../../api/client.js';
import { useApi } from '../../app/hooks.js';
import { Button } from '../../components/Button.js';
import { Field } from '../../components/Field.js';
import { errorsOf, useAllowed } from '../../components/resource-form.js';
import { referenceKey, type PackageReference, type RuleForm } from './channel-form.js';
import type { TagMatchJson } from './types.js';

/** `value`, once it has not changed for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The server's answer for one image under the rule (debounced while typing). */
function useTagMatch(space: string, ref: PackageReference | undefined, rule: RuleForm, enabled: boolean) {
  const range = useDebounced(rule.versionRange, 300);
  const tag = useDebounced(rule.preReleaseTag, 300);
  const path = ref
    ? withQuery(spacePath(space, 'feeds', ref.feed, 'tags', 'match'), {
        image: ref.image,
        versionRange: range,
        preReleaseTag: tag,
      })
    : undefined;
  return useApi<TagMatchJson>(enabled ? path : undefined, {
    retry: false,
    placeholderData: (previous) => previous,
  });
}

/** The tags of one image with whether the rule takes them. */
function MatchResult({
  reference,
  match,
}: {
  reference: PackageReference;
  match: ReturnType<typeof useTagMatch>;
}) {
  const title = `Tags of ${reference.image} (${reference.step} / ${reference.package})`;
  if (match.error) {
    const isRule = match.error instanceof ApiError && match.error.issues.some((i) => i.startsWith('rule.'));
    return (
      <div className="library-match" aria-label={title} role="region">
        <p className={isRule ? 'muted' : 'notice notice-danger'}>
          {isRule ? 'Correct the rule to see which tags match.' : match.error.message}
        </p>
      </div>
    );
  }
  if (!match.data) return <p className="muted">Reading the tags of {reference.image}…</p>;
  const { items, newest, matched, total } = match.data;
  return (
    <div className="library-match" role="region" aria-label={title}>
      <p aria-live="polite">
        <strong>{matched}</strong> of {total} tags of <span className="mono">{reference.image}</span> match.{' '}
        {newest ? (
          <>
            A release takes <strong className="mono">{newest}</strong> (the newest match).
          </>
        ) : (
          'No tag fits: a release would need its version given explicitly.'
        )}
      </p>
      <ul className="library-tag-list">
        {items.map((t) => (
          <li key={t.tag} className={t.matches ? 'library-tag-yes' : 'library-tag-no'}>
            <span aria-hidden="true">{t.matches ? '✓' : '✗'}</span> <span className="mono">{t.tag}</span>
            <span className="visually-hidden">{t.matches ? ' matches' : ' does not match'}</span>
            {t.version === null ? <span className="muted"> (not a version)</span> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** MatchResult for a reference other than the first (its own request). */
function MatchPanel({
  space,
  reference,
  rule,
  enabled,
}: {
  space: string;
  reference: PackageReference;
  rule: RuleForm;
  enabled: boolean;
}) {
  const match = useTagMatch(space, reference, rule, enabled);
  return <MatchResult reference={reference} match={match} />;
}

/** See the module comment; `errors` are the save's errors of this rule (`versionRange`, `packages`). */
export function RuleEditor({
  space,
  index,
  rule,
  references,
  errors,
  onChange,
  onRemove,
}: {
  space: string;
  index: number;
  rule: RuleForm;
  references: readonly PackageReference[];
  errors: Record<string, string>;
  onChange: (rule: RuleForm) => void;
  onRemove: () => void;
}) {
  const feedView = useAllowed(space, 'feed.view');
  const chosen = references.filter((r) => rule.packages.includes(referenceKey(r)));
  const first = chosen[0];
  const match = useTagMatch(space, first, rule, feedView.allowed);
  // The live check's errors name the rule's parts (rule.versionRange); the save's win when present.
  const live = errorsOf(match.error, 'rule');
  const packageError = Object.entries(errors).find(
    ([k]) => k === 'packages' || k.startsWith('packages['),
  )?.[1];
  const others = chosen.slice(1).filter((r) => r.feed !== first?.feed || r.image !== first?.image);
  return (
    <fieldset className="card library-rule">
      <legend>Version rule {index + 1}</legend>
      <fieldset className="library-plain">
        <legend>Package references</legend>
        {references.length === 0 ? (
          <p className="muted">The project’s process has no package references yet.</p>
        ) : null}
        {references.map((r) => {
          const key = referenceKey(r);
          return (
            <label key={key} className="library-check">
              <input
                type="checkbox"
                checked={rule.packages.includes(key)}
                onChange={(e) =>
                  onChange({
                    ...rule,
                    packages: e.target.checked
                      ? [...rule.packages, key]
                      : rule.packages.filter((p) => p !== key),
                  })
                }
              />{' '}
              {r.package} of step {r.step} <span className="muted">({r.image})</span>
            </label>
          );
        })}
        {packageError ? (
          <p className="field-error" role="alert">
            {packageError}
          </p>
        ) : null}
      </fieldset>
      <div className="library-inline">
        <Field
          label={`Version range (rule ${index + 1})`}
          hint="[1.0,2.0) from 1.0 up to 2.0; 1.2 means at least 1.2; empty: any"
          error={errors.versionRange ?? live.versionRange}
        >
          <input
            className="mono"
            value={rule.versionRange}
            onChange={(e) => onChange({ ...rule, versionRange: e.target.value })}
          />
        </Field>
        <Field
          label={`Pre-release tag (rule ${index + 1})`}
          hint="A regular expression: ^$ releases only, ^beta beta ones; empty: any"
          error={errors.preReleaseTag ?? live.preReleaseTag}
        >
          <input
            className="mono"
            value={rule.preReleaseTag}
            onChange={(e) => onChange({ ...rule, preReleaseTag: e.target.value })}
          />
        </Field>
      </div>
      {!feedView.allowed ? (
        <p className="muted">The live check needs feed.view: {feedView.reason}</p>
      ) : first ? (
        <>
          <MatchResult reference={first} match={match} />
          {others.map((r) => (
            <MatchPanel key={referenceKey(r)} space={space} reference={r} rule={rule} enabled />
          ))}
        </>
      ) : (
        <p className="muted">Choose a package reference to see which of its feed’s tags match.</p>
      )}
      {errors[''] ? (
        <p className="field-error" role="alert">
          {errors['']}
        </p>
      ) : null}
      <div className="form-actions">
        <Button variant="danger" onClick={onRemove} aria-label={`Remove rule ${index + 1}`}>
          Remove rule
        </Button>
      </div>
    </fieldset>
  );
}
