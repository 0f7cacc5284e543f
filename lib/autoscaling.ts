import { Duration } from 'cdk8s';
import { validateInteger, wholeSeconds } from './names';

/** A metric the HorizontalPodAutoscaler scales on. */
export class ScalingMetric {
  /** Average CPU use as a percentage of the CPU request. */
  public static cpuUtilization(percent: number): ScalingMetric {
    validateInteger('cpu utilization target (percent)', percent, 1, 1000);
    return new ScalingMetric('cpu', { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: percent } } });
  }

  /** Average memory use as a percentage of the memory request. */
  public static memoryUtilization(percent: number): ScalingMetric {
    validateInteger('memory utilization target (percent)', percent, 1, 1000);
    return new ScalingMetric('memory', { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: percent } } });
  }

  /**
   * A custom per-pod metric (from a custom-metrics adapter), averaged over the pods.
   * @param metricName the metric, e.g. 'http_requests_per_second'
   * @param averageValue the target per pod, as a quantity, e.g. '100' or '500m'
   */
  public static podsAverage(metricName: string, averageValue: string): ScalingMetric {
    checkMetric(metricName, averageValue);
    return new ScalingMetric(metricName, { type: 'Pods', pods: { metric: { name: metricName }, target: { type: 'AverageValue', averageValue } } });
  }

  /**
   * A metric from outside the cluster (e.g. queue length), divided by the number of pods.
   * @param metricName the metric, e.g. 'queue_messages_ready'
   * @param averageValue the target per pod, as a quantity
   * @param selector labels that select the metric's series; @default - none
   */
  public static external(metricName: string, averageValue: string, selector?: { [key: string]: string }): ScalingMetric {
    checkMetric(metricName, averageValue);
    return new ScalingMetric(metricName, {
      type: 'External',
      external: {
        metric: { name: metricName, ...(selector ? { selector: { matchLabels: { ...selector } } } : {}) },
        target: { type: 'AverageValue', averageValue },
      },
    });
  }

  private constructor(
    /** What the metric measures: `cpu`, `memory`, or the custom metric's name. */
    public readonly measure: string,
    private readonly spec: any,
  ) {}

  /** The metric as an autoscaling/v2 MetricSpec. */
  public toJson(): any {
    return JSON.parse(JSON.stringify(this.spec));
  }
}

/** The object an autoscaler scales. */
export interface ScaleTargetRef {
  /** API version, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind, e.g. `Deployment`. */
  readonly kind: string;
  /** Object name. */
  readonly name: string;
}

/** How a workload scales with load. */
export interface AutoscalingOptions {
  /** Fewest pods; the PodDisruptionBudget must still allow an eviction at this count. */
  readonly minReplicas: number;
  /** Most pods. */
  readonly maxReplicas: number;
  /**
   * What to scale on.
   * @default - [ScalingMetric.cpuUtilization(70)]
   */
  readonly metrics?: ScalingMetric[];
  /**
   * How long load must stay high before scaling up.
   * @default Duration.seconds(0) - react at once
   */
  readonly scaleUpStabilization?: Duration;
  /**
   * How long load must stay low before scaling down, so a dip does not drop capacity.
   * @default Duration.minutes(5)
   */
  readonly scaleDownStabilization?: Duration;
  /**
   * Most pods removed per minute, as a percentage of the current count.
   * @default 20
   */
  readonly maxScaleDownPercentPerMinute?: number;
}

/** Checks autoscaling options; returns the resolved metrics. */
export function checkAutoscaling(workload: string, options: AutoscalingOptions): ScalingMetric[] {
  validateInteger(`minReplicas of '${workload}'`, options.minReplicas, 1);
  validateInteger(`maxReplicas of '${workload}'`, options.maxReplicas, 1);
  if (options.maxReplicas < options.minReplicas) {
    throw new Error(`maxReplicas ${options.maxReplicas} is below minReplicas ${options.minReplicas} for '${workload}': raise maxReplicas or lower minReplicas`);
  }
  const metrics = options.metrics ?? [ScalingMetric.cpuUtilization(70)];
  if (metrics.length === 0) {
    throw new Error(`autoscaling of '${workload}' has an empty metrics list: give at least one ScalingMetric, e.g. ScalingMetric.cpuUtilization(70)`);
  }
  if (options.maxScaleDownPercentPerMinute !== undefined) {
    validateInteger('maxScaleDownPercentPerMinute', options.maxScaleDownPercentPerMinute, 1, 100);
  }
  return metrics;
}

/** The autoscaling/v2 HorizontalPodAutoscaler spec. */
export function renderAutoscaler(target: ScaleTargetRef, options: AutoscalingOptions, metrics: ScalingMetric[]): any {
  const up = options.scaleUpStabilization ? wholeSeconds('scaleUpStabilization', options.scaleUpStabilization) : 0;
  const down = options.scaleDownStabilization ? wholeSeconds('scaleDownStabilization', options.scaleDownStabilization) : 300;
  return {
    scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name },
    minReplicas: options.minReplicas,
    maxReplicas: options.maxReplicas,
    metrics: metrics.map((m) => m.toJson()),
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: up,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: down,
        selectPolicy: 'Min',
        policies: [{ type: 'Percent', value: options.maxScaleDownPercentPerMinute ?? 20, periodSeconds: 60 }],
      },
    },
  };
}

function checkMetric(metricName: string, averageValue: string): void {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:.\-/]*$/.test(metricName)) {
    throw new Error(`metric name '${metricName}' is invalid: use letters, digits, '_', ':', '.', '-' and '/'`);
  }
  if (!/^[0-9]+(\.[0-9]+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.test(averageValue) || Number.parseFloat(averageValue) <= 0) {
    throw new Error(`target '${averageValue}' for metric '${metricName}' is not a positive quantity: use e.g. '100', '250m' or '1k'`);
  }
}
