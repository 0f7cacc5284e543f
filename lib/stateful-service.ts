import { ApiObject, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { ScaleTargetRef } from './autoscaling';
import { quantity } from './resources';
import { checkServedPort, validateDnsLabel, validateDns1035Label, validateDnsSubdomain, validateInteger, validateNameLength } from './names';
import { Probe } from './probe';
import { ReplicatedWorkload, ReplicatedWorkloadProps } from './replicated-workload';

/**
 * Longest StatefulSet name: its pods carry `controller-revision-hash: <name>-<hash>`, a label value
 * (at most 63 characters) whose hash is the decimal FNV-32 of the revision, encoded, so up to 10 characters.
 */
const STATEFUL_SET_NAME_MAX = 63 - 1 - 10;

/** How a StatefulSet starts and stops its pods. */
export enum PodManagementPolicy {
  /** One at a time, in ordinal order, each ready before the next (clustered databases). */
  ORDERED_READY = 'OrderedReady',
  /** All at once (independent shards). */
  PARALLEL = 'Parallel',
}

/** What happens to a pod's volume claim when the StatefulSet is deleted or scaled down. */
export enum ClaimRetention {
  /** Keep the claim and its data. */
  RETAIN = 'Retain',
  /** Delete the claim and its data. */
  DELETE = 'Delete',
}

/** Access mode of a persistent volume. */
export enum AccessMode {
  /** Mounted read-write by one node. */
  READ_WRITE_ONCE = 'ReadWriteOnce',
  /** Mounted read-write by one pod. */
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
  /** Mounted read-only by many nodes. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Mounted read-write by many nodes. */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** A persistent volume per pod, created from a claim template. */
export interface VolumeClaim {
  /** Claim name (DNS-1123 label); each pod gets `<name>-<pod>`. */
  readonly name: string;
  /** Where the volume is mounted, writable, in the main container. */
  readonly mountPath: string;
  /** Requested size. */
  readonly size: Size;
  /**
   * Storage class.
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * Access mode.
   * @default AccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: AccessMode;
}

/** Props of a `StatefulService`. */
export interface StatefulServiceProps extends ReplicatedWorkloadProps {
  /** The port the service listens on. */
  readonly port: number;
  /**
   * Name of the container port.
   * @default 'tcp'
   */
  readonly portName?: string;
  /** Readiness probe: gates both traffic and the ordered rollout. */
  readonly readiness: Probe;
  /**
   * Liveness probe. Optional: restarting a database that is merely slow can make things worse.
   * @default - none
   */
  readonly liveness?: Probe;
  /**
   * Per-pod persistent volumes.
   * @default - none
   */
  readonly volumeClaims?: VolumeClaim[];
  /**
   * Pod start and stop order.
   * @default PodManagementPolicy.ORDERED_READY
   */
  readonly podManagementPolicy?: PodManagementPolicy;
  /**
   * Claims when the StatefulSet is deleted.
   * @default ClaimRetention.RETAIN - data survives a mistaken delete
   */
  readonly claimsWhenDeleted?: ClaimRetention;
  /**
   * Claims when the StatefulSet is scaled down.
   * @default ClaimRetention.RETAIN - scaling back up finds the data again
   */
  readonly claimsWhenScaled?: ClaimRetention;
  /**
   * Rolling-update partition: only pods with an ordinal at or above it are updated (canary a new version on the last pods).
   * @default 0 - every pod
   */
  readonly updatePartition?: number;
}

/**
 * A stateful service (database, queue, cache with persistence): a hardened StatefulSet with its
 * headless Service, per-pod volume claims, a PodDisruptionBudget (from two replicas), a ServiceAccount and a NetworkPolicy.
 * Pods are updated one at a time in reverse ordinal order; fsGroup makes the volumes writable by the non-root user.
 */
export class StatefulService extends ReplicatedWorkload {
  /** The StatefulSet. */
  public readonly statefulSet: ApiObject;
  /** The headless Service that gives each pod a stable DNS name (`<pod>.<service>.<namespace>.svc`). */
  public readonly service: ApiObject;
  /** The container port. */
  public readonly port: number;

  constructor(scope: Construct, id: string, props: StatefulServiceProps) {
    const portName = checkServedPort(props.port, props.portName, 'tcp');
    if (!props.readiness) {
      throw new Error(`stateful service '${props.name ?? id}' has no readiness probe: give readiness, e.g. Probe.tcp() or Probe.exec(['pg_isready'])`);
    }
    super(scope, id, props, {
      component: 'datastore',
      mainPort: { number: props.port, name: portName },
      defaultPreStopPauseSeconds: 5,
      readiness: props.readiness,
      liveness: props.liveness,
    });
    validateDns1035Label('stateful service name (used as the Service name)', this.name);
    validateNameLength('stateful service name', this.name, STATEFUL_SET_NAME_MAX,
      "the StatefulSet's pods carry the label controller-revision-hash '<name>-<hash of up to 10 characters>', which is limited to 63, so no pod could be created");
    this.port = props.port;
    if (props.updatePartition !== undefined) validateInteger('updatePartition', props.updatePartition, 0);

    const claims = props.volumeClaims ?? [];
    const claimNames = new Set<string>();
    for (const claim of claims) {
      validateDnsLabel('volume claim name', claim.name);
      if (claim.storageClassName !== undefined) validateDnsSubdomain(`storageClassName of volume claim '${claim.name}'`, claim.storageClassName);
      if (claimNames.has(claim.name)) throw new Error(`volume claim '${claim.name}' is declared twice: give each claim its own name`);
      claimNames.add(claim.name);
      if (!(claim.size.toKibibytes() > 0)) throw new Error(`volume claim '${claim.name}' has size 0: give a positive size, e.g. Size.gibibytes(10)`);
      this._mainContainer.addClaimMount(claim.name, claim.mountPath);
    }

    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: this.metadata(),
      spec: {
        clusterIP: 'None',
        selector: { ...this.selectorLabels },
        ports: [{ name: portName, port: props.port, targetPort: portName, protocol: 'TCP' }],
      },
    });
    this.statefulSet = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: this.metadata(),
      spec: {
        serviceName: this.name,
        replicas: this.replicasField(),
        selector: { matchLabels: { ...this.selectorLabels } },
        podManagementPolicy: props.podManagementPolicy ?? PodManagementPolicy.ORDERED_READY,
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: props.updatePartition ?? 0 } },
        persistentVolumeClaimRetentionPolicy: {
          whenDeleted: props.claimsWhenDeleted ?? ClaimRetention.RETAIN,
          whenScaled: props.claimsWhenScaled ?? ClaimRetention.RETAIN,
        },
        minReadySeconds: this.minReadySeconds,
        revisionHistoryLimit: this.revisionHistoryLimit,
        template: this.podTemplate(),
        ...(claims.length > 0 ? { volumeClaimTemplates: claims.map((c) => this.claimTemplate(c)) } : {}),
      },
    });
  }

  protected scaleTarget(): ScaleTargetRef {
    return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: this.name };
  }

  /** Replicas of a stateful service are part of its data layout (one primary, a quorum): a profile only scales resources. */
  protected profileSetsReplicas(): boolean {
    return false;
  }

  protected spreadMatchLabelKeys(): string[] {
    return ['controller-revision-hash'];
  }

  private claimTemplate(claim: VolumeClaim): any {
    return {
      metadata: { name: claim.name, labels: { ...this.selectorLabels } },
      spec: {
        accessModes: [claim.accessMode ?? AccessMode.READ_WRITE_ONCE],
        ...(claim.storageClassName !== undefined ? { storageClassName: claim.storageClassName } : {}),
        resources: { requests: { storage: quantity(claim.size) } },
      },
    };
  }
}
