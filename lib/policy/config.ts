/**
 * Audit configuration: the `.cdk8s-hardened.yaml` file, the plugin's properties and the API's
 * options share one schema ({@link AuditSettings}) and one validation, so a mistake reads the same
 * wherever it was made.
 */
import { existsSync, readFileSync, statSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { parse } from 'yaml';
import { parseKubernetesVersion } from './api-versions';
import type { AuditOptions } from './audit';
import { INPUT_RULE, INTERNAL_RULE } from './engine-rules';
import { parseSeverity, Severity, severityRank } from './finding';
import { didYouMean } from './nearest';
import { PolicyPack } from './pack';
import { PodSecurityLevel } from './pod-security-level';
import { unknownRuleId } from './rule-catalog';
import { isObject } from './shape';

/** Which objects the cross-object rules (PodDisruptionBudget, NetworkPolicy, Service and autoscaler targets) look at together. */
export enum AuditScope {
  /**
   * Each chart is a deployable unit of its own: in a construct tree, the outermost Chart above an
   * object (charts nested in it belong to it); for files, each file (a rendered chart).
   */
  CHART = 'chart',
  /** Each file is a unit; in a construct tree, each outermost Chart (cdk8s writes one file per chart). */
  FILE = 'file',
  /** Every audited object is in one unit: for one chart split over several files. */
  ALL = 'all',
}

/**
 * Rules that do not apply to some objects, and why. An object is exempted when it matches every
 * criterion given (a list matches when any of its values does); at least one criterion is required,
 * and a list or label selector that is given must not be empty.
 * Exempted findings stay in every report, marked suppressed with the reason.
 */
export interface Exemption {
  /** Why these rules do not apply to these objects; shown with every exempted finding. */
  readonly reason: string;
  /**
   * Rule ids exempted; `INTERNAL-error` and `INPUT-field-type` are never exempted.
   * @default - every rule but `INTERNAL-error` and `INPUT-field-type`
   */
  readonly rules?: string[];
  /**
   * Namespaces whose objects are exempted (objects without a namespace are in `default`).
   * @default - any namespace
   */
  readonly namespaces?: string[];
  /**
   * Kinds exempted, e.g. `DaemonSet`.
   * @default - any kind
   */
  readonly kinds?: string[];
  /**
   * Object names (`metadata.name`) exempted.
   * @default - any name
   */
  readonly names?: string[];
  /**
   * A label selector: objects whose `metadata.labels` hold all these labels.
   * @default - any labels
   */
  readonly labels?: { [key: string]: string };
}

/**
 * The audit configuration as written in `.cdk8s-hardened.yaml` and in the `properties` of the
 * cdk8s-cli plugin. Every key is optional; unknown keys, values of the wrong type, unknown rule ids
 * and exemptions without a reason are errors.
 *
 * ```yaml
 * packs: [pod-security, hardening, api-versions, rbac]
 * level: restricted
 * version: v1.30
 * kubernetesVersion: '1.30'
 * failOn: medium
 * scope: chart
 * disableRules: [HARD-topology-spread]
 * severities: { HARD-image-tag-pinned: high }
 * exemptions:
 *   - namespaces: [kube-system]
 *     reason: managed by the cluster provider
 *   - kinds: [DaemonSet]
 *     names: [node-exporter]
 *     rules: [PSS-hostNamespaces, PSS-hostPorts, PSS-hostPathVolumes]
 *     reason: reads host metrics by design
 * ```
 */
export interface AuditSettings {
  /**
   * Packs to apply: `pod-security`, `hardening`, `api-versions`, `rbac`.
   * @default - all three
   */
  readonly packs?: string[];
  /**
   * Pod Security Standards level: `baseline` or `restricted`.
   * @default 'restricted'
   */
  readonly level?: string;
  /**
   * Pod Security Standards policy version: `latest` or `v1.N`.
   * @default 'latest'
   */
  readonly version?: string;
  /**
   * Kubernetes release the manifests are applied to, for the `api-versions` pack: `1.N` or `v1.N`
   * (quote it in YAML: `'1.30'`), from 1.16 to the newest release this library knows.
   * @default - the newest release this library knows
   */
  readonly kubernetesVersion?: string;
  /**
   * Lowest severity of an active finding that fails: `low`, `medium`, `high` or `critical`.
   * @default - 'low' in the API and the plugin, 'medium' in the command line
   */
  readonly failOn?: string;
  /**
   * Audit scope of cross-object rules: `chart`, `file` or `all` (see {@link AuditScope}).
   * @default - 'chart' in the API and the plugin, 'file' in the command line
   */
  readonly scope?: string;
  /**
   * Rule ids to apply although their pack is not selected.
   * @default - none
   */
  readonly enableRules?: string[];
  /**
   * Rule ids not to apply. `INTERNAL-error` and `INPUT-field-type` cannot be disabled: they mark an
   * object the audit could not fully read, which must never pass a gate.
   * @default - none
   */
  readonly disableRules?: string[];
  /**
   * Severity per rule id, replacing the rule's own: `{ HARD-image-tag-pinned: high }`.
   * `INTERNAL-error` and `INPUT-field-type` can be raised but not lowered.
   * @default - each rule's own severity
   */
  readonly severities?: { [ruleId: string]: string };
  /**
   * Objects some rules do not apply to, each with a reason.
   * @default - none
   */
  readonly exemptions?: Exemption[];
}

const SETTING_KEYS = ['packs', 'level', 'version', 'kubernetesVersion', 'failOn', 'scope', 'enableRules', 'disableRules', 'severities', 'exemptions'];
const EXEMPTION_KEYS = ['reason', 'rules', 'namespaces', 'kinds', 'names', 'labels'];
const PACK_NAMES = ['pod-security', 'hardening', 'api-versions', 'rbac'];
const LEVELS = ['baseline', 'restricted'];
const SCOPES: string[] = [AuditScope.CHART, AuditScope.FILE, AuditScope.ALL];
const SEVERITIES: string[] = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL];

/** The configuration file and its validation. */
export class AuditConfig {
  /** The name of the configuration file, looked up from the working directory upwards. */
  public static readonly FILE_NAME = '.cdk8s-hardened.yaml';

  /**
   * The nearest `.cdk8s-hardened.yaml` in `directory` or a parent of it.
   * @param directory where to start
   * @returns the file's path, or undefined when there is none
   */
  public static find(directory: string): string | undefined {
    let current = resolve(directory);
    for (;;) {
      const candidate = join(current, AuditConfig.FILE_NAME);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
      const parent = dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }

  /**
   * Reads and validates a configuration file; throws an error naming the file, the key and the fix.
   * @param path the file
   */
  public static load(path: string): AuditSettings {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e: any) {
      throw new Error(`${path}: cannot read the configuration file (${e?.code ?? e?.message}): check the path`);
    }
    let raw: unknown;
    try {
      raw = parse(text);
    } catch (e: any) {
      const line = e?.linePos?.[0]?.line;
      throw new Error(`${path}${line ? `:${line}` : ''}: not valid YAML: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    return AuditConfig.validate(raw ?? {}, path);
  }

  /**
   * Checks settings from any source (a parsed file, plugin properties) and returns them typed;
   * throws an error that names the source, the key, the value and the nearest valid one.
   * @param raw the settings as parsed JSON
   * @param source where they come from, e.g. the file name; starts every error message
   */
  public static validate(raw: any, source: string): AuditSettings {
    const at = (key: string) => new Problem(source, key);
    if (!isObject(raw)) throw at('').error(`the configuration is ${describe(raw)}, not a mapping of settings: write keys such as packs, failOn, exemptions`);
    for (const key of Object.keys(raw)) {
      if (!SETTING_KEYS.includes(key)) throw at('').error(`unknown key '${key}'${didYouMean(key, SETTING_KEYS)}`);
    }
    const packs = stringList(raw.packs, at('packs'));
    packs?.forEach((pack, i) => oneOf(pack, PACK_NAMES, at(`packs[${i}]`), 'pack'));
    const settings: AuditSettings = {
      packs,
      level: raw.level === undefined ? undefined : oneOf(string(raw.level, at('level')), LEVELS, at('level'), 'level'),
      version: raw.version === undefined ? undefined : policyVersion(string(raw.version, at('version')), at('version')),
      kubernetesVersion: raw.kubernetesVersion === undefined ? undefined : kubernetesVersion(raw.kubernetesVersion, at('kubernetesVersion')),
      failOn: raw.failOn === undefined ? undefined : oneOf(string(raw.failOn, at('failOn')).toLowerCase(), SEVERITIES, at('failOn'), 'severity'),
      scope: raw.scope === undefined ? undefined : oneOf(string(raw.scope, at('scope')), SCOPES, at('scope'), 'scope'),
      enableRules: ruleIds(raw.enableRules, at('enableRules')),
      disableRules: guardedRuleIds(ruleIds(raw.disableRules, at('disableRules')), at('disableRules'), 'disabled'),
      severities: severities(raw.severities, at('severities')),
      exemptions: exemptions(raw.exemptions, at('exemptions')),
    };
    checkRuleSelection(settings.enableRules, settings.disableRules, source);
    return withoutUndefined(settings);
  }

  /**
   * The API options for validated settings: `Audit.of(app, AuditConfig.toOptions(AuditConfig.load(file)))`.
   * @param settings settings from {@link AuditConfig.load} or {@link AuditConfig.validate}
   * @param source names the settings in error messages
   */
  public static toOptions(settings: AuditSettings, source: string = 'settings'): AuditOptions {
    const names = settings.packs ?? PACK_NAMES;
    for (const key of ['level', 'version'] as const) {
      if (settings[key] !== undefined && !names.includes('pod-security')) {
        throw new Error(`${source}: ${key}: applies to the pod-security pack, which packs [${names.join(', ')}] leaves out: add pod-security to packs or drop ${key}`);
      }
    }
    if (settings.kubernetesVersion !== undefined && !names.includes('api-versions')) {
      throw new Error(`${source}: kubernetesVersion: applies to the api-versions pack, which packs [${names.join(', ')}] leaves out: add api-versions to packs or drop kubernetesVersion`);
    }
    const packs = [...new Set(names)].map((name) => {
      if (name === 'hardening') return PolicyPack.hardening();
      if (name === 'rbac') return PolicyPack.rbac();
      if (name === 'api-versions') return apiVersionsPack(settings, source);
      return podSecurityPack(settings, source);
    });
    const severityOverrides = settings.severities === undefined ? undefined
      : Object.fromEntries(Object.entries(settings.severities).map(([id, name]) => [id, parseSeverity(name)]));
    return withoutUndefined({
      packs,
      failOn: settings.failOn === undefined ? undefined : parseSeverity(settings.failOn),
      scope: settings.scope as AuditScope | undefined,
      enableRules: settings.enableRules,
      disableRules: settings.disableRules,
      severities: severityOverrides,
      exemptions: settings.exemptions,
    });
  }

  /**
   * Settings from two sources, `overrides` winning key by key (e.g. command-line flags over the file).
   * @param base the settings that give way
   * @param overrides the settings that win
   */
  public static merge(base: AuditSettings, overrides: AuditSettings): AuditSettings {
    return withoutUndefined({ ...base, ...withoutUndefined(overrides) });
  }
}

function apiVersionsPack(settings: AuditSettings, source: string): PolicyPack {
  try {
    return PolicyPack.apiVersions({ kubernetesVersion: settings.kubernetesVersion });
  } catch (e: any) {
    throw new Error(`${source}: kubernetesVersion: ${e?.message ?? e}`);
  }
}

function podSecurityPack(settings: AuditSettings, source: string): PolicyPack {
  try {
    return PolicyPack.podSecurity({ level: settings.level as PodSecurityLevel | undefined, version: settings.version });
  } catch (e: any) {
    throw new Error(`${source}: version: ${e?.message ?? e}`);
  }
}

/** Checks the rule options of the API (typed, but possibly from JavaScript); throws like {@link AuditConfig.validate}. */
export function checkRuleOptions(options: { enableRules?: string[]; disableRules?: string[]; severities?: { [ruleId: string]: Severity }; exemptions?: Exemption[] }, source: string): void {
  const at = (key: string) => new Problem(source, key);
  ruleIds(options.enableRules, at('enableRules'));
  guardedRuleIds(ruleIds(options.disableRules, at('disableRules')), at('disableRules'), 'disabled');
  severities(options.severities, at('severities'));
  exemptions(options.exemptions, at('exemptions'));
  checkRuleSelection(options.enableRules, options.disableRules, source);
}

/** Why an exemption covers a rule on an object, or undefined. */
export function exemptionReason(exemptionList: readonly Exemption[], manifest: any, ruleId: string): string | undefined {
  for (const exemption of exemptionList) {
    if (exemption.rules && !exemption.rules.includes(ruleId)) continue;
    const metadata = isObject(manifest?.metadata) ? manifest.metadata : {};
    if (exemption.namespaces && !exemption.namespaces.includes(typeof metadata.namespace === 'string' ? metadata.namespace : 'default')) continue;
    if (exemption.kinds && !exemption.kinds.includes(manifest?.kind)) continue;
    if (exemption.names && !exemption.names.includes(metadata.name)) continue;
    if (exemption.labels) {
      const labels = isObject(metadata.labels) ? metadata.labels : {};
      if (!Object.entries(exemption.labels).every(([key, value]) => labels[key] === value)) continue;
    }
    return exemption.reason.trim();
  }
  return undefined;
}

/** A place in the settings: `source: key: message`. */
class Problem {
  constructor(private readonly source: string, private readonly key: string) {}

  public child(key: string | number): Problem {
    return new Problem(this.source, typeof key === 'number' ? `${this.key}[${key}]` : this.key ? `${this.key}.${key}` : key);
  }

  public error(message: string): Error {
    return new Error(`${this.source}: ${this.key ? `${this.key}: ` : ''}${message}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string '${value}'`;
  if (typeof value === 'object') return 'a mapping';
  return `the ${typeof value} ${String(value)}`;
}

function string(value: unknown, at: Problem): string {
  if (typeof value !== 'string') throw at.error(`expected a string, got ${describe(value)}`);
  return value;
}

function stringList(value: unknown, at: Problem): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw at.error(`expected a list of strings, got ${describe(value)}: write [a, b]`);
  return value.map((item, i) => string(item, at.child(i)));
}

function oneOf(value: string, allowed: readonly string[], at: Problem, what: string): string {
  if (!allowed.includes(value)) throw at.error(`unknown ${what} '${value}'${didYouMean(value, allowed)} (one of ${allowed.join(', ')})`);
  return value;
}

function policyVersion(value: string, at: Problem): string {
  if (!/^(latest|v1\.(0|[1-9][0-9]*))$/.test(value)) throw at.error(`'${value}' is not a Pod Security Standards policy version: use latest or v1.N, e.g. v1.30`);
  return value;
}

function kubernetesVersion(value: unknown, at: Problem): string {
  if (typeof value === 'number') {
    throw at.error(`the number ${String(value)} is not a version (YAML reads an unquoted 1.30 as 1.3): quote it, e.g. kubernetesVersion: '1.30'`);
  }
  const text = string(value, at);
  try {
    parseKubernetesVersion(text);
  } catch (e: any) {
    throw at.error(e.message);
  }
  return text;
}

function ruleId(value: unknown, at: Problem): string {
  const id = string(value, at);
  const unknown = unknownRuleId(id);
  if (unknown) throw at.error(unknown);
  return id;
}

function ruleIds(value: unknown, at: Problem): string[] | undefined {
  const list = stringList(value, at);
  list?.forEach((id, i) => ruleId(id, at.child(i)));
  return list;
}

/**
 * The engine rules that say an object was not fully read: turning them off, lowering them or
 * exempting objects from them would let an object nobody audited pass the gate. The suppression
 * rules only report an annotation; the finding it meant to hide stays active, so they may be changed.
 */
const GUARD_RULES: { [ruleId: string]: { severity: Severity; why: string; fix: string } } = {
  [INTERNAL_RULE.id]: { severity: INTERNAL_RULE.severity, why: 'it marks an object the audit could not evaluate, which must never pass a gate', fix: 'review the object by hand and report the failing rule' },
  [INPUT_RULE.id]: { severity: INPUT_RULE.severity, why: 'it marks a field the audit could not read and the API server rejects, so the object must never pass a gate', fix: 'give the field the type the finding names' },
};

function guardedRuleIds(list: string[] | undefined, at: Problem, action: string): string[] | undefined {
  list?.forEach((id, i) => {
    const guard = GUARD_RULES[id];
    if (guard) throw at.child(i).error(`${id} cannot be ${action}: ${guard.why}; ${guard.fix} instead`);
  });
  return list;
}

function severities(value: unknown, at: Problem): { [ruleId: string]: string } | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw at.error(`expected a mapping of rule id to severity, got ${describe(value)}: write { HARD-image-tag-pinned: high }`);
  const result: { [ruleId: string]: string } = {};
  for (const [id, severity] of Object.entries(value)) {
    const unknown = unknownRuleId(id);
    if (unknown) throw at.error(unknown);
    const name = string(severity, at.child(id)).toLowerCase();
    result[id] = oneOf(name, SEVERITIES, at.child(id), 'severity');
    const guard = GUARD_RULES[id];
    if (guard && severityRank(parseSeverity(name)) < severityRank(guard.severity)) {
      throw at.child(id).error(`${id} cannot be lowered to ${name} (it is ${guard.severity}): ${guard.why}; remove the entry`);
    }
  }
  return result;
}

function exemptions(value: unknown, at: Problem): Exemption[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw at.error(`expected a list of exemptions, got ${describe(value)}: write - { namespaces: [kube-system], reason: ... }`);
  return value.map((item, i) => exemption(item, at.child(i)));
}

function exemption(raw: unknown, at: Problem): Exemption {
  if (!isObject(raw)) throw at.error(`expected an exemption (a mapping with reason and namespaces, kinds, names or labels), got ${describe(raw)}`);
  for (const key of Object.keys(raw)) {
    if (!EXEMPTION_KEYS.includes(key)) throw at.error(`unknown key '${key}'${didYouMean(key, EXEMPTION_KEYS)}`);
  }
  if (raw.reason === undefined || (typeof raw.reason === 'string' && raw.reason.trim() === '')) {
    throw at.error('the exemption has no reason: add reason: <why these rules do not apply to these objects>');
  }
  const labels = raw.labels;
  if (labels !== undefined) {
    if (!isObject(labels)) throw at.child('labels').error(`expected a mapping of label to value, got ${describe(labels)}: write { app.kubernetes.io/name: node-exporter }`);
    for (const [key, labelValue] of Object.entries(labels)) string(labelValue, at.child('labels').child(key));
    if (Object.keys(labels).length === 0) throw at.child('labels').error('the mapping is empty and would match every object: name at least one label or remove the key');
  }
  const result: Exemption = {
    reason: string(raw.reason, at.child('reason')),
    rules: nonEmpty(guardedRuleIds(ruleIds(raw.rules, at.child('rules')), at.child('rules'), 'exempted'), at.child('rules'), 'would exempt no rule: name at least one rule id, or remove the key to exempt every rule'),
    namespaces: nonEmpty(stringList(raw.namespaces, at.child('namespaces')), at.child('namespaces'), 'would match no object: name at least one namespace or remove the key'),
    kinds: nonEmpty(stringList(raw.kinds, at.child('kinds')), at.child('kinds'), 'would match no object: name at least one kind or remove the key'),
    names: nonEmpty(stringList(raw.names, at.child('names')), at.child('names'), 'would match no object: name at least one object name or remove the key'),
    labels: labels as { [key: string]: string } | undefined, // every value was checked to be a string
  };
  if (!result.namespaces && !result.kinds && !result.names && !labels) {
    throw at.error('the exemption selects no objects: give namespaces, kinds, names or labels (to turn a rule off everywhere, use disableRules)');
  }
  return withoutUndefined(result);
}

/** An exemption's list that is given but empty would silently exempt nothing. */
function nonEmpty(list: string[] | undefined, at: Problem, consequence: string): string[] | undefined {
  if (list !== undefined && list.length === 0) throw at.error(`the list is empty and ${consequence}`);
  return list;
}

function checkRuleSelection(enable: readonly string[] | undefined, disable: readonly string[] | undefined, source: string): void {
  const both = (enable ?? []).find((id) => (disable ?? []).includes(id));
  if (both) throw new Error(`${source}: rule '${both}' is in both enableRules and disableRules: keep it in one`);
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

