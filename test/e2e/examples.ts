/**
 * The examples as the end-to-end suite deploys them: every folder under examples/ with a
 * cdk8s.yaml is synthesized by its own `app` command into a temporary folder, so an example added
 * later is covered without a change here. Each example's namespaces get a prefix, so examples
 * that share a namespace name (and scenarios that run them again) never collide.
 */
import { createHash } from 'crypto';
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse, parseAllDocuments } from 'yaml';
import { evaluatePodSecurity, LATEST_POLICY_MINOR } from '../../lib/policy/pss';
import { SUPPRESSION_ANNOTATION_PREFIX } from '../../lib/policy/suppressions';
import { run, tempDir } from './cluster';

export const EXAMPLES_DIR = resolve(__dirname, '../../examples');

export interface Example {
  readonly name: string;
  /** Every manifest of every chart of the example, in synthesis order. */
  readonly manifests: any[];
  /**
   * The example shows an audit of an app not written with this library (its cdk8s.yaml runs a
   * validation plugin): its pods may need more than `restricted` without a grant.
   */
  readonly auditTarget: boolean;
}

/** The example folders, sorted. */
export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(EXAMPLES_DIR, entry.name, 'cdk8s.yaml')))
    .map((entry) => entry.name)
    .sort();
}

/** Synthesizes one example with the `app` command of its cdk8s.yaml. */
export async function synthExample(name: string): Promise<Example> {
  const dir = join(EXAMPLES_DIR, name);
  const config = parse(readFileSync(join(dir, 'cdk8s.yaml'), 'utf8'));
  if (typeof config?.app !== 'string') throw new Error(`examples/${name}/cdk8s.yaml has no 'app' command: add e.g. 'app: npx ts-node --swc --prefer-ts-exts main.ts'`);
  const outdir = tempDir(`example-${name}`);
  const result = await run('sh', ['-c', `cd "$EXAMPLE_DIR" && ${config.app}`], { timeoutS: 240, env: { EXAMPLE_DIR: dir, CDK8S_OUTDIR: outdir } });
  if (result.code !== 0) throw new Error(`examples/${name} does not synthesize ('${config.app}' exited ${result.code}): ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const files = readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort();
  if (files.length === 0) throw new Error(`examples/${name} synthesized no manifests into ${outdir}`);
  const manifests = files.flatMap((file) => parseAllDocuments(readFileSync(join(outdir, file), 'utf8')).map((doc) => doc.toJSON()).filter((m) => m));
  return { name, manifests, auditTarget: Array.isArray(config.validations) && config.validations.length > 0 };
}

/** The namespaces an example uses (created by it or not). */
export function namespacesOf(manifests: any[]): string[] {
  const names = new Set<string>();
  for (const m of manifests) {
    if (m.kind === 'Namespace') names.add(m.metadata.name);
    else if (m.metadata?.namespace) names.add(m.metadata.namespace);
  }
  return [...names].sort();
}

/** A DNS label `<prefix>-<namespace>`, shortened with a hash when too long. */
export function prefixedNamespace(prefix: string, namespace: string): string {
  const name = `${prefix}-${namespace}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54)}-${hash}`;
}

/**
 * Copies manifests with every namespace renamed: `metadata.namespace`, Namespace names, the
 * namespace selectors of NetworkPolicies and the subjects of bindings.
 */
export function renameNamespaces(manifests: any[], rename: (namespace: string) => string): any[] {
  const copy = JSON.parse(JSON.stringify(manifests));
  const renameSelector = (selector: any) => {
    const labels = selector?.matchLabels;
    if (labels && typeof labels['kubernetes.io/metadata.name'] === 'string') {
      labels['kubernetes.io/metadata.name'] = rename(labels['kubernetes.io/metadata.name']);
    }
  };
  for (const m of copy) {
    if (m.kind === 'Namespace') m.metadata.name = rename(m.metadata.name);
    else if (m.metadata?.namespace) m.metadata.namespace = rename(m.metadata.namespace);
    for (const subject of m.subjects ?? []) if (subject.namespace) subject.namespace = rename(subject.namespace);
    if (m.kind === 'NetworkPolicy') {
      for (const rule of [...(m.spec?.ingress ?? []), ...(m.spec?.egress ?? [])]) {
        for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) renameSelector(peer.namespaceSelector);
      }
    }
  }
  return copy;
}

/** The pod template of a workload manifest, or undefined. */
export function podTemplateOf(m: any): any {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(m.kind)) return m.spec?.template;
  if (m.kind === 'CronJob') return m.spec?.jobTemplate?.spec?.template;
  return undefined;
}

/** Pods a workload runs at once: replicas, the autoscaler's minimum, one per node for a DaemonSet. */
export function podCount(m: any, manifests: any[], nodes = 2): number {
  if (m.kind === 'DaemonSet') return nodes;
  if (m.kind === 'Job' || m.kind === 'CronJob') return 1;
  if (m.spec?.replicas !== undefined) return m.spec.replicas;
  const hpa = manifests.find((h) => h.kind === 'HorizontalPodAutoscaler' && h.metadata?.namespace === m.metadata?.namespace && h.spec?.scaleTargetRef?.name === m.metadata?.name);
  return hpa?.spec?.minReplicas ?? 1;
}

/** CPU millicores of a quantity such as `250m` or `1`. */
export function cpuMillis(quantity: unknown): number {
  if (quantity === undefined || quantity === null) return 0;
  const text = String(quantity);
  return text.endsWith('m') ? parseFloat(text) : parseFloat(text) * 1000;
}

/** CPU millicores an example requests with all its workloads running (surge pods not counted). */
export function cpuRequestMillis(manifests: any[]): number {
  let total = 0;
  for (const m of manifests) {
    const template = podTemplateOf(m);
    if (!template) continue;
    const perPod = (template.spec?.containers ?? []).reduce((sum: number, c: any) => sum + cpuMillis(c.resources?.requests?.cpu), 0);
    total += perPod * podCount(m, manifests);
  }
  return total;
}

/** Copies manifests with every container's CPU request lowered to at most `millis`. */
export function capCpuRequests(manifests: any[], millis: number): any[] {
  const copy = JSON.parse(JSON.stringify(manifests));
  for (const m of copy) {
    const spec = podTemplateOf(m)?.spec;
    for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
      if (c.resources?.requests?.cpu !== undefined && cpuMillis(c.resources.requests.cpu) > millis) c.resources.requests.cpu = `${millis}m`;
    }
  }
  return copy;
}

/** Packs examples into groups whose CPU requests stay within `budgetMillis`, largest first. */
export function packByCpu<T extends { cpu: number }>(items: T[], budgetMillis: number): T[][] {
  const groups: { total: number; items: T[] }[] = [];
  for (const item of [...items].sort((a, b) => b.cpu - a.cpu)) {
    const group = groups.find((g) => g.total + item.cpu <= budgetMillis);
    if (group) {
      group.items.push(item);
      group.total += item.cpu;
    } else {
      groups.push({ total: item.cpu, items: [item] });
    }
  }
  return groups.map((g) => g.items);
}

const LEVELS = ['restricted', 'baseline', 'privileged'] as const;

/** What Pod Security level a namespace must enforce for an example's pods, and why. */
export interface NamespaceLevel {
  readonly namespace: string;
  readonly level: string;
  /** One line per workload that needs more than `restricted`: its checks and the reason it carries. */
  readonly grants: string[];
}

/**
 * The level each namespace an example uses but does not create must enforce: `restricted`, unless
 * the library's own Pod Security evaluator finds that a workload needs more. Such a workload must
 * carry a suppression with a reason for every check it fails (as `NodeAgent.hostAccess` does);
 * a workload that needs more without one is an error, unless the example is an audit target.
 */
export function namespaceLevels(manifests: any[], auditTarget = false): NamespaceLevel[] {
  const created = new Set(manifests.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name));
  const result = new Map<string, { level: number; grants: string[] }>();
  for (const namespace of namespacesOf(manifests)) if (!created.has(namespace)) result.set(namespace, { level: 0, grants: [] });
  for (const m of manifests) {
    const template = podTemplateOf(m);
    const entry = result.get(m.metadata?.namespace);
    if (!template || !entry) continue;
    const failing = (level: 'baseline' | 'restricted') => evaluatePodSecurity(template.metadata ?? {}, template.spec ?? {}, level, LATEST_POLICY_MINOR);
    const level = failing('restricted').length === 0 ? 0 : failing('baseline').length === 0 ? 1 : 2;
    if (level === 0) continue;
    const annotations = m.metadata?.annotations ?? {};
    const checks = [...new Set([...failing('baseline'), ...failing('restricted')].map((r) => r.checkId))];
    const unexplained = checks.filter((check) => !String(annotations[`${SUPPRESSION_ANNOTATION_PREFIX}PSS-${check}`] ?? '').trim());
    if (unexplained.length > 0 && !auditTarget) {
      throw new Error(`${m.kind} ${m.metadata.namespace}/${m.metadata.name} needs Pod Security '${LEVELS[level]}' (fails ${unexplained.join(', ')}) without a reason: grant it through NodeAgent.hostAccess with a reason`);
    }
    const reasons = [...new Set(checks.map((check) => annotations[`${SUPPRESSION_ANNOTATION_PREFIX}PSS-${check}`] ?? 'none: an app under audit, not written with this library'))];
    entry.grants.push(`${m.kind} ${m.metadata.name}: ${checks.join(', ')} (reason: ${reasons.join('; ')})`);
    entry.level = Math.max(entry.level, level);
  }
  return [...result.entries()].map(([namespace, { level, grants }]) => ({ namespace, level: LEVELS[level], grants }));
}
