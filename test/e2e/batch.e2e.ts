/**
 * BatchJob and ScheduledJob on a real cluster: completion, retries up to backoffLimit, the active
 * deadline, and a Job started from the CronJob.
 */
import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BatchJob, ScheduledJob } from '../../lib';
import { clusterChart, createNamespace, deleteNamespaces, kitScript, kubectl, kubectlJson, pods, removeTempDirs, report, scenarioNamespace, seconds, timed, waitFor, writeCharts } from './cluster';

const IMAGE = 'registry.example.com/e2e/batch:1.0.0';

function condition(job: any, type: string): any {
  return (job.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
}

afterAll(removeTempDirs);

describe('BatchJob and ScheduledJob on a real cluster', () => {
  test('jobs complete, retry backoffLimit times, stop at the deadline, and run from a schedule', async () => {
    await timed('batch', async () => {
      const ns = scenarioNamespace('batch');
      try {
        await createNamespace(ns);
        const chart = clusterChart(ns);
        const common = { image: IMAGE, resources: { cpu: Cpu.millis(20), memory: Size.mebibytes(32) } };
        new BatchJob(chart, 'succeeds', { ...common, command: ['sh', '-c', 'echo processed 100 records'] });
        const failing = new BatchJob(chart, 'fails', { ...common, command: ['sh', '-c', 'echo attempt failed; exit 1'] });
        new BatchJob(chart, 'too-long', { ...common, command: ['sleep', '600'], activeDeadline: Duration.seconds(20), drainTime: Duration.seconds(2) });
        new ScheduledJob(chart, 'report', { ...common, schedule: '0 0 1 1 *', command: ['sh', '-c', 'echo report written'] });
        const dir = writeCharts('batch', [chart]);
        const backoffLimit = failing.job.toJson().spec.backoffLimit;
        expect((await kitScript('load-image.sh', [IMAGE], { timeoutS: 120 })).code).toBe(0);
        const started = Date.now();
        await kubectl(['apply', '-R', '-f', dir]);
        await kubectl(['create', 'job', '-n', ns, 'report-now', '--from=cronjob/report']);

        const jobs = await waitFor('every job to finish', 300, async () => {
          const list = (await kubectlJson(['get', 'jobs', '-n', ns])).items;
          const byName = new Map<string, any>(list.map((j: any) => [j.metadata.name, j]));
          const done = ['succeeds', 'fails', 'too-long', 'report-now'].every((n) => byName.has(n) && (condition(byName.get(n), 'Complete') || condition(byName.get(n), 'Failed')));
          return done ? byName : undefined;
        }, 2000);
        const failedPods = (await pods(ns, 'job-name=fails')).filter((p) => p.status.phase === 'Failed');
        const deadline = jobs.get('too-long');
        const deadlineFailed = condition(deadline, 'Failed');
        const deadlineRan = Date.parse(deadlineFailed.lastTransitionTime) - Date.parse(deadline.status.startTime);
        report(`batch: succeeds ${condition(jobs.get('succeeds'), 'Complete') ? 'Complete' : 'not complete'}; fails: ${failedPods.length} pods failed (backoffLimit ${backoffLimit}), ${condition(jobs.get('fails'), 'Failed')?.reason}; too-long: ${deadlineFailed?.reason} after ${seconds(deadlineRan)} (activeDeadlineSeconds ${deadline.spec.activeDeadlineSeconds}); report-now ${condition(jobs.get('report-now'), 'Complete') ? 'Complete' : 'not complete'}; all finished in ${seconds(Date.now() - started)}`);

        expect(condition(jobs.get('succeeds'), 'Complete')).toBeDefined();
        expect(condition(jobs.get('fails'), 'Failed')?.reason).toBe('BackoffLimitExceeded');
        expect(failedPods).toHaveLength(backoffLimit + 1);
        expect(deadlineFailed?.reason).toBe('DeadlineExceeded');
        expect(deadlineRan).toBeGreaterThanOrEqual(deadline.spec.activeDeadlineSeconds * 1000 - 1000);
        expect(deadlineRan).toBeLessThan((deadline.spec.activeDeadlineSeconds + 30) * 1000);
        expect(condition(jobs.get('report-now'), 'Complete')).toBeDefined();
        expect(jobs.get('report-now').metadata.annotations?.['cronjob.kubernetes.io/instantiate']).toBe('manual');
      } finally {
        await deleteNamespaces([ns]);
      }
    });
  }, 600000);
});
