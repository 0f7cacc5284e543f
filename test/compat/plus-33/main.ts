import { App, Chart, Duration, Size } from 'cdk8s';
import { ConfigMap, Cpu, Env, EnvValue, Secret, Volume } from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { Probe, ScheduledJob, StatefulService, WebService } from '../../../lib';

/**
 * An app written the way `cdk8s init typescript-app` scaffolds it today, on cdk8s-plus-33:
 * its ConfigMap, Secret, Env, EnvValue, Volume and Cpu values passed to the library's constructs.
 */
export class Plus33Chart extends Chart {
  public readonly api: WebService;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });
    const config = new ConfigMap(this, 'config', {
      metadata: { name: 'api-config' },
      data: { 'LOG_LEVEL': 'info', 'api.yaml': 'currency: EUR\n' },
    });
    const credentials = new Secret(this, 'credentials', {
      metadata: { name: 'api-credentials' },
      stringData: { password: 'not-a-real-password' },
    });
    const database = Secret.fromSecretName(this, 'database', 'postgres-credentials');

    this.api = new WebService(this, 'api', {
      image: 'ghcr.io/acme/api:1.4.2',
      port: 8080,
      readiness: Probe.http('/ready'),
      liveness: Probe.http('/livez'),
      resources: { cpu: Cpu.millis(250), cpuLimit: Cpu.units(1), memory: Size.mebibytes(256) },
      env: {
        LOG_FORMAT: EnvValue.fromValue('json'),
        API_PASSWORD: EnvValue.fromSecretValue({ secret: credentials, key: 'password' }),
        LOG_LEVEL: EnvValue.fromConfigMap(config, 'LOG_LEVEL'),
      },
      envFrom: [Env.fromConfigMap(config, 'CFG_')],
      volumeMounts: [{ volume: Volume.fromConfigMap(this, 'config-file', config), path: '/etc/api' }],
    });
    this.api.addEnvFrom(Env.fromSecret(credentials));
    this.api.addVolumeMount({ volume: Volume.fromSecret(this, 'tls', credentials), path: '/etc/tls' });
    this.api.rollOnChange(credentials);

    new StatefulService(this, 'postgres', {
      image: 'postgres:16.4',
      port: 5432,
      replicas: 1,
      volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(20) }],
      readiness: Probe.exec(['pg_isready', '-U', 'postgres']),
      resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
      env: { POSTGRES_PASSWORD: EnvValue.fromSecretValue({ secret: database, key: 'password' }) },
    });

    new ScheduledJob(this, 'backup', {
      image: 'ghcr.io/acme/pg-backup:2.3.1',
      schedule: '30 2 * * *',
      activeDeadline: Duration.hours(2),
      resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128) },
      envFrom: [Env.fromSecret(database)],
    });
  }
}

if (require.main === module) {
  const app = new App();
  new Plus33Chart(app, 'plus-33');
  app.synth();
}
