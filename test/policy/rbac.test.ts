import fc from 'fast-check';
import { main } from '../../lib/cli/main';
import { runRules } from '../../lib/policy/engine';
import { Finding, Severity } from '../../lib/policy/finding';
import { PolicyPack } from '../../lib/policy/pack';
import { AuditContext, AuditObject } from '../../lib/policy/rule';
import { rbacRules } from '../../lib/policy/rules/rbac';

const RULES = rbacRules();

function audit(manifests: any[]): Finding[] {
  return runRules(manifests.map((manifest): AuditObject => ({ manifest })), RULES);
}

function ids(manifests: any[]): string[] {
  return [...new Set(audit(manifests).map((f) => f.ruleId))].sort();
}

const role = (name: string, rules: any, extra: any = {}) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: 'shop' }, rules, ...extra });
const clusterRole = (name: string, rules: any, extra: any = {}) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) }, rules, ...(extra.aggregationRule ? { aggregationRule: extra.aggregationRule } : {}) });
const sa = (name: string, namespace = 'shop') => ({ kind: 'ServiceAccount', name, namespace });
const roleBinding = (name: string, roleRef: any, subjects: any = [sa('api')]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: 'shop' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });
const clusterRoleBinding = (name: string, roleRef: any, subjects: any = [sa('api')]) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects });
const rule = (verbs: any, resources: any, apiGroups: any = [''], extra: any = {}) => ({ apiGroups, resources, verbs, ...extra });

/** Each rule: a manifest set that violates it, and the least change that makes it pass. */
const FIXTURES: Array<[string, any[], any[]]> = [
  ['RBAC-wildcard',
    [role('r', [rule(['*'], ['configmaps'])])],
    [role('r', [rule(['get', 'list'], ['configmaps'])])]],
  ['RBAC-secrets-read-cluster',
    [clusterRole('r', [rule(['get', 'list', 'watch'], ['secrets'])]), clusterRoleBinding('b', { kind: 'ClusterRole', name: 'r' })],
    [clusterRole('r', [rule(['get'], ['secrets'], [''], { resourceNames: ['grafana-admin'] })]), clusterRoleBinding('b', { kind: 'ClusterRole', name: 'r' })]],
  ['RBAC-secrets-read-namespace',
    [role('r', [rule(['list'], ['secrets'])]), roleBinding('b', { kind: 'Role', name: 'r' })],
    [role('r', [rule(['get'], ['secrets'], [''], { resourceNames: ['api-credentials'] })]), roleBinding('b', { kind: 'Role', name: 'r' })]],
  ['RBAC-workload-create',
    [role('r', [rule(['create'], ['deployments'], ['apps'])])],
    [role('r', [rule(['get', 'list', 'watch', 'patch'], ['deployments'], ['apps'])])]],
  ['RBAC-pod-exec-attach',
    [role('r', [rule(['create'], ['pods/exec'])])],
    [role('r', [rule(['get'], ['pods/log'])])]],
  ['RBAC-escalate-bind',
    [clusterRole('r', [rule(['bind'], ['clusterroles'], ['rbac.authorization.k8s.io'])])],
    [clusterRole('r', [rule(['get', 'list'], ['clusterroles'], ['rbac.authorization.k8s.io'])])]],
  ['RBAC-impersonate',
    [clusterRole('r', [rule(['impersonate'], ['groups'])])],
    [clusterRole('r', [rule(['get'], ['serviceaccounts'])])]],
  ['RBAC-nodes-proxy',
    [clusterRole('r', [rule(['get'], ['nodes/proxy'])])],
    [clusterRole('r', [rule(['get'], ['nodes/metrics'])])]],
  ['RBAC-webhook-config-write',
    [clusterRole('r', [rule(['get', 'update', 'patch'], ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], ['admissionregistration.k8s.io'])])],
    [clusterRole('r', [rule(['get', 'update', 'patch'], ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], ['admissionregistration.k8s.io'], { resourceNames: ['shop-admission'] })])]],
  ['RBAC-cluster-admin-binding',
    [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'cluster-admin' })],
    [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'view' })]],
  ['RBAC-system-group-binding',
    [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' }])],
    [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'auditors', apiGroup: 'rbac.authorization.k8s.io' }])]],
  ['RBAC-default-service-account-binding',
    [roleBinding('b', { kind: 'ClusterRole', name: 'view' }, [sa('default')])],
    [roleBinding('b', { kind: 'ClusterRole', name: 'view' }, [sa('reporting')])]],
];

describe('Rbac pack', () => {
  test('every rule of the pack has a failing and a passing fixture', () => {
    expect(FIXTURES.map(([id]) => id).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  test.each(FIXTURES)('%s: the failing fixture is reported, the passing one is clean', (id, failing, passing) => {
    expect(ids(failing)).toContain(id);
    expect(ids(passing)).toEqual([]);
  });

  test.each(RULES.map((r) => [r.id]))('%s has an --explain text with its peer checks', async (id) => {
    const out: string[] = [];
    const code = await main(['audit', '--explain', id], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true }, stdin: (async function* () {})(), isTTY: false });
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain(`${id}: `);
    const rule = RULES.find((r) => r.id === id)!;
    for (const peerIds of Object.values(rule.equivalents)) for (const peer of peerIds ?? []) expect(text).toContain(peer);
    expect(text).toMatch(/why: .{40,}/);
  });

  test('the pack is in the defaults and on the command line', () => {
    expect(PolicyPack.defaults().map((p) => p.name)).toEqual(['PodSecurity(restricted, latest)', 'Hardening', 'ApiVersions(1.33)', 'Rbac']);
    expect(PolicyPack.rbac().rules.every((r) => r.id.startsWith('RBAC-'))).toBe(true);
  });

  test('findings name the rule, its reach and the binding that gives it', () => {
    const findings = audit([
      clusterRole('reader', [rule(['get', 'watch', 'list'], ['configmaps', 'secrets'])]),
      clusterRoleBinding('reader', { kind: 'ClusterRole', name: 'reader' }),
    ]);
    expect(findings).toEqual([expect.objectContaining({
      ruleId: 'RBAC-secrets-read-cluster', severity: Severity.HIGH, kind: 'ClusterRole', name: 'reader', fieldPath: 'rules[0]',
      message: 'rules[0] lets its subjects get, list, watch every Secret (verbs [get, watch, list] on [configmaps, secrets] in API groups ["" (core)]), in every namespace (ClusterRoleBinding \'reader\')',
    })]);
  });

  describe('reach of Secret access', () => {
    const reader = clusterRole('reader', [rule(['list'], ['secrets'])]);
    test('a ClusterRole bound by a ClusterRoleBinding is cluster-wide', () => {
      expect(ids([reader, clusterRoleBinding('b', { kind: 'ClusterRole', name: 'reader' })])).toEqual(['RBAC-secrets-read-cluster']);
    });
    test('a ClusterRole bound only by RoleBindings is namespace-wide, and names the bindings', () => {
      const findings = audit([reader, roleBinding('b', { kind: 'ClusterRole', name: 'reader' })]);
      expect(findings.map((f) => f.ruleId)).toEqual(['RBAC-secrets-read-namespace']);
      expect(findings[0].message).toContain("in the namespaces of RoleBinding 'shop/b'");
    });
    test('one ClusterRoleBinding among RoleBindings makes it cluster-wide', () => {
      expect(ids([reader, roleBinding('a', { kind: 'ClusterRole', name: 'reader' }), clusterRoleBinding('b', { kind: 'ClusterRole', name: 'reader' })])).toEqual(['RBAC-secrets-read-cluster']);
    });
    test('an unbound ClusterRole is judged cluster-wide, and says so', () => {
      const findings = audit([reader]);
      expect(findings.map((f) => f.ruleId)).toEqual(['RBAC-secrets-read-cluster']);
      expect(findings[0].message).toContain('no binding in the audit limits this ClusterRole to a namespace');
    });
    test('a Role is namespace-wide even when a binding of another namespace has its name', () => {
      const other = { ...roleBinding('b', { kind: 'Role', name: 'r' }), metadata: { name: 'b', namespace: 'other' } };
      const findings = audit([role('r', [rule(['watch'], ['secrets'])]), other]);
      expect(findings.map((f) => f.ruleId)).toEqual(['RBAC-secrets-read-namespace']);
      expect(findings[0].message).toContain("in namespace 'shop'");
      expect(findings[0].message).not.toContain('other');
    });
  });

  test('a binding counts only inside its unit (a chart, a file): scopes keep environments apart', () => {
    const reader = clusterRole('reader', [rule(['list'], ['secrets'])]);
    const inUnits = (units: [any, string][]) => runRules(units.map(([manifest, unit]): AuditObject => ({ manifest, unit })), RULES).map((f) => `${f.ruleId} ${f.kind}/${f.name}`);
    expect(inUnits([[reader, 'dev.yaml'], [roleBinding('b', { kind: 'ClusterRole', name: 'reader' }), 'dev.yaml'], [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'reader' }), 'prod.yaml']]))
      .toEqual(['RBAC-secrets-read-namespace ClusterRole/reader']);
    expect(inUnits([[reader, 'all'], [roleBinding('b', { kind: 'ClusterRole', name: 'reader' }), 'all'], [clusterRoleBinding('b', { kind: 'ClusterRole', name: 'reader' }), 'all']]))
      .toEqual(['RBAC-secrets-read-cluster ClusterRole/reader']);
  });

  describe('read as the RBAC authorizer reads it', () => {
    test('wildcards in verbs, resources or apiGroups grant Secret reads; * resources include subresources; */subresource grants exec', () => {
      expect(ids([role('r', [rule(['*'], ['secrets'])])])).toEqual(['RBAC-secrets-read-namespace', 'RBAC-wildcard']);
      expect(ids([role('r', [rule(['get'], ['*'])])])).toEqual(['RBAC-nodes-proxy', 'RBAC-pod-exec-attach', 'RBAC-secrets-read-namespace', 'RBAC-wildcard']);
      expect(ids([role('r', [rule(['get'], ['secrets'], ['*'])])])).toEqual(['RBAC-secrets-read-namespace', 'RBAC-wildcard']);
      expect(ids([role('r', [rule(['create'], ['*/exec'])])])).toEqual(['RBAC-pod-exec-attach', 'RBAC-wildcard']);
    });
    test('names are exact and case-sensitive; pods/* is not a wildcard the authorizer knows', () => {
      expect(ids([role('r', [rule(['GET'], ['Secrets'])])])).toEqual([]);
      expect(ids([role('r', [rule(['get'], ['secrets'], ['apps'])])])).toEqual([]);
      expect(ids([role('r', [rule(['create'], ['pods/*'])])])).toEqual([]);
    });
    test('resourceNames limit reads and cannot create, but do not make escalate, bind or impersonate safe', () => {
      expect(ids([role('r', [rule(['get', 'list', 'watch'], ['secrets'], [''], { resourceNames: ['tls'] })])])).toEqual([]);
      expect(ids([role('r', [rule(['create'], ['pods'], [''], { resourceNames: ['x'] })])])).toEqual([]);
      const bind = audit([clusterRole('r', [rule(['bind'], ['clusterroles'], ['rbac.authorization.k8s.io'], { resourceNames: ['view'] })])]);
      expect(bind.map((f) => f.ruleId)).toEqual(['RBAC-escalate-bind']);
      expect(bind[0].message).toContain('(limited to view)');
      expect(ids([clusterRole('r', [rule(['impersonate'], ['users'], [''], { resourceNames: ['admin'] })])])).toEqual(['RBAC-impersonate']);
    });
    test('every workload kind that makes a pod counts for create; exec needs create or get', () => {
      for (const [group, resource] of [['', 'pods'], ['', 'replicationcontrollers'], ['apps', 'daemonsets'], ['apps', 'statefulsets'], ['apps', 'replicasets'], ['batch', 'jobs'], ['batch', 'cronjobs']]) {
        expect(ids([role('r', [rule(['create'], [resource], [group])])])).toEqual(['RBAC-workload-create']);
      }
      expect(ids([role('r', [rule(['get'], ['pods/attach'])])])).toEqual(['RBAC-pod-exec-attach']);
      expect(ids([role('r', [rule(['patch'], ['pods/ephemeralcontainers'])])])).toEqual(['RBAC-pod-exec-attach']);
      expect(ids([role('r', [rule(['list'], ['pods/exec'])])])).toEqual([]);
    });
    test('escalate on roles, impersonate on service accounts and any verb on nodes/proxy', () => {
      expect(ids([role('r', [rule(['escalate'], ['roles'], ['rbac.authorization.k8s.io'])])])).toEqual(['RBAC-escalate-bind']);
      expect(ids([role('r', [rule(['impersonate'], ['serviceaccounts'])])])).toEqual(['RBAC-impersonate']);
      expect(ids([clusterRole('r', [rule(['impersonate'], ['uids'], ['authentication.k8s.io'])])])).toEqual(['RBAC-impersonate']);
      expect(ids([clusterRole('r', [rule(['impersonate'], ['uids'])])])).toEqual([]);
      expect(ids([clusterRole('r', [rule(['create'], ['nodes/proxy'])])])).toEqual(['RBAC-nodes-proxy']);
    });
    test('nonResourceURLs rules grant no resource', () => {
      expect(ids([clusterRole('r', [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }])])).toEqual([]);
    });
  });

  describe('aggregated ClusterRoles', () => {
    const part = clusterRole('secrets-part', [rule(['get'], ['secrets'])], { labels: { 'example.com/aggregate-to-monitoring': 'true' } });
    const aggregate = clusterRole('monitoring', [], { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] } });

    test('an aggregate counts with the parts the audit holds, at the aggregate\'s selector', () => {
      const findings = audit([aggregate, part, clusterRoleBinding('b', { kind: 'ClusterRole', name: 'monitoring' })]).filter((f) => f.name === 'monitoring');
      expect(findings).toEqual([expect.objectContaining({
        ruleId: 'RBAC-secrets-read-cluster', fieldPath: 'aggregationRule.clusterRoleSelectors[0]',
        message: expect.stringContaining("through ClusterRole 'secrets-part' rules[0], lets its subjects get every Secret"),
      })]);
    });
    test('a part bound only through its aggregate takes the aggregate\'s reach', () => {
      const findings = audit([aggregate, part, clusterRoleBinding('b', { kind: 'ClusterRole', name: 'monitoring' })]).filter((f) => f.name === 'secrets-part');
      expect(findings.map((f) => f.ruleId)).toEqual(['RBAC-secrets-read-cluster']);
      expect(findings[0].message).toContain("ClusterRoleBinding 'b'");
      const namespaced = audit([aggregate, part, roleBinding('b', { kind: 'ClusterRole', name: 'monitoring' })]);
      expect(namespaced.map((f) => `${f.ruleId}:${f.name}`).sort()).toEqual(['RBAC-secrets-read-namespace:monitoring', 'RBAC-secrets-read-namespace:secrets-part']);
    });
    test('aggregation is followed through aggregates of aggregates, and cycles end', () => {
      const middle = clusterRole('middle', [], { labels: { tier: 'top' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'example.com/aggregate-to-monitoring': 'true' } }] } });
      const top = clusterRole('top', [], { labels: { 'example.com/aggregate-to-monitoring': 'true' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { tier: 'top' } }] } });
      const findings = audit([top, middle, part, clusterRoleBinding('b', { kind: 'ClusterRole', name: 'top' })]);
      expect(findings.filter((f) => f.name === 'top').map((f) => f.ruleId)).toEqual(['RBAC-secrets-read-cluster']);
    });
    test('an empty clusterRoleSelector takes in every ClusterRole, cluster-admin included', () => {
      const all = clusterRole('all', [], { aggregationRule: { clusterRoleSelectors: [{}] } });
      expect(ids([all])).toEqual(['RBAC-escalate-bind', 'RBAC-impersonate', 'RBAC-nodes-proxy', 'RBAC-pod-exec-attach', 'RBAC-secrets-read-cluster', 'RBAC-webhook-config-write', 'RBAC-wildcard', 'RBAC-workload-create']);
      expect(ids([all, roleBinding('b', { kind: 'ClusterRole', name: 'all' })])).toContain('RBAC-cluster-admin-binding');
    });
    test('a ClusterRole whose labels no selector matches is not taken in', () => {
      const other = clusterRole('other', [rule(['get'], ['secrets'])], { labels: { unrelated: 'true' } });
      expect(audit([aggregate, other, clusterRoleBinding('b', { kind: 'ClusterRole', name: 'monitoring' })]).filter((f) => f.name === 'monitoring')).toEqual([]);
    });
  });

  describe('bindings', () => {
    test('a binding to a role in the audit with * on * in * is a cluster-admin binding; a partial wildcard is not', () => {
      const god = clusterRole('god', [rule(['*'], ['*'], ['*'])]);
      const findings = audit([god, roleBinding('b', { kind: 'ClusterRole', name: 'god' })]).filter((f) => f.ruleId === 'RBAC-cluster-admin-binding');
      expect(findings[0].message).toBe("binds ClusterRole 'god', which grants * on * in every API group, to ServiceAccount 'shop/api' in namespace 'shop'");
      expect(ids([clusterRole('almost', [rule(['*'], ['*'], ['apps'])]), clusterRoleBinding('b', { kind: 'ClusterRole', name: 'almost' })])).not.toContain('RBAC-cluster-admin-binding');
      expect(ids([role('god', [rule(['*'], ['*'], ['*'])]), roleBinding('b', { kind: 'Role', name: 'god' })])).toContain('RBAC-cluster-admin-binding');
    });
    test('cluster-admin by name, cluster-wide and in a namespace', () => {
      expect(audit([clusterRoleBinding('b', { kind: 'ClusterRole', name: 'cluster-admin' }, [sa('ci', 'tools')])])[0].message).toBe("binds cluster-admin to ServiceAccount 'tools/ci' in every namespace");
      expect(audit([roleBinding('b', { kind: 'ClusterRole', name: 'cluster-admin' })])[0].message).toBe("binds cluster-admin to ServiceAccount 'shop/api' in namespace 'shop'");
    });
    test('every system: group and the anonymous user are reported, each at its subject', () => {
      const subjects = ['system:unauthenticated', 'system:serviceaccounts', 'system:serviceaccounts:shop', 'system:masters', 'system:nodes'].map((name) => ({ kind: 'Group', name }));
      const findings = audit([clusterRoleBinding('b', { kind: 'ClusterRole', name: 'view' }, [...subjects, { kind: 'User', name: 'system:anonymous' }, { kind: 'User', name: 'system:admin-like-name' }])]);
      expect(findings.map((f) => f.fieldPath)).toEqual(['subjects[0].name', 'subjects[1].name', 'subjects[2].name', 'subjects[3].name', 'subjects[4].name', 'subjects[5].name']);
      expect(findings[0].message).toBe("binds ClusterRole 'view' to Group 'system:unauthenticated' in every namespace");
    });
    test('a default ServiceAccount of any namespace, named with the binding\'s namespace when the subject has none', () => {
      const findings = audit([roleBinding('b', { kind: 'Role', name: 'r' }, [{ kind: 'ServiceAccount', name: 'default' }])]);
      expect(findings[0].message).toBe("binds Role 'r' to ServiceAccount 'shop/default' in namespace 'shop', which every pod of that namespace without a serviceAccountName runs as");
    });
  });

  describe('untrusted shapes', () => {
    const inputs = (manifests: any[]) => audit(manifests).filter((f) => f.ruleId === 'INPUT-field-type').map((f) => `${f.name} ${f.fieldPath}`);
    const rbacIds = (manifests: any[]) => ids(manifests).filter((id) => id.startsWith('RBAC-'));

    test('a field of the wrong type is an input finding and is read as absent, as the API server would refuse the object', () => {
      const stringVerbs = [role('r', [rule('*', 'secrets', '')])];
      expect(rbacIds(stringVerbs)).toEqual([]);
      expect(inputs(stringVerbs).sort()).toEqual(['r rules[0].apiGroups', 'r rules[0].resources', 'r rules[0].verbs']);
      const nulls = [role('r', null), role('r2', [null, 7, 'x', rule([null, 1], [{}], [[]])])];
      expect(rbacIds(nulls)).toEqual([]);
      expect(inputs(nulls)).toEqual(expect.arrayContaining(['r2 rules[0]', 'r2 rules[1]', 'r2 rules[2]', 'r2 rules[3].verbs[0]']));
      const subjects = [roleBinding('b', { kind: 'Role', name: 'r' }, [null, 'default', { kind: 'ServiceAccount', name: 'default' }])];
      expect(rbacIds(subjects)).toEqual(['RBAC-default-service-account-binding']);
      expect(inputs(subjects)).toEqual(['b subjects[0]', 'b subjects[1]']);
      expect(rbacIds([{ kind: 'ClusterRoleBinding', roleRef: null, subjects: null }, { kind: 'RoleBinding', roleRef: 'cluster-admin', metadata: 7 }])).toEqual([]);
    });

    test('a clusterRoleSelector of the wrong shape is read as empty, so it takes in every ClusterRole', () => {
      const aggregate = clusterRole('agg', [], { aggregationRule: { clusterRoleSelectors: [null, 3, { matchLabels: 'x', matchExpressions: 5 }] } });
      expect(rbacIds([aggregate])).toContain('RBAC-wildcard');
      expect(inputs([aggregate])).toEqual(['agg aggregationRule.clusterRoleSelectors[0]', 'agg aggregationRule.clusterRoleSelectors[1]', 'agg aggregationRule.clusterRoleSelectors[2].matchLabels', 'agg aggregationRule.clusterRoleSelectors[2].matchExpressions']);
    });

    const shape = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, undefined, '*', '', 'secrets', 'pods/exec', 'system:authenticated', 'default', 'ClusterRole', 'Role', 'cluster-admin', 0, true, 'get'), tie('list'), tie('object')),
      list: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.constantFrom('verbs', 'resources', 'apiGroups', 'resourceNames', 'rules', 'kind', 'name', 'namespace', 'subjects', 'roleRef', 'matchLabels', 'matchExpressions', 'clusterRoleSelectors', 'labels', 'key', 'operator', 'values'), tie('value'), { maxKeys: 5 }),
    }));

    test('no shape of Role, ClusterRole or binding crashes a rule (property)', () => {
      fc.assert(fc.property(fc.array(fc.record({
        kind: fc.constantFrom('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'),
        metadata: fc.oneof(shape.value, fc.record({ name: fc.constantFrom('a', 'b'), namespace: fc.constantFrom('shop', undefined as any), labels: shape.value })),
        rules: shape.value, subjects: shape.value, roleRef: fc.oneof(shape.value, fc.record({ kind: fc.constantFrom('Role', 'ClusterRole'), name: fc.constantFrom('a', 'b', 'cluster-admin') })),
        aggregationRule: shape.value,
      }), { maxLength: 6 }), (manifests) => {
        const objects = manifests.map((manifest): AuditObject => ({ manifest }));
        const context = new AuditContext(objects);
        for (const object of objects) {
          for (const r of RULES) for (const violation of r.check(object, context)) expect(typeof violation.message).toBe('string');
        }
      }), { numRuns: 400 });
    });
  });
});
