// Which runs are ours: both forms of an API key's triggeredBy, from Spacelift's own examples, and the near misses.
import t from 'tap';
import { MIN_KEY_ID_PREFIX, isOwnTrigger } from '../../src/spacelift/triggered-by';

/** A 26-character ULID whose first 7 characters are the prefix of the changelog's example. */
const KEY = '01K56PKQ0000EXAMPLEKEY0000';

t.test('the full form: api::<key ID> (policy input samples, real deliveries)', async (t) => {
  t.equal(isOwnTrigger(`api::${KEY}`, KEY), true);
  // user-documentation docs/concepts/run/user-provided-metadata.md
  t.equal(isOwnTrigger('api::01FEGXFB7TWQ2NNF95W7HPRE2E', '01FEGXFB7TWQ2NNF95W7HPRE2E'), true);
});

t.test('the shortened form: api::<key ID prefix>::<key name> (changelog 2025-09-16)', async (t) => {
  // user-documentation docs/product/changelog.md: "For example: `api::01K56PK::DevopsSpaceKey`"
  t.equal(isOwnTrigger('api::01K56PK::DevopsSpaceKey', KEY), true);
  t.equal(isOwnTrigger(`api::${KEY.slice(0, 10)}::cascade key`, KEY), true, 'a longer prefix, a name with a space');
  t.equal(isOwnTrigger(`api::${KEY}::DevopsSpaceKey`, KEY), true, 'the whole ID as the prefix');
  t.equal(isOwnTrigger('api::01K56PK::name::with::colons', KEY), true, 'the name may contain the separator');
});

t.test('near misses are not ours', async (t) => {
  const cases: [string | null | undefined, string][] = [
    ['api::01K56PX::DevopsSpaceKey', 'another key: wrong prefix'],
    ['api::01HZZZEXAMPLEKEY0000000000', 'another key in the full form'],
    [`api::${KEY}0`, 'the full form with an extra character'],
    [`api::${KEY.slice(0, -1)}`, 'the full form missing a character'],
    [`api::${KEY.slice(0, MIN_KEY_ID_PREFIX - 1)}::DevopsSpaceKey`, 'a prefix one character too short'],
    ['api::::DevopsSpaceKey', 'an empty prefix'],
    ['api::01K56PK::', 'no key name'],
    ['api::01K56PK:: ', 'a blank key name'],
    ['api::01k56pk::DevopsSpaceKey', 'prefix in other case: ULIDs are upper-case'],
    [`API::${KEY}`, 'other case of api::'],
    [KEY, 'the bare key ID'],
    [`jane@acme.example`, 'a person'],
    [`github::jdoe`, 'another identity source'],
    ['', 'empty'],
    [null, 'null (a run nobody triggered by API)'],
    [undefined, 'absent'],
  ];
  for (const [triggeredBy, why] of cases) t.equal(isOwnTrigger(triggeredBy, KEY), false, why);
  t.equal(isOwnTrigger('api::', ''), false, 'an empty key ID matches nothing');
});

t.test('the minimum prefix is the length of Spacelift’s example', async (t) => {
  t.equal(MIN_KEY_ID_PREFIX, '01K56PK'.length);
});
