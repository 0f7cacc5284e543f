import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import { EnvFrom, EnvValue, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerOptions, ContainerPort, VolumeMount } from './container';
import { clean, HardenedContainer } from './hardened-container';
import { versionLabelFor } from './image';
import { NetworkPeer, NetworkPort } from './network-peer';
import { Probe } from './probe';
import { quantity } from './resources';
import { validateDnsLabel, validateDnsSubdomain, validateInteger, validateLabelValue, wholeSeconds } from './names';

/** How the pre-stop pause is carried out. */
export enum PreStopMethod {
  /** Run `sleep <seconds>` in the container; works on every Kubernetes version, needs a `sleep` binary in the image. */
  EXEC_SLEEP = 'exec-sleep',
  /** The kubelet's own `sleep` action (Kubernetes 1.30+); works with distroless images. */
  SLEEP_ACTION = 'sleep-action',
}

/** Options shared by every hardened workload. */
export interface WorkloadProps extends ContainerOptions {
  /**
   * Name of the workload and of every object it creates (DNS-1123 label).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of every object.
   * @default - the chart's namespace, else 'default'
   */
  readonly namespace?: string;
  /**
   * Value of `app.kubernetes.io/part-of`: the larger application this belongs to.
   * @default - not set
   */
  readonly partOf?: string;
  /**
   * Extra labels for every object and the pods. They are not used in selectors.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations for the pods.
   * @default - none
   */
  readonly podAnnotations?: { [key: string]: string };
  /**
   * Numeric user id of every container (at least 10000, so it never matches a host user).
   * @default 65532 - the distroless `nonroot` user; passes kube-score, Checkov and Trivy
   */
  readonly runAsUser?: number;
  /**
   * Numeric group id of every container (at least 10000).
   * @default 65532
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes, so the non-root user can write them.
   * @default - the runAsGroup
   */
  readonly fsGroup?: number;
  /**
   * Mount a service-account token into the pods. Only workloads that call the Kubernetes API need one.
   * @default false
   */
  readonly automountServiceAccountToken?: boolean;
  /**
   * Pause before SIGTERM so endpoints and load balancers stop sending traffic first.
   * @default - 5 seconds for workloads behind a Service, none otherwise
   */
  readonly preStopPause?: Duration;
  /**
   * How the pause is carried out.
   * @default PreStopMethod.EXEC_SLEEP
   */
  readonly preStopMethod?: PreStopMethod;
  /**
   * Time the application needs after SIGTERM to finish in-flight work.
   * @default Duration.seconds(25)
   */
  readonly drainTime?: Duration;
  /**
   * Grace period before SIGKILL; must exceed preStopPause + drainTime.
   * @default - preStopPause + drainTime + 5 seconds
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * Priority class of the pods.
   * @default - the cluster default
   */
  readonly priorityClassName?: string;
  /**
   * Name of the main container.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * Create a NetworkPolicy that selects the pods and allows only declared traffic
   * (see `allowFrom` and `allowTo`).
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Allow DNS lookups (UDP and TCP 53 to kube-dns in kube-system) in the NetworkPolicy.
   * @default true
   */
  readonly allowDns?: boolean;
}

/** What a concrete workload tells the shared core. */
export interface WorkloadTraits {
  /** Value of `app.kubernetes.io/component`. */
  readonly component: string;
  /** The main port, if the workload serves one. */
  readonly mainPort?: ContainerPort;
  /** Default pre-stop pause in seconds. */
  readonly defaultPreStopPauseSeconds: number;
  /**
   * Peers allowed in by default.
   * @default - none
   */
  readonly defaultIngress?: NetworkPeer[];
  /**
   * Readiness probe of the main container.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe of the main container.
   * @default - none
   */
  readonly liveness?: Probe;
}

const DEFAULT_ID = 65532;
const MARGIN_SECONDS = 5;

/**
 * The hardened pod and container core that every workload construct shares: identity and labels,
 * the dedicated ServiceAccount, the pod and container security contexts, /tmp, graceful shutdown.
 */
export abstract class Workload extends Construct {
  /** Name of every object this workload creates. */
  public readonly name: string;
  /** Namespace of every object. */
  public readonly namespace: string;
  /** Labels on every object and pod (the recommended `app.kubernetes.io/*` set plus `labels`). */
  public readonly labels: { [key: string]: string };
  /** The stable labels that select this workload's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The dedicated ServiceAccount. */
  public readonly serviceAccount: ApiObject;
  /** Numeric user id of the containers. */
  public readonly runAsUser: number;
  /** Numeric group id of the containers. */
  public readonly runAsGroup: number;
  /** Termination grace period in seconds. */
  public readonly terminationGracePeriodSeconds: number;
  /** The NetworkPolicy that selects the pods; undefined when `networkPolicy: false`. */
  public readonly networkPolicy?: ApiObject;

  /** @internal */
  protected readonly _mainContainer: HardenedContainer;
  private readonly fsGroup: number;
  private readonly podAnnotations: { [key: string]: string };
  private readonly automountToken: boolean;
  private readonly priorityClassName?: string;
  private readonly tmpSizeLimit: Size;
  private readonly ingress: Array<{ peer: NetworkPeer; ports?: NetworkPort[] }> = [];
  private readonly egress: Array<{ peer: NetworkPeer; ports?: NetworkPort[] }> = [];
  private readonly allowDns: boolean;

  protected constructor(scope: Construct, id: string, props: WorkloadProps, traits: WorkloadTraits) {
    super(scope, id);
    this.name = props.name ?? id;
    validateDnsLabel('name', this.name);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    validateDnsLabel('namespace', this.namespace);
    if (props.priorityClassName !== undefined) validateDnsSubdomain('priorityClassName', props.priorityClassName);

    this.runAsUser = props.runAsUser ?? DEFAULT_ID;
    this.runAsGroup = props.runAsGroup ?? DEFAULT_ID;
    this.fsGroup = props.fsGroup ?? this.runAsGroup;
    for (const [what, value] of [['runAsUser', this.runAsUser], ['runAsGroup', this.runAsGroup], ['fsGroup', this.fsGroup]] as const) {
      if (Number.isInteger(value) && value < 10000) {
        throw new Error(`${what} ${value} is below 10000: ids below 10000 can collide with host users (kube-score, Checkov and Trivy flag them); use 10000 or more, e.g. 65532`);
      }
      validateInteger(what, value, 10000, 2147483647);
    }

    const grace = this.resolveShutdown(props, traits);
    this.terminationGracePeriodSeconds = grace.terminationGracePeriodSeconds;

    this.selectorLabels = {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/instance': this.name,
    };
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      if (key in this.selectorLabels) {
        throw new Error(`label '${key}' is set by the workload and used in its selector: remove it from labels`);
      }
      validateLabelValue(`label '${key}'`, value);
    }
    if (props.partOf !== undefined) validateLabelValue('partOf', props.partOf);

    this._mainContainer = new HardenedContainer(props.containerName ?? 'app', { ...props, readiness: traits.readiness, liveness: traits.liveness }, {
      runAsUser: this.runAsUser,
      runAsGroup: this.runAsGroup,
      mainPort: traits.mainPort,
      lifecycle: grace.lifecycle,
      tmpVolumeName: 'tmp',
    });
    const version = versionLabelFor(this._mainContainer.image);
    this.labels = {
      ...(props.labels ?? {}),
      ...this.selectorLabels,
      'app.kubernetes.io/component': traits.component,
      ...(props.partOf !== undefined ? { 'app.kubernetes.io/part-of': props.partOf } : {}),
      ...(version !== undefined ? { 'app.kubernetes.io/version': version } : {}),
      'app.kubernetes.io/managed-by': 'cdk8s',
    };
    this.podAnnotations = { ...(props.podAnnotations ?? {}) };
    this.automountToken = props.automountServiceAccountToken ?? false;
    this.priorityClassName = props.priorityClassName;
    this.tmpSizeLimit = props.tmpSizeLimit ?? Size.mebibytes(64);
    if (!(this.tmpSizeLimit.toKibibytes() > 0)) {
      throw new Error('tmpSizeLimit must be positive: use e.g. Size.mebibytes(64)');
    }

    this.serviceAccount = new ApiObject(this, 'ServiceAccount', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: this.metadata(),
      automountServiceAccountToken: this.automountToken,
    });

    this.allowDns = props.allowDns ?? true;
    for (const peer of traits.defaultIngress ?? []) this.allowFrom(peer);
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new ApiObject(this, 'NetworkPolicy', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: this.metadata(),
        spec: Lazy.any({ produce: () => this.renderNetworkPolicy() }),
      });
    }
  }

  /** The ports this workload's pods listen on. */
  public get ports(): NetworkPort[] {
    return this._mainContainer.ports.map((p) => ({ port: p.number, protocol: p.protocol ?? 'TCP' }));
  }

  /**
   * Allows connections from a peer to this workload's pods.
   * @param peer who may connect
   * @param ports which ports; @default - every port the workload declares
   */
  public allowFrom(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.ingress.push({ peer, ports });
  }

  /**
   * Allows connections from this workload's pods to a peer.
   * @param peer where the pods may connect
   * @param ports which ports; @default - any port
   */
  public allowTo(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.egress.push({ peer, ports });
  }

  /**
   * Allows this workload to connect to another one on its ports: egress here, ingress there.
   * @param target the workload to connect to
   */
  public allowToWorkload(target: Workload): void {
    const ports = target.ports;
    if (ports.length === 0) {
      throw new Error(`workload '${target.name}' declares no ports, so '${this.name}' cannot connect to it: give '${target.name}' a port`);
    }
    this.allowTo(NetworkPeer.pods(target.selectorLabels, target.namespace), ports);
    target.allowFrom(NetworkPeer.pods(this.selectorLabels, this.namespace), ports);
  }

  /**
   * Allows another workload to connect to this one: ingress here, egress there.
   * @param source the workload that connects
   */
  public allowFromWorkload(source: Workload): void {
    source.allowToWorkload(this);
  }

  /** Name of the main container. */
  public get containerName(): string {
    return this._mainContainer.name;
  }

  /** Adds an environment variable to the main container. */
  public addEnv(name: string, value: EnvValue): void {
    this._mainContainer.addEnv(name, value);
  }

  /** Adds all keys of a ConfigMap or Secret as environment variables of the main container. */
  public addEnvFrom(source: EnvFrom): void {
    this._mainContainer.addEnvFrom(source);
  }

  /** Mounts a volume into the main container. */
  public addVolumeMount(mount: VolumeMount): void {
    this._mainContainer.addVolumeMount(mount);
  }

  /** Adds a pod annotation. */
  public addPodAnnotation(key: string, value: string): void {
    this.podAnnotations[key] = value;
  }

  /** Object metadata with the workload's name, namespace and labels. */
  protected metadata(name: string = this.name): any {
    return { name, namespace: this.namespace, labels: { ...this.labels } };
  }

  /** The pod template, rendered lazily so later additions appear. */
  protected podTemplate(): any {
    return {
      metadata: clean({
        labels: { ...this.labels },
        annotations: Object.keys(this.podAnnotations).length > 0 ? { ...this.podAnnotations } : undefined,
      }),
      spec: Lazy.any({ produce: () => this.renderPodSpec() }),
    };
  }

  /** Pod-level scheduling fields a concrete workload adds (spread, affinity, restart policy). */
  protected podSchedulingFields(): any {
    return {};
  }

  private renderPodSpec(): any {
    const containers = [this._mainContainer];
    const volumes = new Map<string, any>();
    volumes.set('tmp', { name: 'tmp', emptyDir: { sizeLimit: quantity(this.tmpSizeLimit) } });
    for (const volume of containers.flatMap((c) => c.volumes)) {
      if (!volumes.has(volume.name)) volumes.set(volume.name, renderVolume(volume));
    }
    return clean({
      serviceAccountName: this.name,
      automountServiceAccountToken: this.automountToken,
      enableServiceLinks: false,
      priorityClassName: this.priorityClassName,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: this.runAsUser,
        runAsGroup: this.runAsGroup,
        fsGroup: this.fsGroup,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      ...this.podSchedulingFields(),
      containers: containers.map((c) => c.toJson()),
      volumes: [...volumes.values()],
    });
  }

  private renderNetworkPolicy(): any {
    const ownPorts = this.ports;
    const ingress = this.ingress.map(({ peer, ports }) => networkRule('from', peer, ports ?? ownPorts, this.namespace));
    const egress = this.egress.map(({ peer, ports }) => networkRule('to', peer, ports, this.namespace));
    if (this.allowDns) {
      egress.unshift({
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      });
    }
    return {
      podSelector: { matchLabels: { ...this.selectorLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    };
  }

  private resolveShutdown(props: WorkloadProps, traits: WorkloadTraits) {
    const pause = props.preStopPause ? wholeSeconds('preStopPause', props.preStopPause) : traits.defaultPreStopPauseSeconds;
    const drain = props.drainTime ? wholeSeconds('drainTime', props.drainTime) : 25;
    validateInteger('preStopPause (seconds)', pause, 0);
    validateInteger('drainTime (seconds)', drain, 0);
    const minimum = pause + drain;
    const grace = props.terminationGracePeriod ? wholeSeconds('terminationGracePeriod', props.terminationGracePeriod) : minimum + MARGIN_SECONDS;
    if (grace <= minimum) {
      throw new Error(`terminationGracePeriod ${grace}s is not longer than preStopPause ${pause}s + drainTime ${drain}s: the pod would be killed mid-drain; use at least ${minimum + 1}s or shorten the pause or drain time`);
    }
    let lifecycle: any;
    if (pause > 0) {
      lifecycle = (props.preStopMethod ?? PreStopMethod.EXEC_SLEEP) === PreStopMethod.SLEEP_ACTION
        ? { preStop: { sleep: { seconds: pause } } }
        : { preStop: { exec: { command: ['sleep', String(pause)] } } };
    }
    return { terminationGracePeriodSeconds: grace, lifecycle };
  }
}

function networkRule(direction: 'from' | 'to', peer: NetworkPeer, ports: NetworkPort[] | undefined, namespace: string): any {
  return {
    [direction]: [peer.toJson(namespace)],
    ...(ports && ports.length > 0 ? { ports: ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })) } : {}),
  };
}

function renderVolume(volume: Volume): any {
  return (volume as any)._toKube();
}
