/** Pod Security Standards level. */
export enum PodSecurityLevel {
  /** Prevents known privilege escalations; minimally restrictive. */
  BASELINE = 'baseline',
  /** Current pod-hardening best practice; includes baseline. */
  RESTRICTED = 'restricted',
}
