import { LATEST_POLICY_MINOR } from './registry';

/**
 * Parses a Pod Security Standards policy version as namespaces label it
 * (`pod-security.kubernetes.io/enforce-version`) into its minor version number.
 *
 * Accepts `latest` (the newest policy this library knows, {@link LATEST_POLICY_MINOR}), `v1.28`
 * and `1.28`. Like upstream, a minor version has no leading zeros.
 *
 * @throws an error naming the value when it is not a version this library can evaluate
 */
export function parsePolicyVersion(version: string): number {
  if (version === 'latest') return LATEST_POLICY_MINOR;
  const match = /^v?1\.(0|[1-9][0-9]*)$/.exec(String(version));
  const minor = match ? Number(match[1]) : NaN;
  if (!(minor <= LATEST_POLICY_MINOR)) {
    throw new Error(`policy version '${version}' is not supported: use 'latest' or v1.0 to v1.${LATEST_POLICY_MINOR}`);
  }
  return minor;
}
