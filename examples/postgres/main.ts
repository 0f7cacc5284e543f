import { App, Chart, Size } from 'cdk8s';
import { Cpu, EnvValue, Secret, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HardenedNamespace, Probe, StatefulService } from '../../lib';

/**
 * PostgreSQL as a StatefulService: one pod (no replication configured), a 20 GiB volume per pod that
 * survives deletes and scale-downs, pg_isready as readiness, credentials from a Secret.
 */
export class PostgresChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'data' });
    new HardenedNamespace(this, 'data');
    const credentials = Secret.fromSecretName(this, 'credentials', 'postgres-credentials');
    const db = new StatefulService(this, 'postgres', {
      image: 'postgres:16.4-alpine',
      port: 5432,
      portName: 'postgres',
      replicas: 1,
      readiness: Probe.exec(['pg_isready', '-U', 'postgres', '-h', '127.0.0.1']),
      startup: Probe.tcp({ failureThreshold: 60 }),
      resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1), ephemeralStorage: Size.mebibytes(512) },
      volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(20), storageClassName: 'standard-rwo' }],
      env: {
        PGDATA: EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
        POSTGRES_PASSWORD: EnvValue.fromSecretValue({ secret: credentials, key: 'password' }),
      },
    });
    // postgres writes its socket and lock file here; the root filesystem stays read-only.
    db.addVolumeMount({ volume: Volume.fromEmptyDir(this, 'run', 'run'), path: '/var/run/postgresql', readOnly: false });
  }
}

if (require.main === module) {
  const app = new App();
  new PostgresChart(app, 'postgres');
  app.synth();
}
