import { DEPRECATED_APIS, NEWEST_KUBERNETES_MINOR, OLDEST_KUBERNETES_MINOR, parseKubernetesVersion } from '../../lib/policy/api-versions';
import { runRules } from '../../lib/policy/engine';
import { Finding, Severity } from '../../lib/policy/finding';
import { PolicyPack } from '../../lib/policy/pack';
import { API_DEPRECATED, API_REMOVED, apiVersionRules } from '../../lib/policy/rules/api-versions';

function object(apiVersion: unknown, kind: unknown): any {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'shop' } };
}

function findingsAt(minor: number, manifest: any): Finding[] {
  return runRules([{ manifest }], apiVersionRules(minor));
}

const REMOVED = DEPRECATED_APIS.filter((api) => api.removedIn !== undefined);
const DEPRECATED_IN_RANGE = DEPRECATED_APIS.filter((api) => api.deprecatedIn >= OLDEST_KUBERNETES_MINOR && api.deprecatedIn <= NEWEST_KUBERNETES_MINOR);

describe('the removed and deprecated API table', () => {
  test('covers the removals of 1.16, 1.22, 1.25, 1.26, 1.27, 1.29 and 1.32 named by the migration guide', () => {
    const has = (apiVersion: string, kind: string, removedIn: number) => DEPRECATED_APIS.some((a) => a.apiVersion === apiVersion && a.kind === kind && a.removedIn === removedIn);
    expect(has('extensions/v1beta1', 'Deployment', 16)).toBe(true);
    expect(has('apps/v1beta1', 'StatefulSet', 16)).toBe(true);
    expect(has('apps/v1beta2', 'DaemonSet', 16)).toBe(true);
    expect(has('extensions/v1beta1', 'Ingress', 22)).toBe(true);
    expect(has('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', 22)).toBe(true);
    expect(has('rbac.authorization.k8s.io/v1beta1', 'ClusterRoleBinding', 22)).toBe(true);
    expect(has('batch/v1beta1', 'CronJob', 25)).toBe(true);
    expect(has('policy/v1beta1', 'PodDisruptionBudget', 25)).toBe(true);
    expect(has('policy/v1beta1', 'PodSecurityPolicy', 25)).toBe(true);
    expect(has('autoscaling/v2beta2', 'HorizontalPodAutoscaler', 26)).toBe(true);
    expect(has('storage.k8s.io/v1beta1', 'CSIStorageCapacity', 27)).toBe(true);
    expect(has('flowcontrol.apiserver.k8s.io/v1beta2', 'FlowSchema', 29)).toBe(true);
    expect(has('flowcontrol.apiserver.k8s.io/v1beta3', 'PriorityLevelConfiguration', 32)).toBe(true);
    for (const api of DEPRECATED_APIS) {
      expect(api.removedIn === undefined || api.deprecatedIn < api.removedIn).toBe(true);
      for (const replacement of api.replacements) expect(replacement.apiVersion).not.toBe(api.apiVersion);
    }
    expect(new Set(DEPRECATED_APIS.map((a) => `${a.apiVersion} ${a.kind}`)).size).toBe(DEPRECATED_APIS.length);
  });
});

describe.each(REMOVED.map((api) => [`${api.apiVersion} ${api.kind}`, api] as const))('%s', (_name, api) => {
  const removedIn = api.removedIn!;

  test(`is HIGH at its removal release 1.${removedIn} and later, with the replacement in the message and fix`, () => {
    for (const minor of [Math.max(removedIn, OLDEST_KUBERNETES_MINOR), NEWEST_KUBERNETES_MINOR]) {
      const findings = findingsAt(minor, object(api.apiVersion, api.kind));
      expect(findings.map((f) => [f.ruleId, f.severity, f.fieldPath])).toEqual([[API_REMOVED, Severity.HIGH, 'apiVersion']]);
      expect(findings[0].message).toContain(`is not served since Kubernetes 1.${removedIn} (target Kubernetes 1.${minor})`);
      if (api.replacements.length > 0) {
        const suggested = findings[0].message.replace(/^.*: use /, '');
        expect(api.replacements.map((r) => r.apiVersion)).toContain(suggested.split(' ')[0]);
        expect(findings[0].fix).toContain(`Change apiVersion to ${suggested}`);
      } else {
        expect(findings[0].message).toContain(`${api.kind} has no replacement API`);
        expect(findings[0].fix).toContain('pod-security.kubernetes.io/enforce');
      }
    }
  });

  if (removedIn - 1 >= OLDEST_KUBERNETES_MINOR) {
    test(`is served at 1.${removedIn - 1}, the release before: LOW when deprecated there, nothing otherwise`, () => {
      const findings = findingsAt(removedIn - 1, object(api.apiVersion, api.kind));
      if (api.deprecatedIn <= removedIn - 1) {
        expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([[API_DEPRECATED, Severity.LOW]]);
        expect(findings[0].message).toContain(`and no longer served from 1.${removedIn}`);
      } else {
        expect(findings).toEqual([]);
      }
    });
  }
});

describe.each(DEPRECATED_IN_RANGE.map((api) => [`${api.apiVersion} ${api.kind}`, api] as const))('deprecated %s', (_name, api) => {
  test(`is LOW from 1.${api.deprecatedIn} and clean the release before`, () => {
    const findings = findingsAt(api.deprecatedIn, object(api.apiVersion, api.kind));
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([[API_DEPRECATED, Severity.LOW]]);
    expect(findings[0].message).toContain(`is deprecated since Kubernetes 1.${api.deprecatedIn}`);
    if (api.deprecatedIn - 1 >= OLDEST_KUBERNETES_MINOR) expect(findingsAt(api.deprecatedIn - 1, object(api.apiVersion, api.kind))).toEqual([]);
  });
});

describe('API version rules', () => {
  test('suggest the replacement the target release serves', () => {
    const use = (minor: number, apiVersion: string, kind: string) => findingsAt(minor, object(apiVersion, kind))[0].message.replace(/^.*: use /, '');
    expect(use(16, 'extensions/v1beta1', 'Ingress')).toBe('networking.k8s.io/v1beta1');
    expect(use(19, 'extensions/v1beta1', 'Ingress')).toBe('networking.k8s.io/v1');
    expect(use(22, 'autoscaling/v2beta1', 'HorizontalPodAutoscaler')).toBe('autoscaling/v2beta2');
    expect(use(23, 'autoscaling/v2beta1', 'HorizontalPodAutoscaler')).toBe('autoscaling/v2');
    expect(use(24, 'flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema')).toBe('flowcontrol.apiserver.k8s.io/v1beta2');
    expect(use(26, 'flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema')).toBe('flowcontrol.apiserver.k8s.io/v1beta3');
    expect(use(29, 'flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration')).toBe('flowcontrol.apiserver.k8s.io/v1');
    expect(use(33, 'v1', 'Endpoints')).toBe('discovery.k8s.io/v1 EndpointSlice');
  });

  test('the whole finding for a removed Ingress names the field changes', () => {
    const [finding] = findingsAt(25, object('networking.k8s.io/v1beta1', 'Ingress'));
    expect(finding.message).toBe('networking.k8s.io/v1beta1 Ingress is not served since Kubernetes 1.22 (target Kubernetes 1.25): use networking.k8s.io/v1');
    expect(finding.fix).toBe('Change apiVersion to networking.k8s.io/v1 (served since 1.19). spec.backend is renamed spec.defaultBackend; backend serviceName/servicePort become service.name and service.port.number or service.port.name; every path needs a pathType (ImplementationSpecific keeps the v1beta1 behaviour).');
  });

  test('current apiVersions, other kinds and malformed objects pass without an error', () => {
    for (const manifest of [object('apps/v1', 'Deployment'), object('networking.k8s.io/v1', 'Ingress'), object('example.com/v1beta1', 'Deployment'),
      object(undefined, 'Deployment'), object(42, 'Ingress'), object('extensions/v1beta1', ['Ingress']), object(null, null), null, 'text', []]) {
      for (const rule of apiVersionRules(NEWEST_KUBERNETES_MINOR)) expect(rule.check({ manifest }, undefined as any)).toEqual([]);
    }
  });
});

describe('PolicyPack.apiVersions', () => {
  test('defaults to the newest known release and is among the default packs', () => {
    expect(PolicyPack.apiVersions().name).toBe(`ApiVersions(1.${NEWEST_KUBERNETES_MINOR})`);
    expect(PolicyPack.apiVersions({ kubernetesVersion: 'v1.21.4' }).name).toBe('ApiVersions(1.21)');
    expect(PolicyPack.defaults().map((p) => p.name)).toContain(`ApiVersions(1.${NEWEST_KUBERNETES_MINOR})`);
  });

  test.each(['1.15', '1.34', 'latest', 'v2.0', '1.016', '', ' '])('rejects %j naming the value and the range', (version) => {
    expect(() => PolicyPack.apiVersions({ kubernetesVersion: version })).toThrow(`Kubernetes version '${version}' is not supported: use 1.16 to 1.33`);
  });

  test('parses 1.N, v1.N and patch releases', () => {
    expect(parseKubernetesVersion('1.16')).toBe(16);
    expect(parseKubernetesVersion('v1.29')).toBe(29);
    expect(parseKubernetesVersion('1.33.7')).toBe(33);
  });
});
