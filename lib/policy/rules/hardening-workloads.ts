import { Severity } from '../finding';
import { manifestPath, podTemplateOf } from '../pod-template';
import { AuditContext, AuditObject, Rule, Violation } from '../rule';
import { asNumber, describeValue, field, isObject, objectItems } from '../shape';
import { podLabels, selectorMatches, selectsEverything } from './hardening-support';

/*
 * Workload spec rules of the hardening catalog: selectors, restart policies, CronJob deadlines,
 * rollout strategies, autoscaler ranges and label syntax. Several of them catch what the API
 * server would reject, so the finding arrives at review time instead of at deploy time.
 */

function objectRule(meta: Omit<Rule, 'check'>, check: (object: AuditObject) => Violation | undefined): Rule {
  return { ...meta, check: (object) => { const v = check(object); return v ? [v] : []; } };
}

const CONTROLLER_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];
const JOB_KINDS = ['Job', 'CronJob'];

/** Label names and values as the API server validates them (IsQualifiedName, IsValidLabelValue). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function labelKeyProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `the prefix of label key '${key}' is not a DNS subdomain`;
  if (name.length > 63 || !LABEL_NAME.test(name)) return `label key '${key}' is not a valid name (at most 63 characters, alphanumerics, '-', '_' or '.', alphanumeric at both ends)`;
  return undefined;
}

/** Label keys and values already found valid in an audit: charts repeat the same few on every object. */
const validLabels = new WeakMap<AuditContext, { keys: Set<string>; values: Set<string> }>();

function labelProblems(labels: unknown, at: string, context: AuditContext): Violation[] {
  if (!isObject(labels)) return [];
  const record = labels;
  let valid = validLabels.get(context);
  if (!valid) {
    valid = { keys: new Set(), values: new Set() };
    validLabels.set(context, valid);
  }
  const violations: Violation[] = [];
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (valid.keys.has(key) && typeof value === 'string' && valid.values.has(value)) continue;
    const fieldPath = `${at}.labels["${key}"]`;
    const keyProblem = labelKeyProblem(key);
    if (keyProblem) violations.push({ fieldPath, message: keyProblem });
    else if (typeof value !== 'string') continue; // a value of another type is an INPUT-field-type finding of the engine
    else if (value.length > 63 || !LABEL_VALUE.test(value)) violations.push({ fieldPath, message: `label '${key}' has the invalid value '${value.length > 80 ? `${value.slice(0, 80)}...` : value}'` });
    else {
      valid.keys.add(key);
      valid.values.add(value);
    }
  }
  return violations;
}

function mountsClaim(manifest: unknown): boolean {
  const pod = podTemplateOf(manifest);
  return pod !== undefined && objectItems(pod.spec.volumes).some(([, volume]) => isObject(volume.persistentVolumeClaim));
}

export const WORKLOAD_RULES: Rule[] = [
  objectRule({
    id: 'HARD-selector-matches-template', title: 'Workload selector is set and selects its own pod template', severity: Severity.HIGH, kinds: CONTROLLER_KINDS,
    rationale: 'In apps/v1 the selector is required, immutable, and must match the template labels: the API server rejects the object otherwise, and a selector broader than the template lets the controller adopt pods of other workloads.',
    fieldPath: 'spec.selector, <podMeta>.labels',
    fix: 'Set spec.selector.matchLabels to a subset of spec.template.metadata.labels that identifies this workload.',
    constructFix: 'cdk8s-hardened derives the selector and the template labels from the workload name; do not override app.kubernetes.io/name.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the API server rejects the object, or the controller adopts pods of other workloads.',
    equivalents: {
      kubeScore: ['deployment-pod-selector-labels-match-template-metadata-labels', 'statefulset-pod-selector-labels-match-template-metadata-labels'],
      kubeLinter: ['mismatching-selector'],
    },
  }, (object) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const kind = String(field(object.manifest, 'kind'));
    const selector = field(object.manifest, 'spec', 'selector');
    if (!isObject(selector) || selectsEverything(selector)) {
      return { fieldPath: 'spec.selector', message: `the ${kind} has no selector (or an empty one)` };
    }
    if (!selectorMatches(selector, podLabels(pod))) {
      return { fieldPath: 'spec.selector', message: `spec.selector does not select the labels of the ${kind}'s own pod template` };
    }
    return undefined;
  }),
  objectRule({
    id: 'HARD-restart-policy-valid', title: 'Restart policy fits the workload kind', severity: Severity.HIGH, kinds: [...CONTROLLER_KINDS, ...JOB_KINDS],
    rationale: 'Jobs need restartPolicy OnFailure or Never, set explicitly: the pod default is Always, which the API server refuses for a Job (for a CronJob only when the controller creates the Job, so the failure shows up at the first run). Deployments, StatefulSets, DaemonSets and ReplicaSets accept only Always. (kube-linter\'s opt-in restart-policy wants Always or OnFailure everywhere; Never is right for Jobs whose retries the backoffLimit counts.)',
    fieldPath: '<podSpec>.restartPolicy',
    fix: 'For a Job or CronJob set restartPolicy: Never (retries as new pods, counted by backoffLimit) or OnFailure; for other workloads remove restartPolicy or set Always.',
    constructFix: 'BatchJob and ScheduledJob set Never by default (restartPolicy: JobRestartPolicy.ON_FAILURE to change it); the other workloads leave it to the default.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the API server refuses the object or the Job it creates.',
    equivalents: { kubeScore: ['cronjob-restartpolicy'], kubeLinter: ['restart-policy'] },
  }, (object) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const policy = pod.spec.restartPolicy;
    const fieldPath = manifestPath(pod, 'spec.restartPolicy');
    const kind = String(field(object.manifest, 'kind'));
    if (JOB_KINDS.includes(kind)) {
      return policy === 'OnFailure' || policy === 'Never' ? undefined : { fieldPath, message: `the ${kind}'s pods use restartPolicy ${policy === undefined ? 'Always (the default)' : describeValue(policy)}, which a Job does not accept` };
    }
    return policy === undefined || policy === 'Always' ? undefined : { fieldPath, message: `a ${kind} accepts only restartPolicy Always, not ${describeValue(policy)}` };
  }),
  objectRule({
    id: 'HARD-cronjob-starting-deadline', title: 'CronJob sets startingDeadlineSeconds', severity: Severity.MEDIUM, kinds: ['CronJob'],
    rationale: 'Without a deadline the CronJob controller counts every schedule missed since the last run; after more than 100 (controller down, CronJob suspended, clock skew) it stops starting the job and only logs an error. A deadline also keeps a run that could not start on time from starting hours late.',
    fieldPath: 'spec.startingDeadlineSeconds',
    fix: 'Set spec.startingDeadlineSeconds to how late a run may still start, at least 10 (e.g. 300).',
    constructFix: 'ScheduledJob sets 300 seconds by default; startingDeadline: Duration.minutes(n) changes it.',
    severityReason: 'MEDIUM: kube-score rates it critical, but the failure needs a controller outage or a long suspension first; a risk, not a definite defect.',
    equivalents: { kubeScore: ['cronjob-has-deadline'] },
  }, (object) => {
    const deadline = field(object.manifest, 'spec', 'startingDeadlineSeconds');
    return typeof deadline === 'number' && deadline > 0 ? undefined : {
      fieldPath: 'spec.startingDeadlineSeconds', message: deadline === undefined ? 'the CronJob sets no startingDeadlineSeconds' : `startingDeadlineSeconds ${describeValue(deadline)} is not a positive number of seconds`,
    };
  }),
  objectRule({
    id: 'HARD-rolling-update-strategy', title: 'Updates roll out pod by pod', severity: Severity.MEDIUM, kinds: ['Deployment', 'StatefulSet', 'DaemonSet'],
    rationale: 'Recreate stops every pod before starting the new ones, so each deploy is an outage; OnDelete never replaces a running pod, so a fix or security patch silently does not reach them until someone deletes the pods. RollingUpdate (the default) replaces pods gradually, gated by readiness. A Deployment that mounts a PersistentVolumeClaim is exempt: with a ReadWriteOnce volume, Recreate is the strategy whose new pod can attach it.',
    fieldPath: 'spec.strategy.type (Deployment), spec.updateStrategy.type (StatefulSet, DaemonSet)',
    fix: 'Remove the strategy type or set RollingUpdate; for a singleton that must never run twice, suppress the finding with the reason.',
    constructFix: 'cdk8s-hardened Deployments roll with maxUnavailable 0, StatefulServices and NodeAgents with RollingUpdate.',
    severityReason: 'MEDIUM: kube-score warning; an availability cost on every deploy, not a security hole.',
    equivalents: { kubeScore: ['deployment-strategy'], kubeLinter: ['no-rolling-update-strategy'] },
  }, (object) => {
    const kind = String(field(object.manifest, 'kind'));
    if (kind === 'Deployment' && mountsClaim(object.manifest)) return undefined;
    const strategy = kind === 'Deployment' ? 'strategy' : 'updateStrategy';
    const type = field(object.manifest, 'spec', strategy, 'type');
    return type === undefined || type === 'RollingUpdate' ? undefined : { fieldPath: `spec.${strategy}.type`, message: `the ${kind} updates with ${describeValue(type)} instead of RollingUpdate` };
  }),
  objectRule({
    id: 'HARD-hpa-min-replicas', title: 'HorizontalPodAutoscaler keeps at least two replicas', severity: Severity.MEDIUM, kinds: ['HorizontalPodAutoscaler'],
    rationale: 'At minReplicas 1 (the default) a quiet period scales the workload to a single pod: a node drain or a crash is then an outage, and the PodDisruptionBudget cannot allow an eviction.',
    fieldPath: 'spec.minReplicas',
    fix: 'Set spec.minReplicas to 2 or more.',
    constructFix: 'autoscale({ minReplicas: 2, maxReplicas: n, ... }) on the workload.',
    severityReason: 'MEDIUM: kube-score and Polaris warning; availability only.',
    equivalents: { kubeScore: ['horizontalpodautoscaler-replicas'], polaris: ['hpaMinAvailability'], kubeLinter: ['hpa-minimum-three-replicas'] },
  }, (object) => {
    const min = field(object.manifest, 'spec', 'minReplicas');
    return typeof min === 'number' && min >= 2 ? undefined : { fieldPath: 'spec.minReplicas', message: `minReplicas is ${min === undefined ? 'unset (1)' : describeValue(min)}` };
  }),
  objectRule({
    id: 'HARD-hpa-max-above-min', title: 'HorizontalPodAutoscaler can scale up', severity: Severity.MEDIUM, kinds: ['HorizontalPodAutoscaler'],
    rationale: 'With maxReplicas at (or below) minReplicas the autoscaler can never add a pod: the workload has a fixed size that looks elastic, and load beyond it is simply dropped.',
    fieldPath: 'spec.maxReplicas, spec.minReplicas',
    fix: 'Set spec.maxReplicas above spec.minReplicas, to the most pods the workload and its dependencies can take.',
    constructFix: 'autoscale() with maxReplicas above minReplicas.',
    severityReason: 'MEDIUM: Polaris warning; a capacity limit, not a security hole.',
    equivalents: { polaris: ['hpaMaxAvailability'] },
  }, (object) => {
    const min = field(object.manifest, 'spec', 'minReplicas') ?? 1;
    const max = field(object.manifest, 'spec', 'maxReplicas');
    return asNumber(max) !== undefined && asNumber(min) !== undefined && (max as number) > (min as number) ? undefined : {
      fieldPath: 'spec.maxReplicas', message: `maxReplicas ${describeValue(max)} is not above minReplicas ${describeValue(min)}`,
    };
  }),
  {
    id: 'HARD-valid-label-values', title: 'Label keys and values are valid', severity: Severity.HIGH, kinds: ['*'],
    rationale: 'The API server rejects an object whose label key or value is not a valid name (values: at most 63 characters of alphanumerics, -, _ and ., starting and ending alphanumeric), Checked on the object and its pod template; a value that is not a string (`version: 1.10` unquoted) is reported by the engine as INPUT-field-type.',
    fieldPath: 'metadata.labels, <podMeta>.labels',
    fix: 'Quote label values in YAML, keep them to 63 characters of [A-Za-z0-9-_.] starting and ending alphanumeric; put longer text in an annotation.',
    constructFix: 'cdk8s-hardened validates the labels it is given at construction.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the API server rejects the object.',
    equivalents: { kubeScore: ['label-values'] },
    check: (object, context) => {
      const violations = labelProblems(field(object.manifest, 'metadata', 'labels'), 'metadata', context);
      const pod = podTemplateOf(object.manifest);
      if (pod && pod.path) violations.push(...labelProblems(pod.metadata.labels, manifestPath(pod, 'metadata'), context));
      return violations;
    },
  },
];
