/**
 * Where each workload kind keeps its pod: the one place that knows the paths.
 */
import { field, isObject, JsonObject } from './shape';

/** A pod found inside a manifest. */
export interface PodTemplate {
  /** The pod's metadata (labels, annotations): a JSON object, empty when the manifest has none of that shape. */
  readonly metadata: JsonObject;
  /** The pod spec: always a JSON object. */
  readonly spec: JsonObject;
  /** Path from the manifest root to the pod template, e.g. `spec.template` ('' for a Pod). */
  readonly path: string;
}

const TEMPLATE_PATHS: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

/** The keys from the manifest root to the pod spec of a kind, or undefined for kinds without a pod. */
export function podSpecKeys(kind: unknown): string[] | undefined {
  if (kind === 'Pod') return ['spec'];
  return typeof kind === 'string' && Object.prototype.hasOwnProperty.call(TEMPLATE_PATHS, kind) ? [...TEMPLATE_PATHS[kind], 'spec'] : undefined;
}

/** Kinds that carry a pod. */
export const POD_KINDS = ['Pod', ...Object.keys(TEMPLATE_PATHS)];

const templates = new WeakMap<object, PodTemplate | null>();

/** The pod of a workload manifest, or undefined for kinds without one (or a template without a spec object). Computed once per manifest. */
export function podTemplateOf(manifest: unknown): PodTemplate | undefined {
  if (!isObject(manifest)) return undefined;
  let template = templates.get(manifest);
  if (template === undefined) {
    template = findPodTemplate(manifest) ?? null;
    templates.set(manifest, template);
  }
  return template ?? undefined;
}

function findPodTemplate(manifest: JsonObject): PodTemplate | undefined {
  const kind = manifest.kind;
  if (kind === 'Pod') return podAt(manifest, '');
  const path = typeof kind === 'string' && Object.prototype.hasOwnProperty.call(TEMPLATE_PATHS, kind) ? TEMPLATE_PATHS[kind] : undefined;
  return path ? podAt(field(manifest, ...path), path.join('.')) : undefined;
}

function podAt(node: unknown, path: string): PodTemplate | undefined {
  const spec = field(node, 'spec');
  if (!isObject(spec)) return undefined;
  const metadata = field(node, 'metadata');
  return { metadata: isObject(metadata) ? metadata : {}, spec, path };
}

/** Joins a pod-relative field path (e.g. `spec.containers[0]`) to the manifest path of the pod. */
export function manifestPath(template: PodTemplate, podPath: string): string {
  return template.path ? `${template.path}.${podPath}` : podPath;
}
