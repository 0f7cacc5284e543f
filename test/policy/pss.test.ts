import { evaluatePodSecurity, parsePolicyVersion, PSS_CHECKS } from '../../lib/policy/psa';

/** The restricted minimal pod of the upstream fixtures, with changes applied. */
function pod(change: (spec: any, metadata: any) => void = () => undefined) {
  const container = (name: string) => ({ name, image: 'pause', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } });
  const spec: any = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container('c1')],
    initContainers: [container('i1')],
  };
  const metadata: any = { name: 'p', annotations: {} };
  change(spec, metadata);
  return { metadata, spec };
}

const ids = (p: { metadata: any; spec: any }, level: 'baseline' | 'restricted', minor: number) =>
  evaluatePodSecurity(p.metadata, p.spec, level, minor).map((r) => r.checkId);

describe('Pod Security Standards evaluator', () => {
  test('the minimal restricted pod passes both levels at every version', () => {
    for (let minor = 0; minor <= 37; minor++) {
      expect(ids(pod(), 'restricted', minor)).toEqual([]);
      expect(ids(pod(), 'baseline', minor)).toEqual([]);
    }
  });

  test('baseline checks, with field paths and upstream texts', () => {
    const privileged = evaluatePodSecurity(...Object.values(pod((s) => { s.containers[0].securityContext.privileged = true; })) as [any, any], 'baseline', 37);
    expect(privileged).toEqual([{
      checkId: 'privileged', level: 'baseline', forbiddenReason: 'privileged',
      forbiddenDetail: 'container "c1" must not set securityContext.privileged=true',
      fieldPaths: ['spec.containers[0].securityContext.privileged'],
    }]);
    expect(ids(pod((s) => { s.hostNetwork = true; }), 'baseline', 37)).toEqual(['hostNamespaces']);
    expect(ids(pod((s) => { s.volumes = [{ name: 'h', hostPath: { path: '/' } }]; }), 'baseline', 37)).toEqual(['hostPathVolumes']);
    expect(ids(pod((s) => { s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]; }), 'baseline', 37)).toEqual(['hostPorts']);
    expect(ids(pod((s) => { s.containers[0].securityContext.capabilities.add = ['NET_RAW']; }), 'baseline', 37)).toEqual(['capabilities_baseline']);
    expect(ids(pod((s) => { s.containers[0].securityContext.capabilities.add = ['CHOWN']; }), 'baseline', 37)).toEqual([]);
    expect(ids(pod((_s, m) => { m.annotations['container.apparmor.security.beta.kubernetes.io/c1'] = 'unconfined'; }), 'baseline', 37)).toEqual(['appArmorProfile']);
    expect(ids(pod((s) => { s.securityContext.appArmorProfile = { type: 'Unconfined' }; }), 'baseline', 37)).toEqual(['appArmorProfile']);
    expect(ids(pod((s) => { s.securityContext.seLinuxOptions = { user: 'root' }; }), 'baseline', 37)).toEqual(['seLinuxOptions']);
    expect(ids(pod((s) => { s.securityContext.seccompProfile.type = 'Unconfined'; }), 'baseline', 37)).toEqual(['seccompProfile_baseline']);
    expect(ids(pod((s) => { s.securityContext.windowsOptions = { hostProcess: true }; }), 'baseline', 37)).toEqual(['windowsHostProcess']);
  });

  test('restricted checks and their field paths', () => {
    const escalation = evaluatePodSecurity(...Object.values(pod((s) => { delete s.initContainers[0].securityContext.allowPrivilegeEscalation; })) as [any, any], 'restricted', 37);
    expect(escalation.map((r) => [r.checkId, r.fieldPaths])).toEqual([['allowPrivilegeEscalation', ['spec.initContainers[0].securityContext.allowPrivilegeEscalation']]]);
    expect(ids(pod((s) => { s.containers[0].securityContext.capabilities = {}; }), 'restricted', 37)).toEqual(['capabilities_restricted']);
    expect(ids(pod((s) => { s.containers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE']; }), 'restricted', 37)).toEqual([]);
    expect(ids(pod((s) => { delete s.securityContext.runAsNonRoot; }), 'restricted', 37)).toEqual(['runAsNonRoot']);
    expect(ids(pod((s) => { s.volumes = [{ name: 'n', nfs: { server: 'x', path: '/' } }]; }), 'restricted', 37)).toEqual(['restrictedVolumes']);
    expect(ids(pod((s) => { s.volumes = [{ name: 'only-name' }, { name: 'e', emptyDir: {} }]; }), 'restricted', 37)).toEqual([]);
    expect(ids(pod((s) => { delete s.securityContext.seccompProfile; }), 'restricted', 37)).toEqual(['seccompProfile_restricted']);
  });

  test('restricted overrides baseline checks from the version the restricted one starts', () => {
    const netRaw = pod((s) => { s.containers[0].securityContext.capabilities.add = ['NET_RAW']; });
    expect(ids(netRaw, 'restricted', 22)).toEqual(['capabilities_restricted']);
    expect(ids(netRaw, 'restricted', 21)).toEqual(['capabilities_baseline']);
    const hostPath = pod((s) => { s.volumes = [{ name: 'h', hostPath: { path: '/' } }]; });
    expect(ids(hostPath, 'restricted', 37)).toEqual(['restrictedVolumes']);
  });

  test('version boundaries', () => {
    const noEscalationField = pod((s) => { delete s.containers[0].securityContext.allowPrivilegeEscalation; });
    expect(ids(noEscalationField, 'restricted', 7)).toEqual([]);
    expect(ids(noEscalationField, 'restricted', 8)).toEqual(['allowPrivilegeEscalation']);
    const root = pod((s) => { s.securityContext.runAsUser = 0; });
    expect(ids(root, 'restricted', 22)).toEqual([]);
    expect(ids(root, 'restricted', 23)).toEqual(['runAsUser']);
    const rootInUserNamespace = pod((s) => { s.securityContext.runAsUser = 0; s.hostUsers = false; delete s.securityContext.runAsNonRoot; });
    expect(ids(rootInUserNamespace, 'restricted', 34)).toEqual(['runAsNonRoot', 'runAsUser']);
    expect(ids(rootInUserNamespace, 'restricted', 35)).toEqual([]);
    const sysctl = pod((s) => { s.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }]; });
    expect(ids(sysctl, 'baseline', 28)).toEqual(['sysctls']);
    expect(ids(sysctl, 'baseline', 29)).toEqual([]);
    const probeHost = pod((s) => { s.containers[0].livenessProbe = { httpGet: { host: '127.0.0.1', port: 8080 } }; });
    expect(ids(probeHost, 'baseline', 33)).toEqual([]);
    expect(ids(probeHost, 'baseline', 34)).toEqual(['hostProbesAndHostLifecycle']);
    const unmasked = pod((s) => { s.containers[0].securityContext.procMount = 'Unmasked'; s.hostUsers = false; });
    expect(ids(unmasked, 'baseline', 34)).toEqual(['procMount']);
    expect(ids(unmasked, 'baseline', 35)).toEqual([]);
    expect(ids(unmasked, 'restricted', 35)).toEqual(['procMount_restricted']);
  });

  test('Windows pods are exempt from the Linux-only restricted checks from v1.25', () => {
    const windows = pod((s) => {
      s.os = { name: 'windows' };
      delete s.securityContext.seccompProfile;
      for (const c of [...s.containers, ...s.initContainers]) c.securityContext = {};
    });
    expect(ids(windows, 'restricted', 24)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
    expect(ids(windows, 'restricted', 25)).toEqual([]);
  });

  test('policy versions', () => {
    expect(parsePolicyVersion('latest')).toBe(37);
    expect(parsePolicyVersion('v1.28')).toBe(28);
    expect(parsePolicyVersion('1.0')).toBe(0);
    expect(() => parsePolicyVersion('v2.1')).toThrow("policy version 'v2.1' is not supported: use 'latest' or v1.0 to v1.37");
    expect(() => parsePolicyVersion('v1.99')).toThrow("policy version 'v1.99' is not supported");
    expect(PSS_CHECKS.map((c) => c.id)).toContain('hostProbesAndHostLifecycle');
  });
});
