import { schemaErrors } from './util/schema';

const deployment = (podSpec: any) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'n' },
  spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec } },
});

describe('the strict schema check used by every test', () => {
  test('accepts a valid manifest, including fields the bindings spell differently', () => {
    expect(schemaErrors(deployment({ hostPID: false, containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { port: 'http' } } }] }))).toEqual([]);
    expect(schemaErrors({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { clusterIP: 'None', ports: [{ port: 80, targetPort: 'http' }] } })).toEqual([]);
  });

  test('rejects unknown fields at any depth, with their path', () => {
    expect(schemaErrors(deployment({ containers: [{ name: 'c', image: 'i:1', securityContext: { readOnlyRootFS: true } }] })))
      .toEqual(["Deployment/x: unknown field 'spec.template.spec.containers.0.securityContext.readOnlyRootFS'"]);
    expect(schemaErrors({ ...deployment({ containers: [{ name: 'c', image: 'i:1' }] }), extra: 1 })).toEqual(["Deployment/x: unknown field 'extra'"]);
  });

  test('rejects wrong types and missing required fields', () => {
    expect(schemaErrors(deployment({ containers: [{ name: 'c', image: 'i:1', ports: [{ containerPort: '80' }] }] }))[0])
      .toContain('containerPort must be integer');
    expect(schemaErrors(deployment({}))[0]).toContain('spec must have required property containers');
  });

  test('rejects kinds it has no schema for', () => {
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(["Widget/w: apiVersion 'example.com/v1' has no schema in the test helper"]);
  });
});

describe('the policy check used by every test', () => {
  const { manifestProblems } = jest.requireActual('./util/synth');
  const pod = (annotations?: Record<string, string>) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n', annotations },
    spec: { containers: [{ name: 'c', image: 'i:1', securityContext: { privileged: true } }] },
  });

  test('reports Pod Security Standards violations', () => {
    expect(manifestProblems([pod()]).join('\n')).toContain('Pod/p: PSS-privileged at spec.containers[0].securityContext.privileged');
  });

  test('accepts expected findings and requires them to occur', () => {
    const ruleIds = ['PSS-privileged', 'PSS-allowPrivilegeEscalation', 'PSS-capabilities_restricted', 'PSS-runAsNonRoot', 'PSS-seccompProfile_restricted',
      'HARD-read-only-root-filesystem', 'HARD-run-as-user-high-uid', 'HARD-run-as-group-high-gid', 'HARD-cpu-request-set', 'HARD-memory-request-set',
      'HARD-memory-limit-set', 'HARD-ephemeral-storage-request-limit', 'HARD-image-pull-policy', 'HARD-automount-sa-token-false', 'HARD-networkpolicy-covers-pod',
      'HARD-security-context-set'];
    expect(manifestProblems([pod()], { expectFindings: ruleIds })).toEqual([]);
    expect(manifestProblems([], { expectFindings: ['PSS-privileged'] })).toEqual(['expected a PSS-privileged finding, found none']);
  });
});
