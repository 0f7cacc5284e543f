/**
 * Strict Kubernetes schema validation for manifests produced in tests.
 *
 * Two checks:
 * 1. kubernetes-models validates types, enums and required fields.
 * 2. Unknown fields: kubernetes-models accepts them, so every field is also checked against the
 *    Kubernetes 1.28 API (the cdk8s-plus-28 generated bindings). The bindings copy only the fields
 *    the API knows; a field that does not survive the copy is unknown.
 */
import { readFileSync } from 'fs';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/**
 * JSON field names that the bindings spell differently as properties (clusterIP → clusterIp,
 * hostPID → hostPid, ...), read from the bindings' own source so no name is missed.
 */
const PROPERTY_NAMES: Map<string, string> = (() => {
  const source = readFileSync(require.resolve('cdk8s-plus-28/lib/imports/k8s'), 'utf8');
  const names = new Map<string, string>();
  for (const match of source.matchAll(/'([A-Za-z0-9$_-]+)': [^,\n]*?obj\.([A-Za-z0-9_]+)/g)) {
    if (match[1] !== match[2]) names.set(match[1], match[2]);
  }
  return names;
})();

const MODEL_GROUPS: Record<string, string> = {
  'v1': 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'rbac.authorization.k8s.io/v1': 'kubernetes-models/rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1': 'kubernetes-models/scheduling.k8s.io/v1',
};

/**
 * Fields newer than Kubernetes 1.28 that the library emits only on an explicit opt-in
 * (documented with the option). Paths use `*` for any array index.
 */
const NEWER_FIELDS = new Set([
  'spec.template.spec.containers.*.lifecycle.preStop.sleep',
  'spec.template.spec.initContainers.*.lifecycle.preStop.sleep',
  'spec.jobTemplate.spec.template.spec.containers.*.lifecycle.preStop.sleep',
]);

/** Errors of one manifest: schema violations and unknown fields, each with its path. */
export function schemaErrors(manifest: any): string[] {
  const where = `${manifest?.kind}/${manifest?.metadata?.name}`;
  const group = MODEL_GROUPS[manifest?.apiVersion];
  if (!group) return [`${where}: apiVersion '${manifest?.apiVersion}' has no schema in the test helper`];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Model = require(group)[manifest.kind];
  if (!Model) return [`${where}: kind '${manifest.kind}' is not in ${manifest.apiVersion}`];
  const errors: string[] = [];
  try {
    new Model(manifest).validate();
  } catch (e: any) {
    errors.push(`${where}: ${e.message}`);
  }
  const toJson = (k8s as any)[`toJson_Kube${bindingName(manifest.kind)}Props`];
  if (!toJson) return [...errors, `${where}: no 1.28 binding for kind ${manifest.kind}`];
  const { apiVersion: _a, kind: _k, ...body } = manifest;
  const copied = toJson(wrapPrimitives(body));
  for (const path of unknownFields(body, copied, '')) {
    errors.push(`${where}: unknown field '${path}'`);
  }
  return errors;
}

function bindingName(kind: string): string {
  const special: Record<string, string> = { HorizontalPodAutoscaler: 'HorizontalPodAutoscalerV2' };
  return special[kind] ?? kind;
}

class Leaf {
  constructor(public readonly value: unknown) {}
}

/**
 * Prepares a manifest for the bindings: property names as the bindings spell them, and every
 * primitive wrapped so bindings that read `.value` (IntOrString, Quantity) and those that copy agree.
 */
function wrapPrimitives(value: any): any {
  if (Array.isArray(value)) return value.map(wrapPrimitives);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [PROPERTY_NAMES.get(k) ?? k, wrapPrimitives(v)]));
  }
  return new Leaf(value);
}

/** Walks the manifest (JSON names) beside the bindings' copy (JSON names) and yields fields the copy lost. */
function* unknownFields(input: any, copied: any, path: string): Generator<string> {
  if (input === null || typeof input !== 'object') return;
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) yield* unknownFields(input[i], copied?.[i], `${path}.${i}`);
    return;
  }
  for (const [key, value] of Object.entries(input)) {
    const fieldPath = path ? `${path}.${key}` : key;
    if (copied === undefined || copied === null || copied[key] === undefined) {
      if (!NEWER_FIELDS.has(fieldPath.replace(/\.\d+(?=\.|$)/g, '.*'))) yield fieldPath;
      continue;
    }
    yield* unknownFields(value, copied[key], fieldPath);
  }
}
