/**
 * The RBAC and exposure findings on the rendered public charts of ../shared/corpus (the directory
 * can be moved with $CORPUS_DIR), pinned per chart. Each one was checked against the chart's YAML:
 * the comment beside it says why a reviewer would raise it.
 */
import { existsSync } from 'fs';
import { join } from 'path';
import { runRules } from '../../lib/policy/engine';
import { loadPaths } from '../../lib/policy/load';
import { rbacRules } from '../../lib/policy/rules/rbac';
import { EXPOSURE_RULES } from '../../lib/policy/rules/hardening-exposure';

const CORPUS = process.env.CORPUS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'corpus');
const RULES = [...rbacRules(), ...EXPOSURE_RULES];

function findings(chart: string): string[] {
  const file = join(CORPUS, chart);
  if (!existsSync(file)) throw new Error(`corpus chart ${file} is missing: set CORPUS_DIR to the directory of the rendered charts`);
  const loaded = loadPaths([file], {});
  expect(loaded.errors).toEqual([]);
  return runRules(loaded.objects, RULES).map((f) => `${f.severity} ${f.ruleId} ${f.kind}/${f.name} ${f.fieldPath}`).sort();
}

describe('RBAC and exposure findings on the corpus charts', () => {
  test('grafana 12.11.1: none (its ClusterRole has rules: [], its Service is ClusterIP)', () => {
    expect(findings('grafana-12.11.1.yaml')).toEqual([]);
  });

  test('kube-prometheus-stack 88.5.3', () => {
    expect(findings('kube-prometheus-stack-88.5.3.yaml')).toEqual([
      // grafana's dashboard/datasource sidecar: get, watch, list on configmaps and secrets, bound by a ClusterRoleBinding.
      'high RBAC-secrets-read-cluster ClusterRole/rel-grafana-clusterrole rules[0]',
      // the operator: verbs * on configmaps and secrets (rules[2]), cluster-wide.
      'high RBAC-secrets-read-cluster ClusterRole/rel-kube-prometheus-stack-operator rules[2]',
      // kube-state-metrics: list, watch on secrets cluster-wide (it exports Secret metadata, RBAC hands it the data too).
      'high RBAC-secrets-read-cluster ClusterRole/rel-kube-state-metrics rules[22]',
      // the admission-webhook patch job: get, update, patch on every mutating and validating webhook configuration of the cluster (no resourceNames).
      'high RBAC-webhook-config-write ClusterRole/rel-kube-prometheus-stack-admission rules[0]',
      // the operator: verbs * on the monitoring.coreos.com resources, on statefulsets, on configmaps and secrets.
      'high RBAC-wildcard ClusterRole/rel-kube-prometheus-stack-operator rules[0]',
      'high RBAC-wildcard ClusterRole/rel-kube-prometheus-stack-operator rules[1]',
      'high RBAC-wildcard ClusterRole/rel-kube-prometheus-stack-operator rules[2]',
      // the operator: * on apps/statefulsets includes create, in every namespace.
      'high RBAC-workload-create ClusterRole/rel-kube-prometheus-stack-operator rules[1]',
      // the admission-webhook patch job: get, create on every Secret of namespace monitoring (no resourceNames).
      'medium RBAC-secrets-read-namespace Role/rel-kube-prometheus-stack-admission rules[0]',
    ]);
  });

  test('prometheus 29.27.0', () => {
    expect(findings('prometheus-29.27.0.yaml')).toEqual([
      // kube-state-metrics: list, watch on secrets, bound by a ClusterRoleBinding.
      'high RBAC-secrets-read-cluster ClusterRole/rel-kube-state-metrics rules[22]',
    ]);
  });
});
