/**
 * The shape of the fields the rules read, per kind, as the API server's typed decoding expects
 * them. A field of the wrong type (a string where a list is expected, a null list item) makes the
 * API server reject the object; the audit reports it as a finding of its own and reads the field
 * as absent, so every other check of the object and every other object is still evaluated.
 */
import { POD_KINDS } from './pod-template';
import { describeValue, isObject } from './shape';

/** What a field must be. `null` is always accepted: the API server decodes it as an unset field. */
type Shape =
  | { readonly type: 'string' | 'integer' | 'boolean' | 'int-or-string' | 'quantity' }
  | { readonly type: 'object'; readonly fields: ReadonlyMap<string, Shape> }
  | { readonly type: 'map'; readonly values: Shape }
  | { readonly type: 'list'; readonly items: Shape };

const STRING: Shape = { type: 'string' };
const INTEGER: Shape = { type: 'integer' };
const BOOLEAN: Shape = { type: 'boolean' };
const INT_OR_STRING: Shape = { type: 'int-or-string' };
const object = (fields: Record<string, Shape>): Shape => ({ type: 'object', fields: new Map(Object.entries(fields)) });
const list = (items: Shape): Shape => ({ type: 'list', items });
const map = (values: Shape): Shape => ({ type: 'map', values });

const STRING_MAP = map(STRING);
const QUANTITIES = map({ type: 'quantity' });

const METADATA = object({ name: STRING, generateName: STRING, namespace: STRING, labels: STRING_MAP, annotations: STRING_MAP });

const LABEL_SELECTOR = object({
  matchLabels: STRING_MAP,
  matchExpressions: list(object({ key: STRING, operator: STRING, values: list(STRING) })),
});

const NETWORK_PEER = object({
  podSelector: LABEL_SELECTOR,
  namespaceSelector: LABEL_SELECTOR,
  ipBlock: object({ cidr: STRING, except: list(STRING) }),
});
const NETWORK_PORTS = list(object({ port: INT_OR_STRING, endPort: INTEGER, protocol: STRING }));

const HANDLER = object({
  httpGet: object({ path: STRING, port: INT_OR_STRING, host: STRING, scheme: STRING }),
  tcpSocket: object({ port: INT_OR_STRING, host: STRING }),
  grpc: object({ port: INTEGER, service: STRING }),
  exec: object({ command: list(STRING) }),
});

const PROFILE = object({ type: STRING, localhostProfile: STRING });
const COMMON_SECURITY_CONTEXT = {
  runAsNonRoot: BOOLEAN, runAsUser: INTEGER, runAsGroup: INTEGER, seccompProfile: PROFILE, appArmorProfile: PROFILE,
  seLinuxOptions: object({ type: STRING, user: STRING, role: STRING, level: STRING }),
  windowsOptions: object({ hostProcess: BOOLEAN }),
};

const CONTAINER = object({
  name: STRING,
  image: STRING,
  imagePullPolicy: STRING,
  ports: list(object({ name: STRING, containerPort: INTEGER, hostPort: INTEGER, protocol: STRING })),
  env: list(object({ name: STRING, value: STRING, valueFrom: object({}) })),
  resources: object({ requests: QUANTITIES, limits: QUANTITIES }),
  securityContext: object({
    ...COMMON_SECURITY_CONTEXT,
    privileged: BOOLEAN, allowPrivilegeEscalation: BOOLEAN, readOnlyRootFilesystem: BOOLEAN, procMount: STRING,
    capabilities: object({ add: list(STRING), drop: list(STRING) }),
  }),
  livenessProbe: HANDLER,
  readinessProbe: HANDLER,
  startupProbe: HANDLER,
  lifecycle: object({ postStart: HANDLER, preStop: HANDLER }),
});

const POD_SPEC = object({
  containers: list(CONTAINER),
  initContainers: list(CONTAINER),
  ephemeralContainers: list(CONTAINER),
  volumes: list(object({ name: STRING })),
  hostNetwork: BOOLEAN,
  hostPID: BOOLEAN,
  hostIPC: BOOLEAN,
  hostUsers: BOOLEAN,
  automountServiceAccountToken: BOOLEAN,
  serviceAccountName: STRING,
  os: object({ name: STRING }),
  securityContext: object({ ...COMMON_SECURITY_CONTEXT, sysctls: list(object({ name: STRING, value: STRING })) }),
  affinity: object({
    podAntiAffinity: object({
      requiredDuringSchedulingIgnoredDuringExecution: list(object({ topologyKey: STRING, labelSelector: LABEL_SELECTOR })),
      preferredDuringSchedulingIgnoredDuringExecution: list(object({
        weight: INTEGER, podAffinityTerm: object({ topologyKey: STRING, labelSelector: LABEL_SELECTOR }),
      })),
    }),
  }),
  topologySpreadConstraints: list(object({
    maxSkew: INTEGER, topologyKey: STRING, whenUnsatisfiable: STRING, labelSelector: LABEL_SELECTOR, minDomains: INTEGER,
  })),
});

const POD_TEMPLATE = object({ metadata: METADATA, spec: POD_SPEC });
const WORKLOAD_SPEC = object({ replicas: INTEGER, selector: LABEL_SELECTOR, template: POD_TEMPLATE });

const SPEC_SHAPES: Readonly<Record<string, Shape>> = {
  Pod: POD_SPEC,
  Deployment: WORKLOAD_SPEC,
  StatefulSet: WORKLOAD_SPEC,
  DaemonSet: WORKLOAD_SPEC,
  ReplicaSet: WORKLOAD_SPEC,
  ReplicationController: object({ replicas: INTEGER, selector: STRING_MAP, template: POD_TEMPLATE }),
  Job: object({ template: POD_TEMPLATE }),
  CronJob: object({ jobTemplate: object({ spec: object({ template: POD_TEMPLATE }) }) }),
  Service: object({
    type: STRING,
    selector: STRING_MAP,
    ports: list(object({ name: STRING, port: INTEGER, targetPort: INT_OR_STRING, protocol: STRING })),
    externalIPs: list(STRING),
    loadBalancerSourceRanges: list(STRING),
  }),
  NetworkPolicy: object({
    podSelector: LABEL_SELECTOR,
    policyTypes: list(STRING),
    ingress: list(object({ from: list(NETWORK_PEER), ports: NETWORK_PORTS })),
    egress: list(object({ to: list(NETWORK_PEER), ports: NETWORK_PORTS })),
  }),
  Ingress: object({
    tls: list(object({ hosts: list(STRING), secretName: STRING })),
    rules: list(object({ host: STRING })),
  }),
  PodDisruptionBudget: object({ selector: LABEL_SELECTOR, minAvailable: INT_OR_STRING, maxUnavailable: INT_OR_STRING }),
  HorizontalPodAutoscaler: object({
    scaleTargetRef: object({ kind: STRING, name: STRING, apiVersion: STRING }),
    minReplicas: INTEGER,
    targetCPUUtilizationPercentage: INTEGER,
    metrics: list(object({ type: STRING, resource: object({ name: STRING, target: object({ type: STRING }) }) })),
  }),
};

const POLICY_RULE = object({ verbs: list(STRING), apiGroups: list(STRING), resources: list(STRING), resourceNames: list(STRING), nonResourceURLs: list(STRING) });
const ROLE = object({ metadata: METADATA, rules: list(POLICY_RULE) });
const CLUSTER_ROLE = object({ metadata: METADATA, rules: list(POLICY_RULE), aggregationRule: object({ clusterRoleSelectors: list(LABEL_SELECTOR) }) });
const BINDING = object({
  metadata: METADATA,
  roleRef: object({ apiGroup: STRING, kind: STRING, name: STRING }),
  subjects: list(object({ kind: STRING, name: STRING, namespace: STRING, apiGroup: STRING })),
});

const TOP_LEVEL: Readonly<Record<string, Shape>> = {
  Role: ROLE,
  ClusterRole: CLUSTER_ROLE,
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  ServiceAccount: object({ metadata: METADATA, automountServiceAccountToken: BOOLEAN }),
  PodTemplate: object({ metadata: METADATA, template: POD_TEMPLATE }),
};

const METADATA_ONLY = object({ metadata: METADATA });
const KIND_SHAPES = new Map(Object.keys(SPEC_SHAPES).map((kind) => [kind, object({ metadata: METADATA, spec: SPEC_SHAPES[kind] })]));

/** Kinds whose fields are checked beyond metadata: every kind a rule reads. */
export const SHAPE_CHECKED_KINDS: readonly string[] = [...new Set([...Object.keys(SPEC_SHAPES), ...Object.keys(TOP_LEVEL), ...POD_KINDS])];

/** One field of the wrong shape. */
export interface ShapeProblem {
  /** Path of the field, e.g. `spec.ports[1]`. */
  readonly fieldPath: string;
  /** What was expected and what was given. */
  readonly message: string;
}

/** At most this many problems are reported per object, so a hostile document cannot flood the report. */
const MAX_PROBLEMS = 20;

/**
 * The fields of a manifest that do not have the shape the API server decodes for its kind. The
 * object itself must be a JSON object with a string `kind`; metadata is checked for every kind.
 */
export function shapeProblems(manifest: unknown): ShapeProblem[] {
  if (!isObject(manifest)) return [{ fieldPath: '(object)', message: `expected a Kubernetes object (a map with apiVersion, kind and metadata), got ${describeValue(manifest)}` }];
  const problems: ShapeProblem[] = [];
  const kind = manifest.kind;
  if (typeof kind !== 'string' || kind === '') problems.push({ fieldPath: 'kind', message: `expected the object's kind as a string, got ${describeValue(kind)}` });
  const shape = typeof kind === 'string' ? TOP_LEVEL[kind] : undefined;
  const specShape = typeof kind === 'string' ? SPEC_SHAPES[kind] : undefined;
  walk(manifest, shape ?? (specShape ? KIND_SHAPES.get(kind as string) : undefined) ?? METADATA_ONLY, undefined, problems);
  return problems.slice(0, MAX_PROBLEMS);
}

const NAMES: Record<Shape['type'], string> = {
  'string': 'a string',
  'integer': 'an integer',
  'boolean': 'a boolean (true or false)',
  'int-or-string': 'an integer or a string',
  'quantity': 'a quantity (a number or a string such as 250m or 1Gi)',
  'object': 'a map',
  'map': 'a map',
  'list': 'a list',
};

/** A field path, built into text only when a problem is reported (most objects have none). */
interface PathStep {
  readonly parent?: PathStep;
  readonly key?: string;
  readonly index?: number;
}

function pathText(step: PathStep | undefined): string {
  const parts: string[] = [];
  for (let node = step; node; node = node.parent) {
    if (node.index !== undefined) parts.push(`[${node.index}]`);
    else if (node.key !== undefined) parts.push(node.parent && node.parent.key === MAP_MARK ? `[${JSON.stringify(node.key)}]` : `.${node.key}`);
  }
  return parts.reverse().join('').replace(/^\./, '').replace(/\.\u0000/g, '') || '(object)';
}

/** Marks the steps into a map's values, whose keys print as `["key"]`. */
const MAP_MARK = '\u0000';

function walk(value: unknown, shape: Shape, path: PathStep | undefined, problems: ShapeProblem[]): void {
  if (problems.length >= MAX_PROBLEMS || value === null || value === undefined) return;
  if (!fits(value, shape)) {
    problems.push({ fieldPath: pathText(path), message: `expected ${NAMES[shape.type]}, got ${describeValue(value)}` });
    return;
  }
  switch (shape.type) {
    case 'object':
      // The object's own keys, usually fewer than the fields the shape knows.
      for (const key of Object.keys(value as object)) {
        const fieldShape = shape.fields.get(key);
        if (fieldShape) walk((value as any)[key], fieldShape, { parent: path, key }, problems);
      }
      return;
    case 'map': {
      // Labels and annotations: a quick pass first, since almost every value is a string.
      if (shape.values.type === 'string' && Object.values(value as object).every((item) => typeof item === 'string' || item === null)) return;
      const mapPath: PathStep = { parent: path, key: MAP_MARK };
      for (const key of Object.keys(value as object)) walk((value as any)[key], shape.values, { parent: mapPath, key }, problems);
      return;
    }
    case 'list':
      (value as unknown[]).forEach((item, index) => {
        const itemPath: PathStep = { parent: path, index };
        // A null item decodes to an empty struct that validation then rejects: it is never what was meant.
        if (item === null) problems.push({ fieldPath: pathText(itemPath), message: `expected ${NAMES[shape.items.type]}, got null` });
        else walk(item, shape.items, itemPath, problems);
      });
      return;
    default:
      return;
  }
}

function fits(value: unknown, shape: Shape): boolean {
  switch (shape.type) {
    case 'string': return typeof value === 'string';
    case 'integer': return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'int-or-string': return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
    case 'quantity': return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
    case 'object': case 'map': return isObject(value);
    case 'list': return Array.isArray(value);
    default: return true;
  }
}

