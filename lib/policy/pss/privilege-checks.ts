/** Checks on what a container may do as a process: privileges, capabilities, user and /proc. */
import { containersPhrase, joinQuote, sortedUnique } from './format';
import { isSet, isWindowsPod, itemsOf, nameOf, PodManifest, usesUserNamespace, visitContainers } from './manifest';
import { CheckDefinition, CheckPod, Violation } from './types';
import { text } from '../shape';

/**
 * Runs `check` unless the pod is a Windows pod. API validation rejects the Linux-only fields on
 * Windows pods, so from policy v1.25 upstream stops requiring them there.
 */
function exceptOnWindows(check: CheckPod): CheckPod {
  return (pod) => (isWindowsPod(pod.spec) ? undefined : check(pod));
}

/**
 * Runs `check` unless the pod has its own user namespace (`hostUsers: false`), where root and an
 * unmasked /proc map to an unprivileged host user (policy v1.35+).
 */
function exceptInUserNamespace(check: CheckPod): CheckPod {
  return (pod) => (usesUserNamespace(pod.spec) ? undefined : check(pod));
}

export const privilegedCheck: CheckDefinition = {
  id: 'privileged',
  level: 'baseline',
  title: 'Privileged Containers',
  versions: [{ minVersion: 0, checkPod: privileged }],
};

function privileged({ spec }: PodManifest): Violation | undefined {
  const badContainers: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    if (container.securityContext?.privileged === true) {
      badContainers.push(nameOf(container));
      fieldPaths.push(`${path}.securityContext.privileged`);
    }
  });
  if (badContainers.length === 0) return undefined;
  return {
    reason: 'privileged',
    detail: `${containersPhrase(badContainers)} must not set securityContext.privileged=true`,
    fieldPaths,
  };
}

/** Capabilities a container runtime grants by default, so adding them back grants nothing new. */
const DEFAULT_CAPABILITIES = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

export const capabilitiesBaselineCheck: CheckDefinition = {
  id: 'capabilities_baseline',
  level: 'baseline',
  title: 'Capabilities',
  versions: [{ minVersion: 0, checkPod: capabilitiesBaseline }],
};

function capabilitiesBaseline({ spec }: PodManifest): Violation | undefined {
  const badContainers: string[] = [];
  const added: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    // Matched exactly: `chown` and `CAP_CHOWN` are not in the default set.
    const extra = itemsOf(container.securityContext?.capabilities?.add).map(text).filter((c) => !DEFAULT_CAPABILITIES.has(c));
    if (extra.length > 0) {
      badContainers.push(nameOf(container));
      added.push(...extra);
      fieldPaths.push(`${path}.securityContext.capabilities.add`);
    }
  });
  if (badContainers.length === 0) return undefined;
  return {
    reason: 'non-default capabilities',
    detail: `${containersPhrase(badContainers)} must not include ${joinQuote(sortedUnique(added))} in securityContext.capabilities.add`,
    fieldPaths,
  };
}

export const capabilitiesRestrictedCheck: CheckDefinition = {
  id: 'capabilities_restricted',
  level: 'restricted',
  title: 'Capabilities',
  versions: [
    { minVersion: 22, checkPod: capabilitiesRestricted, overrides: ['capabilities_baseline'] },
    { minVersion: 25, checkPod: exceptOnWindows(capabilitiesRestricted), overrides: ['capabilities_baseline'] },
  ],
};

function capabilitiesRestricted({ spec }: PodManifest): Violation | undefined {
  const missingDropAll: string[] = [];
  const missingDropAllPaths: string[] = [];
  const addingForbidden: string[] = [];
  const addingForbiddenPaths: string[] = [];
  const forbidden: string[] = [];
  visitContainers(spec, (container, path) => {
    const capabilities = container.securityContext?.capabilities;
    if (!isSet(capabilities)) {
      missingDropAll.push(nameOf(container));
      missingDropAllPaths.push(`${path}.securityContext.capabilities.drop`);
      return;
    }
    if (!itemsOf(capabilities.drop).includes('ALL')) {
      missingDropAll.push(nameOf(container));
      missingDropAllPaths.push(`${path}.securityContext.capabilities.drop`);
    }
    const extra = itemsOf(capabilities.add).map(text).filter((c) => c !== 'NET_BIND_SERVICE');
    if (extra.length > 0) {
      addingForbidden.push(nameOf(container));
      addingForbiddenPaths.push(`${path}.securityContext.capabilities.add`);
      forbidden.push(...extra);
    }
  });
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedUnique(forbidden))} in securityContext.capabilities.add`);
  }
  if (details.length === 0) return undefined;
  return {
    reason: 'unrestricted capabilities',
    detail: details.join('; '),
    fieldPaths: [...missingDropAllPaths, ...addingForbiddenPaths],
  };
}

export const allowPrivilegeEscalationCheck: CheckDefinition = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  title: 'Privilege Escalation',
  versions: [
    // The field exists since Kubernetes 1.8.
    { minVersion: 8, checkPod: allowPrivilegeEscalation },
    { minVersion: 25, checkPod: exceptOnWindows(allowPrivilegeEscalation) },
  ],
};

function allowPrivilegeEscalation({ spec }: PodManifest): Violation | undefined {
  const badContainers: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    // Unset means allowed (the runtime default), so only an explicit false passes.
    if (container.securityContext?.allowPrivilegeEscalation !== false) {
      badContainers.push(nameOf(container));
      fieldPaths.push(`${path}.securityContext.allowPrivilegeEscalation`);
    }
  });
  if (badContainers.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(badContainers)} must set securityContext.allowPrivilegeEscalation=false`,
    fieldPaths,
  };
}

export const procMountCheck: CheckDefinition = {
  id: 'procMount',
  level: 'baseline',
  title: '/proc Mount Type',
  versions: [
    { minVersion: 0, checkPod: defaultProcMountOnly },
    { minVersion: 35, checkPod: exceptInUserNamespace(defaultProcMountOnly) },
  ],
};

export const procMountRestrictedCheck: CheckDefinition = {
  id: 'procMount_restricted',
  level: 'restricted',
  title: '/proc Mount Type',
  // Keeps the unconditional v1.0 rule for restricted once baseline relaxes it for user namespaces.
  versions: [{ minVersion: 35, checkPod: defaultProcMountOnly, overrides: ['procMount'] }],
};

function defaultProcMountOnly({ spec }: PodManifest): Violation | undefined {
  const badContainers: string[] = [];
  const types: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    const procMount = container.securityContext?.procMount;
    if (isSet(procMount) && procMount !== 'Default') {
      badContainers.push(nameOf(container));
      types.push(text(procMount));
      fieldPaths.push(`${path}.securityContext.procMount`);
    }
  });
  if (badContainers.length === 0) return undefined;
  return {
    reason: 'procMount',
    detail: `${containersPhrase(badContainers)} must not set securityContext.procMount to ${joinQuote(sortedUnique(types))}`,
    fieldPaths,
  };
}

export const runAsNonRootCheck: CheckDefinition = {
  id: 'runAsNonRoot',
  level: 'restricted',
  title: 'Running as Non-root',
  versions: [
    { minVersion: 0, checkPod: runAsNonRoot },
    { minVersion: 35, checkPod: exceptInUserNamespace(runAsNonRoot) },
  ],
};

function runAsNonRoot({ spec }: PodManifest): Violation | undefined {
  const badSetters: string[] = [];
  const explicitPaths: string[] = [];
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) {
    badSetters.push('pod');
    explicitPaths.push('spec.securityContext.runAsNonRoot');
  }
  const podRunsAsNonRoot = podValue === true;

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const implicitPaths: string[] = [];
  visitContainers(spec, (container, path) => {
    const value = container.securityContext?.runAsNonRoot;
    if (isSet(value)) {
      if (value === false) {
        explicitlyBad.push(nameOf(container));
        explicitPaths.push(`${path}.securityContext.runAsNonRoot`);
      }
    } else if (!podRunsAsNonRoot) {
      implicitlyBad.push(nameOf(container));
      implicitPaths.push(`${path}.securityContext.runAsNonRoot`);
    }
  });
  if (explicitlyBad.length > 0) badSetters.push(containersPhrase(explicitlyBad));

  // An explicit false is reported on its own; the missing settings only when nothing is explicitly wrong.
  if (badSetters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${badSetters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      fieldPaths: explicitPaths,
    };
  }
  if (implicitlyBad.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
      fieldPaths: implicitPaths,
    };
  }
  return undefined;
}

export const runAsUserCheck: CheckDefinition = {
  id: 'runAsUser',
  level: 'restricted',
  title: 'Running as Non-root user',
  versions: [
    { minVersion: 23, checkPod: runAsUser },
    { minVersion: 35, checkPod: exceptInUserNamespace(runAsUser) },
  ],
};

function runAsUser({ spec }: PodManifest): Violation | undefined {
  const badSetters: string[] = [];
  const fieldPaths: string[] = [];
  if (spec.securityContext?.runAsUser === 0) {
    badSetters.push('pod');
    fieldPaths.push('spec.securityContext.runAsUser');
  }
  const badContainers: string[] = [];
  visitContainers(spec, (container, path) => {
    if (container.securityContext?.runAsUser === 0) {
      badContainers.push(nameOf(container));
      fieldPaths.push(`${path}.securityContext.runAsUser`);
    }
  });
  if (badContainers.length > 0) badSetters.push(containersPhrase(badContainers));
  if (badSetters.length === 0) return undefined;
  return {
    reason: 'runAsUser=0',
    detail: `${badSetters.join(' and ')} must not set runAsUser=0`,
    fieldPaths,
  };
}
