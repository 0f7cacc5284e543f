/**
 * Where each workload kind keeps its pod: the one place that knows the paths.
 */

/** A pod found inside a manifest. */
export interface PodTemplate {
  /** The pod's metadata (labels, annotations). */
  readonly metadata: any;
  /** The pod spec. */
  readonly spec: any;
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

/** Kinds that carry a pod. */
export const POD_KINDS = ['Pod', ...Object.keys(TEMPLATE_PATHS)];

const templates = new WeakMap<object, PodTemplate | null>();

/** The pod of a workload manifest, or undefined for kinds without one (or a template without a spec). Computed once per manifest. */
export function podTemplateOf(manifest: any): PodTemplate | undefined {
  if (manifest === null || typeof manifest !== 'object') return undefined;
  let template = templates.get(manifest);
  if (template === undefined) {
    template = findPodTemplate(manifest) ?? null;
    templates.set(manifest, template);
  }
  return template ?? undefined;
}

function findPodTemplate(manifest: any): PodTemplate | undefined {
  if (manifest?.kind === 'Pod') {
    return manifest.spec ? { metadata: manifest.metadata ?? {}, spec: manifest.spec, path: '' } : undefined;
  }
  const path = TEMPLATE_PATHS[manifest?.kind];
  if (!path) return undefined;
  let node = manifest;
  for (const key of path) node = node?.[key];
  if (!node || typeof node !== 'object' || !node.spec) return undefined;
  return { metadata: node.metadata ?? {}, spec: node.spec, path: path.join('.') };
}

/** Joins a pod-relative field path (e.g. `spec.containers[0]`) to the manifest path of the pod. */
export function manifestPath(template: PodTemplate, podPath: string): string {
  return template.path ? `${template.path}.${podPath}` : podPath;
}
