import { CheckDefinition, CheckOutcome, containersOf, joinQuote, pluralize } from './types';

/*
 * The baseline checks of pod-security-admission (k8s.io/pod-security-admission/policy),
 * with their per-version behaviour.
 */

function containersWith(spec: any, test: (container: any) => boolean): Array<{ name: string; path: string }> {
  return containersOf(spec).filter(({ container }) => test(container)).map(({ container, path }) => ({ name: String(container.name), path }));
}

const hostNamespaces = (_m: any, spec: any): CheckOutcome => {
  const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((field) => spec?.[field] === true);
  if (set.length === 0) return undefined;
  return { forbiddenReason: 'host namespaces', forbiddenDetail: set.map((f) => `${f}=true`).join(', '), fieldPaths: set.map((f) => `spec.${f}`) };
};

const privileged = (_m: any, spec: any): CheckOutcome => {
  const bad = containersWith(spec, (c) => c.securityContext?.privileged === true);
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'privileged',
    forbiddenDetail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))} must not set securityContext.privileged=true`,
    fieldPaths: bad.map((b) => `${b.path}.securityContext.privileged`),
  };
};

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const capabilitiesBaseline = (_m: any, spec: any): CheckOutcome => {
  const bad: Array<{ name: string; path: string }> = [];
  const values = new Set<string>();
  for (const { container, path } of containersOf(spec)) {
    const added: unknown[] = Array.isArray(container.securityContext?.capabilities?.add) ? container.securityContext.capabilities.add : [];
    const forbidden = added.map(String).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
    if (forbidden.length > 0) {
      bad.push({ name: String(container.name), path });
      forbidden.forEach((cap) => values.add(cap));
    }
  }
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'non-default capabilities',
    forbiddenDetail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))} must not include ${joinQuote([...values].sort())} in securityContext.capabilities.add`,
    fieldPaths: bad.map((b) => `${b.path}.securityContext.capabilities.add`),
  };
};

const hostPathVolumes = (_m: any, spec: any): CheckOutcome => {
  const volumes: any[] = Array.isArray(spec?.volumes) ? spec.volumes : [];
  const bad = volumes.map((v, i) => ({ v, i })).filter(({ v }) => v?.hostPath != null);
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'hostPath volumes',
    forbiddenDetail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad.map(({ v }) => String(v.name)))}`,
    fieldPaths: bad.map(({ i }) => `spec.volumes[${i}].hostPath`),
  };
};

const hostPorts = (_m: any, spec: any): CheckOutcome => {
  const bad: Array<{ name: string; path: string; ports: number[] }> = [];
  for (const { container, path } of containersOf(spec)) {
    const ports: any[] = Array.isArray(container.ports) ? container.ports : [];
    const withHost = ports.map((p, i) => ({ p, i })).filter(({ p }) => p?.hostPort != null && p.hostPort !== 0);
    if (withHost.length > 0) bad.push({ name: String(container.name), path: `${path}.ports[${withHost[0].i}].hostPort`, ports: withHost.map(({ p }) => p.hostPort) });
  }
  if (bad.length === 0) return undefined;
  const ports = [...new Set(bad.flatMap((b) => b.ports))].sort((a, b) => a - b);
  return {
    forbiddenReason: 'hostPort',
    forbiddenDetail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', ports.length)} ${ports.join(', ')}`,
    fieldPaths: bad.map((b) => b.path),
  };
};

const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const allowedAppArmorType = (profile: any) => profile?.type === 'RuntimeDefault' || profile?.type === 'Localhost';
const allowedAppArmorAnnotation = (value: unknown) => value === '' || value === 'runtime/default' || (typeof value === 'string' && value.startsWith('localhost/'));

const appArmorProfile = (metadata: any, spec: any): CheckOutcome => {
  const setters: string[] = [];
  const values = new Set<string>();
  const paths: string[] = [];
  const podProfile = spec?.securityContext?.appArmorProfile;
  if (podProfile != null && !allowedAppArmorType(podProfile)) {
    setters.push('pod');
    values.add(String(podProfile.type));
    paths.push('spec.securityContext.appArmorProfile.type');
  }
  const bad = containersWith(spec, (c) => c.securityContext?.appArmorProfile != null && !allowedAppArmorType(c.securityContext.appArmorProfile));
  for (const b of bad) paths.push(`${b.path}.securityContext.appArmorProfile.type`);
  containersOf(spec).forEach(({ container }) => {
    const p = container.securityContext?.appArmorProfile;
    if (p != null && !allowedAppArmorType(p)) values.add(String(p.type));
  });
  if (bad.length > 0) setters.push(`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))}`);
  const annotations = Object.entries(metadata?.annotations ?? {})
    .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION) && !allowedAppArmorAnnotation(value))
    .map(([key, value]) => ({ key, text: `${key}="${value}"` }))
    .sort((a, b) => a.text.localeCompare(b.text));
  const valueList = [...values].sort();
  if (annotations.length > 0) {
    valueList.push(...annotations.map((a) => a.text));
    setters.push(pluralize('annotation', 'annotations', annotations.length));
    paths.push(...annotations.map((a) => `metadata.annotations["${a.key}"]`));
  }
  if (setters.length === 0) return undefined;
  return { forbiddenReason: 'forbidden AppArmor profile', forbiddenDetail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(valueList)}`, fieldPaths: paths };
};

const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

function seLinuxOptions(allowedTypes: Set<string>) {
  return (_m: any, spec: any): CheckOutcome => {
    const setters: string[] = [];
    const paths: string[] = [];
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const inspect = (options: any, path: string): boolean => {
      if (options == null) return false;
      let bad = false;
      if (!allowedTypes.has(options.type ?? '')) { badTypes.add(String(options.type)); bad = true; paths.push(`${path}.type`); }
      if ((options.user ?? '') !== '') { setUser = true; bad = true; paths.push(`${path}.user`); }
      if ((options.role ?? '') !== '') { setRole = true; bad = true; paths.push(`${path}.role`); }
      return bad;
    };
    if (inspect(spec?.securityContext?.seLinuxOptions, 'spec.securityContext.seLinuxOptions')) setters.push('pod');
    const bad = containersOf(spec).filter(({ container, path }) => inspect(container.securityContext?.seLinuxOptions, `${path}.securityContext.seLinuxOptions`));
    if (bad.length > 0) setters.push(`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => String(b.container.name)))}`);
    if (setters.length === 0) return undefined;
    const problems: string[] = [];
    if (badTypes.size > 0) problems.push(`${pluralize('type', 'types', badTypes.size)} ${joinQuote([...badTypes].sort())}`);
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return { forbiddenReason: 'seLinuxOptions', forbiddenDetail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`, fieldPaths: paths };
  };
}

function procMount(allowUnmaskedInUserNamespace: boolean) {
  return (_m: any, spec: any): CheckOutcome => {
    if (allowUnmaskedInUserNamespace && spec?.hostUsers === false) return undefined;
    const bad = containersWith(spec, (c) => c.securityContext?.procMount != null && c.securityContext.procMount !== '' && c.securityContext.procMount !== 'Default');
    if (bad.length === 0) return undefined;
    const values = [...new Set(containersOf(spec).map(({ container }) => container.securityContext?.procMount).filter((v) => v != null && v !== '' && v !== 'Default').map(String))].sort();
    return {
      forbiddenReason: 'procMount',
      forbiddenDetail: `${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))} must not set securityContext.procMount to ${joinQuote(values)}`,
      fieldPaths: bad.map((b) => `${b.path}.securityContext.procMount`),
    };
  };
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION = 'container.seccomp.security.alpha.kubernetes.io/';

const seccompBaselineAnnotations = (metadata: any): CheckOutcome => {
  const bad = Object.entries(metadata?.annotations ?? {})
    .filter(([key, value]) => (key === SECCOMP_POD_ANNOTATION || key.startsWith(SECCOMP_CONTAINER_ANNOTATION)) && value === 'unconfined')
    .map(([key]) => key).sort();
  if (bad.length === 0) return undefined;
  return { forbiddenReason: 'seccompProfile', forbiddenDetail: `forbidden ${pluralize('annotation', 'annotations', bad.length)} ${bad.map((k) => `${k}="unconfined"`).join(', ')}`, fieldPaths: bad.map((k) => `metadata.annotations["${k}"]`) };
};

const seccompBaselineFields = (_m: any, spec: any): CheckOutcome => {
  const setters: string[] = [];
  const paths: string[] = [];
  if (spec?.securityContext?.seccompProfile?.type === 'Unconfined') { setters.push('pod'); paths.push('spec.securityContext.seccompProfile.type'); }
  const bad = containersWith(spec, (c) => c.securityContext?.seccompProfile?.type === 'Unconfined');
  paths.push(...bad.map((b) => `${b.path}.securityContext.seccompProfile.type`));
  if (bad.length > 0) setters.push(`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))}`);
  if (setters.length === 0) return undefined;
  return { forbiddenReason: 'seccompProfile', forbiddenDetail: `${setters.join(' and ')} must not set securityContext.seccompProfile.type to "Unconfined"`, fieldPaths: paths };
};

const SYSCTLS: Array<[number, string[]]> = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

function sysctls(minor: number) {
  const allowed = new Set(SYSCTLS.filter(([since]) => since <= minor).flatMap(([, names]) => names));
  return (_m: any, spec: any): CheckOutcome => {
    const list: any[] = Array.isArray(spec?.securityContext?.sysctls) ? spec.securityContext.sysctls : [];
    const bad = list.map((s, i) => ({ s, i })).filter(({ s }) => !allowed.has(String(s?.name)));
    if (bad.length === 0) return undefined;
    return { forbiddenReason: 'forbidden sysctls', forbiddenDetail: bad.map(({ s }) => String(s?.name)).join(', '), fieldPaths: bad.map(({ i }) => `spec.securityContext.sysctls[${i}].name`) };
  };
}

const windowsHostProcess = (_m: any, spec: any): CheckOutcome => {
  const paths: string[] = [];
  if (spec?.securityContext?.windowsOptions?.hostProcess === true) paths.push('spec.securityContext.windowsOptions.hostProcess');
  const bad = containersWith(spec, (c) => c.securityContext?.windowsOptions?.hostProcess === true);
  paths.push(...bad.map((b) => `${b.path}.securityContext.windowsOptions.hostProcess`));
  if (paths.length === 0) return undefined;
  const setters = [...(spec?.securityContext?.windowsOptions?.hostProcess === true ? ['pod'] : []), ...(bad.length > 0 ? [`${pluralize('container', 'containers', bad.length)} ${joinQuote(bad.map((b) => b.name))}`] : [])];
  return { forbiddenReason: 'hostProcess', forbiddenDetail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`, fieldPaths: paths };
};

const hostProbesAndHostLifecycle = (_m: any, spec: any): CheckOutcome => {
  const hosts = new Set<string>();
  const paths: string[] = [];
  const names: string[] = [];
  for (const { container, path } of containersOf(spec)) {
    let bad = false;
    const handlers: Array<[any, string]> = [
      [container.livenessProbe, 'livenessProbe'], [container.readinessProbe, 'readinessProbe'], [container.startupProbe, 'startupProbe'],
      [container.lifecycle?.postStart, 'lifecycle.postStart'], [container.lifecycle?.preStop, 'lifecycle.preStop'],
    ];
    for (const [handler, where] of handlers) {
      for (const action of ['httpGet', 'tcpSocket']) {
        const host = handler?.[action]?.host;
        if (typeof host === 'string' && host !== '') {
          hosts.add(host);
          paths.push(`${path}.${where}.${action}.host`);
          bad = true;
        }
      }
    }
    if (bad) names.push(String(container.name));
  }
  if (names.length === 0) return undefined;
  return {
    forbiddenReason: 'probe or lifecycle host',
    forbiddenDetail: `${pluralize('container', 'containers', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', hosts.size)} ${joinQuote([...hosts].sort())}`,
    fieldPaths: paths,
  };
};

/** The baseline checks. */
export const BASELINE_CHECKS: CheckDefinition[] = [
  { id: 'appArmorProfile', level: 'baseline', title: 'AppArmor profile must not be unconfined', versions: [{ minVersion: 0, check: appArmorProfile }] },
  { id: 'capabilities_baseline', level: 'baseline', title: 'Only default capabilities may be added', versions: [{ minVersion: 0, check: capabilitiesBaseline }] },
  { id: 'hostNamespaces', level: 'baseline', title: 'Host namespaces must not be shared', versions: [{ minVersion: 0, check: hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', title: 'hostPath volumes are forbidden', versions: [{ minVersion: 0, check: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', title: 'hostPort must not be used', versions: [{ minVersion: 0, check: hostPorts }] },
  { id: 'hostProbesAndHostLifecycle', level: 'baseline', title: 'Probes and lifecycle handlers must not set a host', versions: [{ minVersion: 34, check: hostProbesAndHostLifecycle }] },
  { id: 'privileged', level: 'baseline', title: 'Privileged containers are forbidden', versions: [{ minVersion: 0, check: privileged }] },
  { id: 'procMount', level: 'baseline', title: 'procMount must be Default', versions: [{ minVersion: 0, check: procMount(false) }, { minVersion: 35, check: procMount(true) }] },
  {
    id: 'seccompProfile_baseline', level: 'baseline', title: 'Seccomp profile must not be Unconfined',
    versions: [{ minVersion: 0, check: seccompBaselineAnnotations }, { minVersion: 19, check: seccompBaselineFields }],
  },
  { id: 'seLinuxOptions', level: 'baseline', title: 'SELinux options must use allowed types and no user or role', versions: [{ minVersion: 0, check: seLinuxOptions(SELINUX_TYPES_1_0) }, { minVersion: 31, check: seLinuxOptions(SELINUX_TYPES_1_31) }] },
  { id: 'sysctls', level: 'baseline', title: 'Only safe sysctls may be set', versions: SYSCTLS.map(([since]) => ({ minVersion: since, check: sysctls(since) })) },
  { id: 'windowsHostProcess', level: 'baseline', title: 'Windows HostProcess containers are forbidden', versions: [{ minVersion: 0, check: windowsHostProcess }] },
];
