import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Kinds without a namespace: their names are unique in the whole cluster. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass',
  'RuntimeClass', 'APIService', 'CSIDriver', 'VolumeAttachment',
]);

const guardedRoots = new WeakSet<IConstruct>();

/**
 * Makes synthesis of the app that holds `scope` fail when two objects share kind, namespace and
 * name: the apiserver keeps only the one applied last. Registered once per app, as a validation,
 * because objects can still be added after any construct is built.
 */
export function requireUniqueObjects(scope: IConstruct): void {
  const root = scope.node.root;
  if (guardedRoots.has(root)) return;
  guardedRoots.add(root);
  root.node.addValidation({ validate: () => duplicateObjects(root) });
}

/** One message per (kind, namespace, name) that more than one ApiObject of the app renders. */
export function duplicateObjects(root: IConstruct): string[] {
  const byIdentity = new Map<string, ApiObject[]>();
  for (const construct of root.node.findAll()) {
    if (!(construct instanceof ApiObject)) continue;
    const group = construct.apiVersion.includes('/') ? construct.apiVersion.split('/')[0] : '';
    const namespace = CLUSTER_SCOPED_KINDS.has(construct.kind) ? '' : construct.metadata.namespace ?? '';
    const key = `${group}\u0000${construct.kind}\u0000${namespace}\u0000${construct.name}`;
    const list = byIdentity.get(key);
    if (list) list.push(construct);
    else byIdentity.set(key, [construct]);
  }
  const messages: string[] = [];
  for (const objects of byIdentity.values()) {
    if (objects.length < 2) continue;
    const { kind, name } = objects[0];
    const namespace = CLUSTER_SCOPED_KINDS.has(kind) ? '' : objects[0].metadata.namespace;
    const where = namespace ? ` in namespace '${namespace}'` : '';
    const paths = objects.map((o) => `'${o.node.path}'`).join(' and ');
    messages.push(`${kind} '${name}'${where} is defined ${objects.length} times, by ${paths}: the apiserver keeps only one; give the workloads different names or namespaces`);
  }
  return messages;
}
