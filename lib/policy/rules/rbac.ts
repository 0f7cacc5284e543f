import { Severity } from '../finding';
import { AuditContext, AuditObject, Rule, Violation } from '../rule';
import {
  allows, allowsNamed, boundRoles, describeObject, describeRule, effectiveGrants, grantsEverything,
  PolicyRule, RoleReach, RoleScope, scopeOf, subjectsOf,
} from './rbac-model';
import { asObject, asString } from '../shape';

/*
 * The Rbac pack: what Roles and ClusterRoles grant (reported on the role, with the bindings that
 * give it its reach) and whom bindings grant it to (reported on the binding). Cross-object
 * lookups (binding → role, aggregated ClusterRole → its parts) look only at the audited objects:
 * a role the audit does not hold is judged by its name alone (cluster-admin).
 */

const ROLE_KINDS = ['Role', 'ClusterRole'];
const BINDING_KINDS = ['RoleBinding', 'ClusterRoleBinding'];
const CORE = '';

type Meta = Omit<Rule, 'check' | 'kinds'> & { readonly kinds?: string[] };

/**
 * A rule over every grant of a role; `test` returns what is wrong with one grant, if anything.
 * A role's own rules are reported one by one; the rules an aggregated ClusterRole takes in are
 * reported once per selector, naming the parts they come from.
 */
function grantRule(meta: Meta, testRule: (rule: PolicyRule) => string | undefined, reaches?: RoleReach[]): Rule {
  // Parts of aggregated ClusterRoles are seen once per aggregate: judge each PolicyRule once.
  const verdicts = new WeakMap<PolicyRule, string | null>();
  const test = (rule: PolicyRule): string | undefined => {
    let verdict = verdicts.get(rule);
    if (verdict === undefined) {
      verdict = testRule(rule) ?? null;
      verdicts.set(rule, verdict);
    }
    return verdict ?? undefined;
  };
  return {
    ...meta,
    kinds: meta.kinds ?? ROLE_KINDS,
    check: (object, context) => {
      const grants = effectiveGrants(object, context);
      if (grants.length === 0) return [];
      const scope = scopeOf(object, context);
      if (reaches && !reaches.includes(scope.reach)) return [];
      const violations: Violation[] = [];
      const aggregated = new Map<string, Array<{ via: string; problem: string }>>();
      for (const grant of grants) {
        const problem = test(grant.rule);
        if (problem === undefined) continue;
        if (grant.via === undefined) {
          violations.push({ fieldPath: grant.path, message: `${grant.path} ${problem}${reachText(object, scope)}` });
        } else {
          const list = aggregated.get(grant.path);
          if (list) list.push({ via: grant.via, problem });
          else aggregated.set(grant.path, [{ via: grant.via, problem }]);
        }
      }
      for (const [path, found] of aggregated) {
        const more = found.length > 1 ? ` (and ${found.length - 1} more aggregated rule${found.length > 2 ? 's' : ''}: ${shortList(found.slice(1).map((f) => f.via))})` : '';
        violations.push({ fieldPath: path, message: `through ${found[0].via}, ${found[0].problem}${more}${reachText(object, scope)}` });
      }
      return violations;
    },
  };
}

function shortList(values: readonly string[]): string {
  return values.length <= 3 ? values.join(', ') : `${values.slice(0, 3).join(', ')} and ${values.length - 3} more`;
}

function bindingList(bindings: readonly AuditObject[]): string {
  const shown = bindings.slice(0, 3).map(describeObject).join(', ');
  return bindings.length <= 3 ? shown : `${shown} and ${bindings.length - 3} more`;
}

function reachText(role: AuditObject, scope: RoleScope): string {
  const bindings = bindingList(scope.bindings);
  switch (scope.reach) {
    case RoleReach.CLUSTER: return `, in every namespace (${bindings})`;
    case RoleReach.NAMESPACE:
      if (asObject(role.manifest)?.kind === 'Role') {
        const namespace = asString(asObject(asObject(role.manifest)?.metadata)?.namespace) ?? 'default';
        return `, in namespace '${namespace}'${scope.bindings.length > 0 ? ` (${bindings})` : ''}`;
      }
      return `, in the namespaces of ${bindings}`;
    default: return '; no binding in the audit limits this ClusterRole to a namespace';
  }
}

function allowedVerbs(rule: PolicyRule, verbs: string[], group: string, resource: string): string[] {
  return verbs.filter((verb) => allows(rule, verb, group, resource));
}

const SECRET_READ = ['get', 'list', 'watch'];

function secretRead(rule: PolicyRule): string | undefined {
  const verbs = allowedVerbs(rule, SECRET_READ, CORE, 'secrets');
  return verbs.length === 0 ? undefined : `lets its subjects ${verbs.join(', ')} every Secret (${describeRule(rule)})`;
}

/** Workload kinds whose create runs a pod of the creator's choosing: [group, resource]. */
const POD_CREATORS: Array<[string, string]> = [
  [CORE, 'pods'], [CORE, 'replicationcontrollers'], ['apps', 'deployments'], ['apps', 'replicasets'], ['apps', 'statefulsets'],
  ['apps', 'daemonsets'], ['batch', 'jobs'], ['batch', 'cronjobs'],
];

const POD_ACCESS: Array<[string, string[]]> = [
  ['pods/exec', ['create', 'get']], ['pods/attach', ['create', 'get']], ['pods/ephemeralcontainers', ['update', 'patch']],
];

const RBAC_GROUP = 'rbac.authorization.k8s.io';

const IMPERSONATION: Array<[string, string]> = [
  [CORE, 'users'], [CORE, 'groups'], [CORE, 'serviceaccounts'], ['authentication.k8s.io', 'uids'],
];

function hasWildcard(values: readonly string[]): boolean {
  return values.some((value) => value.startsWith('*'));
}

const ROLE_RULES: Rule[] = [
  grantRule({
    id: 'RBAC-wildcard', title: 'Roles name their verbs, resources and API groups instead of using *', severity: Severity.HIGH,
    rationale: 'A wildcard grants every verb, resource or API group that exists, and every one added later by an upgrade or a CustomResourceDefinition: the role grows without anyone changing it, and `*` verbs include escalate, bind and impersonate where they apply.',
    fieldPath: 'rules[*].verbs, rules[*].resources, rules[*].apiGroups',
    fix: 'List the verbs, resources and API groups the workload uses (kubectl auth can-i --list, or the audit log, shows them).',
    severityReason: 'HIGH: Trivy critical (KSV-0044/0045/0046), CIS 5.1.3; a wildcard is a standing grant of whatever the API adds later, one step from full control.',
    equivalents: { kubeLinter: ['wildcard-in-rules'], checkov: ['CKV_K8S_49'], trivy: ['KSV-0044', 'KSV-0045', 'KSV-0046', 'KSV-0112'] },
  }, (rule) => {
    const fields = (['verbs', 'resources', 'apiGroups'] as const).filter((field) => hasWildcard(rule[field]));
    return fields.length === 0 ? undefined : `has a wildcard in ${fields.join(', ')}: ${describeRule(rule)}`;
  }),
  grantRule({
    id: 'RBAC-secrets-read-cluster', title: 'No ClusterRole lets its subjects read the Secrets of every namespace', severity: Severity.HIGH, kinds: ['ClusterRole'],
    rationale: 'get, list or watch on Secrets cluster-wide reads every credential of the cluster, service-account tokens of privileged controllers included: whoever takes over the pod (a sidecar that watches Secrets, an exporter) owns the cluster.',
    fieldPath: 'rules[*] granting get/list/watch on secrets; the ClusterRoleBinding that binds it',
    fix: 'Bind the role with RoleBindings in the namespaces that hold the Secrets instead of a ClusterRoleBinding, and name the Secrets in resourceNames; or read Secrets mounted as volumes instead of through the API.',
    severityReason: 'HIGH: Trivy critical (KSV-0041), CIS 5.1.2; every credential of the cluster, tokens of privileged controllers included, is one read away.',
    equivalents: { kubeLinter: ['access-to-secrets'], checkov: ['CKV2_K8S_5'], trivy: ['KSV-0041'] },
  }, (rule) => secretRead(rule), [RoleReach.CLUSTER, RoleReach.UNBOUND]),
  grantRule({
    id: 'RBAC-secrets-read-namespace', title: 'No role lets its subjects read every Secret of a namespace', severity: Severity.MEDIUM,
    rationale: 'get, list or watch on Secrets in a namespace reads every credential of the namespace, the tokens of its other service accounts included, which may reach further than this role.',
    fieldPath: 'rules[*] granting get/list/watch on secrets in a Role, or a ClusterRole bound by RoleBindings',
    fix: 'Name the Secrets the workload needs in resourceNames (get only), or mount them as volumes instead of reading them through the API.',
    severityReason: 'MEDIUM: Trivy medium (KSV-0113); the reach ends at one namespace, but its other service accounts\' tokens are in it.',
    equivalents: { kubeLinter: ['access-to-secrets'], trivy: ['KSV-0113'] },
  }, (rule) => secretRead(rule), [RoleReach.NAMESPACE]),
  grantRule({
    id: 'RBAC-workload-create', title: 'No role lets its subjects create pods or workloads', severity: Severity.HIGH,
    rationale: 'Whoever can create a pod, or a workload that makes one, can run it with any ServiceAccount, Secret or (where admission allows) host access of the namespace: create on pods is the usual first step of a privilege escalation.',
    fieldPath: 'rules[*] granting create on pods, replicationcontrollers, deployments, replicasets, statefulsets, daemonsets, jobs or cronjobs',
    fix: 'Leave workload creation to the deployment pipeline; an operator that must create workloads gets a Role in the namespaces it manages, not a ClusterRole.',
    severityReason: 'HIGH: Trivy medium (KSV-0048), kube-linter CIS 5.1.4; creating a pod runs code as any ServiceAccount of the namespace, the usual first step of an escalation.',
    equivalents: { kubeLinter: ['access-to-create-pods'], trivy: ['KSV-0048'] },
  }, (rule) => {
    const kinds = POD_CREATORS.filter(([group, resource]) => allows(rule, 'create', group, resource)).map(([group, resource]) => (group === CORE ? resource : `${group}/${resource}`));
    return kinds.length === 0 ? undefined : `lets its subjects create ${kinds.join(', ')} (${describeRule(rule)})`;
  }),
  grantRule({
    id: 'RBAC-pod-exec-attach', title: 'No role lets its subjects exec into, attach to or add containers to pods', severity: Severity.HIGH,
    rationale: 'pods/exec and pods/attach give a shell in a running container, with its ServiceAccount token and mounted Secrets; pods/ephemeralcontainers adds a debug container that does the same.',
    fieldPath: 'rules[*] granting create/get on pods/exec or pods/attach, update/patch on pods/ephemeralcontainers',
    fix: 'Remove these subresources; give people break-glass access through a separate, audited role bound only when needed.',
    severityReason: 'HIGH: Polaris danger, Trivy high (KSV-0053/0054); a shell in another workload\'s container with its token and Secrets.',
    equivalents: { polaris: ['clusterrolePodExecAttach', 'rolePodExecAttach', 'clusterrolebindingPodExecAttach', 'rolebindingClusterRolePodExecAttach', 'rolebindingRolePodExecAttach'], checkov: ['CKV2_K8S_2'], trivy: ['KSV-0053', 'KSV-0054'] },
  }, (rule) => {
    const found = POD_ACCESS.flatMap(([resource, verbs]) => allowedVerbs(rule, verbs, CORE, resource).map((verb) => `${verb} ${resource}`));
    return found.length === 0 ? undefined : `grants ${found.join(', ')} (${describeRule(rule)})`;
  }),
  grantRule({
    id: 'RBAC-escalate-bind', title: 'No role grants escalate or bind on roles', severity: Severity.HIGH,
    rationale: 'RBAC stops a subject from granting permissions it does not hold, except with escalate (edit a role beyond its own rights) or bind (bind a role it does not hold): either one is a path to cluster-admin.',
    fieldPath: 'rules[*] granting escalate or bind on roles or clusterroles',
    fix: 'Remove escalate and bind; a controller that must bind one role names it in resourceNames.',
    severityReason: 'HIGH: Trivy critical (KSV-0050); escalate and bind remove the check that keeps a subject from granting more than it holds.',
    equivalents: { checkov: ['CKV_K8S_157', 'CKV_K8S_158'], trivy: ['KSV-0050'] },
  }, (rule) => {
    const found = ['escalate', 'bind'].flatMap((verb) => ['roles', 'clusterroles'].filter((resource) => allowsNamed(rule, verb, RBAC_GROUP, resource)).map((resource) => `${verb} ${resource}`));
    return found.length === 0 ? undefined : `grants ${found.join(', ')}${rule.resourceNames.length > 0 ? ` (limited to ${rule.resourceNames.join(', ')})` : ''}: ${describeRule(rule)}`;
  }),
  grantRule({
    id: 'RBAC-impersonate', title: 'No role grants impersonation', severity: Severity.CRITICAL,
    rationale: 'impersonate on users, groups or service accounts lets the subject act as anyone, system:masters included: it is cluster-admin with one extra header.',
    fieldPath: 'rules[*] granting impersonate on users, groups, serviceaccounts or uids',
    fix: 'Remove impersonate; an authenticating proxy that needs it runs outside the workloads it serves, with resourceNames limited to the identities it maps.',
    severityReason: 'CRITICAL: Trivy critical (KSV-0043); impersonating system:masters is cluster-admin.',
    equivalents: { checkov: ['CKV2_K8S_3'], trivy: ['KSV-0043'] },
  }, (rule) => {
    const found = IMPERSONATION.filter(([group, resource]) => allowsNamed(rule, 'impersonate', group, resource)).map(([, resource]) => resource);
    return found.length === 0 ? undefined : `grants impersonate on ${found.join(', ')} (${describeRule(rule)})`;
  }),
  grantRule({
    id: 'RBAC-nodes-proxy', title: 'No role grants access to nodes/proxy', severity: Severity.HIGH,
    rationale: 'nodes/proxy reaches the kubelet API of every node, which runs commands in any container of the node and bypasses admission and the API audit log.',
    fieldPath: 'rules[*] granting any verb on nodes/proxy',
    fix: 'Remove nodes/proxy; metrics collectors read nodes/metrics (or the metrics endpoints) instead.',
    severityReason: 'HIGH: Trivy high (KSV-0047); the kubelet API runs commands in every container of the node, outside admission and the audit log.',
    equivalents: { checkov: ['CKV2_K8S_2'], trivy: ['KSV-0047'] },
  }, (rule) => {
    const verbs = rule.verbs.filter((verb) => allowsNamed({ ...rule, verbs: [verb] }, verb, CORE, 'nodes/proxy'));
    return verbs.length === 0 ? undefined : `grants ${verbs.join(', ')} on nodes/proxy (${describeRule(rule)})`;
  }),
  grantRule({
    id: 'RBAC-webhook-config-write', title: 'No role can change admission webhook configurations', severity: Severity.HIGH,
    rationale: 'Whoever can create or change a MutatingWebhookConfiguration can send every new pod through a webhook of their own and inject privileged containers; changing a ValidatingWebhookConfiguration switches policy enforcement off.',
    fieldPath: 'rules[*] granting create, update, patch or delete on mutating/validatingwebhookconfigurations',
    fix: 'Name the webhook configurations the controller patches (usually its own, to inject a CA bundle) in resourceNames.',
    severityReason: 'HIGH: Trivy critical (KSV-0114); a mutating webhook of one\'s own injects into every new pod, a changed validating webhook switches policy off.',
    equivalents: { checkov: ['CKV_K8S_155'], trivy: ['KSV-0114'] },
  }, (rule) => {
    const found = ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']
      .map((resource) => [resource, allowedVerbs(rule, ['create', 'update', 'patch', 'delete'], 'admissionregistration.k8s.io', resource)] as const)
      .filter(([, verbs]) => verbs.length > 0)
      .map(([resource, verbs]) => `${verbs.join(', ')} on every ${resource}`);
    return found.length === 0 ? undefined : `grants ${found.join(', ')} (${describeRule(rule)})`;
  }),
];

/** `ServiceAccount 'ns/name'`, `Group 'system:authenticated'`. */
function describeSubject(subject: { [key: string]: any }, bindingNamespace: string): string {
  const kind = asString(subject.kind) ?? '(no kind)';
  const name = asString(subject.name) ?? '(no name)';
  if (kind === 'ServiceAccount') return `ServiceAccount '${asString(subject.namespace) ?? bindingNamespace}/${name}'`;
  return `${kind} '${name}'`;
}

function bindingRule(meta: Meta, check: (binding: AuditObject, context: AuditContext) => Violation[]): Rule {
  return { ...meta, kinds: BINDING_KINDS, check };
}

function roleRefText(binding: any): string {
  const ref = asObject(asObject(binding)?.roleRef);
  return `${asString(ref?.kind) ?? 'role'} '${asString(ref?.name) ?? '(no name)'}'`;
}

function bindingReach(binding: any): string {
  const manifest = asObject(binding);
  if (manifest?.kind === 'ClusterRoleBinding') return 'in every namespace';
  return `in namespace '${asString(asObject(manifest?.metadata)?.namespace) ?? 'default'}'`;
}

function subjectList(binding: any): string {
  const namespace = asString(asObject(asObject(binding)?.metadata)?.namespace) ?? 'default';
  const subjects = subjectsOf(binding).map(({ subject }) => describeSubject(subject, namespace));
  return subjects.length > 0 ? subjects.join(', ') : 'no subject';
}

const BROAD_USERS = new Set(['system:anonymous']);

const BINDING_RULES: Rule[] = [
  bindingRule({
    id: 'RBAC-cluster-admin-binding', title: 'Nothing is bound to cluster-admin or to a role that grants everything', severity: Severity.CRITICAL,
    rationale: 'cluster-admin (or a role with * verbs on * resources in * API groups) can do anything, read every Secret and grant itself more; a workload that holds it turns any remote-code bug into a cluster takeover.',
    fieldPath: 'roleRef',
    fix: 'Bind a role that lists what the subjects need; keep cluster-admin for break-glass human access outside the manifests.',
    severityReason: 'CRITICAL: Polaris danger; a binding to cluster-admin turns any remote-code bug in the subject into a cluster takeover.',
    equivalents: { polaris: ['clusterrolebindingClusterAdmin', 'rolebindingClusterAdminClusterRole', 'rolebindingClusterAdminRole'], kubeLinter: ['cluster-admin-role-binding'], trivy: ['KSV-0111'] },
  }, (binding, context) => {
    const ref = asObject(asObject(binding.manifest)?.roleRef);
    const isClusterAdmin = asString(ref?.kind) === 'ClusterRole' && asString(ref?.name) === 'cluster-admin';
    const everything = isClusterAdmin ? undefined : boundRoles(binding, context).find((role) => grantsEverything(role, context));
    if (!isClusterAdmin && !everything) return [];
    const what = isClusterAdmin ? 'cluster-admin' : `${describeObject(everything!)}, which grants * on * in every API group,`;
    return [{ fieldPath: 'roleRef.name', message: `binds ${what} to ${subjectList(binding.manifest)} ${bindingReach(binding.manifest)}` }];
  }),
  bindingRule({
    id: 'RBAC-system-group-binding', title: 'No role is bound to a built-in system: group or to anonymous users', severity: Severity.CRITICAL,
    rationale: 'system: groups are classes of identities, not a workload: system:authenticated is every user and service account, system:unauthenticated and system:anonymous anyone who reaches the API server, system:serviceaccounts every service account, system:nodes every kubelet, system:masters is already all-powerful. A role bound to one is granted to all of them.',
    fieldPath: 'subjects[*].name',
    fix: 'Bind the role to the ServiceAccount, User or Group that needs it.',
    severityReason: 'CRITICAL: Trivy critical (KSV-01011, KSV-0122, KSV-0123); the role is granted to every user, every service account or anyone who reaches the API server.',
    equivalents: { trivy: ['KSV-01011', 'KSV-0122', 'KSV-0123'] },
  }, (binding) => subjectsOf(binding.manifest).flatMap(({ subject, index }) => {
    const name = asString(subject.name) ?? '';
    const broad = (subject.kind === 'Group' && name.startsWith('system:')) || (subject.kind === 'User' && BROAD_USERS.has(name));
    if (!broad) return [];
    return [{ fieldPath: `subjects[${index}].name`, message: `binds ${roleRefText(binding.manifest)} to ${subject.kind} '${name}' ${bindingReach(binding.manifest)}` }];
  })),
  bindingRule({
    id: 'RBAC-default-service-account-binding', title: 'No role is bound to a default ServiceAccount', severity: Severity.MEDIUM,
    rationale: 'Every pod of a namespace that names no ServiceAccount runs as `default`: a role bound to it is granted to all of them, including pods added later that were never meant to have it.',
    fieldPath: 'subjects[*] of kind ServiceAccount named default',
    fix: 'Create a ServiceAccount for the workload that needs the role, bind the role to it and set serviceAccountName in its pod spec.',
    severityReason: 'MEDIUM: Checkov and kube-linter without severity; the grant reaches every pod of the namespace that names no ServiceAccount.',
    constructFix: 'cdk8s-hardened workloads run as a ServiceAccount of their own (workload.serviceAccount): bind roles to it.',
    equivalents: { checkov: ['CKV_K8S_42'], kubeLinter: ['default-service-account'] },
  }, (binding) => {
    const namespace = asString(asObject(asObject(binding.manifest)?.metadata)?.namespace) ?? 'default';
    return subjectsOf(binding.manifest)
      .filter(({ subject }) => subject.kind === 'ServiceAccount' && subject.name === 'default')
      .map(({ subject, index }) => ({ fieldPath: `subjects[${index}].name`, message: `binds ${roleRefText(binding.manifest)} to ${describeSubject(subject, namespace)} ${bindingReach(binding.manifest)}, which every pod of that namespace without a serviceAccountName runs as` }));
  }),
];

/** The Rbac pack: least privilege for Roles, ClusterRoles and their bindings. */
export function rbacRules(): Rule[] {
  return [...ROLE_RULES, ...BINDING_RULES];
}
