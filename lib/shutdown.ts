import { Duration } from 'cdk8s';
import { KubernetesVersion } from './kubernetes-version';
import { validateInteger, wholeSeconds } from './names';

/** How the pre-stop pause is carried out. */
export enum PreStopMethod {
  /** Run `sleep <seconds>` in the container; works on every Kubernetes version, needs a `sleep` binary in the image. */
  EXEC_SLEEP = 'exec-sleep',
  /** The kubelet's own `sleep` action (Kubernetes 1.30+); works with distroless images. */
  SLEEP_ACTION = 'sleep-action',
}

/** The shutdown settings of a workload, before defaults. */
export interface ShutdownOptions {
  readonly preStopPause?: Duration;
  readonly preStopMethod?: PreStopMethod;
  readonly drainTime?: Duration;
  readonly terminationGracePeriod?: Duration;
}

const MARGIN_SECONDS = 5;

/**
 * Resolves graceful shutdown: the preStop pause (so endpoints drain before SIGTERM) and a grace
 * period longer than the pause plus the application's drain time.
 */
export function resolveShutdown(props: ShutdownOptions, defaultPauseSeconds: number, version: KubernetesVersion): { terminationGracePeriodSeconds: number; lifecycle?: any } {
  const pause = props.preStopPause ? wholeSeconds('preStopPause', props.preStopPause) : defaultPauseSeconds;
  const drain = props.drainTime ? wholeSeconds('drainTime', props.drainTime) : 25;
  validateInteger('preStopPause (seconds)', pause, 0);
  validateInteger('drainTime (seconds)', drain, 0);
  const minimum = pause + drain;
  const grace = props.terminationGracePeriod ? wholeSeconds('terminationGracePeriod', props.terminationGracePeriod) : minimum + MARGIN_SECONDS;
  if (grace <= minimum) {
    throw new Error(`terminationGracePeriod ${grace}s is not longer than preStopPause ${pause}s + drainTime ${drain}s: the pod would be killed mid-drain; use at least ${minimum + 1}s or shorten the pause or drain time`);
  }
  const sleepAction = version.isAtLeast(KubernetesVersion.V1_30);
  if (props.preStopMethod === PreStopMethod.SLEEP_ACTION && !sleepAction) {
    throw new Error(`preStopMethod SLEEP_ACTION needs Kubernetes 1.30 or later, but the target is ${version.name}: set kubernetesVersion to KubernetesVersion.V1_30 or later, or use PreStopMethod.EXEC_SLEEP`);
  }
  if (pause === 0) return { terminationGracePeriodSeconds: grace };
  const lifecycle = (props.preStopMethod ?? (sleepAction ? PreStopMethod.SLEEP_ACTION : PreStopMethod.EXEC_SLEEP)) === PreStopMethod.SLEEP_ACTION
    ? { preStop: { sleep: { seconds: pause } } }
    : { preStop: { exec: { command: ['sleep', String(pause)] } } };
  return { terminationGracePeriodSeconds: grace, lifecycle };
}
