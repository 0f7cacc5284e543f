import { Severity } from '../finding';
import { podTemplateOf } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf, Rule, Violation } from '../rule';
import { asString, describeValue, field, isObject, JsonObject, objectItems } from '../shape';
import { mapSelectorMatches, podLabels, podsInNamespace, selectorMatches, selectsEverything } from './hardening-support';
import { operatorPods } from './managed-pods';

/*
 * References between objects: an Ingress backend names a Service, a NetworkPolicy selects pods,
 * a StatefulSet names its governing Service. Like the other cross-object rules, they look only
 * inside the audit's unit: a target outside it counts as missing.
 */

function referenceRule(meta: Omit<Rule, 'check'>, check: (object: AuditObject, context: AuditContext) => Violation[]): Rule {
  return { ...meta, check };
}

interface Backend {
  readonly path: string;
  readonly service: string;
  readonly port: unknown;
}

/** The Service backends of an Ingress in networking.k8s.io/v1 (`service.{name,port}`) or v1beta1 (`serviceName`, `servicePort`) form. */
function ingressBackends(spec: unknown): Backend[] {
  const backends: Backend[] = [];
  const add = (backend: unknown, path: string) => {
    if (!isObject(backend)) return;
    const service = field(backend, 'service');
    const name = asString(field(service, 'name'));
    if (name !== undefined) {
      backends.push({ path: `${path}.service`, service: name, port: field(service, 'port', 'number') ?? field(service, 'port', 'name') });
    } else if (typeof backend.serviceName === 'string') {
      backends.push({ path: `${path}.serviceName`, service: backend.serviceName, port: backend.servicePort });
    }
  };
  add(field(spec, 'defaultBackend'), 'spec.defaultBackend');
  add(field(spec, 'backend'), 'spec.backend');
  for (const [r, rule] of objectItems(field(spec, 'rules'))) {
    for (const [p, path] of objectItems(field(rule, 'http', 'paths'))) add(path.backend, `spec.rules[${r}].http.paths[${p}].backend`);
  }
  return backends;
}

function serviceNamed(context: AuditContext, namespace: string, name: string): JsonObject | undefined {
  const found = context.inNamespace(namespace, 'Service').find((s) => field(s.manifest, 'metadata', 'name') === name)?.manifest;
  return isObject(found) ? found : undefined;
}

export const REFERENCE_RULES: Rule[] = [
  referenceRule({
    id: 'HARD-ingress-targets-service', title: 'Ingress backends name an existing Service and one of its ports', severity: Severity.HIGH, kinds: ['Ingress'],
    rationale: 'A backend whose Service or port does not exist answers every request on that host and path with an error from the ingress controller, while the Ingress itself looks healthy.',
    fieldPath: 'spec.defaultBackend.service, spec.rules[*].http.paths[*].backend.service.{name,port}',
    fix: 'Point the backend at a Service in the Ingress\'s namespace and at one of its ports, by number (port.number) or by name (port.name).',
    constructFix: 'Reference the workload\'s own Service (webService.service) and its servicePort when writing the Ingress.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the route cannot work.',
    equivalents: { kubeScore: ['ingress-targets-service'], kubeLinter: ['dangling-ingress'] },
  }, (object, context) => {
    const namespace = namespaceOf(object.manifest);
    const violations: Violation[] = [];
    for (const backend of ingressBackends(field(object.manifest, 'spec'))) {
      const service = serviceNamed(context, namespace, backend.service);
      if (!service) {
        violations.push({ fieldPath: backend.path, message: `backend Service '${backend.service}' is not in namespace '${namespace}'` });
        continue;
      }
      if (backend.port === undefined || field(service, 'spec', 'type') === 'ExternalName') continue;
      const ports = objectItems(field(service, 'spec', 'ports')).map(([, p]) => p);
      if (!ports.some((p) => p.port === backend.port || (typeof backend.port === 'string' && p.name === backend.port))) {
        violations.push({ fieldPath: `${backend.path}.port`, message: `Service '${backend.service}' has no port ${describeValue(backend.port)}` });
      }
    }
    return violations;
  }),
  referenceRule({
    id: 'HARD-networkpolicy-selects-pods', title: 'NetworkPolicy selects pods of the audit', severity: Severity.HIGH, kinds: ['NetworkPolicy'],
    rationale: 'A NetworkPolicy whose podSelector matches no pod protects nothing: usually a label typo or a renamed workload, which leaves the pods it was written for open while the policy looks in place. An empty podSelector selects every pod of the namespace and always passes; pods an operator creates from a custom resource of the same render count.',
    fieldPath: 'spec.podSelector',
    fix: 'Make spec.podSelector match the labels of the pods the policy is for.',
    constructFix: 'cdk8s-hardened generates each workload\'s NetworkPolicy from the workload\'s own selector.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the isolation the policy promises does not exist.',
    equivalents: { kubeScore: ['networkpolicy-targets-pod'], kubeLinter: ['dangling-networkpolicy'] },
  }, (object, context) => {
    const selector = field(object.manifest, 'spec', 'podSelector');
    if (!isObject(selector) || selectsEverything(selector)) return [];
    const namespace = namespaceOf(object.manifest);
    const selects = podsInNamespace(context, namespace).some(({ pod }) => selectorMatches(selector, podLabels(pod)))
      || operatorPods(context, namespace).some((pods) => selectorMatches(selector, pods.labels));
    return selects ? [] : [{ fieldPath: 'spec.podSelector', message: `the podSelector matches no pod template in namespace '${namespace}'` }];
  }),
  referenceRule({
    id: 'HARD-statefulset-headless-service', title: 'StatefulSet names a headless Service that selects its pods', severity: Severity.HIGH, kinds: ['StatefulSet'],
    rationale: 'A StatefulSet\'s pods get their stable DNS names (<pod>.<service>) only from the headless Service named in spec.serviceName; without it, or with a Service that has a cluster IP or does not select the pods, peers cannot address each other and clustered software does not form.',
    fieldPath: 'spec.serviceName, Service.spec.{clusterIP,selector}',
    fix: 'Create a Service with clusterIP: None whose selector matches the pod labels, and set spec.serviceName to its name.',
    constructFix: 'StatefulService creates the headless Service and sets serviceName.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the pods have no stable network identity.',
    equivalents: { kubeScore: ['statefulset-has-servicename'] },
  }, (object, context) => {
    const name = field(object.manifest, 'spec', 'serviceName');
    if (typeof name !== 'string' || name === '') return [{ fieldPath: 'spec.serviceName', message: 'the StatefulSet names no governing Service' }];
    const namespace = namespaceOf(object.manifest);
    const service = serviceNamed(context, namespace, name);
    if (!service) return [{ fieldPath: 'spec.serviceName', message: `Service '${name}' is not in namespace '${namespace}'` }];
    const clusterIP = field(service, 'spec', 'clusterIP');
    if (clusterIP !== 'None') return [{ fieldPath: 'spec.serviceName', message: `Service '${name}' is not headless (clusterIP: ${clusterIP === undefined ? '"allocated"' : describeValue(clusterIP)})` }];
    const pod = podTemplateOf(object.manifest);
    if (!pod || !mapSelectorMatches(field(service, 'spec', 'selector'), podLabels(pod))) return [{ fieldPath: 'spec.serviceName', message: `Service '${name}' does not select the StatefulSet's pods` }];
    return [];
  }),
];
