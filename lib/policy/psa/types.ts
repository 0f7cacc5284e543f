/** Pod Security Standards level names as pod-security-admission spells them. */
export type PssLevel = 'baseline' | 'restricted';

/** A failed check, with pod-security-admission's own reason and detail texts. */
export interface PssCheckResult {
  /** Upstream check id, e.g. `runAsNonRoot`. */
  readonly checkId: string;
  /** The level the check belongs to. */
  readonly level: PssLevel;
  /** Upstream forbidden reason, e.g. `privileged`. */
  readonly forbiddenReason: string;
  /** Upstream forbidden detail, naming the containers and values. */
  readonly forbiddenDetail: string;
  /** Paths (relative to the pod, `spec.` / `metadata.`) of the offending fields. */
  readonly fieldPaths: string[];
}

/** What a check finds: undefined when allowed. */
export type CheckOutcome = Omit<PssCheckResult, 'checkId' | 'level'> | undefined;

/** One version of a check's logic. */
export interface VersionedCheck {
  readonly minVersion: number;
  readonly check: (metadata: any, spec: any) => CheckOutcome;
}

/** A check as registered: id, level, versions, and the baseline checks it replaces. */
export interface CheckDefinition {
  readonly id: string;
  readonly level: PssLevel;
  readonly title: string;
  readonly versions: VersionedCheck[];
  readonly overrides?: string[];
}

/** A container of the pod with where it sits. */
export interface VisitedContainer {
  readonly container: any;
  /** e.g. `spec.initContainers[0]`. */
  readonly path: string;
}

/** Every container, init container and ephemeral container of a pod spec, with its path. */
export function containersOf(spec: any): VisitedContainer[] {
  const result: VisitedContainer[] = [];
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec?.[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container: any, index: number) => {
      if (container && typeof container === 'object') result.push({ container, path: `spec.${field}[${index}]` });
    });
  }
  return result;
}

/** `"a", "b"` as upstream joins names. */
export function joinQuote(items: string[]): string {
  return items.map((item) => `"${item}"`).join(', ');
}

/** Singular or plural by count. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** True when the pod declares the Windows OS (exempt from Linux-only restricted checks from v1.25). */
export function isWindows(spec: any): boolean {
  return spec?.os?.name === 'windows';
}

/** True when the pod runs in a user namespace (`hostUsers: false`). */
export function usesUserNamespace(spec: any): boolean {
  return spec?.hostUsers === false;
}
