import { CheckDefinition, CheckOutcome, containersOf, isWindows, joinQuote, pluralize, usesUserNamespace } from './types';

/*
 * The restricted checks of pod-security-admission, with their per-version behaviour
 * (Windows exemptions from v1.25, user-namespace relaxations from v1.35).
 */

function names(items: Array<{ container: any }>): string {
  return joinQuote(items.map(({ container }) => String(container.name)));
}

const allowPrivilegeEscalation = (exemptWindows: boolean) => (_m: any, spec: any): CheckOutcome => {
  if (exemptWindows && isWindows(spec)) return undefined;
  const bad = containersOf(spec).filter(({ container }) => container.securityContext?.allowPrivilegeEscalation !== false);
  if (bad.length === 0) return undefined;
  return {
    forbiddenReason: 'allowPrivilegeEscalation != false',
    forbiddenDetail: `${pluralize('container', 'containers', bad.length)} ${names(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    fieldPaths: bad.map(({ path }) => `${path}.securityContext.allowPrivilegeEscalation`),
  };
};

const capabilitiesRestricted = (exemptWindows: boolean) => (_m: any, spec: any): CheckOutcome => {
  if (exemptWindows && isWindows(spec)) return undefined;
  const notDropping: Array<{ container: any; path: string }> = [];
  const adding: Array<{ container: any; path: string }> = [];
  const added = new Set<string>();
  for (const visited of containersOf(spec)) {
    const capabilities = visited.container.securityContext?.capabilities;
    const drop: unknown[] = Array.isArray(capabilities?.drop) ? capabilities.drop : [];
    if (!drop.includes('ALL')) notDropping.push(visited);
    const add: unknown[] = Array.isArray(capabilities?.add) ? capabilities.add : [];
    const forbidden = add.map(String).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (forbidden.length > 0) {
      adding.push(visited);
      forbidden.forEach((cap) => added.add(cap));
    }
  }
  if (notDropping.length === 0 && adding.length === 0) return undefined;
  const details: string[] = [];
  if (notDropping.length > 0) details.push(`${pluralize('container', 'containers', notDropping.length)} ${names(notDropping)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length > 0) details.push(`${pluralize('container', 'containers', adding.length)} ${names(adding)} must not include ${joinQuote([...added].sort())} in securityContext.capabilities.add`);
  return {
    forbiddenReason: 'unrestricted capabilities',
    forbiddenDetail: details.join('; '),
    fieldPaths: [
      ...notDropping.map(({ path }) => `${path}.securityContext.capabilities.drop`),
      ...adding.map(({ path }) => `${path}.securityContext.capabilities.add`),
    ],
  };
};

const runAsNonRoot = (relaxForUserNamespaces: boolean) => (_m: any, spec: any): CheckOutcome => {
  if (relaxForUserNamespaces && usesUserNamespace(spec)) return undefined;
  const podValue = spec?.securityContext?.runAsNonRoot;
  const explicitFalse = containersOf(spec).filter(({ container }) => container.securityContext?.runAsNonRoot === false);
  const implicit = containersOf(spec).filter(({ container }) => container.securityContext?.runAsNonRoot == null);
  const podFalse = podValue === false;
  const unset = podValue !== true ? implicit : [];
  if (!podFalse && explicitFalse.length === 0 && unset.length === 0) return undefined;
  const details: string[] = [];
  if (podFalse) details.push('pod must not set securityContext.runAsNonRoot=false');
  if (explicitFalse.length > 0) details.push(`${pluralize('container', 'containers', explicitFalse.length)} ${names(explicitFalse)} must not set securityContext.runAsNonRoot=false`);
  if (unset.length > 0 && !podFalse) {
    details.push(unset.length === containersOf(spec).length
      ? 'pod or containers ' + names(unset) + ' must set securityContext.runAsNonRoot=true'
      : `pod or ${pluralize('container', 'containers', unset.length)} ${names(unset)} must set securityContext.runAsNonRoot=true`);
  }
  return {
    forbiddenReason: 'runAsNonRoot != true',
    forbiddenDetail: details.join('; '),
    fieldPaths: [
      ...(podFalse || unset.length > 0 ? ['spec.securityContext.runAsNonRoot'] : []),
      ...explicitFalse.map(({ path }) => `${path}.securityContext.runAsNonRoot`),
    ],
  };
};

const runAsUser = (relaxForUserNamespaces: boolean) => (_m: any, spec: any): CheckOutcome => {
  if (relaxForUserNamespaces && usesUserNamespace(spec)) return undefined;
  const setters: string[] = [];
  const paths: string[] = [];
  if (spec?.securityContext?.runAsUser === 0) { setters.push('pod'); paths.push('spec.securityContext.runAsUser'); }
  const bad = containersOf(spec).filter(({ container }) => container.securityContext?.runAsUser === 0);
  paths.push(...bad.map(({ path }) => `${path}.securityContext.runAsUser`));
  if (bad.length > 0) setters.push(`${pluralize('container', 'containers', bad.length)} ${names(bad)}`);
  if (setters.length === 0) return undefined;
  return { forbiddenReason: 'runAsUser=0', forbiddenDetail: `${setters.join(' and ')} must not set runAsUser=0`, fieldPaths: paths };
};

const validSeccomp = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';

const seccompRestricted = (exemptWindows: boolean) => (_m: any, spec: any): CheckOutcome => {
  if (exemptWindows && isWindows(spec)) return undefined;
  const podType = spec?.securityContext?.seccompProfile?.type;
  const podBad = podType != null && !validSeccomp(podType);
  const podOk = validSeccomp(podType);
  const badContainers: Array<{ container: any; path: string }> = [];
  const unsetContainers: Array<{ container: any; path: string }> = [];
  const badTypes = new Set<string>();
  for (const visited of containersOf(spec)) {
    const type = visited.container.securityContext?.seccompProfile?.type;
    if (type == null) {
      if (!podOk) unsetContainers.push(visited);
    } else if (!validSeccomp(type)) {
      badContainers.push(visited);
      badTypes.add(String(type));
    }
  }
  if (!podBad && badContainers.length === 0 && unsetContainers.length === 0) return undefined;
  const details: string[] = [];
  if (podBad) details.push(`pod must not set securityContext.seccompProfile.type to "${podType}"`);
  if (badContainers.length > 0) details.push(`${pluralize('container', 'containers', badContainers.length)} ${names(badContainers)} must not set securityContext.seccompProfile.type to ${joinQuote([...badTypes].sort())}`);
  if (unsetContainers.length > 0) details.push(`pod or ${pluralize('container', 'containers', unsetContainers.length)} ${names(unsetContainers)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return {
    forbiddenReason: 'seccompProfile',
    forbiddenDetail: details.join('; '),
    fieldPaths: [
      ...(podBad || unsetContainers.length > 0 ? ['spec.securityContext.seccompProfile.type'] : []),
      ...badContainers.map(({ path }) => `${path}.securityContext.seccompProfile.type`),
    ],
  };
};

const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const restrictedVolumes = (_m: any, spec: any): CheckOutcome => {
  const volumes: any[] = Array.isArray(spec?.volumes) ? spec.volumes : [];
  const bad: Array<{ name: string; index: number; source: string }> = [];
  volumes.forEach((volume, index) => {
    const sources = Object.keys(volume ?? {}).filter((key) => key !== 'name' && volume[key] != null);
    const forbidden = sources.find((source) => !ALLOWED_VOLUME_SOURCES.has(source));
    if (forbidden) bad.push({ name: String(volume.name), index, source: forbidden });
  });
  if (bad.length === 0) return undefined;
  const types = [...new Set(bad.map((b) => b.source))].sort();
  return {
    forbiddenReason: 'restricted volume types',
    forbiddenDetail: `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad.map((b) => b.name))} ${pluralize('uses', 'use', bad.length)} restricted volume ${pluralize('type', 'types', types.length)} ${joinQuote(types)}`,
    fieldPaths: bad.map((b) => `spec.volumes[${b.index}].${b.source}`),
  };
};

const procMountRestricted = (_m: any, spec: any): CheckOutcome => {
  const bad = containersOf(spec).filter(({ container }) => container.securityContext?.procMount != null && container.securityContext.procMount !== '' && container.securityContext.procMount !== 'Default');
  if (bad.length === 0) return undefined;
  const values = [...new Set(bad.map(({ container }) => String(container.securityContext.procMount)))].sort();
  return {
    forbiddenReason: 'procMount',
    forbiddenDetail: `${pluralize('container', 'containers', bad.length)} ${names(bad)} must not set securityContext.procMount to ${joinQuote(values)}`,
    fieldPaths: bad.map(({ path }) => `${path}.securityContext.procMount`),
  };
};

/** The restricted checks; `overrides` names the baseline checks each one replaces from its first version. */
export const RESTRICTED_CHECKS: CheckDefinition[] = [
  {
    id: 'allowPrivilegeEscalation', level: 'restricted', title: 'Privilege escalation must be disallowed',
    versions: [{ minVersion: 8, check: allowPrivilegeEscalation(false) }, { minVersion: 25, check: allowPrivilegeEscalation(true) }],
  },
  {
    id: 'capabilities_restricted', level: 'restricted', title: 'Containers must drop ALL capabilities and add only NET_BIND_SERVICE', overrides: ['capabilities_baseline'],
    versions: [{ minVersion: 22, check: capabilitiesRestricted(false) }, { minVersion: 25, check: capabilitiesRestricted(true) }],
  },
  { id: 'procMount_restricted', level: 'restricted', title: 'procMount must be Default', overrides: ['procMount'], versions: [{ minVersion: 35, check: procMountRestricted }] },
  { id: 'restrictedVolumes', level: 'restricted', title: 'Only non-host volume types may be used', overrides: ['hostPathVolumes'], versions: [{ minVersion: 0, check: restrictedVolumes }] },
  { id: 'runAsNonRoot', level: 'restricted', title: 'Containers must run as non-root', versions: [{ minVersion: 0, check: runAsNonRoot(false) }, { minVersion: 35, check: runAsNonRoot(true) }] },
  { id: 'runAsUser', level: 'restricted', title: 'Containers must not run as UID 0', versions: [{ minVersion: 23, check: runAsUser(false) }, { minVersion: 35, check: runAsUser(true) }] },
  {
    id: 'seccompProfile_restricted', level: 'restricted', title: 'Seccomp profile must be RuntimeDefault or Localhost', overrides: ['seccompProfile_baseline'],
    versions: [{ minVersion: 19, check: seccompRestricted(false) }, { minVersion: 25, check: seccompRestricted(true) }],
  },
];
