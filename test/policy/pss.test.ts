import * as fc from 'fast-check';
import { evaluatePodSecurity, LATEST_POLICY_MINOR, parsePolicyVersion, PSS_CHECKS } from '../../lib/policy/pss';
import type { PssCheckResult, PssLevel } from '../../lib/policy/pss';

/** Upstream's minimal valid baseline pod: one init container and one container, nothing set. */
function baselinePod(): any {
  return {
    metadata: { name: 'pod' },
    spec: { initContainers: [{ name: 'init', image: 'pause' }], containers: [{ name: 'app', image: 'pause' }] },
  };
}

/** Upstream's minimal valid restricted pod for the newest policy. */
function restrictedPod(): any {
  const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  return {
    metadata: { name: 'pod' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'init', image: 'pause', securityContext: structuredClone(hardened) }],
      containers: [{ name: 'app', image: 'pause', securityContext: structuredClone(hardened) }],
    },
  };
}

/** A copy of `pod` changed by `change`. */
function tweak(pod: any, change: (pod: any) => void): any {
  const copy = structuredClone(pod);
  change(copy);
  return copy;
}

const forLevel = (level: PssLevel) => (level === 'baseline' ? baselinePod() : restrictedPod());

function evaluate(pod: any, level: PssLevel, minor = LATEST_POLICY_MINOR): PssCheckResult[] {
  return evaluatePodSecurity(pod.metadata, pod.spec, level, minor);
}

function failedChecks(pod: any, level: PssLevel, minor = LATEST_POLICY_MINOR): string[] {
  return evaluate(pod, level, minor).map((result) => result.checkId);
}

/** The one failed check of a pod that should fail exactly one. */
function onlyFailure(pod: any, level: PssLevel, minor = LATEST_POLICY_MINOR): PssCheckResult {
  const results = evaluate(pod, level, minor);
  expect(results.map((r) => r.checkId)).toHaveLength(1);
  return results[0];
}

describe('parsePolicyVersion', () => {
  it.each([
    ['latest', 37], ['v1.0', 0], ['v1.8', 8], ['v1.28', 28], ['1.28', 28], ['v1.37', 37],
  ])('parses %s as minor %d', (version, minor) => {
    expect(parsePolicyVersion(version)).toBe(minor);
  });

  it.each(['v2.1', 'v1.38', 'v1.028', 'v1', '1', '', 'LATEST', ' v1.28', 'v1.28.0', 'v1.-1'])('rejects %j naming the value', (version) => {
    expect(() => parsePolicyVersion(version)).toThrow(
      new Error(`policy version '${version}' is not supported: use 'latest' or v1.0 to v1.37`),
    );
  });
});

describe('PSS_CHECKS', () => {
  it('lists the upstream checks with their level, first version and overrides', () => {
    expect(PSS_CHECKS.map((c) => [c.id, c.level, c.minVersion, c.overrides ?? []])).toEqual([
      ['appArmorProfile', 'baseline', 0, []],
      ['capabilities_baseline', 'baseline', 0, []],
      ['hostNamespaces', 'baseline', 0, []],
      ['hostPathVolumes', 'baseline', 0, []],
      ['hostPorts', 'baseline', 0, []],
      ['hostProbesAndHostLifecycle', 'baseline', 34, []],
      ['privileged', 'baseline', 0, []],
      ['procMount', 'baseline', 0, []],
      ['seLinuxOptions', 'baseline', 0, []],
      ['seccompProfile_baseline', 'baseline', 0, []],
      ['sysctls', 'baseline', 0, []],
      ['windowsHostProcess', 'baseline', 0, []],
      ['allowPrivilegeEscalation', 'restricted', 8, []],
      ['capabilities_restricted', 'restricted', 22, ['capabilities_baseline']],
      ['procMount_restricted', 'restricted', 35, ['procMount']],
      ['restrictedVolumes', 'restricted', 0, ['hostPathVolumes']],
      ['runAsNonRoot', 'restricted', 0, []],
      ['runAsUser', 'restricted', 23, []],
      ['seccompProfile_restricted', 'restricted', 19, ['seccompProfile_baseline']],
    ]);
  });

  it('records every version at which a check changes, and latest is the newest of them', () => {
    const versions = Object.fromEntries(PSS_CHECKS.map((c) => [c.id, c.versions]));
    expect(versions.sysctls).toEqual([0, 27, 29, 32, 37]);
    expect(versions.seLinuxOptions).toEqual([0, 31]);
    expect(versions.procMount).toEqual([0, 35]);
    expect(versions.runAsNonRoot).toEqual([0, 35]);
    expect(versions.runAsUser).toEqual([23, 35]);
    expect(versions.allowPrivilegeEscalation).toEqual([8, 25]);
    expect(versions.seccompProfile_baseline).toEqual([0, 19]);
    expect(versions.seccompProfile_restricted).toEqual([19, 25]);
    expect(versions.capabilities_restricted).toEqual([22, 25]);
    expect(LATEST_POLICY_MINOR).toBe(37);
    expect(PSS_CHECKS.every((c) => c.title.length > 0)).toBe(true);
  });
});

describe('evaluatePodSecurity', () => {
  it.each(['baseline', 'restricted'] as const)('allows the minimal %s pod at every policy version', (level) => {
    for (let minor = 0; minor <= LATEST_POLICY_MINOR + 3; minor++) {
      expect(evaluate(forLevel(level), level, minor)).toEqual([]);
    }
  });

  it('evaluates versions newer than the newest known as the newest, like the API server', () => {
    const pod = tweak(baselinePod(), (p) => { p.spec.securityContext = { sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }] }; });
    expect(evaluate(pod, 'baseline', 99)).toEqual([]);
    expect(failedChecks(pod, 'baseline', 36)).toEqual(['sysctls']);
  });

  it('rejects levels and versions it cannot evaluate', () => {
    expect(() => evaluatePodSecurity({}, {}, 'privileged' as PssLevel, 37))
      .toThrow(new Error("Pod Security Standards level 'privileged' is not supported: use 'baseline' or 'restricted'"));
    expect(() => evaluatePodSecurity({}, {}, 'baseline', -1))
      .toThrow(new Error('policy minor version -1 is not supported: use a whole number from 0 to 37'));
    expect(() => evaluatePodSecurity({}, {}, 'baseline', 1.5))
      .toThrow(new Error('policy minor version 1.5 is not supported: use a whole number from 0 to 37'));
  });

  it('treats missing metadata and spec as an empty pod', () => {
    expect(evaluatePodSecurity(undefined, null, 'restricted', 37)).toEqual([]);
  });

  it('reports baseline checks first, then restricted, each in ID order', () => {
    const pod = tweak(baselinePod(), (p) => {
      p.spec.hostPID = true;
      p.spec.containers[0].securityContext = { privileged: true, runAsUser: 0 };
      p.metadata.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    });
    expect(failedChecks(pod, 'restricted')).toEqual([
      'appArmorProfile', 'hostNamespaces', 'privileged',
      'allowPrivilegeEscalation', 'capabilities_restricted', 'runAsNonRoot', 'runAsUser', 'seccompProfile_restricted',
    ]);
    expect(failedChecks(pod, 'baseline')).toEqual(['appArmorProfile', 'hostNamespaces', 'privileged']);
  });

  it('checks init, regular and ephemeral containers, naming them in that order', () => {
    const pod = tweak(baselinePod(), (p) => {
      p.spec.ephemeralContainers = [{ name: 'debug', securityContext: { privileged: true } }];
      p.spec.containers[0].securityContext = { privileged: true };
      p.spec.initContainers[0].securityContext = { privileged: true };
    });
    expect(onlyFailure(pod, 'baseline')).toEqual({
      checkId: 'privileged',
      level: 'baseline',
      forbiddenReason: 'privileged',
      forbiddenDetail: 'containers "init", "app", "debug" must not set securityContext.privileged=true',
      fieldPaths: [
        'spec.initContainers[0].securityContext.privileged',
        'spec.containers[0].securityContext.privileged',
        'spec.ephemeralContainers[0].securityContext.privileged',
      ],
    });
  });
});

describe('baseline checks', () => {
  it('hostNamespaces: forbids hostNetwork, hostPID and hostIPC', () => {
    const pod = tweak(baselinePod(), (p) => Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true }));
    expect(onlyFailure(pod, 'baseline')).toMatchObject({
      forbiddenReason: 'host namespaces',
      forbiddenDetail: 'hostIPC, hostNetwork, hostPID',
      fieldPaths: ['spec.hostIPC', 'spec.hostNetwork', 'spec.hostPID'],
    });
    expect(evaluate(tweak(baselinePod(), (p) => { p.spec.hostNetwork = false; }), 'baseline')).toEqual([]);
  });

  it('capabilities_baseline: allows the default set only, matched exactly', () => {
    const defaults = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];
    expect(evaluate(tweak(baselinePod(), (p) => { p.spec.containers[0].securityContext = { capabilities: { add: defaults } }; }), 'baseline')).toEqual([]);
    const pod = tweak(baselinePod(), (p) => { p.spec.containers[0].securityContext = { capabilities: { add: ['chown', 'NET_RAW', 'CAP_CHOWN', 'NET_RAW'] } }; });
    expect(onlyFailure(pod, 'baseline')).toMatchObject({
      checkId: 'capabilities_baseline',
      forbiddenReason: 'non-default capabilities',
      forbiddenDetail: 'container "app" must not include "CAP_CHOWN", "NET_RAW", "chown" in securityContext.capabilities.add',
      fieldPaths: ['spec.containers[0].securityContext.capabilities.add'],
    });
  });

  it('hostPathVolumes: forbids hostPath volumes', () => {
    const pod = tweak(baselinePod(), (p) => { p.spec.volumes = [{ name: 'ok', emptyDir: {} }, { name: 'host', hostPath: { path: '/' } }]; });
    expect(onlyFailure(pod, 'baseline')).toMatchObject({
      checkId: 'hostPathVolumes', forbiddenReason: 'hostPath volumes', forbiddenDetail: 'volume "host"', fieldPaths: ['spec.volumes[1].hostPath'],
    });
  });

  it('hostPorts: forbids non-zero host ports, listing them sorted as text', () => {
    const pod = tweak(baselinePod(), (p) => {
      p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 0 }];
      p.spec.ephemeralContainers = [{ name: 'debug', ports: [{ containerPort: 90, hostPort: 10000 }] }];
    });
    expect(onlyFailure(pod, 'baseline')).toMatchObject({
      checkId: 'hostPorts',
      forbiddenReason: 'hostPort',
      forbiddenDetail: 'containers "app", "debug" use hostPorts 10000, 8080',
      fieldPaths: ['spec.containers[0].ports[0].hostPort', 'spec.ephemeralContainers[0].ports[0].hostPort'],
    });
  });

  it('hostProbesAndHostLifecycle: forbids probe and hook hosts from v1.34', () => {
    const pod = tweak(baselinePod(), (p) => {
      p.spec.containers[0].startupProbe = { tcpSocket: { port: 80, host: '10.0.0.1' } };
      p.spec.containers[0].readinessProbe = { httpGet: { port: 80, host: '' } };
      p.spec.initContainers[0].lifecycle = { preStop: { httpGet: { port: 80, host: 'evil.example' } } };
    });
    expect(evaluate(pod, 'baseline', 33)).toEqual([]);
    expect(onlyFailure(pod, 'baseline', 34)).toMatchObject({
      checkId: 'hostProbesAndHostLifecycle',
      forbiddenReason: 'probe or lifecycle host',
      forbiddenDetail: 'containers "app", "init" use probe or lifecycle hosts "10.0.0.1", "evil.example"',
      fieldPaths: ['spec.initContainers[0].lifecycle.preStop.httpGet.host', 'spec.containers[0].startupProbe.tcpSocket.host'],
    });
  });

  it('privileged: allows privileged=false', () => {
    expect(evaluate(tweak(baselinePod(), (p) => { p.spec.containers[0].securityContext = { privileged: false }; }), 'baseline')).toEqual([]);
  });

  it('procMount: forbids a non-default /proc mount, except with hostUsers=false from v1.35', () => {
    const unmasked = tweak(baselinePod(), (p) => { p.spec.initContainers[0].securityContext = { procMount: 'Unmasked' }; });
    const expected = {
      checkId: 'procMount',
      forbiddenReason: 'procMount',
      forbiddenDetail: 'container "init" must not set securityContext.procMount to "Unmasked"',
      fieldPaths: ['spec.initContainers[0].securityContext.procMount'],
    };
    expect(onlyFailure(unmasked, 'baseline')).toMatchObject(expected);
    const userNamespace = tweak(unmasked, (p) => { p.spec.hostUsers = false; });
    expect(onlyFailure(userNamespace, 'baseline', 34)).toMatchObject(expected);
    expect(evaluate(userNamespace, 'baseline', 35)).toEqual([]);
    expect(onlyFailure(tweak(unmasked, (p) => { p.spec.hostUsers = true; }), 'baseline', 35)).toMatchObject(expected);
    expect(evaluate(tweak(baselinePod(), (p) => { p.spec.containers[0].securityContext = { procMount: 'Default' }; }), 'baseline')).toEqual([]);
  });

  it('seLinuxOptions: limits the type (container_engine_t from v1.31) and forbids user and role', () => {
    const engine = tweak(baselinePod(), (p) => { p.spec.containers[0].securityContext = { seLinuxOptions: { type: 'container_engine_t', level: 's0' } }; });
    expect(evaluate(engine, 'baseline', 31)).toEqual([]);
    expect(onlyFailure(engine, 'baseline', 30).forbiddenDetail)
      .toBe('container "app" set forbidden securityContext.seLinuxOptions: type "container_engine_t"');
    const pod = tweak(baselinePod(), (p) => {
      p.spec.securityContext = { seLinuxOptions: { type: 'spc_t', user: 'root' } };
      p.spec.containers[0].securityContext = { seLinuxOptions: { type: 'unconfined_t', role: 'sysadm_r' } };
      p.spec.initContainers[0].securityContext = { seLinuxOptions: {} };
    });
    expect(onlyFailure(pod, 'baseline')).toMatchObject({
      checkId: 'seLinuxOptions',
      forbiddenReason: 'seLinuxOptions',
      forbiddenDetail: 'pod and container "app" set forbidden securityContext.seLinuxOptions: types "spc_t", "unconfined_t"; user may not be set; role may not be set',
      fieldPaths: [
        'spec.securityContext.seLinuxOptions.type', 'spec.securityContext.seLinuxOptions.user',
        'spec.containers[0].securityContext.seLinuxOptions.type', 'spec.containers[0].securityContext.seLinuxOptions.role',
      ],
    });
  });

  it('seccompProfile_baseline: forbids Unconfined in the field from v1.19, in the alpha annotations before', () => {
    const field = tweak(baselinePod(), (p) => {
      p.spec.securityContext = { seccompProfile: { type: 'Unconfined' } };
      p.spec.initContainers[0].securityContext = { seccompProfile: { type: 'Unconfined' } };
      p.spec.containers[0].securityContext = { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } };
    });
    expect(onlyFailure(field, 'baseline', 19)).toMatchObject({
      checkId: 'seccompProfile_baseline',
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'pod and container "init" must not set securityContext.seccompProfile.type to "Unconfined"',
      fieldPaths: ['spec.securityContext.seccompProfile.type', 'spec.initContainers[0].securityContext.seccompProfile.type'],
    });
    expect(evaluate(field, 'baseline', 18)).toEqual([]);

    const annotated = tweak(baselinePod(), (p) => {
      p.metadata.annotations = {
        'seccomp.security.alpha.kubernetes.io/pod': 'unconfined',
        'container.seccomp.security.alpha.kubernetes.io/app': 'docker/default',
        'container.seccomp.security.alpha.kubernetes.io/init': 'localhost/x',
      };
    });
    expect(onlyFailure(annotated, 'baseline', 18)).toMatchObject({
      forbiddenReason: 'seccompProfile',
      forbiddenDetail: 'forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined"',
      fieldPaths: ['metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]'],
    });
    expect(evaluate(annotated, 'baseline', 19)).toEqual([]);
  });

  it.each([
    ['kernel.shm_rmid_forced', 0],
    ['net.ipv4.ip_unprivileged_port_start', 0],
    ['net.ipv4.ip_local_reserved_ports', 27],
    ['net.ipv4.tcp_keepalive_time', 29],
    ['net.ipv4.tcp_fin_timeout', 29],
    ['net.ipv4.tcp_keepalive_intvl', 29],
    ['net.ipv4.tcp_keepalive_probes', 29],
    ['net.ipv4.tcp_rmem', 32],
    ['net.ipv4.tcp_wmem', 32],
    ['net.ipv4.tcp_slow_start_after_idle', 37],
    ['net.ipv4.tcp_notsent_lowat', 37],
  ])('sysctls: allows %s from v1.%d', (name, since) => {
    const pod = tweak(baselinePod(), (p) => { p.spec.securityContext = { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name, value: '1' }] }; });
    expect(evaluate(pod, 'baseline', since)).toEqual([]);
    if (since > 0) {
      expect(onlyFailure(pod, 'baseline', since - 1)).toMatchObject({
        checkId: 'sysctls', forbiddenReason: 'forbidden sysctls', forbiddenDetail: name, fieldPaths: ['spec.securityContext.sysctls[1].name'],
      });
    }
  });

  it('windowsHostProcess: forbids hostProcess on the pod and on containers', () => {
    const pod = tweak(baselinePod(), (p) => {
      p.spec.securityContext = { windowsOptions: { hostProcess: true } };
      p.spec.containers[0].securityContext = { windowsOptions: { hostProcess: true } };
      p.spec.initContainers[0].securityContext = { windowsOptions: { hostProcess: false } };
    });
    expect(onlyFailure(pod, 'baseline')).toMatchObject({
      checkId: 'windowsHostProcess',
      forbiddenReason: 'hostProcess',
      forbiddenDetail: 'pod and container "app" must not set securityContext.windowsOptions.hostProcess=true',
      fieldPaths: ['spec.securityContext.windowsOptions.hostProcess', 'spec.containers[0].securityContext.windowsOptions.hostProcess'],
    });
  });

  describe('appArmorProfile', () => {
    const prefix = 'container.apparmor.security.beta.kubernetes.io/';

    it('allows empty, runtime/default and localhost/* annotations and the RuntimeDefault and Localhost types', () => {
      const pod = tweak(baselinePod(), (p) => {
        p.metadata.annotations = { [`${prefix}app`]: 'localhost/foo', [`${prefix}init`]: 'runtime/default', [`${prefix}x`]: '' };
        p.spec.securityContext = { appArmorProfile: { type: 'RuntimeDefault' } };
        p.spec.containers[0].securityContext = { appArmorProfile: { type: 'Localhost', localhostProfile: 'foo' } };
      });
      expect(evaluate(pod, 'baseline', 0)).toEqual([]);
    });

    it('forbids other annotation values, quoting each annotation as upstream does', () => {
      const pod = tweak(baselinePod(), (p) => {
        p.metadata.annotations = { [`${prefix}f`]: 'unknown', [prefix]: 'bogus', [`${prefix}e`]: 'unconfined', [`${prefix}d`]: 'localhost/foo' };
      });
      expect(onlyFailure(pod, 'baseline')).toMatchObject({
        checkId: 'appArmorProfile',
        forbiddenReason: 'forbidden AppArmor profiles',
        forbiddenDetail: `annotations must not set AppArmor profile type to "${prefix}="bogus"", "${prefix}e="unconfined"", "${prefix}f="unknown""`,
        fieldPaths: [`metadata.annotations[${prefix}]`, `metadata.annotations[${prefix}e]`, `metadata.annotations[${prefix}f]`],
      });
    });

    it('forbids Unconfined in the appArmorProfile fields at every policy version', () => {
      const pod = tweak(baselinePod(), (p) => {
        p.spec.securityContext = { appArmorProfile: { type: 'Unconfined' } };
        p.spec.initContainers[0].securityContext = { appArmorProfile: { type: 'Unconfined' } };
        p.metadata.annotations = { [`${prefix}app`]: 'unconfined' };
      });
      expect(onlyFailure(pod, 'baseline', 0)).toMatchObject({
        forbiddenReason: 'forbidden AppArmor profiles',
        forbiddenDetail: `pod and container "init" and annotation must not set AppArmor profile type to "Unconfined", "${prefix}app="unconfined""`,
        fieldPaths: ['spec.securityContext.appArmorProfile.type', 'spec.initContainers[0].securityContext.appArmorProfile.type', `metadata.annotations[${prefix}app]`],
      });
    });
  });
});

describe('restricted checks', () => {
  it('allowPrivilegeEscalation: requires an explicit false from v1.8', () => {
    const unset = tweak(restrictedPod(), (p) => { delete p.spec.containers[0].securityContext.allowPrivilegeEscalation; });
    expect(evaluate(unset, 'restricted', 7)).toEqual([]);
    expect(onlyFailure(unset, 'restricted', 8)).toMatchObject({
      checkId: 'allowPrivilegeEscalation',
      level: 'restricted',
      forbiddenReason: 'allowPrivilegeEscalation != false',
      forbiddenDetail: 'container "app" must set securityContext.allowPrivilegeEscalation=false',
      fieldPaths: ['spec.containers[0].securityContext.allowPrivilegeEscalation'],
    });
    const explicitTrue = tweak(restrictedPod(), (p) => { p.spec.initContainers[0].securityContext.allowPrivilegeEscalation = true; });
    expect(onlyFailure(explicitTrue, 'restricted').fieldPaths).toEqual(['spec.initContainers[0].securityContext.allowPrivilegeEscalation']);
    expect(evaluate(unset, 'baseline')).toEqual([]);
  });

  it('capabilities_restricted: requires drop ALL and allows adding only NET_BIND_SERVICE from v1.22', () => {
    const noDrop = tweak(restrictedPod(), (p) => { delete p.spec.containers[0].securityContext.capabilities; });
    expect(evaluate(noDrop, 'restricted', 21)).toEqual([]);
    expect(onlyFailure(noDrop, 'restricted', 22)).toMatchObject({
      checkId: 'capabilities_restricted',
      forbiddenReason: 'unrestricted capabilities',
      forbiddenDetail: 'container "app" must set securityContext.capabilities.drop=["ALL"]',
      fieldPaths: ['spec.containers[0].securityContext.capabilities.drop'],
    });
    const adding = tweak(restrictedPod(), (p) => {
      p.spec.containers[0].securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'CHOWN'] };
      p.spec.initContainers[0].securityContext.capabilities.add = ['NET_BIND_SERVICE'];
    });
    expect(onlyFailure(adding, 'restricted')).toMatchObject({
      forbiddenDetail: 'container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "CHOWN" in securityContext.capabilities.add',
      fieldPaths: ['spec.containers[0].securityContext.capabilities.drop', 'spec.containers[0].securityContext.capabilities.add'],
    });
  });

  it('capabilities_restricted overrides capabilities_baseline from v1.22', () => {
    const netRaw = tweak(restrictedPod(), (p) => { p.spec.containers[0].securityContext.capabilities.add = ['NET_RAW']; });
    expect(failedChecks(netRaw, 'restricted', 21)).toEqual(['capabilities_baseline']);
    expect(failedChecks(netRaw, 'restricted', 22)).toEqual(['capabilities_restricted']);
    expect(failedChecks(netRaw, 'baseline', 22)).toEqual(['capabilities_baseline']);
    // CHOWN is a default capability: baseline allows adding it, restricted (from v1.22) does not.
    const chown = tweak(restrictedPod(), (p) => { p.spec.containers[0].securityContext.capabilities.add = ['CHOWN']; });
    expect(evaluate(chown, 'restricted', 21)).toEqual([]);
    expect(failedChecks(chown, 'restricted', 22)).toEqual(['capabilities_restricted']);
  });

  it('restrictedVolumes: allows only the core volume types and overrides hostPathVolumes', () => {
    const allowed = tweak(restrictedPod(), (p) => {
      p.spec.volumes = [
        { name: 'a', configMap: { name: 'c' } }, { name: 'b', csi: { driver: 'd' } }, { name: 'c', downwardAPI: {} },
        { name: 'd', emptyDir: {} }, { name: 'e', ephemeral: {} }, { name: 'f', image: { reference: 'r' } },
        { name: 'g', persistentVolumeClaim: { claimName: 'p' } }, { name: 'h', projected: { sources: [] } },
        { name: 'i', secret: { secretName: 's' } }, { name: 'defaulted-to-emptydir' },
      ];
    });
    expect(evaluate(allowed, 'restricted', 0)).toEqual([]);
    const pod = tweak(restrictedPod(), (p) => {
      p.spec.volumes = [{ name: 'ok', emptyDir: {} }, { name: 'share', nfs: { server: 's', path: '/' } }, { name: 'host', hostPath: { path: '/' } }];
    });
    expect(onlyFailure(pod, 'restricted')).toMatchObject({
      checkId: 'restrictedVolumes',
      forbiddenReason: 'restricted volume types',
      forbiddenDetail: 'volumes "share", "host" use restricted volume types "hostPath", "nfs"',
      fieldPaths: ['spec.volumes[1].nfs', 'spec.volumes[2].hostPath'],
    });
    expect(failedChecks(pod, 'baseline')).toEqual(['hostPathVolumes']);
  });

  describe('runAsNonRoot', () => {
    it('requires runAsNonRoot=true on the pod or on every container', () => {
      const unset = tweak(restrictedPod(), (p) => { delete p.spec.securityContext.runAsNonRoot; p.spec.initContainers[0].securityContext.runAsNonRoot = true; });
      expect(onlyFailure(unset, 'restricted', 0)).toMatchObject({
        checkId: 'runAsNonRoot',
        forbiddenReason: 'runAsNonRoot != true',
        forbiddenDetail: 'pod or container "app" must set securityContext.runAsNonRoot=true',
        fieldPaths: ['spec.containers[0].securityContext.runAsNonRoot'],
      });
      expect(evaluate(tweak(unset, (p) => { p.spec.containers[0].securityContext.runAsNonRoot = true; }), 'restricted')).toEqual([]);
    });

    it('reports an explicit false, on the pod or a container, before missing settings', () => {
      const pod = tweak(restrictedPod(), (p) => {
        p.spec.securityContext.runAsNonRoot = false;
        p.spec.containers[0].securityContext.runAsNonRoot = false;
      });
      expect(onlyFailure(pod, 'restricted')).toMatchObject({
        forbiddenDetail: 'pod and container "app" must not set securityContext.runAsNonRoot=false',
        fieldPaths: ['spec.securityContext.runAsNonRoot', 'spec.containers[0].securityContext.runAsNonRoot'],
      });
    });

    it('is skipped for pods with hostUsers=false from v1.35', () => {
      const pod = tweak(restrictedPod(), (p) => { p.spec.securityContext.runAsNonRoot = false; p.spec.hostUsers = false; });
      expect(failedChecks(pod, 'restricted', 34)).toEqual(['runAsNonRoot']);
      expect(evaluate(pod, 'restricted', 35)).toEqual([]);
    });
  });

  it('runAsUser: forbids UID 0 from v1.23, except with hostUsers=false from v1.35', () => {
    const root = tweak(restrictedPod(), (p) => { p.spec.securityContext.runAsUser = 0; p.spec.initContainers[0].securityContext.runAsUser = 0; });
    expect(evaluate(root, 'restricted', 22)).toEqual([]);
    expect(onlyFailure(root, 'restricted', 23)).toMatchObject({
      checkId: 'runAsUser',
      forbiddenReason: 'runAsUser=0',
      forbiddenDetail: 'pod and container "init" must not set runAsUser=0',
      fieldPaths: ['spec.securityContext.runAsUser', 'spec.initContainers[0].securityContext.runAsUser'],
    });
    const userNamespace = tweak(root, (p) => { p.spec.hostUsers = false; });
    expect(failedChecks(userNamespace, 'restricted', 34)).toEqual(['runAsUser']);
    expect(evaluate(userNamespace, 'restricted', 35)).toEqual([]);
    expect(evaluate(tweak(restrictedPod(), (p) => { p.spec.securityContext.runAsUser = 1000; }), 'restricted')).toEqual([]);
  });

  describe('seccompProfile_restricted', () => {
    it('requires RuntimeDefault or Localhost from v1.19, on the pod or every container', () => {
      const unset = tweak(restrictedPod(), (p) => {
        delete p.spec.securityContext.seccompProfile;
        p.spec.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' };
      });
      expect(evaluate(unset, 'restricted', 18)).toEqual([]);
      expect(onlyFailure(unset, 'restricted', 19)).toMatchObject({
        checkId: 'seccompProfile_restricted',
        forbiddenReason: 'seccompProfile',
        forbiddenDetail: 'pod or container "init" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
        fieldPaths: ['spec.initContainers[0].securityContext.seccompProfile.type'],
      });
    });

    it('overrides seccompProfile_baseline for an Unconfined profile', () => {
      const pod = tweak(restrictedPod(), (p) => { p.spec.containers[0].securityContext.seccompProfile = { type: 'Unconfined' }; });
      expect(onlyFailure(pod, 'restricted')).toMatchObject({
        checkId: 'seccompProfile_restricted',
        forbiddenDetail: 'container "app" must not set securityContext.seccompProfile.type to "Unconfined"',
        fieldPaths: ['spec.containers[0].securityContext.seccompProfile.type'],
      });
      expect(failedChecks(pod, 'baseline')).toEqual(['seccompProfile_baseline']);
      // Before v1.19 seccomp was set with annotations, and neither check reads the field.
      expect(evaluate(pod, 'restricted', 18)).toEqual([]);
    });
  });

  it('procMount_restricted: forbids Unmasked even with hostUsers=false from v1.35, replacing procMount', () => {
    const pod = tweak(restrictedPod(), (p) => { p.spec.hostUsers = false; p.spec.containers[0].securityContext.procMount = 'Unmasked'; });
    expect(failedChecks(pod, 'restricted', 34)).toEqual(['procMount']);
    expect(onlyFailure(pod, 'restricted', 35)).toMatchObject({
      checkId: 'procMount_restricted',
      level: 'restricted',
      forbiddenReason: 'procMount',
      forbiddenDetail: 'container "app" must not set securityContext.procMount to "Unmasked"',
      fieldPaths: ['spec.containers[0].securityContext.procMount'],
    });
    expect(evaluate(pod, 'baseline', 35)).toEqual([]);
  });

  describe('Windows pods (spec.os.name=windows)', () => {
    const windowsPod = () => tweak(restrictedPod(), (p) => {
      p.spec.os = { name: 'windows' };
      delete p.spec.securityContext.seccompProfile;
      for (const c of [...p.spec.containers, ...p.spec.initContainers]) c.securityContext = {};
    });

    it('are exempt from allowPrivilegeEscalation, capabilities and seccomp from v1.25', () => {
      expect(evaluate(windowsPod(), 'restricted', 25)).toEqual([]);
      expect(failedChecks(windowsPod(), 'restricted', 24)).toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
      expect(failedChecks(tweak(windowsPod(), (p) => { p.spec.os.name = 'linux'; }), 'restricted', 25))
        .toEqual(['allowPrivilegeEscalation', 'capabilities_restricted', 'seccompProfile_restricted']);
    });

    it('still need runAsNonRoot', () => {
      expect(failedChecks(tweak(windowsPod(), (p) => { delete p.spec.securityContext.runAsNonRoot; }), 'restricted')).toEqual(['runAsNonRoot']);
    });

    it('pass restricted but fail baseline with an added capability, because the exemption skips the overriding check', () => {
      const pod = tweak(windowsPod(), (p) => { p.spec.containers[0].securityContext = { capabilities: { add: ['NET_RAW'] } }; });
      expect(evaluate(pod, 'restricted')).toEqual([]);
      expect(failedChecks(pod, 'baseline')).toEqual(['capabilities_baseline']);
    });
  });
});

describe('invariants', () => {
  const securityContext = fc.record({
    privileged: fc.constantFrom(undefined, true, false),
    allowPrivilegeEscalation: fc.constantFrom(undefined, true, false),
    runAsNonRoot: fc.constantFrom(undefined, true, false),
    runAsUser: fc.constantFrom(undefined, 0, 1000),
    procMount: fc.constantFrom(undefined, 'Default', 'Unmasked'),
    capabilities: fc.constantFrom(undefined, { drop: ['ALL'] }, { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, { add: ['CHOWN'] }, { add: ['SYS_ADMIN'] }),
    seccompProfile: fc.constantFrom(undefined, { type: 'RuntimeDefault' }, { type: 'Unconfined' }),
    seLinuxOptions: fc.constantFrom(undefined, { type: 'container_t' }, { type: 'spc_t' }),
  }, { requiredKeys: [] });
  const container = fc.record({
    name: fc.constantFrom('a', 'b', 'c'),
    securityContext: fc.option(securityContext, { nil: undefined }),
    ports: fc.constantFrom(undefined, [{ containerPort: 80 }], [{ containerPort: 80, hostPort: 80 }]),
  }, { requiredKeys: ['name'] });
  const linuxPod = fc.record({
    metadata: fc.constantFrom({}, { annotations: { 'container.apparmor.security.beta.kubernetes.io/a': 'unconfined' } }),
    spec: fc.record({
      hostNetwork: fc.constantFrom(undefined, true, false),
      hostUsers: fc.constantFrom(undefined, true, false),
      securityContext: fc.option(securityContext, { nil: undefined }),
      volumes: fc.constantFrom(undefined, [{ name: 'v', emptyDir: {} }], [{ name: 'v', hostPath: { path: '/' } }], [{ name: 'v', nfs: {} }]),
      initContainers: fc.array(container, { maxLength: 2 }),
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
    }, { requiredKeys: ['containers'] }),
  });
  const minor = fc.integer({ min: 0, max: LATEST_POLICY_MINOR });

  it('a Linux pod that restricted allows, baseline allows too', () => {
    fc.assert(fc.property(linuxPod, minor, (pod, version) => {
      if (evaluate(pod, 'restricted', version).length === 0) expect(evaluate(pod, 'baseline', version)).toEqual([]);
    }));
  });

  it('every failure names a known check of its level and points into the pod', () => {
    const known = new Map(PSS_CHECKS.map((c) => [c.id, c.level]));
    fc.assert(fc.property(linuxPod, minor, fc.constantFrom<PssLevel>('baseline', 'restricted'), (pod, version, level) => {
      for (const result of evaluate(pod, level, version)) {
        expect(known.get(result.checkId)).toBe(result.level);
        expect(result.forbiddenReason).not.toBe('');
        expect(result.fieldPaths.length).toBeGreaterThan(0);
        for (const fieldPath of result.fieldPaths) expect(fieldPath).toMatch(/^(spec|metadata)[.[]/);
      }
    }));
  });
});
