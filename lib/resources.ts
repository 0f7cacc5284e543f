import { Size } from 'cdk8s';
import { cpuMillis, ICpu, millicores } from './plus-values';

/**
 * CPU, memory and ephemeral-storage requests and limits of a container.
 */
export interface ContainerResources {
  /** CPU request: what the scheduler reserves for the container. */
  readonly cpu: ICpu;
  /** Memory request: what the scheduler reserves for the container. */
  readonly memory: Size;
  /**
   * CPU limit. Left unset by default: a CPU limit throttles the container under a CFS quota even
   * when the node has idle CPU, which shows up as latency. Set it where your platform requires one
   * (kube-score container-resources, Polaris cpuLimitsMissing, Checkov CKV_K8S_11, Trivy KSV-0011 ask for it).
   * @default - no CPU limit; the request guarantees the container its share
   */
  readonly cpuLimit?: ICpu;
  /**
   * Memory limit; must not be below the request.
   * @default - the memory request, so the container can never be OOM-killed for using memory it was promised
   */
  readonly memoryLimit?: Size;
  /**
   * Ephemeral-storage request (container writable layer, logs and emptyDir volumes such as /tmp).
   * @default Size.mebibytes(256)
   */
  readonly ephemeralStorage?: Size;
  /**
   * Ephemeral-storage limit; the kubelet evicts the pod beyond it.
   * @default - Size.gibibytes(1), or the request when that is larger
   */
  readonly ephemeralStorageLimit?: Size;
}

/** Named resource sizes for containers that do not need hand-tuned values. */
export enum SizePreset {
  /** 100m CPU, 128Mi memory. */
  SMALL = 'small',
  /** 250m CPU, 256Mi memory. */
  MEDIUM = 'medium',
  /** 500m CPU, 512Mi memory. */
  LARGE = 'large',
  /** 1 CPU, 1Gi memory. */
  XLARGE = 'xlarge',
}

const PRESETS: Record<SizePreset, () => ContainerResources> = {
  [SizePreset.SMALL]: () => ({ cpu: millicores(100), memory: Size.mebibytes(128) }),
  [SizePreset.MEDIUM]: () => ({ cpu: millicores(250), memory: Size.mebibytes(256) }),
  [SizePreset.LARGE]: () => ({ cpu: millicores(500), memory: Size.mebibytes(512) }),
  [SizePreset.XLARGE]: () => ({ cpu: { amount: '1' }, memory: Size.gibibytes(1) }),
};

/** Resources of a preset. */
export function presetResources(preset: SizePreset): ContainerResources {
  return PRESETS[preset]();
}

/** A Size as a Kubernetes quantity in the largest binary unit that keeps it whole. */
export function quantity(size: Size): string {
  const kib = size.toKibibytes();
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}Gi`;
  if (kib % 1024 === 0) return `${kib / 1024}Mi`;
  return `${kib}Ki`;
}

/**
 * Renders and checks the `resources` block of a container.
 * Throws when a value is not positive or a limit is below its request.
 */
export function renderResources(containerName: string, resources: ContainerResources): any {
  const cpuRequest = cpuMillis(resources.cpu);
  if (!(cpuRequest > 0)) {
    throw new Error(`cpu request ${resources.cpu.amount} for container '${containerName}' must be positive: use e.g. Cpu.millis(100)`);
  }
  const memoryLimit = resources.memoryLimit ?? resources.memory;
  const ephemeral = resources.ephemeralStorage ?? Size.mebibytes(256);
  const ephemeralLimit = resources.ephemeralStorageLimit ?? (ephemeral.toKibibytes() > Size.gibibytes(1).toKibibytes() ? ephemeral : Size.gibibytes(1));
  const pairs: Array<[string, Size, Size]> = [
    ['memory', resources.memory, memoryLimit],
    ['ephemeral-storage', ephemeral, ephemeralLimit],
  ];
  for (const [what, request, limit] of pairs) {
    if (!(request.toKibibytes() > 0)) {
      throw new Error(`${what} request ${quantity(request)} for container '${containerName}' must be positive: use e.g. Size.mebibytes(128)`);
    }
    if (limit.toKibibytes() < request.toKibibytes()) {
      throw new Error(`${what} limit ${quantity(limit)} is below the request ${quantity(request)} for container '${containerName}': raise the limit or lower the request`);
    }
  }
  if (resources.cpuLimit !== undefined && cpuMillis(resources.cpuLimit) < cpuRequest) {
    throw new Error(`cpu limit ${resources.cpuLimit.amount} is below the request ${resources.cpu.amount} for container '${containerName}': raise the limit or lower the request`);
  }
  return {
    requests: { 'cpu': resources.cpu.amount, 'memory': quantity(resources.memory), 'ephemeral-storage': quantity(ephemeral) },
    limits: {
      ...(resources.cpuLimit !== undefined ? { cpu: resources.cpuLimit.amount } : {}),
      'memory': quantity(memoryLimit),
      'ephemeral-storage': quantity(ephemeralLimit),
    },
  };
}
