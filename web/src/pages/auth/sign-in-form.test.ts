import assert from 'node:assert/strict';
import { it } from 'node:test';
import { missingSignInFields, newPasswordProblems, safeNext, signInMode } from './sign-in-form.js';

it('follows sign-in only to a path of this app', () => {
  assert.equal(safeNext('/spaces/Default'), '/spaces/Default');
  assert.equal(safeNext('/spaces/Default?tab=x'), '/spaces/Default?tab=x');
  for (const bad of [
    null,
    '',
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    '/sign-in',
    '/sign-in?next=/x',
  ]) {
    assert.equal(safeNext(bad), '/', String(bad));
  }
});

it('reads the mode from ?with=', () => {
  assert.equal(signInMode('api-key'), 'apiKey');
  assert.equal(signInMode(null), 'password');
  assert.equal(signInMode('other'), 'password');
});

it('names the missing fields of each mode', () => {
  const empty = { username: '', password: '', apiKey: '' };
  assert.deepEqual(Object.keys(missingSignInFields('password', empty)), ['username', 'password']);
  assert.deepEqual(Object.keys(missingSignInFields('apiKey', empty)), ['apiKey']);
  assert.deepEqual(missingSignInFields('password', { username: 'a', password: 'b', apiKey: '' }), {});
});

it('checks a new password as the server does, and the confirmation', () => {
  assert.match(
    newPasswordProblems('ann', { newPassword: 'short', confirm: 'short' }).newPassword ?? '',
    /at least 12/,
  );
  assert.match(
    newPasswordProblems('annabelle-lee', { newPassword: 'Annabelle-Lee', confirm: 'Annabelle-Lee' })
      .newPassword ?? '',
    /user name/,
  );
  assert.deepEqual(
    Object.keys(newPasswordProblems('ann', { newPassword: 'long enough words', confirm: 'x' })),
    ['confirm'],
  );
  assert.deepEqual(
    newPasswordProblems('ann', { newPassword: 'long enough words', confirm: 'long enough words' }),
    {},
  );
});
