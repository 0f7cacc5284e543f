/**
 * The parts of a pod manifest that the Pod Security Standards read, typed as they appear in
 * JSON/YAML. Every field may be missing or `null`: upstream reads a Go struct where both decode
 * to a nil pointer or a zero value, so the checks treat them alike (see {@link isSet}).
 */
import { text } from '../shape';

export interface PodManifest {
  readonly metadata: ObjectMetaManifest;
  readonly spec: PodSpecManifest;
}

export interface ObjectMetaManifest {
  readonly annotations?: Readonly<Record<string, string>> | null;
}

export interface PodSpecManifest {
  readonly hostNetwork?: boolean | null;
  readonly hostPID?: boolean | null;
  readonly hostIPC?: boolean | null;
  readonly hostUsers?: boolean | null;
  readonly os?: { readonly name?: string | null } | null;
  readonly securityContext?: PodSecurityContextManifest | null;
  readonly volumes?: readonly VolumeManifest[] | null;
  readonly initContainers?: readonly ContainerManifest[] | null;
  readonly containers?: readonly ContainerManifest[] | null;
  readonly ephemeralContainers?: readonly ContainerManifest[] | null;
}

export interface ProfileManifest {
  readonly type?: string | null;
}

export interface SELinuxOptionsManifest {
  readonly type?: string | null;
  readonly user?: string | null;
  readonly role?: string | null;
}

export interface WindowsOptionsManifest {
  readonly hostProcess?: boolean | null;
}

/** Fields that the pod-level and the container-level security contexts share. */
export interface CommonSecurityContextManifest {
  readonly runAsNonRoot?: boolean | null;
  readonly runAsUser?: number | null;
  readonly seccompProfile?: ProfileManifest | null;
  readonly appArmorProfile?: ProfileManifest | null;
  readonly seLinuxOptions?: SELinuxOptionsManifest | null;
  readonly windowsOptions?: WindowsOptionsManifest | null;
}

export interface PodSecurityContextManifest extends CommonSecurityContextManifest {
  readonly sysctls?: readonly { readonly name?: string | null }[] | null;
}

export interface SecurityContextManifest extends CommonSecurityContextManifest {
  readonly privileged?: boolean | null;
  readonly allowPrivilegeEscalation?: boolean | null;
  readonly procMount?: string | null;
  readonly capabilities?: {
    readonly add?: readonly string[] | null;
    readonly drop?: readonly string[] | null;
  } | null;
}

/** A probe or lifecycle handler: only the actions that can name a host. */
export interface HandlerManifest {
  readonly httpGet?: { readonly host?: string | null } | null;
  readonly tcpSocket?: { readonly host?: string | null } | null;
}

/** A container, init container or ephemeral container (they share these fields). */
export interface ContainerManifest {
  readonly name?: string | null;
  readonly ports?: readonly { readonly hostPort?: number | null }[] | null;
  readonly securityContext?: SecurityContextManifest | null;
  readonly livenessProbe?: HandlerManifest | null;
  readonly readinessProbe?: HandlerManifest | null;
  readonly startupProbe?: HandlerManifest | null;
  readonly lifecycle?: {
    readonly postStart?: HandlerManifest | null;
    readonly preStop?: HandlerManifest | null;
  } | null;
}

/** A volume: its name plus exactly one source field (`emptyDir`, `hostPath`, ...). */
export interface VolumeManifest {
  readonly name?: string | null;
  readonly [source: string]: unknown;
}

/** Wraps plain manifest objects (as parsed from YAML or synthesized by cdk8s) for the checks. */
export function podManifestOf(podMetadata: any, podSpec: any): PodManifest {
  return {
    metadata: isObject(podMetadata) ? podMetadata : {},
    spec: isObject(podSpec) ? podSpec : {},
  };
}

/** True when a field is present and not null: the JSON form of a non-nil Go pointer. */
export function isSet<T>(value: T | null | undefined): value is T {
  return value !== undefined && value !== null;
}

/** The items of a list field; a missing, null or malformed list has none. */
export function itemsOf<T>(list: readonly T[] | null | undefined): readonly T[] {
  return Array.isArray(list) ? list : [];
}

/** A container's name as upstream prints it (Go's zero value for a missing name is ""). */
export function nameOf(item: { readonly name?: string | null }): string {
  return isSet(item.name) ? text(item.name) : '';
}

/** Whether the pod declares itself a Windows pod, which exempts it from Linux-only restricted checks (v1.25+). */
export function isWindowsPod(spec: PodSpecManifest): boolean {
  return spec.os?.name === 'windows';
}

/**
 * Whether the pod runs in its own user namespace (`hostUsers: false`), which relaxes some checks
 * from policy v1.35 (KEP-127).
 */
export function usesUserNamespace(spec: PodSpecManifest): boolean {
  return spec.hostUsers === false;
}

/**
 * Calls `visit` for every init container, container and ephemeral container, in that order (the
 * order upstream lists them in messages), with the container's path relative to the pod.
 */
export function visitContainers(
  spec: PodSpecManifest,
  visit: (container: ContainerManifest, path: string) => void,
): void {
  const lists: [string, readonly ContainerManifest[] | null | undefined][] = [
    ['initContainers', spec.initContainers],
    ['containers', spec.containers],
    ['ephemeralContainers', spec.ephemeralContainers],
  ];
  for (const [field, list] of lists) {
    itemsOf(list).forEach((container, index) => {
      if (isObject(container)) visit(container, `spec.${field}[${index}]`);
    });
  }
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
