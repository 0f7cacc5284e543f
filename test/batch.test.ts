import { Duration } from 'cdk8s';
import { BatchJob, BatchJobProps, ConcurrencyPolicy, JobRestartPolicy, NetworkPeer, ScheduledJob, ScheduledJobProps, SizePreset } from '../lib';
import { chart, only, synth } from './util/synth';

const job: BatchJobProps = { image: 'ghcr.io/acme/migrate:5.2.0', command: ['/app/migrate', 'up'], size: SizePreset.SMALL };
const cron: ScheduledJobProps = { ...job, schedule: '30 2 * * *' };

describe('BatchJob', () => {
  test('a hardened Job with retries, a deadline, cleanup and no PDB', () => {
    const c = chart('ops');
    new BatchJob(c, 'migrate', job);
    const manifests = synth(c);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Job', 'NetworkPolicy', 'ServiceAccount']);
    const spec = only(manifests, 'Job').spec;
    expect(spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(spec.selector).toBeUndefined();
    const pod = spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.containers[0].lifecycle).toBeUndefined();
    expect(only(manifests, 'NetworkPolicy').spec.ingress).toEqual([]);
  });

  test('options are rendered', () => {
    const c = chart('ops');
    const migrate = new BatchJob(c, 'migrate', { ...job, backoffLimit: 0, activeDeadline: Duration.minutes(10), ttlAfterFinished: Duration.hours(2), restartPolicy: JobRestartPolicy.ON_FAILURE, parallelism: 4, completions: 8 });
    migrate.allowTo(NetworkPeer.cidr('10.40.0.0/16'), [{ port: 5432 }]);
    const spec = only(synth(c), 'Job').spec;
    expect(spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 7200, parallelism: 4, completions: 8 });
    expect(spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('bad input is named', () => {
    const build = (props: Partial<BatchJobProps>) => () => new BatchJob(chart('ops'), 'migrate', { ...job, ...props });
    expect(build({ backoffLimit: -1 })).toThrow('backoffLimit -1 is invalid: use a whole number of at least 0');
    expect(build({ activeDeadline: Duration.seconds(20) })).toThrow("activeDeadline 20s is not longer than the termination grace period 30s of 'migrate': the job could never finish cleanly; raise activeDeadline");
    expect(build({ parallelism: 0 })).toThrow('parallelism 0 is invalid: use a whole number of at least 1');
  });
});

describe('ScheduledJob', () => {
  test('a hardened CronJob: no overlap, bounded lateness, history limits', () => {
    const c = chart('ops');
    new ScheduledJob(c, 'backup', { ...cron, timeZone: 'Europe/Berlin' });
    const manifests = synth(c);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['CronJob', 'NetworkPolicy', 'ServiceAccount']);
    const spec = only(manifests, 'CronJob').spec;
    expect(spec).toMatchObject({
      schedule: '30 2 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, suspend: false,
    });
    expect(spec.jobTemplate.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
    expect(spec.jobTemplate.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('cronjob');
  });

  test('macros and options', () => {
    const c = chart('ops');
    new ScheduledJob(c, 'sync', { ...cron, schedule: '@hourly', concurrencyPolicy: ConcurrencyPolicy.REPLACE, startingDeadline: Duration.seconds(60), suspend: true });
    const spec = only(synth(c), 'CronJob').spec;
    expect(spec).toMatchObject({ schedule: '@hourly', concurrencyPolicy: 'Replace', startingDeadlineSeconds: 60, suspend: true });
  });

  test('every descriptor the apiserver accepts, including @every with a Go duration', () => {
    for (const schedule of ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@every 1h', '@every 1h30m', '@every 90s', '@every 1.5m', '@every 2h0m0s', '@every 1000ms', '@every +24h']) {
      const c = chart('ops');
      new ScheduledJob(c, 'sync', { ...cron, schedule });
      expect(only(synth(c), 'CronJob').spec.schedule).toBe(schedule);
    }
  });

  test.each([
    ['@every 1x', "schedule '@every 1x': '1x' is not a duration (unknown unit 'x'): write a number with a unit (ns, us, ms, s, m, h), e.g. '@every 1h30m' or '@every 90s'"],
    ['@every 90', "schedule '@every 90': '90' is not a duration (missing unit after '90'): write a number with a unit"],
    ['@every h', "schedule '@every h': 'h' is not a duration ('h' does not start with a number)"],
    ['@every 1h 30m', "schedule '@every 1h 30m': '1h 30m' is not a duration (unknown unit 'h ')"],
    ['@every', "schedule '@every' names no interval: write '@every <duration>', e.g. '@every 1h30m'"],
    ['@every 1h ', "schedule '@every 1h ' has spaces around '@every 1h', which Kubernetes rejects: remove them"],
    [' @daily', "schedule ' @daily' has spaces around '@daily', which Kubernetes rejects: remove them"],
    ['@every 500ms', "schedule '@every 500ms' has an interval below one second, which Kubernetes runs every second: use at least '@every 1s'"],
    ['@every 0', "schedule '@every 0' has an interval below one second"],
    ['@every -1h', "schedule '@every -1h' has a negative interval, which Kubernetes runs every second: use a positive duration, e.g. '@every 1h'"],
    ['@every 1.5s', "schedule '@every 1.5s' has an interval with a fraction of a second, which Kubernetes drops: use whole seconds, e.g. '@every 1s'"],
    ['@every 3000000h', "schedule '@every 3000000h': '3000000h' is not a duration (longer than Go durations reach, about 292 years)"],
    ['@weekdays', "schedule '@weekdays' is not a descriptor Kubernetes knows: use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, '@every <duration>' (e.g. '@every 1h30m') or five fields such as '30 2 * * *'"],
    ['@Daily', "schedule '@Daily' is not a descriptor Kubernetes knows"],
  ])('schedule %j is rejected with the true reason', (schedule, message) => {
    expect(() => new ScheduledJob(chart('ops'), 'backup', { ...cron, schedule })).toThrow(message);
  });

  test('bad input is named', () => {
    const build = (props: Partial<ScheduledJobProps>) => () => new ScheduledJob(chart('ops'), 'backup', { ...cron, ...props });
    expect(build({ schedule: '30 2 * *' })).toThrow("schedule '30 2 * *' has 4 field(s), not 5: use 'minute hour day-of-month month day-of-week' (e.g. '30 2 * * *') or a macro such as '@daily'");
    expect(build({ schedule: 'TZ=UTC 0 * * * *' })).toThrow("schedule 'TZ=UTC 0 * * * *' sets the time zone inside the schedule, which Kubernetes rejects: remove the TZ= prefix and use timeZone instead");
    expect(build({ timeZone: 'Mars/Olympus' })).toThrow("timeZone 'Mars/Olympus' is not an IANA time zone: use a name such as 'Europe/Berlin' or 'UTC'");
    expect(build({ startingDeadline: Duration.seconds(5) })).toThrow('startingDeadline 5s is below 10s');
    expect(build({ failedJobsHistoryLimit: -2 })).toThrow('failedJobsHistoryLimit -2 is invalid');
  });
});
