import { Size } from 'cdk8s';
import { ContainerOptions, ContainerPort, Protocol, VolumeMount } from './container';
import { checkImage, ParsedImage, pullPolicyFor } from './image';
import { validateDnsLabel, validateListenPort, validatePortName } from './names';
import { cpuMillis, ICpu, IEnvFrom, IEnvValue, IVolume, millicores, renderPlusValue } from './plus-values';
import { Probe, ProbeRole } from './probe';
import { ContainerResources, presetResources, renderResources } from './resources';

/*
 * The rendering core of every container the library creates. Internal: users reach containers
 * through the workload constructs.
 */

/** A container's options together with its readiness and liveness probes. */
export interface ProbedContainerOptions extends ContainerOptions {
  /**
   * Readiness probe: while it fails, the pod gets no traffic.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe: when it fails, the container is restarted. It must not fail before readiness does.
   * @default - none
   */
  readonly liveness?: Probe;
}

/** Pod-level facts a container needs to render. */
export interface ContainerContext {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  /** The workload's main port: the default port of probes. */
  readonly mainPort?: ContainerPort;
  /** Rendered `lifecycle` block (preStop pause), if any. */
  readonly lifecycle?: any;
  /** Name of the pod's /tmp volume. */
  readonly tmpVolumeName: string;
  /** Multiplier of CPU and memory requests and limits (environment profiles). */
  readonly resourceScale?: number;
}

const SAFE_CAPABILITIES = new Set(['NET_BIND_SERVICE']);
const CREDENTIAL_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|KEY/i;

/**
 * One hardened container: it checks its options at construction and renders lazily,
 * so variables and mounts added later still appear.
 */
export class HardenedContainer {
  /** Container name. */
  public readonly name: string;
  /** The parsed image reference. */
  public readonly image: ParsedImage;
  /** Every declared port, the main port first. */
  public readonly ports: ContainerPort[];
  private readonly env: Map<string, IEnvValue>;
  private readonly envFrom: IEnvFrom[];
  private readonly mounts: VolumeMount[] = [];
  private readonly claimMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }> = [];
  private readonly hostPaths: Array<{ name: string; hostPath: { path: string } }> = [];
  private readonly resources: ContainerResources;

  constructor(name: string, private readonly options: ProbedContainerOptions, private readonly context: ContainerContext) {
    validateDnsLabel('container name', name);
    this.name = name;
    this.image = checkImage(name, options.image, options.allowUnpinnedImage ?? false);
    this.ports = [...(context.mainPort ? [context.mainPort] : []), ...(options.ports ?? [])];
    this.checkPorts();
    this.resources = this.resolveResources();
    renderResources(name, this.resources);
    this.checkCapabilities();
    this.checkProbes();
    this.env = new Map();
    for (const [key, value] of Object.entries(options.env ?? {})) this.addEnv(key, value);
    this.envFrom = [...(options.envFrom ?? [])];
    for (const mount of options.volumeMounts ?? []) this.addVolumeMount(mount);
  }

  /** Adds an environment variable; a literal credential is rejected. */
  public addEnv(name: string, value: IEnvValue): void {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) {
      throw new Error(`environment variable name '${name}' in container '${this.name}' is invalid: use letters, digits, '_', '-' and '.', not starting with a digit`);
    }
    if (this.env.has(name)) {
      throw new Error(`environment variable '${name}' is set twice in container '${this.name}': set it once`);
    }
    if (value.value !== undefined && value.valueFrom === undefined && CREDENTIAL_NAME.test(name)) {
      throw new Error(`environment variable '${name}' of container '${this.name}' looks like a credential but has a literal value: store it in a Secret and use EnvValue.fromSecretValue({ secret, key })`);
    }
    this.env.set(name, value);
  }

  /** Adds all keys of a ConfigMap or Secret as environment variables. */
  public addEnvFrom(source: IEnvFrom): void {
    renderPlusValue(`an envFrom source of container '${this.name}'`, source, 'use Env.fromConfigMap or Env.fromSecret of cdk8s-plus');
    this.envFrom.push(source);
  }

  /** Mounts a volume. */
  public addVolumeMount(mount: VolumeMount): void {
    this.checkMountPath(mount.path);
    const volume = renderPlusValue(`volume '${mount.volume?.name}' of container '${this.name}'`, mount.volume, 'use a Volume of cdk8s-plus, e.g. Volume.fromConfigMap');
    if (volume?.hostPath !== undefined) {
      throw new Error(`volume '${mount.volume.name}' of container '${this.name}' is a hostPath volume, which exposes the node: use a NodeAgent with hostAccess and a reason`);
    }
    this.mounts.push(mount);
  }

  /** Mounts a volume the pod spec does not list (a StatefulSet volume claim), writable. */
  public addClaimMount(claimName: string, path: string): void {
    this.checkMountPath(path);
    this.claimMounts.push({ name: claimName, mountPath: path });
  }

  /** Mounts a directory of the node (node agents with explicit host access only). */
  public addHostPathMount(volumeName: string, hostPath: string, path: string, readOnly: boolean): void {
    this.checkMountPath(path);
    this.claimMounts.push({ name: volumeName, mountPath: path, readOnly });
    this.hostPaths.push({ name: volumeName, hostPath: { path: hostPath } });
  }

  /** hostPath volumes for the pod's `volumes`. */
  public get hostPathVolumes(): any[] {
    return this.hostPaths.map((v) => ({ ...v }));
  }

  private checkMountPath(path: string): void {
    if (!path.startsWith('/')) {
      throw new Error(`mount path '${path}' in container '${this.name}' is not absolute: use a path starting with '/'`);
    }
    if (path === '/tmp' || path === '/tmp/') {
      throw new Error(`mount path '/tmp' in container '${this.name}' is reserved for the writable emptyDir: mount the volume elsewhere, or size /tmp with tmpSizeLimit`);
    }
    if ([...this.mounts.map((m) => m.path), ...this.claimMounts.map((m) => m.mountPath)].includes(path)) {
      throw new Error(`mount path '${path}' is used twice in container '${this.name}': give each volume its own path`);
    }
  }


  /** The volumes this container mounts (besides /tmp), for the pod's `volumes`. */
  public get volumes(): IVolume[] {
    return this.mounts.map((m) => m.volume);
  }

  /** The whole-ConfigMap and whole-Secret environment sources. */
  public get envFromSources(): IEnvFrom[] {
    return [...this.envFrom];
  }

  /** The resolved CPU request in the cdk8s-plus `Cpu` form. */
  public get cpuRequest(): string {
    return this.resources.cpu.amount;
  }

  /** Renders the Kubernetes `Container`. */
  public toJson(): any {
    const o = this.options;
    const mainPort = this.context.mainPort?.number;
    const probe = (p: Probe | undefined, role: ProbeRole) => (p ? p.toJson(role, mainPort ?? this.ports[0]?.number) : undefined);
    const env = [...this.env.entries()].map(([name, value]) =>
      value.valueFrom !== undefined ? { name, valueFrom: value.valueFrom } : { name, value: value.value });
    return clean({
      name: this.name,
      image: o.image,
      imagePullPolicy: pullPolicyFor(this.image),
      command: o.command,
      args: o.args,
      workingDir: o.workingDir,
      ports: this.ports.length > 0 ? this.ports.map(renderPort) : undefined,
      env: env.length > 0 ? env : undefined,
      envFrom: this.envFrom.length > 0 ? this.envFrom.map((e) => e._toKube()) : undefined,
      resources: renderResources(this.name, this.resources),
      readinessProbe: probe(o.readiness, ProbeRole.READINESS),
      livenessProbe: probe(o.liveness, ProbeRole.LIVENESS),
      startupProbe: probe(o.startup, ProbeRole.STARTUP),
      lifecycle: this.context.lifecycle,
      securityContext: {
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: o.readOnlyRootFilesystem ?? true,
        runAsNonRoot: true,
        runAsUser: this.context.runAsUser,
        runAsGroup: this.context.runAsGroup,
        capabilities: {
          drop: ['ALL'],
          ...(o.addCapabilities && o.addCapabilities.length > 0 ? { add: [...o.addCapabilities] } : {}),
        },
      },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [
        { name: this.context.tmpVolumeName, mountPath: '/tmp' },
        ...this.mounts.map((m) => clean({ name: m.volume.name, mountPath: m.path, readOnly: m.readOnly ?? true, subPath: m.subPath })),
        ...this.claimMounts.map((m) => ({ ...m })),
      ],
    });
  }

  private resolveResources(): ContainerResources {
    const { resources, size } = this.options;
    if (resources && size) {
      throw new Error(`container '${this.name}' has both resources and size '${size}': give one of them`);
    }
    if (!resources && !size) {
      throw new Error(`container '${this.name}' has no resources: give resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) } or a size preset such as SizePreset.SMALL`);
    }
    return scaleResources(resources ?? presetResources(size!), this.context.resourceScale ?? 1);
  }

  private checkPorts(): void {
    const numbers = new Set<string>();
    const names = new Set<string>();
    for (const port of this.ports) {
      validateListenPort(`port of container '${this.name}'`, port.number);
      if (port.name !== undefined) {
        validatePortName(`port name of container '${this.name}'`, port.name);
        if (names.has(port.name)) throw new Error(`port name '${port.name}' is used twice in container '${this.name}': give each port its own name`);
        names.add(port.name);
      }
      const key = `${port.number}/${port.protocol ?? Protocol.TCP}`;
      if (numbers.has(key)) throw new Error(`port ${key} is declared twice in container '${this.name}': declare each port once`);
      numbers.add(key);
    }
  }

  private checkCapabilities(): void {
    for (const capability of this.options.addCapabilities ?? []) {
      if (!/^[A-Z][A-Z_]*$/.test(capability) || capability.startsWith('CAP_')) {
        throw new Error(`capability '${capability}' of container '${this.name}' is not a capability name: use the upper-case name without 'CAP_', e.g. 'NET_BIND_SERVICE'`);
      }
      if (!SAFE_CAPABILITIES.has(capability) && !this.options.allowUnsafeCapabilities) {
        throw new Error(`capability '${capability}' of container '${this.name}' is not allowed by the restricted Pod Security Standard: only NET_BIND_SERVICE may be added; set allowUnsafeCapabilities: true to accept the risk`);
      }
    }
  }

  private checkProbes(): void {
    const { readiness, liveness, startup } = this.options;
    const declared = new Set(this.ports.filter((p) => (p.protocol ?? Protocol.TCP) === Protocol.TCP).map((p) => p.number));
    const defaultPort = this.context.mainPort?.number ?? this.ports[0]?.number;
    for (const [role, probe] of [[ProbeRole.READINESS, readiness], [ProbeRole.LIVENESS, liveness], [ProbeRole.STARTUP, startup]] as const) {
      if (!probe || !probe.usesPort) continue;
      const port = probe.port ?? defaultPort;
      if (port === undefined) {
        throw new Error(`${role} probe (${probe.handler}) of container '${this.name}' has no port and the container declares none: pass { port } to the probe and declare it in ports`);
      }
      if (!declared.has(port)) {
        throw new Error(`${role} probe of container '${this.name}' uses port ${port}, which the container does not expose: declare it in ports or probe one of ${[...declared].join(', ') || '(none)'}`);
      }
    }
    if (readiness && liveness) {
      const handlerOf = (p: Probe, role: ProbeRole) => {
        const { periodSeconds: _p, timeoutSeconds: _t, failureThreshold: _f, successThreshold: _s, initialDelaySeconds: _i, ...handler } = p.toJson(role, defaultPort);
        return JSON.stringify(handler);
      };
      if (handlerOf(readiness, ProbeRole.READINESS) === handlerOf(liveness, ProbeRole.LIVENESS)) {
        throw new Error(`readiness and liveness probes of container '${this.name}' check the same thing: a failing dependency would restart every pod at once; give liveness its own endpoint (e.g. Probe.http('/healthz')) or a TCP check`);
      }
      const ready = readiness.secondsToFail(ProbeRole.READINESS);
      const live = liveness.secondsToFail(ProbeRole.LIVENESS);
      if (live <= ready) {
        throw new Error(`liveness probe of container '${this.name}' fails after ${live}s, not later than readiness (${ready}s): the pod would be restarted before traffic is drained from it; raise the liveness failureThreshold or period`);
      }
    }
  }
}

function scaleResources(resources: ContainerResources, factor: number): ContainerResources {
  if (factor === 1) return resources;
  const cpu = (c: ICpu) => millicores(Math.max(1, Math.round(cpuMillis(c) * factor)));
  const size = (s: Size) => Size.kibibytes(Math.max(1024, Math.ceil((s.toKibibytes() * factor) / 1024) * 1024));
  return {
    ...resources,
    cpu: cpu(resources.cpu),
    memory: size(resources.memory),
    ...(resources.cpuLimit ? { cpuLimit: cpu(resources.cpuLimit) } : {}),
    ...(resources.memoryLimit ? { memoryLimit: size(resources.memoryLimit) } : {}),
  };
}

function renderPort(port: ContainerPort): any {
  return clean({ containerPort: port.number, name: port.name, protocol: port.protocol ?? Protocol.TCP });
}

/** Drops undefined fields so manifests stay minimal. */
export function clean<T extends Record<string, any>>(object: T): T {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined) delete object[key];
  }
  return object;
}
