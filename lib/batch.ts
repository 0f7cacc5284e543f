import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { validateInteger, validateNameLength, wholeSeconds } from './names';
import { checkSchedule } from './cron-schedule';
import { Workload, WorkloadProps } from './workload';

/** What the kubelet does when a job's container fails. */
export enum JobRestartPolicy {
  /** Start a new pod for each retry: the failed pod and its logs stay for inspection. */
  NEVER = 'Never',
  /** Restart the container in the same pod. */
  ON_FAILURE = 'OnFailure',
}

/** Options shared by `BatchJob` and `ScheduledJob`. */
export interface JobOptions extends WorkloadProps {
  /**
   * Retries before the job counts as failed.
   * @default 3
   */
  readonly backoffLimit?: number;
  /**
   * Wall-clock limit of the whole job, retries included; a stuck job is stopped instead of holding resources.
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
  /**
   * How long a finished job and its pods are kept before garbage collection.
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
  /**
   * Restart policy of the pods.
   * @default JobRestartPolicy.NEVER
   */
  readonly restartPolicy?: JobRestartPolicy;
  /**
   * Pods that run at once.
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Successful pods needed to complete the job.
   * @default 1
   */
  readonly completions?: number;
}

/** Props of a `BatchJob`. */
export interface BatchJobProps extends JobOptions {}

/** Whether a scheduled run may start while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Skip the new run: two runs never overlap. */
  FORBID = 'Forbid',
  /** Run both. */
  ALLOW = 'Allow',
  /** Stop the running one and start the new one. */
  REPLACE = 'Replace',
}

/** Props of a `ScheduledJob`. */
export interface ScheduledJobProps extends JobOptions {
  /** Cron schedule: five fields (`'30 2 * * *'`), a macro such as `@daily`, or `@every <Go duration>` (`'@every 1h30m'`). */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule, e.g. 'Europe/Berlin'.
   * @default - the controller manager's time zone (usually UTC)
   */
  readonly timeZone?: string;
  /**
   * Overlapping runs.
   * @default ConcurrencyPolicy.FORBID
   */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * How late a missed run may still start; later runs are skipped. At least 10 seconds.
   * @default Duration.minutes(5)
   */
  readonly startingDeadline?: Duration;
  /**
   * Finished successful jobs kept.
   * @default 3
   */
  readonly successfulJobsHistoryLimit?: number;
  /**
   * Finished failed jobs kept.
   * @default 3
   */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Create the CronJob suspended.
   * @default false
   */
  readonly suspend?: boolean;
}

/** The Job spec shared by both constructs; checks the options. */
function jobSpec(workload: Workload, props: JobOptions, template: any): any {
  const backoffLimit = props.backoffLimit ?? 3;
  validateInteger('backoffLimit', backoffLimit, 0);
  const activeDeadlineSeconds = props.activeDeadline ? wholeSeconds('activeDeadline', props.activeDeadline) : 3600;
  validateInteger('activeDeadline (seconds)', activeDeadlineSeconds, 1);
  const ttl = props.ttlAfterFinished ? wholeSeconds('ttlAfterFinished', props.ttlAfterFinished) : 86400;
  validateInteger('ttlAfterFinished (seconds)', ttl, 0);
  const parallelism = props.parallelism ?? 1;
  const completions = props.completions ?? 1;
  validateInteger('parallelism', parallelism, 1);
  validateInteger('completions', completions, 1);
  if (activeDeadlineSeconds <= workload.terminationGracePeriodSeconds) {
    throw new Error(`activeDeadline ${activeDeadlineSeconds}s is not longer than the termination grace period ${workload.terminationGracePeriodSeconds}s of '${workload.name}': the job could never finish cleanly; raise activeDeadline`);
  }
  return {
    backoffLimit,
    activeDeadlineSeconds,
    ttlSecondsAfterFinished: ttl,
    ...(parallelism !== 1 ? { parallelism } : {}),
    ...(completions !== 1 ? { completions } : {}),
    template,
  };
}

/**
 * A run-to-completion task (migration, backfill, report): a hardened Job with a ServiceAccount and
 * a NetworkPolicy (no ingress, DNS and declared egress). No PodDisruptionBudget: jobs are not kept available.
 */
export class BatchJob extends Workload {
  /** The Job. */
  public readonly job: ApiObject;
  private readonly restartPolicy: JobRestartPolicy;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id, props, { component: 'job', defaultPreStopPauseSeconds: 0 });
    this.restartPolicy = props.restartPolicy ?? JobRestartPolicy.NEVER;
    this.job = new ApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: this.metadata(),
      spec: jobSpec(this, props, this.podTemplate()),
    });
  }

  protected podSpecExtras(): any {
    return { restartPolicy: this.restartPolicy };
  }
}


/**
 * A job on a schedule (nightly backup, hourly sync): a hardened CronJob. Runs never overlap by
 * default, a missed run may start up to five minutes late, and finished jobs are cleaned up.
 */
export class ScheduledJob extends Workload {
  /** The CronJob. */
  public readonly cronJob: ApiObject;
  private readonly restartPolicy: JobRestartPolicy;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id, props, { component: 'cronjob', defaultPreStopPauseSeconds: 0 });
    validateNameLength('scheduled job name', this.name, 52,
      "the CronJob controller names each Job '<name>-<minutes since 1970, 11 digits>', and Job names are limited to 63");
    checkSchedule(props.schedule);
    if (props.timeZone !== undefined) checkTimeZone(props.timeZone);
    const startingDeadlineSeconds = props.startingDeadline ? wholeSeconds('startingDeadline', props.startingDeadline) : 300;
    if (startingDeadlineSeconds < 10) {
      throw new Error(`startingDeadline ${startingDeadlineSeconds}s is below 10s: the CronJob controller checks every 10 seconds, so runs could be skipped; use at least Duration.seconds(10)`);
    }
    const successful = props.successfulJobsHistoryLimit ?? 3;
    const failed = props.failedJobsHistoryLimit ?? 3;
    validateInteger('successfulJobsHistoryLimit', successful, 0);
    validateInteger('failedJobsHistoryLimit', failed, 0);
    this.restartPolicy = props.restartPolicy ?? JobRestartPolicy.NEVER;
    this.cronJob = new ApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: this.metadata(),
      spec: {
        schedule: props.schedule,
        ...(props.timeZone !== undefined ? { timeZone: props.timeZone } : {}),
        concurrencyPolicy: props.concurrencyPolicy ?? ConcurrencyPolicy.FORBID,
        startingDeadlineSeconds,
        successfulJobsHistoryLimit: successful,
        failedJobsHistoryLimit: failed,
        suspend: props.suspend ?? false,
        jobTemplate: {
          metadata: { labels: { ...this.labels } },
          spec: jobSpec(this, props, this.podTemplate()),
        },
      },
    });
  }

  protected podSpecExtras(): any {
    return { restartPolicy: this.restartPolicy };
  }
}

function checkTimeZone(timeZone: string): void {
  const known = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  if (!known.has(timeZone)) {
    throw new Error(`timeZone '${timeZone}' is not an IANA time zone: use a name such as 'Europe/Berlin' or 'UTC'`);
  }
}
