import * as fc from 'fast-check';
import { AuditContext } from '../../lib/policy/rule';
import { mapSelectorMatches, podsInNamespace, podsSelectedBy, selectedByService } from '../../lib/policy/rules/hardening-support';

describe('selector indexes', () => {
  const labelKey = fc.constantFrom('app', 'tier', 'app.kubernetes.io/name', '0', 'length', '__proto__', 'toString');
  const labelValue = fc.oneof(fc.constantFrom('web', 'api', 'a', ''), fc.integer({ min: 0, max: 2 }), fc.constant(null), fc.boolean());
  const labelMap = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
  // Untrusted input: selectors and labels of any shape, not only maps of strings.
  const anyShape = fc.oneof(labelMap, labelMap, labelMap, fc.constant(undefined), fc.constant(null), fc.constantFrom('web', 'a', 7), fc.array(fc.constantFrom('web', 'a'), { maxLength: 2 }));
  const service = fc.record({ namespace: fc.constantFrom('a', 'b'), selector: anyShape });

  test('decides as comparing the labels with the selector of every Service in the namespace', () => {
    fc.assert(fc.property(fc.array(service, { maxLength: 8 }), fc.array(anyShape, { minLength: 1, maxLength: 5 }), (services, podLabels) => {
      const context = new AuditContext(services.map(({ namespace, selector }, i) => ({
        manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: `s${i}`, namespace }, spec: { selector } },
      })));
      for (const labels of podLabels) {
        for (const namespace of ['a', 'b', 'c']) {
          const expected = services.some((s) => s.namespace === namespace && mapSelectorMatches(s.selector as any, labels as any));
          expect([namespace, labels, selectedByService(context, namespace, labels)]).toEqual([namespace, labels, expected]);
        }
      }
    }), { numRuns: 1000 });
  });

  test('podsSelectedBy selects the pods of the namespace that the selector matches, in their order', () => {
    const workload = fc.record({ namespace: fc.constantFrom('a', 'b'), labels: anyShape, kind: fc.constantFrom('Deployment', 'Pod') });
    fc.assert(fc.property(fc.array(workload, { maxLength: 8 }), fc.array(anyShape, { minLength: 1, maxLength: 5 }), (workloads, selectors) => {
      const context = new AuditContext(workloads.map(({ namespace, labels, kind }, i) => ({
        manifest: kind === 'Pod'
          ? { apiVersion: 'v1', kind, metadata: { name: `p${i}`, namespace, labels }, spec: { containers: [] } }
          : { apiVersion: 'apps/v1', kind, metadata: { name: `d${i}`, namespace }, spec: { template: { metadata: { labels }, spec: { containers: [] } } } },
      })));
      for (const selector of selectors) {
        for (const namespace of ['a', 'b', 'c']) {
          const expected = podsInNamespace(context, namespace).filter(({ pod }) => mapSelectorMatches(selector as any, pod.metadata?.labels));
          expect([namespace, selector, podsSelectedBy(context, namespace, selector)]).toEqual([namespace, selector, expected]);
        }
      }
    }), { numRuns: 1000 });
  });

  test('finds the Service whose selector a pod matches among many that it does not', () => {
    const services = Array.from({ length: 50 }, (_, i) => ({ manifest: { kind: 'Service', metadata: { name: `s${i}`, namespace: 'shop' }, spec: { selector: { app: `app-${i}`, tier: 'web' } } } }));
    const context = new AuditContext(services);
    expect(selectedByService(context, 'shop', { tier: 'web', app: 'app-42', extra: 'x' })).toBe(true);
    expect(selectedByService(context, 'shop', { app: 'app-42' })).toBe(false);
    expect(selectedByService(context, 'other', { tier: 'web', app: 'app-42' })).toBe(false);
  });
});
