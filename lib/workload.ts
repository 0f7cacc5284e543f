import { createHash } from 'crypto';
import { ApiObject, Chart, Duration, Lazy, Size } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { KubernetesVersion } from './kubernetes-version';
import { PreStopMethod, resolveShutdown } from './shutdown';
import { ContainerOptions, ContainerPort, InitContainerOptions, SidecarOptions, VolumeMount } from './container';
import { clean, ContainerContext, HardenedContainer } from './hardened-container';
import { EnvironmentProfile } from './environment';
import { versionLabelFor } from './image';
import { egressPorts, ingressPorts, metricsPort, NetworkAccess, networkPort } from './network-access';
import { NetworkPeer, NetworkPort } from './network-peer';
import { Probe } from './probe';
import { IConfigResource, IEnvFrom, IEnvValue, IVolume } from './plus-values';
import { recordConstructPaths } from './policy/construct-paths';
import { requireUniqueObjects } from './unique-objects';
import { quantity } from './resources';
import { validateAnnotations, validateDnsLabel, validateDnsSubdomain, validateInteger, validateLabelValue, validateQualifiedKey } from './names';

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
   * How the pause is carried out. The `sleep` action needs Kubernetes 1.30 or later.
   * @default - PreStopMethod.SLEEP_ACTION from Kubernetes 1.30 (works with distroless images), PreStopMethod.EXEC_SLEEP before
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
   * The Kubernetes version the manifests are for.
   * @default - the version set with `KubernetesVersion.use` on an enclosing App or Chart, else KubernetesVersion.V1_28
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Name of the main container.
   * @default 'app'
   */
  readonly containerName?: string;
  /**
   * Create a NetworkPolicy that selects the pods and allows only declared traffic
   * (see `allowFrom`, `allowTo` and `allowToWorkload`): nothing gets in until a peer is declared.
   * @default true
   */
  readonly networkPolicy?: boolean;
  /**
   * Allow DNS lookups (UDP and TCP 53 to kube-dns in kube-system) in the NetworkPolicy.
   * @default true
   */
  readonly allowDns?: boolean;
  /**
   * Environment profile: scales resources, and for Deployments supplies replicas, spread and
   * autoscaling where the workload sets none itself. Explicit props and `autoscale()` win; a
   * StatefulService keeps its replicas.
   * @default - no profile
   */
  readonly profile?: EnvironmentProfile;
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
const RECOMMENDED_LABELS = ['app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version', 'app.kubernetes.io/managed-by'];

/** Pod-template annotation holding the checksum of the ConfigMaps and Secrets the pods read. */
export const CONFIG_CHECKSUM_ANNOTATION = 'cdk8s-hardened.io/config-checksum';

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
  /** The Kubernetes version the manifests are for. */
  public readonly kubernetesVersion: KubernetesVersion;
  /** The NetworkPolicy that selects the pods; undefined when `networkPolicy: false`. */
  public readonly networkPolicy?: ApiObject;

  /** @internal */
  protected readonly _mainContainer: HardenedContainer;
  private readonly fsGroup: number;
  private readonly podAnnotations: { [key: string]: string };
  private readonly mainPort?: ContainerPort;
  private readonly automountToken: boolean;
  private readonly priorityClassName?: string;
  private readonly tmpSizeLimit: Size;
  private readonly access: NetworkAccess;
  private readonly lifecycle: any;
  private readonly resourceScale: number;
  private readonly sidecars: HardenedContainer[] = [];
  private readonly initContainers: HardenedContainer[] = [];
  private readonly configSources = new Set<ApiObject>();

  protected constructor(scope: Construct, id: string, props: WorkloadProps, traits: WorkloadTraits) {
    super(scope, id);
    recordConstructPaths(this);
    requireUniqueObjects(this);
    this.name = props.name ?? id;
    validateDnsLabel('name', this.name);
    this.namespace = props.namespace ?? Chart.of(this).namespace ?? 'default';
    validateDnsLabel('namespace', this.namespace);
    if (props.priorityClassName !== undefined) validateDnsSubdomain('priorityClassName', props.priorityClassName);

    this.runAsUser = props.runAsUser ?? DEFAULT_ID;
    this.runAsGroup = props.runAsGroup ?? DEFAULT_ID;
    this.fsGroup = props.fsGroup ?? this.runAsGroup;
    for (const [what, value] of [['runAsUser', this.runAsUser], ['runAsGroup', this.runAsGroup], ['fsGroup', this.fsGroup]] as const) {
      if (Number.isInteger(value) && value <= 10000) {
        throw new Error(`${what} ${value} is not above 10000: low ids can collide with host users (kube-score and Checkov want 10000 or more, Trivy more than 10000); use e.g. 65532`);
      }
      validateInteger(what, value, 10001, 2147483647);
    }

    this.kubernetesVersion = KubernetesVersion._resolve(this, props.kubernetesVersion);
    const grace = resolveShutdown(props, traits.defaultPreStopPauseSeconds, this.kubernetesVersion);
    this.terminationGracePeriodSeconds = grace.terminationGracePeriodSeconds;

    this.selectorLabels = {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/instance': this.name,
    };
    for (const [key, value] of Object.entries(props.labels ?? {})) {
      if (key in this.selectorLabels) {
        throw new Error(`label '${key}' is set by the workload and used in its selector: remove it from labels`);
      }
      if (RECOMMENDED_LABELS.includes(key)) {
        throw new Error(`label '${key}' is set by the workload: remove it from labels (use partOf for app.kubernetes.io/part-of)`);
      }
      validateQualifiedKey('label', key);
      validateLabelValue(`label '${key}'`, value);
    }
    if (props.partOf !== undefined) validateLabelValue('partOf', props.partOf);

    this.lifecycle = grace.lifecycle;
    this.mainPort = traits.mainPort;
    this.resourceScale = props.profile?.resourceScale ?? 1;
    this._mainContainer = new HardenedContainer(props.containerName ?? 'app', { ...props, readiness: traits.readiness, liveness: traits.liveness }, {
      ...this.containerContext(grace.lifecycle),
      mainPort: traits.mainPort,
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
    validateAnnotations(`pod annotation of '${this.name}'`, this.podAnnotations);
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

    this.access = new NetworkAccess(props.allowDns ?? true);
    this.node.addValidation({ validate: () => this.access.undeclaredIngressPorts(this.name, this.ports) });
    if (props.networkPolicy ?? true) {
      this.networkPolicy = new ApiObject(this, 'NetworkPolicy', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: this.metadata(),
        spec: Lazy.any({ produce: () => this.access.render(this.selectorLabels, this.namespace) }),
      });
    }
  }

  /** Every port this workload's pods listen on: the main container's and the sidecars'. */
  public get ports(): NetworkPort[] {
    return this.declaredPorts.map(networkPort);
  }

  /**
   * The ports the workload serves its clients on: the main port of a WebService or StatefulService,
   * none for other workloads. Connections that name no ports open these; sidecar and metrics ports
   * are opened only when named.
   */
  public get servingPorts(): NetworkPort[] {
    return this.mainPort ? [networkPort(this.mainPort)] : [];
  }

  /** The ports the main container and the sidecars declare. */
  private get declaredPorts(): ContainerPort[] {
    return [this._mainContainer, ...this.sidecars].flatMap((c) => c.ports);
  }

  /**
   * Allows connections from a peer to this workload's pods. Nothing else is let in: there is no
   * implicit same-namespace access.
   * @param peer who may connect
   * @param ports which ports; @default - the serving ports
   */
  public allowFrom(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.access.allowFrom(peer, ingressPorts(`allowFrom(${peer.description}) on '${this.name}'`, this.name, this.servingPorts, ports));
  }

  /**
   * Allows every pod of the workload's own namespace to connect (opt-in).
   * @param ports which ports; @default - the serving ports
   */
  public allowFromSameNamespace(ports?: NetworkPort[]): void {
    this.allowFrom(NetworkPeer.sameNamespace(), ports);
  }

  /**
   * Allows an ingress controller to connect to the serving ports.
   * @param namespace the controller's namespace; @default 'ingress-nginx'
   * @param podLabels labels of the controller's pods; @default - every pod of the namespace
   */
  public allowFromIngressController(namespace: string = 'ingress-nginx', podLabels?: { [key: string]: string }): void {
    this.allowFrom(podLabels ? NetworkPeer.pods(podLabels, namespace) : NetworkPeer.namespace(namespace));
  }

  /**
   * Allows a monitoring namespace (Prometheus) to scrape a metrics port, and only that port.
   * @param namespace the monitoring namespace; @default 'monitoring'
   * @param port the metrics port; @default - the declared port named 'metrics'
   */
  public allowMetricsScrape(namespace: string = 'monitoring', port?: number): void {
    this.access.allowFrom(NetworkPeer.namespace(namespace), [metricsPort(this.name, this.declaredPorts, port)]);
  }

  /**
   * Allows connections from this workload's pods to a peer.
   * @param peer where the pods may connect
   * @param ports which ports; @default - any port
   */
  public allowTo(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.access.allowTo(peer, egressPorts(`allowTo(${peer.description}) on '${this.name}'`, ports));
  }

  /**
   * Allows this workload to connect to another one: egress here, ingress there.
   * @param target the workload to connect to
   * @param ports which of the target's ports; @default - the target's serving ports
   */
  public allowToWorkload(target: Workload, ports?: NetworkPort[]): void {
    const resolved = ingressPorts(`'${this.name}' connecting to '${target.name}'`, target.name, target.servingPorts, ports);
    target.access.allowFrom(NetworkPeer.pods(this.selectorLabels, this.namespace), resolved);
    this.access.allowTo(NetworkPeer.pods(target.selectorLabels, target.namespace), resolved);
  }

  /**
   * Allows another workload to connect to this one: ingress here, egress there.
   * @param source the workload that connects
   * @param ports which of this workload's ports; @default - the serving ports
   */
  public allowFromWorkload(source: Workload, ports?: NetworkPort[]): void {
    source.allowToWorkload(this, ports);
  }

  /** Name of the main container. */
  public get containerName(): string {
    return this._mainContainer.name;
  }

  /** Adds an environment variable to the main container. */
  public addEnv(name: string, value: IEnvValue): void {
    this._mainContainer.addEnv(name, value);
  }

  /** Adds all keys of a ConfigMap or Secret as environment variables of the main container. */
  public addEnvFrom(source: IEnvFrom): void {
    this._mainContainer.addEnvFrom(source);
  }

  /** Mounts a volume into the main container. */
  public addVolumeMount(mount: VolumeMount): void {
    this._mainContainer.addVolumeMount(mount);
  }

  /** Adds a pod annotation. */
  public addPodAnnotation(key: string, value: string): void {
    validateAnnotations(`pod annotation of '${this.name}'`, { ...this.podAnnotations, [key]: value });
    this.podAnnotations[key] = value;
  }

  /** Object metadata with the workload's name, namespace and labels. */
  protected metadata(name: string = this.name): any {
    return { name, namespace: this.namespace, labels: { ...this.labels } };
  }

  /** The pod template, rendered lazily so later additions appear. */
  protected podTemplate(): any {
    return {
      metadata: {
        labels: { ...this.labels },
        annotations: Lazy.any({ produce: () => this.renderPodAnnotations() }),
      },
      spec: Lazy.any({ produce: () => this.renderPodSpec() }),
    };
  }

  private renderPodAnnotations(): { [key: string]: string } | undefined {
    const checksum = this.configChecksum();
    const annotations = { ...this.podAnnotations, ...(checksum ? { [CONFIG_CHECKSUM_ANNOTATION]: checksum } : {}) };
    return Object.keys(annotations).length > 0 ? annotations : undefined;
  }

  /** Pod spec fields a concrete workload adds (spread, affinity, restart policy, tolerations). */
  protected podSpecExtras(): any {
    return {};
  }

  /**
   * Adds a sidecar container, hardened like the main one.
   * @param options the sidecar's image, resources and probes
   */
  public addSidecar(options: SidecarOptions): void {
    this.checkContainerName(options.name);
    this.checkNoPodLevelOptions(options);
    this.sidecars.push(new HardenedContainer(options.name, options, this.containerContext(this.lifecycle)));
  }

  /**
   * Adds an init container that runs to completion before the app starts, hardened like the main one.
   * @param options the init container's image, command and resources
   */
  public addInitContainer(options: InitContainerOptions): void {
    this.checkContainerName(options.name);
    this.checkNoPodLevelOptions(options);
    if (options.startup) {
      throw new Error(`init container '${options.name}' has a startup probe: init containers run to completion and take no probes; remove 'startup'`);
    }
    this.initContainers.push(new HardenedContainer(options.name, options, this.containerContext(undefined)));
  }

  /**
   * Rolls the pods whenever the data of a ConfigMap or Secret of this app changes, through a
   * checksum annotation on the pod template. ConfigMaps and Secrets given in `envFrom` are
   * tracked automatically when they are defined in this app.
   * @param resource a cdk8s-plus ConfigMap or Secret defined in this app
   */
  public rollOnChange(resource: IConfigResource): void {
    const apiObject = definedApiObject(resource);
    if (!apiObject) {
      throw new Error(`'${resource.name}' is imported, so its data is unknown here: pods can roll on changes only of ConfigMaps and Secrets defined in this app`);
    }
    this.configSources.add(apiObject);
  }

  private checkNoPodLevelOptions(options: ContainerOptions & { name: string }): void {
    if (options.tmpSizeLimit !== undefined) {
      throw new Error(`container '${options.name}' sets tmpSizeLimit, but /tmp is one volume for the whole pod: set tmpSizeLimit on the workload`);
    }
  }

  private checkContainerName(name: string): void {
    const taken = [this._mainContainer, ...this.sidecars, ...this.initContainers].map((c) => c.name);
    if (taken.includes(name)) {
      throw new Error(`container name '${name}' is already used in workload '${this.name}': give each container its own name`);
    }
  }

  private containerContext(lifecycle: any): ContainerContext {
    return { runAsUser: this.runAsUser, runAsGroup: this.runAsGroup, lifecycle, tmpVolumeName: 'tmp', resourceScale: this.resourceScale };
  }

  private configChecksum(): string | undefined {
    const sources = new Set(this.configSources);
    for (const container of [this._mainContainer, ...this.sidecars, ...this.initContainers]) {
      for (const source of container.envFromSources) {
        const resource = (source as any).configMap ?? (source as any).sec;
        const apiObject = resource ? definedApiObject(resource) : undefined;
        if (apiObject) sources.add(apiObject);
      }
    }
    if (sources.size === 0) return undefined;
    const hash = createHash('sha256');
    for (const apiObject of [...sources].sort((a, b) => a.node.path.localeCompare(b.node.path))) {
      const { data, binaryData, stringData } = apiObject.toJson();
      hash.update(JSON.stringify([apiObject.kind, apiObject.name, data ?? null, binaryData ?? null, stringData ?? null]));
    }
    return hash.digest('hex');
  }

  private renderPodSpec(): any {
    const containers = [this._mainContainer, ...this.sidecars];
    const volumes = new Map<string, any>();
    volumes.set('tmp', { name: 'tmp', emptyDir: { sizeLimit: quantity(this.tmpSizeLimit) } });
    for (const volume of [...containers, ...this.initContainers].flatMap((c) => c.volumes)) {
      if (!volumes.has(volume.name)) volumes.set(volume.name, renderVolume(volume));
    }
    for (const volume of this._mainContainer.hostPathVolumes) volumes.set(volume.name, volume);
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
      ...this.podSpecExtras(),
      initContainers: this.initContainers.length > 0 ? this.initContainers.map((c) => c.toJson()) : undefined,
      containers: containers.map((c) => c.toJson()),
      volumes: [...volumes.values()],
    });
  }
}


/** The ApiObject behind a cdk8s-plus resource defined in this app; undefined for imported ones. */
function definedApiObject(resource: IConstruct): ApiObject | undefined {
  const child = resource.node.tryFindChild('Resource');
  return child instanceof ApiObject ? child : undefined;
}

function renderVolume(volume: IVolume): any {
  return volume._toKube();
}
