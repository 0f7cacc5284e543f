import { validateLabelValue } from './names';

/**
 * A container image reference split into its parts, following the grammar of
 * github.com/distribution/reference: `[registry/]repository[:tag][@digest]`.
 */
export interface ParsedImage {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$`,
);
const SHA256 = /^sha256:[0-9a-f]{64}$/;

/** Splits an image reference; throws a one-line error naming the reference when it is malformed. */
export function parseImage(image: string): ParsedImage {
  const match = REFERENCE.exec(image);
  if (!match) {
    throw new Error(`image '${image}' is not a valid image reference: use 'registry/repository:tag' or 'registry/repository@sha256:<64 hex digits>'`);
  }
  const [, repository, tag, digest] = match;
  if (digest !== undefined && digest.startsWith('sha256:') && !SHA256.test(digest)) {
    throw new Error(`image '${image}' has a malformed sha256 digest: a sha256 digest is 'sha256:' followed by 64 lowercase hex digits`);
  }
  return { repository, tag, digest };
}

/** True when the reference names an immutable image (a digest) or a fixed tag other than `latest`. */
export function isPinned(image: ParsedImage): boolean {
  return image.digest !== undefined || (image.tag !== undefined && image.tag !== 'latest');
}

/**
 * Parses and checks an image reference for a container.
 * Untagged and `latest` references are rejected unless `allowUnpinned` is set:
 * they make a rollout non-reproducible and a rollback impossible.
 */
export function checkImage(containerName: string, image: string, allowUnpinned: boolean): ParsedImage {
  const parsed = parseImage(image);
  if (!allowUnpinned && !isPinned(parsed)) {
    const problem = parsed.tag === 'latest' ? "uses the mutable tag 'latest'" : 'has no tag or digest';
    throw new Error(`image '${image}' of container '${containerName}' ${problem}: pin a version tag (e.g. '${parsed.repository}:1.2.3') or a digest ('@sha256:...'), or set allowUnpinnedImage: true`);
  }
  return parsed;
}

/**
 * The pull policy that follows from the reference: a digest is immutable, so the cached copy is
 * the right one (`IfNotPresent`); a tag can be moved, so the node asks the registry (`Always`),
 * which also re-checks pull credentials.
 */
export function pullPolicyFor(image: ParsedImage): string {
  return image.digest !== undefined ? 'IfNotPresent' : 'Always';
}

/** The value of `app.kubernetes.io/version`: the tag when it is a valid label value. */
export function versionLabelFor(image: ParsedImage): string | undefined {
  if (image.tag === undefined || image.tag === 'latest') return undefined;
  try {
    validateLabelValue('tag', image.tag);
    return image.tag;
  } catch {
    return undefined;
  }
}
