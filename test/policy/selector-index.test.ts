import * as fc from 'fast-check';
import { field } from '../../lib/policy/shape';
import { AuditContext, AuditObject } from '../../lib/policy/rule';
import { mapSelectorMatches, podLabels, podsInNamespace, podsSelectedBy } from '../../lib/policy/rules/hardening-support';
import { routesBySelector, servicesSelecting } from '../../lib/policy/rules/service-targets';

describe('selector indexes', () => {
  const labelKey = fc.constantFrom('app', 'tier', 'app.kubernetes.io/name', '0', 'length', '__proto__', 'toString');
  const labelValue = fc.oneof(fc.constantFrom('web', 'api', 'a', ''), fc.integer({ min: 0, max: 2 }), fc.constant(null), fc.boolean());
  const labelMap = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
  // Untrusted input: selectors and labels of any shape, not only maps of strings.
  const anyShape = fc.oneof(labelMap, labelMap, labelMap, fc.constant(undefined), fc.constant(null), fc.constantFrom('web', 'a', 7), fc.array(fc.constantFrom('web', 'a'), { maxLength: 2 }));
  const namespace = fc.constantFrom('a', 'b');
  const workload = fc.record({ namespace, labels: anyShape, kind: fc.constantFrom('Deployment', 'Pod') });
  const service = fc.record({ namespace, selector: anyShape, type: fc.constantFrom(undefined, 'ClusterIP', 'ExternalName') });

  function audit(workloads: Array<{ namespace: string; labels: unknown; kind: string }>, services: Array<{ namespace: string; selector: unknown; type?: string }>): AuditContext {
    const objects: AuditObject[] = [];
    workloads.forEach(({ namespace: ns, labels, kind }, i) => objects.push({
      manifest: kind === 'Pod'
        ? { apiVersion: 'v1', kind, metadata: { name: `p${i}`, namespace: ns, labels }, spec: { containers: [] } }
        : { apiVersion: 'apps/v1', kind, metadata: { name: `d${i}`, namespace: ns }, spec: { template: { metadata: { labels }, spec: { containers: [] } } } },
    }));
    services.forEach(({ namespace: ns, selector, type }, i) => objects.push({
      manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace: ns }, spec: { type, selector } },
    }));
    return new AuditContext(objects);
  }

  test('podsSelectedBy: the pods of the namespace that the selector matches, in their order', () => {
    fc.assert(fc.property(fc.array(workload, { maxLength: 8 }), fc.array(anyShape, { minLength: 1, maxLength: 5 }), (workloads, selectors) => {
      const context = audit(workloads, []);
      for (const selector of selectors) {
        for (const ns of ['a', 'b', 'c']) {
          const expected = podsInNamespace(context, ns).filter(({ pod }) => mapSelectorMatches(selector, podLabels(pod)));
          expect([ns, selector, podsSelectedBy(context, ns, selector)]).toEqual([ns, selector, expected]);
        }
      }
    }), { numRuns: 1000 });
  });

  test('servicesSelecting: the routing Services of the namespace whose selector matches the pod, in their order', () => {
    fc.assert(fc.property(fc.array(workload, { minLength: 1, maxLength: 5 }), fc.array(service, { maxLength: 8 }), (workloads, services) => {
      const context = audit(workloads, services);
      for (const { object, pod } of [...podsInNamespace(context, 'a'), ...podsInNamespace(context, 'b')]) {
        const expected = context.inNamespace(String(object.manifest.metadata.namespace), 'Service').map((s) => s.manifest)
          .filter((s) => routesBySelector(s) && mapSelectorMatches(field(s, 'spec', 'selector'), podLabels(pod)));
        expect([object.manifest.metadata.name, servicesSelecting(pod, object, context)]).toEqual([object.manifest.metadata.name, expected]);
      }
    }), { numRuns: 1000 });
  });

  test('finds the one Service among many that selects a pod, and the pods of the one selector among many', () => {
    const services = Array.from({ length: 50 }, (_, i) => ({ namespace: 'shop', selector: { app: `app-${i}`, tier: 'web' } }));
    const workloads = Array.from({ length: 50 }, (_, i) => ({ namespace: 'shop', labels: { tier: 'web', app: `app-${i}`, extra: 'x' }, kind: 'Pod' }));
    const context = audit(workloads, services);
    const pods = podsInNamespace(context, 'shop');
    expect(servicesSelecting(pods[42].pod, pods[42].object, context).map((s) => s.metadata)).toEqual([{ name: 's42', namespace: 'shop' }]);
    expect(podsSelectedBy(context, 'shop', { tier: 'web', app: 'app-7' }).map(({ object }) => object.manifest.metadata.name)).toEqual(['p7']);
    expect(podsSelectedBy(context, 'shop', { tier: 'web' })).toHaveLength(50);
    expect(podsSelectedBy(context, 'other', { tier: 'web' })).toEqual([]);
  });

  test('servicesSelecting keeps the order of the Services, not of the pod\'s labels', () => {
    const context = audit([{ namespace: 'n', labels: { app: 'x', tier: 'web' }, kind: 'Pod' }], [{ namespace: 'n', selector: { tier: 'web' } }, { namespace: 'n', selector: { app: 'x' } }]);
    const [{ object, pod }] = podsInNamespace(context, 'n');
    expect(servicesSelecting(pod, object, context).map((s) => field(s, 'metadata', 'name'))).toEqual(['s0', 's1']);
  });
});
