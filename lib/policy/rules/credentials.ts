/**
 * Which environment variables hold a credential, judged on the words of the name rather than on
 * substrings: `DB_PASSWORD` and `apiKey` do; `POSTGRES_PASSWORD_FILE` (a path), `ALLOW_EMPTY_PASSWORD`
 * (a flag) and `CACHE_KEY_PREFIX` (a prefix) do not.
 */

/** Words that name a credential wherever they appear in the name. */
const CREDENTIAL_WORDS = new Set(['password', 'passwd', 'passphrase', 'pwd', 'secret', 'token', 'apikey', 'credential', 'credentials', 'privatekey']);

/** Words before `key` that make it a credential (`API_KEY`, `accessKey`, `PRIVATE_KEY`); `CACHE_KEY` is not one. */
const KEY_QUALIFIERS = new Set(['api', 'access', 'secret', 'private', 'signing', 'encryption', 'master', 'auth', 'client', 'session', 'license', 'hmac', 'jwt', 'ssh', 'gpg', 'shared', 'app', 'account', 'service']);

/** Last words that make the variable describe a credential instead of holding one: where it is, how it is named or used. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'file', 'path', 'dir', 'directory', 'prefix', 'suffix', 'name', 'names', 'length', 'len', 'size', 'type', 'ref', 'header', 'field',
  'format', 'algorithm', 'algo', 'enabled', 'required', 'policy', 'id', 'url', 'uri', 'endpoint', 'host', 'port', 'ttl', 'expiry',
  'expiration', 'timeout', 'lifetime', 'duration', 'user', 'username', 'mode', 'version', 'count', 'min', 'max', 'regex', 'pattern',
]);

/** First words of a flag or a switch: `ALLOW_EMPTY_PASSWORD`, `ENABLE_TOKEN_AUTH`. */
const FLAG_FIRST_WORDS = new Set(['allow', 'enable', 'disable', 'use', 'require', 'skip', 'ignore', 'no', 'is', 'has', 'should', 'generate', 'rotate', 'random', 'print', 'show', 'log']);

/** Values that are switches, not secrets. */
const SWITCH_VALUE = /^(true|false|yes|no|on|off|y|n|0|1|enabled|disabled)$/i;

/** A value that is only a reference to another variable (`$(DB_PASS)`), which Kubernetes expands. */
const VARIABLE_REFERENCE = /^\$\([A-Za-z_][A-Za-z0-9_.-]*\)$/;

/** The words of a variable name, lower case: split on `_`, `-`, `.`, spaces and camelCase (`apiKeyID` is api, key, id). */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
}

/** True when a variable of this name holds a credential. */
export function isCredentialName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0 || FLAG_FIRST_WORDS.has(words[0]) || DESCRIPTIVE_LAST_WORDS.has(words[words.length - 1])) return false;
  return words.some((word, index) => CREDENTIAL_WORDS.has(word) || (word === 'key' && index > 0 && KEY_QUALIFIERS.has(words[index - 1])));
}

/** True when a literal value of a credential variable is a secret written into the manifest. */
export function isLiteralSecret(value: string): boolean {
  const trimmed = value.trim();
  return trimmed !== '' && !SWITCH_VALUE.test(trimmed) && !VARIABLE_REFERENCE.test(trimmed);
}
