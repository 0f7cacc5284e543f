import { Size } from 'cdk8s';
import { IEnvFrom, IEnvValue, IVolume } from './plus-values';
import { Probe } from './probe';
import { ContainerResources, SizePreset } from './resources';

/** Network protocol of a container port. */
export enum Protocol {
  TCP = 'TCP',
  UDP = 'UDP',
  SCTP = 'SCTP',
}

/** A port the container listens on. */
export interface ContainerPort {
  /** Port number, 1-65535. */
  readonly number: number;
  /**
   * Port name, referenced by Services and probes.
   * @default - no name
   */
  readonly name?: string;
  /**
   * Protocol.
   * @default Protocol.TCP
   */
  readonly protocol?: Protocol;
}

/** A volume mounted into a container. */
export interface VolumeMount {
  /** The volume, e.g. `Volume.fromConfigMap(...)` of cdk8s-plus-28 or cdk8s-plus-33. */
  readonly volume: IVolume;
  /** Absolute path inside the container. */
  readonly path: string;
  /**
   * Mount read-only. Writable mounts are for data volumes only; the root filesystem stays read-only.
   * @default true
   */
  readonly readOnly?: boolean;
  /**
   * Mount only this path inside the volume.
   * @default - the whole volume
   */
  readonly subPath?: string;
}

/** Options of one hardened container. */
export interface ContainerOptions {
  /**
   * Image reference, pinned to a version tag (`repo:1.4.2`) or a digest (`repo@sha256:...`).
   * `latest` and untagged references are rejected unless `allowUnpinnedImage` is set.
   */
  readonly image: string;
  /**
   * Accept an untagged or `latest` image (not reproducible, no rollback).
   * @default false
   */
  readonly allowUnpinnedImage?: boolean;
  /**
   * Entrypoint override.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Working directory.
   * @default - the image's WORKDIR
   */
  readonly workingDir?: string;
  /**
   * Ports the container listens on, besides the workload's main port.
   * @default - none
   */
  readonly ports?: ContainerPort[];
  /**
   * Environment variables. Use `EnvValue.fromSecretValue` or `EnvValue.fromConfigMap` (cdk8s-plus)
   * for values that live elsewhere; a literal value for a name that looks like a credential
   * (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*KEY*`) is rejected.
   * @default - none
   */
  readonly env?: { [name: string]: IEnvValue };
  /**
   * Whole ConfigMaps or Secrets as environment variables (`Env.fromConfigMap`, `Env.fromSecret`).
   * @default - none
   */
  readonly envFrom?: IEnvFrom[];
  /**
   * CPU and memory requests (required unless `size` is given) and limits.
   * @default - the `size` preset
   */
  readonly resources?: ContainerResources;
  /**
   * A named size instead of explicit `resources`.
   * @default - `resources` must be given
   */
  readonly size?: SizePreset;
  /**
   * Startup probe for slow starters: readiness and liveness wait until it passes.
   * @default - none
   */
  readonly startup?: Probe;
  /**
   * Volumes to mount. /tmp is always a writable, size-limited emptyDir.
   * @default - only /tmp
   */
  readonly volumeMounts?: VolumeMount[];
  /**
   * Linux capabilities to add back after dropping ALL, e.g. `['NET_BIND_SERVICE']`.
   * Anything but NET_BIND_SERVICE needs `allowUnsafeCapabilities`.
   * @default - none
   */
  readonly addCapabilities?: string[];
  /**
   * Allow capabilities other than NET_BIND_SERVICE (fails the Pod Security Standards `restricted` profile).
   * @default false
   */
  readonly allowUnsafeCapabilities?: boolean;
  /**
   * Mount the root filesystem read-only.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Size limit of the writable /tmp emptyDir.
   * @default Size.mebibytes(64)
   */
  readonly tmpSizeLimit?: Size;
}


/** Options of a sidecar: a second long-running container in the pod, hardened the same way. */
export interface SidecarOptions extends ContainerOptions {
  /** Container name (DNS-1123 label), unique in the pod. */
  readonly name: string;
  /**
   * Readiness probe.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: Probe;
}

/** Options of an init container: runs to completion before the app starts, hardened the same way. */
export interface InitContainerOptions extends ContainerOptions {
  /** Container name (DNS-1123 label), unique in the pod. */
  readonly name: string;
}
