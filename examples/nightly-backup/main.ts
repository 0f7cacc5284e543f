import { App, Chart, Duration } from 'cdk8s';
import { EnvValue, Secret } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer, ScheduledJob, SizePreset } from '../../lib';

/** A nightly database backup: runs at 02:30 Berlin time, never overlaps, gives up after two hours. */
export class NightlyBackupChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'data' });
    const credentials = Secret.fromSecretName(this, 'credentials', 'postgres-credentials');
    const backup = new ScheduledJob(this, 'nightly-backup', {
      image: 'ghcr.io/acme/pg-backup:2.3.1',
      args: ['--target', 's3://acme-backups/postgres'],
      schedule: '30 2 * * *',
      timeZone: 'Europe/Berlin',
      size: SizePreset.MEDIUM,
      activeDeadline: Duration.hours(2),
      backoffLimit: 2,
      env: { PGPASSWORD: EnvValue.fromSecretValue({ secret: credentials, key: 'password' }) },
    });
    backup.allowTo(NetworkPeer.pods({ 'app.kubernetes.io/name': 'postgres' }), [{ port: 5432 }]);
    backup.allowTo(NetworkPeer.cidr('0.0.0.0/0'), [{ port: 443 }]);
  }
}

if (require.main === module) {
  const app = new App();
  new NightlyBackupChart(app, 'nightly-backup');
  app.synth();
}
