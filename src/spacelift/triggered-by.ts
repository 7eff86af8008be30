/**
 * Recognising the runs our own API key triggered, from a run's `triggeredBy`.
 *
 * Two forms are accepted (docs/platforms.md, "Which runs are ours"):
 * - `api::<full key ID>`: the form in policy input samples (user-documentation
 *   docs/concepts/run/user-provided-metadata.md) and in real webhook deliveries;
 * - `api::<key ID prefix>::<key name>`: the shortened form Spacelift's run details show since 2025-09-16
 *   (user-documentation docs/product/changelog.md, example `api::01K56PK::DevopsSpaceKey`). Whether the GraphQL
 *   field and the webhook payload use it too is not documented, so both are recognised everywhere.
 *
 * A prefix shorter than MIN_KEY_ID_PREFIX is refused: with fewer characters the prefix says too little about the
 * key. Even seven characters only pin down the key's creation time to about 33 s (a ULID's first 7 characters are
 * the top 35 of its 50 timestamp bits), so two API keys created within the same ~33 s would look alike; the key
 * name is not compared because the API key exchange does not tell us our key's name.
 */

const PREFIX = 'api::';
const NAME_SEPARATOR = '::';
/** The shortest key-ID prefix accepted in the shortened form: the length of Spacelift's own example (`01K56PK`). */
export const MIN_KEY_ID_PREFIX = 7;

/** True when `triggeredBy` names the API key `apiKeyId`, in the full or the shortened form. */
export function isOwnTrigger(triggeredBy: string | null | undefined, apiKeyId: string): boolean {
  if (typeof triggeredBy !== 'string' || apiKeyId === '' || !triggeredBy.startsWith(PREFIX)) return false;
  const rest = triggeredBy.slice(PREFIX.length);
  if (rest === apiKeyId) return true;
  const separator = rest.indexOf(NAME_SEPARATOR);
  if (separator < 0) return false;
  const prefix = rest.slice(0, separator);
  const name = rest.slice(separator + NAME_SEPARATOR.length);
  return prefix.length >= MIN_KEY_ID_PREFIX && name.trim() !== '' && apiKeyId.startsWith(prefix);
}
