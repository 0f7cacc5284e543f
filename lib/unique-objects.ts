import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Kinds without a namespace: their names are unique in the whole cluster. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass',
  'RuntimeClass', 'APIService', 'CSIDriver', 'VolumeAttachment',
]);

const guardedRoots = new WeakSet<IConstruct>();

/**
 * Makes synthesis of the app that holds `scope` fail when two objects of one chart (nested charts
 * included) share kind, namespace and name: the apiserver keeps only the one applied last. Registered once per app, as a validation,
 * because objects can still be added after any construct is built.
 */
export function requireUniqueObjects(scope: IConstruct): void {
  const root = scope.node.root;
  if (guardedRoots.has(root)) return;
  guardedRoots.add(root);
  root.node.addValidation({ validate: () => duplicateObjects(root) });
}

/**
 * One message per (kind, namespace, name) that more than one ApiObject of a deployable unit (an
 * outermost Chart with the charts nested in it, as the audit's default scope has it) renders.
 * Charts of one App may go to different clusters (dev, staging, prod), so they are not compared
 * with each other. Objects that share kind and name are compared as rendered (JSON patches included).
 */
export function duplicateObjects(root: IConstruct): string[] {
  // Only objects that share kind and name are rendered, so an app without collisions pays nothing.
  const candidates = groupBy(root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject), (o) => identity(o.apiVersion, o.kind, '', o.name));
  const messages: string[] = [];
  for (const colliding of candidates.values()) {
    if (colliding.length < 2) continue;
    const rendered = groupBy(colliding, (o) => {
      const { apiVersion, kind, metadata } = o.toJson();
      const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : metadata?.namespace ?? '';
      return `${deployableUnit(o)}\u0000${identity(apiVersion, kind, namespace, metadata?.name)}`;
    });
    for (const objects of rendered.values()) {
      if (objects.length < 2) continue;
      const { kind, metadata } = objects[0].toJson();
      const where = metadata?.namespace && !CLUSTER_SCOPED_KINDS.has(kind) ? ` in namespace '${metadata.namespace}'` : '';
      const paths = objects.map((o) => `'${o.node.path}'`).join(' and ');
      messages.push(`${kind} '${metadata?.name}'${where} is defined ${objects.length} times, by ${paths}: the apiserver keeps only one; give the workloads different names or namespaces`);
    }
  }
  return messages;
}

/** The outermost Chart above an object: the unit that is applied together, as the audit's default scope has it. */
function deployableUnit(object: ApiObject): string {
  return object.node.scopes.find((scope) => scope instanceof Chart)?.node.path ?? '';
}

function identity(apiVersion: string, kind: string, namespace: string, name: string): string {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return `${group}\u0000${kind}\u0000${namespace}\u0000${name}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
