import { Rule } from '../rule';
import { CONTAINER_RULES } from './hardening-containers';
import { EXPOSURE_RULES } from './hardening-exposure';
import { OBJECT_RULES } from './hardening-objects';

/** The Hardening pack: production-hardening rules beyond the Pod Security Standards. */
export function hardeningRules(): Rule[] {
  return [...CONTAINER_RULES, ...OBJECT_RULES, ...EXPOSURE_RULES];
}
