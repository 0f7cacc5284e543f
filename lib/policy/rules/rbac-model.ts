import { AuditContext, AuditObject } from '../rule';
import { asList, asObject, asString, stringItems, stringMap } from '../shape';
import { selectorMatches, selectsEverything } from './hardening-support';

/*
 * What Roles and ClusterRoles grant, read as the RBAC authorizer reads it
 * (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go, RuleAllows):
 * exact, case-sensitive names; `*` matches everything; `*\/sub` matches a subresource of every
 * resource; a rule with resourceNames applies only to the named objects (and never to create or
 * list without a name). Every field is read through guards: a rule never trusts the shape.
 */

/** One PolicyRule, normalised: every list present, only strings kept. */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
}

/** A PolicyRule with where it was written. */
export interface GrantAt {
  readonly rule: PolicyRule;
  /** Field path of the rule in the audited object (for an aggregated rule: the selector that brings it in). */
  readonly path: string;
  /** For a rule brought in by aggregation: `ClusterRole 'name' rules[i]`. */
  readonly via?: string;
}

/** How far a role's grants reach. */
export enum RoleReach {
  /** Bound by a ClusterRoleBinding: every namespace. */
  CLUSTER = 'cluster',
  /** A Role, or a ClusterRole bound only by RoleBindings. */
  NAMESPACE = 'namespace',
  /** A ClusterRole no binding of the audit refers to: whoever binds it decides. */
  UNBOUND = 'unbound',
}

/** The reach of a role and the bindings that give it. */
export interface RoleScope {
  readonly reach: RoleReach;
  /** The bindings that give the reach (all of them for CLUSTER: the ClusterRoleBindings). */
  readonly bindings: readonly AuditObject[];
}

function normalise(raw: unknown): PolicyRule | undefined {
  const rule = asObject(raw);
  if (!rule) return undefined;
  return {
    verbs: stringItems(rule.verbs),
    apiGroups: stringItems(rule.apiGroups),
    resources: stringItems(rule.resources),
    resourceNames: stringItems(rule.resourceNames),
  };
}

/** The rules written in a role, with their paths. */
export function ownGrants(manifest: any): GrantAt[] {
  const record = asObject(manifest);
  if (!record) return [];
  let grants = ownGrantsCache.get(record);
  if (!grants) {
    grants = readGrants(record);
    ownGrantsCache.set(record, grants);
  }
  return grants;
}

const ownGrantsCache = new WeakMap<object, GrantAt[]>();

function readGrants(manifest: { [key: string]: any }): GrantAt[] {
  const grants: GrantAt[] = [];
  asList(asObject(manifest)?.rules).forEach((raw, index) => {
    const rule = normalise(raw);
    if (rule) grants.push({ rule, path: `rules[${index}]` });
  });
  return grants;
}

/** True when the rule allows `verb` on `group`/`resource` (`resource` may be `pods/exec`) for every object name. */
export function allows(rule: PolicyRule, verb: string, group: string, resource: string): boolean {
  return rule.resourceNames.length === 0 && allowsNamed(rule, verb, group, resource);
}

/** True when the rule allows `verb` on `group`/`resource` for at least one object name. */
export function allowsNamed(rule: PolicyRule, verb: string, group: string, resource: string): boolean {
  return matches(rule.verbs, verb) && matches(rule.apiGroups, group) && resourceMatches(rule.resources, resource);
}

function matches(values: readonly string[], wanted: string): boolean {
  return values.includes('*') || values.includes(wanted);
}

function resourceMatches(values: readonly string[], wanted: string): boolean {
  if (values.includes('*') || values.includes(wanted)) return true;
  const slash = wanted.indexOf('/');
  return slash >= 0 && values.includes(`*${wanted.slice(slash)}`);
}

/** True when the rule has a wildcard in verbs, apiGroups and resources: every permission there is. */
export function isFullWildcard(rule: PolicyRule): boolean {
  return rule.verbs.includes('*') && rule.apiGroups.includes('*') && rule.resources.includes('*') && rule.resourceNames.length === 0;
}

/** `get, list on secrets` style summary of what a rule grants. */
export function describeRule(rule: PolicyRule): string {
  const groups = rule.apiGroups.map((g) => (g === '' ? '"" (core)' : g)).join(', ') || 'no API group';
  const names = rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.join(', ')}` : '';
  return `verbs [${shortList(rule.verbs)}] on [${shortList(rule.resources)}]${names} in API groups [${groups}]`;
}

function shortList(values: readonly string[]): string {
  return values.length <= 6 ? values.join(', ') : `${values.slice(0, 5).join(', ')} and ${values.length - 5} more`;
}

/** The RBAC objects of an audit, indexed once per audit. */
class RbacIndex {
  private readonly clusterRoles = new Map<string, AuditObject[]>();
  private readonly allClusterRoles: AuditObject[] = [];
  private readonly roles = new Map<string, AuditObject[]>();
  /** ClusterRoles by `label=value`, so an aggregate's selector looks only at the roles that carry its labels. */
  private readonly clusterRolesByLabel = new Map<string, AuditObject[]>();
  private readonly aggregatedRoles: AuditObject[] = [];
  private readonly bindingsByRole = new Map<string, AuditObject[]>();
  private readonly aggregatesOfCache = new Map<AuditObject, AuditObject[]>();
  private readonly partsCache = new Map<AuditObject, Array<{ part: AuditObject; selector: number }>>();
  private direct: Map<AuditObject, AuditObject[]> | undefined;
  /** Per role, computed once for all the rules of the pack. */
  public readonly grants = new Map<AuditObject, GrantAt[]>();
  public readonly scopes = new Map<AuditObject, RoleScope>();
  public readonly everything = new Map<AuditObject, boolean>();

  constructor(context: AuditContext) {
    for (const object of context.objects) {
      const manifest = asObject(object.manifest);
      const kind = manifest?.kind;
      if (kind === 'ClusterRole') {
        const name = asString(asObject(manifest!.metadata)?.name) ?? '';
        push(this.clusterRoles, name, object);
        this.allClusterRoles.push(object);
        for (const [key, value] of Object.entries(labelsOf(manifest))) push(this.clusterRolesByLabel, `${key}=${value}`, object);
        if (asObject(manifest!.aggregationRule)) this.aggregatedRoles.push(object);
      } else if (kind === 'Role') {
        push(this.roles, roleKey('Role', bindingNamespace(manifest), asString(asObject(manifest!.metadata)?.name) ?? ''), object);
      } else if (kind === 'RoleBinding' || kind === 'ClusterRoleBinding') {
        const ref = asObject(manifest!.roleRef);
        const refKind = asString(ref?.kind);
        const refName = asString(ref?.name);
        if (refKind === undefined || refName === undefined) continue;
        const key = refKind === 'Role' ? roleKey('Role', bindingNamespace(manifest), refName) : roleKey(refKind, '', refName);
        push(this.bindingsByRole, key, object);
      }
    }
  }

  /** ClusterRoles of a name. */
  public clusterRolesNamed(name: string): AuditObject[] {
    return this.clusterRoles.get(name) ?? [];
  }

  /** Roles of a name in a namespace. */
  public rolesNamed(namespace: string, name: string): AuditObject[] {
    return this.roles.get(roleKey('Role', namespace, name)) ?? [];
  }

  /** The bindings whose roleRef names this role. */
  public bindingsOf(role: AuditObject): AuditObject[] {
    const manifest = asObject(role.manifest);
    const name = asString(asObject(manifest?.metadata)?.name) ?? '';
    const key = manifest?.kind === 'Role' ? roleKey('Role', bindingNamespace(manifest), name) : roleKey('ClusterRole', '', name);
    return this.bindingsByRole.get(key) ?? [];
  }

  /** The ClusterRoles a ClusterRole's aggregationRule selects (not itself), with the selector index. */
  public partsOf(aggregate: AuditObject): Array<{ part: AuditObject; selector: number }> {
    const cached = this.partsCache.get(aggregate);
    if (cached) return cached;
    const selectors = asList(asObject(asObject(aggregate.manifest)?.aggregationRule)?.clusterRoleSelectors);
    const parts: Array<{ part: AuditObject; selector: number }> = [];
    const found = new Set<AuditObject>([aggregate]);
    selectors.forEach((selector, index) => {
      if (isEmptySelector(selector) || !asObject(selector)) return;
      for (const candidate of this.candidatesFor(asObject(selector)!)) {
        if (found.has(candidate) || !selectorMatches(selector, labelsOf(candidate.manifest))) continue;
        found.add(candidate);
        parts.push({ part: candidate, selector: index });
      }
    });
    this.partsCache.set(aggregate, parts);
    return parts;
  }

  /** The ClusterRoles that carry every matchLabels pair of a selector (all of them when it has none). */
  private candidatesFor(selector: { [key: string]: any }): AuditObject[] {
    let smallest: AuditObject[] | undefined;
    for (const [key, value] of Object.entries(asObject(selector.matchLabels) ?? {})) {
      const list = typeof value === 'string' ? this.clusterRolesByLabel.get(`${key}=${value}`) ?? [] : [];
      if (!smallest || list.length < smallest.length) smallest = list;
    }
    return smallest ?? this.allClusterRoles;
  }

  /** The aggregated ClusterRoles that take in this ClusterRole, directly or through other aggregates. */
  public aggregatesOf(role: AuditObject): AuditObject[] {
    const cached = this.aggregatesOfCache.get(role);
    if (cached) return cached;
    const direct = this.directAggregates();
    const found = new Set<AuditObject>();
    const pending = [role];
    while (pending.length > 0) {
      for (const aggregate of direct.get(pending.pop()!) ?? []) {
        if (aggregate === role || found.has(aggregate)) continue;
        found.add(aggregate);
        pending.push(aggregate);
      }
    }
    const result = [...found];
    this.aggregatesOfCache.set(role, result);
    return result;
  }

  /** part → the aggregates whose selectors take it in directly, computed once. */
  private directAggregates(): Map<AuditObject, AuditObject[]> {
    if (!this.direct) {
      this.direct = new Map();
      for (const aggregate of this.aggregatedRoles) {
        for (const { part } of this.partsOf(aggregate)) push(this.direct, part, aggregate);
      }
    }
    return this.direct;
  }

  public get hasAggregates(): boolean {
    return this.aggregatedRoles.length > 0;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function roleKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}

function bindingNamespace(manifest: any): string {
  return asString(asObject(asObject(manifest)?.metadata)?.namespace) ?? 'default';
}

function labelsOf(manifest: unknown): { [key: string]: string } {
  return stringMap(asObject(asObject(manifest)?.metadata)?.labels);
}

/** A clusterRoleSelector with no matchLabels and no matchExpressions selects every ClusterRole. */
const isEmptySelector = selectsEverything;

/** What the aggregation controller does with an empty selector: take in every ClusterRole, cluster-admin included. */
const EVERYTHING: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'], resourceNames: [] };

const indexes = new WeakMap<AuditContext, RbacIndex>();

function indexOf(context: AuditContext): RbacIndex {
  let index = indexes.get(context);
  if (!index) {
    index = new RbacIndex(context);
    indexes.set(context, index);
  }
  return index;
}

/**
 * Every rule a role grants: its own, and for an aggregated ClusterRole the rules of the
 * ClusterRoles of the audit its selectors take in (transitively: a part may aggregate too).
 */
export function effectiveGrants(role: AuditObject, context: AuditContext): GrantAt[] {
  const index = indexOf(context);
  let grants = index.grants.get(role);
  if (!grants) {
    grants = collectGrants(role, index);
    index.grants.set(role, grants);
  }
  return grants;
}

function collectGrants(role: AuditObject, index: RbacIndex): GrantAt[] {
  const grants = [...ownGrants(role.manifest)];
  if (!isAggregated(role)) return grants;
  const seen = new Set<AuditObject>([role]);
  const pending: Array<{ aggregate: AuditObject; path?: string }> = [{ aggregate: role }];
  while (pending.length > 0) {
    const { aggregate, path } = pending.shift()!;
    asList(asObject(asObject(aggregate.manifest)?.aggregationRule)?.clusterRoleSelectors).forEach((selector, i) => {
      if (isEmptySelector(selector)) grants.push({ rule: EVERYTHING, path: path ?? `aggregationRule.clusterRoleSelectors[${i}]`, via: 'an empty clusterRoleSelector, which takes in every ClusterRole of the cluster, cluster-admin included' });
    });
    for (const { part, selector } of index.partsOf(aggregate)) {
      if (seen.has(part)) continue;
      seen.add(part);
      const partPath = path ?? `aggregationRule.clusterRoleSelectors[${selector}]`;
      const name = asString(asObject(asObject(part.manifest)?.metadata)?.name) ?? '(unnamed)';
      for (const grant of ownGrants(part.manifest)) grants.push({ rule: grant.rule, path: partPath, via: `ClusterRole '${name}' ${grant.path}` });
      if (isAggregated(part)) pending.push({ aggregate: part, path: partPath });
    }
  }
  return grants;
}

function isAggregated(role: AuditObject): boolean {
  const manifest = asObject(role.manifest);
  return manifest?.kind === 'ClusterRole' && asObject(manifest.aggregationRule) !== undefined;
}

/**
 * How far a role reaches: a Role, its namespace; a ClusterRole, every namespace when a
 * ClusterRoleBinding binds it or an aggregate that takes it in, else the namespaces of the
 * RoleBindings that do, else unbound.
 */
export function scopeOf(role: AuditObject, context: AuditContext): RoleScope {
  const index = indexOf(context);
  let scope = index.scopes.get(role);
  if (!scope) {
    scope = collectScope(role, index);
    index.scopes.set(role, scope);
  }
  return scope;
}

function collectScope(role: AuditObject, index: RbacIndex): RoleScope {
  const manifest = asObject(role.manifest);
  if (manifest?.kind === 'Role') {
    return { reach: RoleReach.NAMESPACE, bindings: index.bindingsOf(role) };
  }
  const holders = [role, ...(index.hasAggregates ? index.aggregatesOf(role) : [])];
  const bindings = holders.flatMap((holder) => index.bindingsOf(holder));
  const cluster = bindings.filter((b) => asObject(b.manifest)?.kind === 'ClusterRoleBinding');
  if (cluster.length > 0) return { reach: RoleReach.CLUSTER, bindings: cluster };
  if (bindings.length > 0) return { reach: RoleReach.NAMESPACE, bindings };
  return { reach: RoleReach.UNBOUND, bindings: [] };
}

/** True when a role grants `*` verbs on `*` resources in `*` API groups (own rules or aggregated). */
export function grantsEverything(role: AuditObject, context: AuditContext): boolean {
  const index = indexOf(context);
  let verdict = index.everything.get(role);
  if (verdict === undefined) {
    verdict = effectiveGrants(role, context).some((grant) => isFullWildcard(grant.rule));
    index.everything.set(role, verdict);
  }
  return verdict;
}

/** The role a binding's roleRef names, when the audit holds it. */
export function boundRoles(binding: AuditObject, context: AuditContext): AuditObject[] {
  const manifest = asObject(binding.manifest);
  const ref = asObject(manifest?.roleRef);
  const name = asString(ref?.name);
  if (name === undefined) return [];
  if (asString(ref?.kind) === 'ClusterRole') return indexOf(context).clusterRolesNamed(name);
  if (asString(ref?.kind) !== 'Role' || manifest?.kind !== 'RoleBinding') return [];
  return indexOf(context).rolesNamed(bindingNamespace(manifest), name);
}

/** `ClusterRoleBinding 'x'` or `RoleBinding 'ns/x'`. */
export function describeObject(object: AuditObject): string {
  const manifest = asObject(object.manifest);
  const metadata = asObject(manifest?.metadata);
  const name = asString(metadata?.name) ?? '(unnamed)';
  const namespace = asString(metadata?.namespace);
  return `${String(manifest?.kind)} '${namespace ? `${namespace}/` : ''}${name}'`;
}

/** The subjects of a binding that are objects, with their index. */
export function subjectsOf(binding: any): Array<{ subject: { [key: string]: any }; index: number }> {
  const result: Array<{ subject: { [key: string]: any }; index: number }> = [];
  asList(asObject(binding)?.subjects).forEach((raw, index) => {
    const subject = asObject(raw);
    if (subject) result.push({ subject, index });
  });
  return result;
}
