import { PodManifest } from './manifest';

/** A Pod Security Standards level that forbids something ('privileged' forbids nothing, so it has no checks). */
export type PssLevel = 'baseline' | 'restricted';

/** One failed check, worded as the API server's pod-security admission words it. */
export interface PssCheckResult {
  /** Upstream check ID, e.g. `runAsNonRoot` or `capabilities_restricted`. */
  readonly checkId: string;
  /** The level the check belongs to. */
  readonly level: PssLevel;
  /** Upstream's short reason, e.g. `runAsNonRoot != true`. */
  readonly forbiddenReason: string;
  /** Upstream's detail, e.g. `pod or container "app" must set securityContext.runAsNonRoot=true`. */
  readonly forbiddenDetail: string;
  /**
   * The fields that caused the failure, relative to the pod (`spec.…` or `metadata.…`), e.g.
   * `spec.containers[0].securityContext.allowPrivilegeEscalation`. A field that must be set but
   * is missing is listed too.
   */
  readonly fieldPaths: string[];
}

/** What a check found wrong with a pod. */
export interface Violation {
  readonly reason: string;
  readonly detail: string;
  readonly fieldPaths: string[];
}

/** Evaluates one pod; `undefined` means the check allows it. */
export type CheckPod = (pod: PodManifest) => Violation | undefined;

/** One revision of a check, in force from `minVersion` until the next revision's `minVersion`. */
export interface VersionedCheck {
  /** First policy minor version (1.x) this revision applies to. */
  readonly minVersion: number;
  readonly checkPod: CheckPod;
  /** Baseline check IDs that this restricted revision replaces when the level is restricted. */
  readonly overrides?: readonly string[];
}

/** A check as upstream registers it: an ID, a level and its revisions in increasing version order. */
export interface CheckDefinition {
  readonly id: string;
  readonly level: PssLevel;
  /** The control's name on the Pod Security Standards page. */
  readonly title: string;
  readonly versions: readonly VersionedCheck[];
}
