/** Checks on the Linux security modules that confine a container: AppArmor, SELinux and seccomp. */
import { compareStrings, containersPhrase, goQuote, joinQuote, pluralize, sortedUnique } from './format';
import { isSet, isWindowsPod, nameOf, PodManifest, ProfileManifest, SELinuxOptionsManifest, visitContainers } from './manifest';
import { CheckDefinition, Violation } from './types';
import { text } from '../shape';

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** A profile's type as upstream prints it (a missing type is Go's zero value ""). */
function typeOf(profile: ProfileManifest): string {
  return isSet(profile.type) ? text(profile.type) : '';
}

export const appArmorProfileCheck: CheckDefinition = {
  id: 'appArmorProfile',
  level: 'baseline',
  title: 'AppArmor',
  // Upstream added the securityContext.appArmorProfile fields to this 1.0 revision in place, so
  // they are checked at every policy version.
  versions: [{ minVersion: 0, checkPod: appArmorProfile }],
};

function isAllowedAppArmorType(type: string | null | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function isAllowedAppArmorAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

function appArmorProfile({ metadata, spec }: PodManifest): Violation | undefined {
  const badSetters: string[] = [];
  const badTypes: string[] = [];
  const fieldPaths: string[] = [];
  const podProfile = spec.securityContext?.appArmorProfile;
  if (isSet(podProfile) && !isAllowedAppArmorType(podProfile.type)) {
    badSetters.push('pod');
    badTypes.push(typeOf(podProfile));
    fieldPaths.push('spec.securityContext.appArmorProfile.type');
  }
  const badContainers: string[] = [];
  visitContainers(spec, (container, path) => {
    const profile = container.securityContext?.appArmorProfile;
    if (isSet(profile) && !isAllowedAppArmorType(profile.type)) {
      badContainers.push(nameOf(container));
      badTypes.push(typeOf(profile));
      fieldPaths.push(`${path}.securityContext.appArmorProfile.type`);
    }
  });
  if (badContainers.length > 0) badSetters.push(containersPhrase(badContainers));

  // Upstream sorts the formatted `key="value"` strings, which is not always the order of the keys.
  const forbiddenAnnotations = Object.entries(metadata.annotations ?? {})
    .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !isAllowedAppArmorAnnotation(text(value)))
    .map(([key, value]) => ({ formatted: `${key}=${goQuote(text(value))}`, path: `metadata.annotations[${key}]` }))
    .sort((a, b) => compareStrings(a.formatted, b.formatted));
  if (forbiddenAnnotations.length > 0) {
    badSetters.push(pluralize('annotation', 'annotations', forbiddenAnnotations.length));
    fieldPaths.push(...forbiddenAnnotations.map((annotation) => annotation.path));
  }
  if (badSetters.length === 0) return undefined;

  // Each `key="value"` pair is quoted again, as the profile types are.
  const badValues = [...sortedUnique(badTypes), ...forbiddenAnnotations.map((annotation) => annotation.formatted)];
  return {
    reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValues.length),
    detail: `${badSetters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
    fieldPaths,
  };
}

export const seLinuxOptionsCheck: CheckDefinition = {
  id: 'seLinuxOptions',
  level: 'baseline',
  title: 'SELinux',
  versions: [
    { minVersion: 0, checkPod: seLinuxOptionsAllowing(['', 'container_t', 'container_init_t', 'container_kvm_t']) },
    // container_engine_t lets a container run a nested container engine under SELinux.
    { minVersion: 31, checkPod: seLinuxOptionsAllowing(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']) },
  ],
};

function seLinuxOptionsAllowing(allowedTypes: readonly string[]) {
  return ({ spec }: PodManifest): Violation | undefined => {
    const badTypes: string[] = [];
    const fieldPaths: string[] = [];
    let setUser = false;
    let setRole = false;
    /** Records what is wrong with one seLinuxOptions stanza; true when nothing is. */
    const isValid = (options: SELinuxOptionsManifest, path: string): boolean => {
      let valid = true;
      const type = isSet(options.type) ? text(options.type) : '';
      if (!allowedTypes.includes(type)) {
        valid = false;
        badTypes.push(type);
        fieldPaths.push(`${path}.seLinuxOptions.type`);
      }
      if (isSet(options.user) && options.user !== '') {
        valid = false;
        setUser = true;
        fieldPaths.push(`${path}.seLinuxOptions.user`);
      }
      if (isSet(options.role) && options.role !== '') {
        valid = false;
        setRole = true;
        fieldPaths.push(`${path}.seLinuxOptions.role`);
      }
      return valid;
    };

    const badSetters: string[] = [];
    const podOptions = spec.securityContext?.seLinuxOptions;
    if (isSet(podOptions) && !isValid(podOptions, 'spec.securityContext')) badSetters.push('pod');
    const badContainers: string[] = [];
    visitContainers(spec, (container, path) => {
      const options = container.securityContext?.seLinuxOptions;
      if (isSet(options) && !isValid(options, `${path}.securityContext`)) badContainers.push(nameOf(container));
    });
    if (badContainers.length > 0) badSetters.push(containersPhrase(badContainers));
    if (badSetters.length === 0) return undefined;

    const problems: string[] = [];
    const distinctTypes = sortedUnique(badTypes);
    if (distinctTypes.length > 0) problems.push(`${pluralize('type', 'types', distinctTypes.length)} ${joinQuote(distinctTypes)}`);
    if (setUser) problems.push('user may not be set');
    if (setRole) problems.push('role may not be set');
    return {
      reason: 'seLinuxOptions',
      detail: `${badSetters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}`,
      fieldPaths,
    };
  };
}

const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function isAllowedSeccompType(type: string | null | undefined): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

function isAllowedSeccompAnnotation(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

export const seccompProfileBaselineCheck: CheckDefinition = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  title: 'Seccomp',
  versions: [
    // Before the seccompProfile field (Kubernetes 1.19), seccomp was set with alpha annotations.
    { minVersion: 0, checkPod: seccompAnnotations },
    { minVersion: 19, checkPod: (pod) => explicitSeccompProfiles(pod)?.violation },
  ],
};

function seccompAnnotations({ metadata, spec }: PodManifest): Violation | undefined {
  const annotations = metadata.annotations ?? {};
  const forbidden = new Map<string, string>();
  const inspect = (key: string): void => {
    const value = annotations[key];
    if (isSet(value) && !isAllowedSeccompAnnotation(text(value))) {
      forbidden.set(`${key}=${goQuote(text(value))}`, `metadata.annotations[${key}]`);
    }
  };
  inspect(SECCOMP_POD_ANNOTATION);
  visitContainers(spec, (container) => inspect(SECCOMP_CONTAINER_ANNOTATION_PREFIX + nameOf(container)));
  if (forbidden.size === 0) return undefined;
  const values = [...forbidden.keys()].sort(compareStrings);
  return {
    reason: 'seccompProfile',
    detail: `forbidden ${pluralize('annotation', 'annotations', values.length)} ${values.join(', ')}`,
    fieldPaths: values.map((value) => forbidden.get(value) as string),
  };
}

interface SeccompFindings {
  /** Set when the pod or a container explicitly sets a type other than RuntimeDefault or Localhost. */
  readonly violation?: Violation;
  /** Whether the pod-level profile is set to an allowed type, which containers then inherit. */
  readonly podProfileAllowed: boolean;
}

/** The baseline rule: a seccomp profile, where one is set, must not be Unconfined (or any other type). */
function explicitSeccompProfiles({ spec }: PodManifest): SeccompFindings {
  const badSetters: string[] = [];
  const badTypes: string[] = [];
  const fieldPaths: string[] = [];
  let podProfileAllowed = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (isSet(podProfile)) {
    if (isAllowedSeccompType(podProfile.type)) {
      podProfileAllowed = true;
    } else {
      badSetters.push('pod');
      badTypes.push(typeOf(podProfile));
      fieldPaths.push('spec.securityContext.seccompProfile.type');
    }
  }
  const badContainers: string[] = [];
  visitContainers(spec, (container, path) => {
    const profile = container.securityContext?.seccompProfile;
    if (isSet(profile) && !isAllowedSeccompType(profile.type)) {
      badContainers.push(nameOf(container));
      badTypes.push(typeOf(profile));
      fieldPaths.push(`${path}.securityContext.seccompProfile.type`);
    }
  });
  if (badContainers.length > 0) badSetters.push(containersPhrase(badContainers));
  if (badSetters.length === 0) return { podProfileAllowed };
  return {
    podProfileAllowed,
    violation: {
      reason: 'seccompProfile',
      detail: `${badSetters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedUnique(badTypes))}`,
      fieldPaths,
    },
  };
}

export const seccompProfileRestrictedCheck: CheckDefinition = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  title: 'Seccomp',
  versions: [
    { minVersion: 19, checkPod: requiredSeccompProfile, overrides: ['seccompProfile_baseline'] },
    {
      minVersion: 25,
      // API validation forbids seccompProfile on Windows pods, so there it cannot be required.
      checkPod: (pod) => (isWindowsPod(pod.spec) ? undefined : requiredSeccompProfile(pod)),
      overrides: ['seccompProfile_baseline'],
    },
  ],
};

/** The restricted rule: the baseline rule, and every container must end up with an allowed profile. */
function requiredSeccompProfile(pod: PodManifest): Violation | undefined {
  const findings = explicitSeccompProfiles(pod);
  if (findings.violation) return findings.violation;
  if (findings.podProfileAllowed) return undefined;
  const unset: string[] = [];
  const fieldPaths: string[] = [];
  visitContainers(pod.spec, (container, path) => {
    if (!isSet(container.securityContext?.seccompProfile)) {
      unset.push(nameOf(container));
      fieldPaths.push(`${path}.securityContext.seccompProfile.type`);
    }
  });
  if (unset.length === 0) return undefined;
  return {
    reason: 'seccompProfile',
    detail: `pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    fieldPaths,
  };
}
