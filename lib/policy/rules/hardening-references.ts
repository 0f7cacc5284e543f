import { Severity } from '../finding';
import { podTemplateOf } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf, Rule, Violation } from '../rule';
import { mapSelectorMatches, podsInNamespace, selectorMatches } from './hardening-support';
import { asArray, asRecord, isNonEmptyRecord } from './input';

/*
 * References between objects: an Ingress backend names a Service, a NetworkPolicy selects pods,
 * a StatefulSet names its governing Service. Like the other cross-object rules, they look only at
 * the objects of the audit: a target outside it counts as missing.
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
function ingressBackends(spec: { [key: string]: any } | undefined): Backend[] {
  const backends: Backend[] = [];
  const add = (backend: unknown, path: string) => {
    const b = asRecord(backend);
    if (!b) return;
    const service = asRecord(b.service);
    if (service && typeof service.name === 'string') {
      const port = asRecord(service.port);
      backends.push({ path: `${path}.service`, service: service.name, port: port?.number ?? port?.name });
    } else if (typeof b.serviceName === 'string') {
      backends.push({ path: `${path}.serviceName`, service: b.serviceName, port: b.servicePort });
    }
  };
  add(spec?.defaultBackend, 'spec.defaultBackend');
  add(spec?.backend, 'spec.backend');
  asArray(spec?.rules).forEach((rule, r) => {
    asArray(asRecord(asRecord(rule)?.http)?.paths).forEach((path, p) => add(asRecord(path)?.backend, `spec.rules[${r}].http.paths[${p}].backend`));
  });
  return backends;
}

function serviceNamed(context: AuditContext, namespace: string, name: string): any | undefined {
  return context.inNamespace(namespace, 'Service').find((s) => s.manifest?.metadata?.name === name)?.manifest;
}

export const REFERENCE_RULES: Rule[] = [
  referenceRule({
    id: 'HARD-ingress-targets-service', title: 'Ingress backends name an existing Service and one of its ports', severity: Severity.HIGH, kinds: ['Ingress'],
    rationale: 'A backend whose Service or port does not exist answers every request on that host and path with an error from the ingress controller, while the Ingress itself looks healthy.',
    fieldPath: 'spec.defaultBackend.service, spec.rules[*].http.paths[*].backend.service.{name,port}',
    fix: 'Point the backend at a Service in the Ingress\'s namespace and at one of its ports, by number (port.number) or by name (port.name).',
    equivalents: { kubeScore: ['ingress-targets-service'], kubeLinter: ['dangling-ingress'] },
  }, (object, context) => {
    const namespace = namespaceOf(object.manifest);
    const violations: Violation[] = [];
    for (const backend of ingressBackends(asRecord(object.manifest.spec))) {
      const service = serviceNamed(context, namespace, backend.service);
      if (!service) {
        violations.push({ fieldPath: backend.path, message: `backend Service '${backend.service}' is not in namespace '${namespace}'` });
        continue;
      }
      if (backend.port === undefined || asRecord(service.spec)?.type === 'ExternalName') continue;
      const ports = asArray(asRecord(service.spec)?.ports).map(asRecord);
      if (!ports.some((p) => p !== undefined && (p.port === backend.port || (typeof backend.port === 'string' && p.name === backend.port)))) {
        violations.push({ fieldPath: `${backend.path}.port`, message: `Service '${backend.service}' has no port ${JSON.stringify(backend.port)}` });
      }
    }
    return violations;
  }),
  referenceRule({
    id: 'HARD-networkpolicy-selects-pods', title: 'NetworkPolicy selects pods of the audit', severity: Severity.HIGH, kinds: ['NetworkPolicy'],
    rationale: 'A NetworkPolicy whose podSelector matches no pod protects nothing: usually a label typo or a renamed workload, which leaves the pods it was written for open while the policy looks in place. An empty podSelector selects every pod of the namespace and always passes.',
    fieldPath: 'spec.podSelector',
    fix: 'Make spec.podSelector match the labels of the pods the policy is for (cdk8s-hardened generates the policy from the workload\'s own selector).',
    equivalents: { kubeScore: ['networkpolicy-targets-pod'], kubeLinter: ['dangling-networkpolicy'] },
  }, (object, context) => {
    const selector = asRecord(asRecord(object.manifest.spec)?.podSelector);
    if (!selector || (!isNonEmptyRecord(selector.matchLabels) && asArray(selector.matchExpressions).length === 0)) return [];
    if ((selector.matchLabels !== undefined && !asRecord(selector.matchLabels)) || (selector.matchExpressions !== undefined && !Array.isArray(selector.matchExpressions))) return [];
    const namespace = namespaceOf(object.manifest);
    const selects = podsInNamespace(context, namespace).some(({ pod }) => selectorMatches(selector, asRecord(pod.metadata?.labels) as any));
    return selects ? [] : [{ fieldPath: 'spec.podSelector', message: `the podSelector matches no pod template in namespace '${namespace}'` }];
  }),
  referenceRule({
    id: 'HARD-statefulset-headless-service', title: 'StatefulSet names a headless Service that selects its pods', severity: Severity.HIGH, kinds: ['StatefulSet'],
    rationale: 'A StatefulSet\'s pods get their stable DNS names (<pod>.<service>) only from the headless Service named in spec.serviceName; without it, or with a Service that has a cluster IP or does not select the pods, peers cannot address each other and clustered software does not form.',
    fieldPath: 'spec.serviceName, Service.spec.{clusterIP,selector}',
    fix: 'Create a Service with clusterIP: None whose selector matches the pod labels, and set spec.serviceName to its name (cdk8s-hardened StatefulService does both).',
    equivalents: { kubeScore: ['statefulset-has-servicename'] },
  }, (object, context) => {
    const name = asRecord(object.manifest.spec)?.serviceName;
    if (typeof name !== 'string' || name === '') return [{ fieldPath: 'spec.serviceName', message: 'the StatefulSet names no governing Service' }];
    const namespace = namespaceOf(object.manifest);
    const service = serviceNamed(context, namespace, name);
    if (!service) return [{ fieldPath: 'spec.serviceName', message: `Service '${name}' is not in namespace '${namespace}'` }];
    const spec = asRecord(service.spec);
    if (spec?.clusterIP !== 'None') return [{ fieldPath: 'spec.serviceName', message: `Service '${name}' is not headless (clusterIP: ${JSON.stringify(spec?.clusterIP ?? 'allocated')})` }];
    const labels = podTemplateOf(object.manifest)?.metadata?.labels;
    if (!mapSelectorMatches(asRecord(spec.selector) as any, asRecord(labels) as any)) return [{ fieldPath: 'spec.serviceName', message: `Service '${name}' does not select the StatefulSet's pods` }];
    return [];
  }),
];
