/**
 * Strict Kubernetes schema validation for manifests produced in tests, at a Kubernetes version.
 *
 * Two checks:
 * 1. kubernetes-models validates types, enums and required fields.
 * 2. Unknown fields: kubernetes-models accepts them, so every field is also checked against the
 *    Kubernetes API of the target version, through the generated bindings of the cdk8s-plus line
 *    of that version. The bindings copy only the fields the API knows; a field that does not
 *    survive the copy is unknown.
 *
 * Bindings exist for 1.28 (cdk8s-plus-28) and 1.33 (cdk8s-plus-33). A target between them is
 * checked against 1.33: a field added after the target but by 1.33 is not caught there, so the
 * version-gated fields the library emits (the preStop `sleep` action, 1.30) are tested at their
 * thresholds by the tests of the feature.
 */
import { readFileSync } from 'fs';
import { KubernetesVersion } from '../../lib/kubernetes-version';

interface Bindings {
  readonly version: string;
  readonly module: any;
  /**
   * JSON field names that the bindings spell differently as properties (clusterIP → clusterIp,
   * hostPID → hostPid, ...), read from the bindings' own source so no name is missed.
   */
  readonly propertyNames: Map<string, string>;
}

function loadBindings(pkg: string, version: string): Bindings {
  const path = require.resolve(`${pkg}/lib/imports/k8s`);
  const names = new Map<string, string>();
  for (const match of readFileSync(path, 'utf8').matchAll(/'([A-Za-z0-9$_-]+)': [^,\n]*?obj\.([A-Za-z0-9_]+)/g)) {
    if (match[1] !== match[2]) names.set(match[1], match[2]);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return { version, module: require(path), propertyNames: names };
}

const BINDINGS = new Map<number, () => Bindings>([
  [28, once(() => loadBindings('cdk8s-plus-28', '1.28'))],
  [33, once(() => loadBindings('cdk8s-plus-33', '1.33'))],
]);

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

/** The bindings a target version is checked against: its own, or the next newer ones. */
function bindingsFor(version: KubernetesVersion): Bindings {
  const minor = [...BINDINGS.keys()].sort((a, b) => a - b).find((m) => m >= version.minor);
  if (minor === undefined) throw new Error(`no Kubernetes API bindings for ${version.name} in the test helper`);
  return BINDINGS.get(minor)!();
}

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
 * Errors of one manifest at a Kubernetes version: schema violations and unknown fields, each with its path.
 */
export function schemaErrors(manifest: any, version: KubernetesVersion = KubernetesVersion.DEFAULT): string[] {
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
  const bindings = bindingsFor(version);
  const toJson = bindings.module[`toJson_Kube${bindingName(manifest.kind)}Props`];
  if (!toJson) return [...errors, `${where}: no ${bindings.version} binding for kind ${manifest.kind}`];
  const { apiVersion: _a, kind: _k, ...body } = manifest;
  const copied = toJson(wrapPrimitives(body, bindings.propertyNames));
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
function wrapPrimitives(value: any, names: Map<string, string>): any {
  if (Array.isArray(value)) return value.map((v) => wrapPrimitives(v, names));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [names.get(k) ?? k, wrapPrimitives(v, names)]));
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
      yield fieldPath;
      continue;
    }
    yield* unknownFields(value, copied[key], fieldPath);
  }
}
