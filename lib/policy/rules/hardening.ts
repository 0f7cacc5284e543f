import { Rule } from '../rule';
import { CONTAINER_RULES } from './hardening-containers';
import { EXPOSURE_RULES } from './hardening-exposure';
import { OBJECT_RULES } from './hardening-objects';
import { POD_RULES } from './hardening-pods';
import { REFERENCE_RULES } from './hardening-references';
import { WORKLOAD_RULES } from './hardening-workloads';

/** The Hardening pack: production-hardening rules beyond the Pod Security Standards. */
export function hardeningRules(): Rule[] {
  return [...CONTAINER_RULES, ...POD_RULES, ...OBJECT_RULES, ...WORKLOAD_RULES, ...REFERENCE_RULES, ...EXPOSURE_RULES];
}
