/**
 * Baseline checks that keep a pod from reaching into its node: host namespaces, host ports,
 * probes aimed at other hosts, Windows HostProcess and node-wide sysctls.
 */
import { containersPhrase, joinQuote, pluralize, sortedUnique } from './format';
import { HandlerManifest, isSet, itemsOf, nameOf, PodManifest, visitContainers } from './manifest';
import { CheckDefinition, Violation } from './types';
import { text } from '../shape';

export const hostNamespacesCheck: CheckDefinition = {
  id: 'hostNamespaces',
  level: 'baseline',
  title: 'Host Namespaces',
  versions: [{ minVersion: 0, checkPod: hostNamespaces }],
};

function hostNamespaces({ spec }: PodManifest): Violation | undefined {
  const shared = (['hostIPC', 'hostNetwork', 'hostPID'] as const).filter((field) => spec[field] === true);
  if (shared.length === 0) return undefined;
  return {
    reason: 'host namespaces',
    detail: shared.join(', '),
    fieldPaths: shared.map((field) => `spec.${field}`),
  };
}

export const hostPortsCheck: CheckDefinition = {
  id: 'hostPorts',
  level: 'baseline',
  title: 'Host Ports',
  versions: [{ minVersion: 0, checkPod: hostPorts }],
};

function hostPorts({ spec }: PodManifest): Violation | undefined {
  const badContainers: string[] = [];
  const ports: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    let usesHostPort = false;
    itemsOf(container.ports).forEach((port, index) => {
      if (isSet(port?.hostPort) && port.hostPort !== 0) {
        usesHostPort = true;
        ports.push(text(port.hostPort));
        fieldPaths.push(`${path}.ports[${index}].hostPort`);
      }
    });
    if (usesHostPort) badContainers.push(nameOf(container));
  });
  if (badContainers.length === 0) return undefined;
  // Upstream sorts the ports as strings ("10000" before "8080") and joins them unquoted.
  const distinctPorts = sortedUnique(ports);
  return {
    reason: 'hostPort',
    detail: `${containersPhrase(badContainers)} ${pluralize('uses', 'use', badContainers.length)} `
      + `${pluralize('hostPort', 'hostPorts', distinctPorts.length)} ${distinctPorts.join(', ')}`,
    fieldPaths,
  };
}

export const hostProbesAndHostLifecycleCheck: CheckDefinition = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  title: 'Host Probes / Lifecycle Hooks',
  versions: [{ minVersion: 34, checkPod: hostProbesAndHostLifecycle }],
};

function hostProbesAndHostLifecycle({ spec }: PodManifest): Violation | undefined {
  const badContainers: string[] = [];
  const hosts: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    const handlers: [string, HandlerManifest | null | undefined][] = [
      ['livenessProbe', container.livenessProbe],
      ['readinessProbe', container.readinessProbe],
      ['startupProbe', container.startupProbe],
      ['lifecycle.postStart', container.lifecycle?.postStart],
      ['lifecycle.preStop', container.lifecycle?.preStop],
    ];
    for (const [handlerPath, handler] of handlers) {
      for (const action of ['httpGet', 'tcpSocket'] as const) {
        const host = handler?.[action]?.host;
        if (isSet(host) && host !== '') {
          badContainers.push(nameOf(container));
          hosts.push(text(host));
          fieldPaths.push(`${path}.${handlerPath}.${action}.host`);
        }
      }
    }
  });
  if (badContainers.length === 0) return undefined;
  // This check, unlike most, lists the containers as a sorted set.
  const containers = sortedUnique(badContainers);
  const distinctHosts = sortedUnique(hosts);
  return {
    reason: 'probe or lifecycle host',
    detail: `${containersPhrase(containers)} ${pluralize('uses', 'use', containers.length)} `
      + `${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', distinctHosts.length)} ${joinQuote(distinctHosts)}`,
    fieldPaths,
  };
}

export const windowsHostProcessCheck: CheckDefinition = {
  id: 'windowsHostProcess',
  level: 'baseline',
  title: 'HostProcess',
  versions: [{ minVersion: 0, checkPod: windowsHostProcess }],
};

function windowsHostProcess({ spec }: PodManifest): Violation | undefined {
  const setters: string[] = [];
  const fieldPaths: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) {
    setters.push('pod');
    fieldPaths.push('spec.securityContext.windowsOptions.hostProcess');
  }
  const badContainers: string[] = [];
  visitContainers(spec, (container, path) => {
    if (container.securityContext?.windowsOptions?.hostProcess === true) {
      badContainers.push(nameOf(container));
      fieldPaths.push(`${path}.securityContext.windowsOptions.hostProcess`);
    }
  });
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));
  if (setters.length === 0) return undefined;
  return {
    reason: 'hostProcess',
    detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
    fieldPaths,
  };
}

/**
 * Sysctls that are namespaced and isolated from other pods, by the policy version that first
 * allowed them. Each version allows everything the earlier ones did.
 */
const SAFE_SYSCTLS_ADDED: readonly (readonly [number, readonly string[]])[] = [
  [0, [
    'kernel.shm_rmid_forced',
    'net.ipv4.ip_local_port_range',
    'net.ipv4.tcp_syncookies',
    'net.ipv4.ping_group_range',
    'net.ipv4.ip_unprivileged_port_start',
  ]],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
  [37, ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat']],
];

/** The sysctls that the baseline level allows at a policy minor version. */
export function safeSysctls(minorVersion: number): ReadonlySet<string> {
  return new Set(SAFE_SYSCTLS_ADDED.filter(([since]) => since <= minorVersion).flatMap(([, names]) => names));
}

export const sysctlsCheck: CheckDefinition = {
  id: 'sysctls',
  level: 'baseline',
  title: 'Sysctls',
  versions: SAFE_SYSCTLS_ADDED.map(([minVersion]) => ({ minVersion, checkPod: sysctlsAllowing(safeSysctls(minVersion)) })),
};

function sysctlsAllowing(allowed: ReadonlySet<string>) {
  return ({ spec }: PodManifest): Violation | undefined => {
    const forbidden: string[] = [];
    const fieldPaths: string[] = [];
    itemsOf(spec.securityContext?.sysctls).forEach((sysctl, index) => {
      const name = isSet(sysctl?.name) ? text(sysctl.name) : '';
      if (!allowed.has(name)) {
        forbidden.push(name);
        fieldPaths.push(`spec.securityContext.sysctls[${index}].name`);
      }
    });
    if (forbidden.length === 0) return undefined;
    return { reason: 'forbidden sysctls', detail: forbidden.join(', '), fieldPaths };
  };
}
