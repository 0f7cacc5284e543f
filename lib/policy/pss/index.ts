/**
 * A faithful port of Kubernetes' pod-security-admission checks (k8s.io/pod-security-admission,
 * `policy/check_*.go`): the same checks, per-version behaviour and forbidden reasons, evaluated on
 * plain manifest objects instead of a live API server.
 */
export { parsePolicyVersion } from './version';
export { evaluatePodSecurity, LATEST_POLICY_MINOR, PSS_CHECKS } from './registry';
export type { PssCheckInfo } from './registry';
export type { PssCheckResult, PssLevel } from './types';
