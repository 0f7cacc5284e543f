import { App, Chart, Size } from 'cdk8s';
import { ConfigMap, Cpu, Env, EnvValue, Secret, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  DisruptionBudget, EnvironmentProfile, HardenedNamespace, NetworkPeer, Probe, ScheduledJob, SizePreset, StatefulService, WebService, Worker,
} from '../../lib';

/** Where the shop's traffic leaves the cluster: the payment provider and the backup bucket. */
export const PAYMENT_PROVIDER = '203.0.113.0/24';
export const BACKUP_STORAGE = '198.51.100.0/24';

/**
 * The shop, defined once and rendered per environment. The profile sizes the stateless
 * services; the datastores keep their single primary everywhere and only get smaller in dev.
 */
export class ShopChart extends Chart {
  public readonly storefront: WebService;
  public readonly catalog: WebService;
  public readonly orders: WebService;
  public readonly fulfilment: Worker;
  public readonly redis: StatefulService;
  public readonly postgres: StatefulService;
  public readonly backup: ScheduledJob;

  constructor(scope: Construct, id: string, profile: EnvironmentProfile) {
    super(scope, id, { namespace: `shop-${profile.name}`, labels: { 'example.com/environment': profile.name } });
    new HardenedNamespace(this, 'namespace');
    const partOf = 'shop';

    const config = new ConfigMap(this, 'config', {
      metadata: { name: 'shop-config' },
      data: { CURRENCY: 'EUR', CATALOG_ADDRESS: 'catalog:9090', ORDERS_URL: 'http://orders:8080' },
    });
    const database = Secret.fromSecretName(this, 'database', 'shop-database');
    const databasePassword = EnvValue.fromSecretValue({ secret: database, key: 'password' });

    this.postgres = new StatefulService(this, 'postgres', {
      profile, partOf,
      image: 'postgres:16.4-alpine',
      port: 5432,
      portName: 'postgres',
      replicas: 1,
      disruptionBudget: profile.name === 'prod'
        ? DisruptionBudget.blockEvictions('single primary: fail over or take a fresh backup before its node is drained')
        : undefined,
      readiness: Probe.exec(['pg_isready', '-U', 'shop', '-h', '127.0.0.1']),
      startup: Probe.tcp({ failureThreshold: 60 }),
      resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1), ephemeralStorage: Size.mebibytes(512) },
      volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(20) }],
      env: {
        PGDATA: EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
        POSTGRES_USER: EnvValue.fromValue('shop'),
        POSTGRES_PASSWORD: databasePassword,
      },
    });
    this.postgres.addVolumeMount({ volume: Volume.fromEmptyDir(this, 'postgres-run', 'run'), path: '/var/run/postgresql', readOnly: false });

    this.redis = new StatefulService(this, 'redis', {
      profile, partOf,
      image: 'redis:7.4.1-alpine',
      port: 6379,
      portName: 'redis',
      replicas: 1,
      args: ['--appendonly', 'yes', '--dir', '/data'],
      readiness: Probe.exec(['redis-cli', 'ping']),
      size: SizePreset.SMALL,
      volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(5) }],
    });

    const probes = { readiness: Probe.http('/ready'), liveness: Probe.http('/healthz') };
    this.catalog = new WebService(this, 'catalog', {
      profile, partOf,
      image: 'ghcr.io/acme/shop-catalog:3.2.0',
      port: 9090,
      portName: 'grpc',
      readiness: Probe.grpc({ service: 'readiness' }),
      liveness: Probe.grpc({ service: 'liveness' }),
      size: SizePreset.MEDIUM,
      envFrom: [Env.fromConfigMap(config)],
      env: { DATABASE_PASSWORD: databasePassword },
    });
    this.orders = new WebService(this, 'orders', {
      profile, partOf,
      image: 'ghcr.io/acme/shop-orders:5.0.1',
      port: 8080,
      ports: [{ number: 9102, name: 'metrics' }],
      ...probes,
      size: SizePreset.MEDIUM,
      envFrom: [Env.fromConfigMap(config)],
      env: { DATABASE_PASSWORD: databasePassword },
    });
    this.storefront = new WebService(this, 'storefront', {
      profile, partOf,
      image: 'ghcr.io/acme/shop-storefront:7.1.0',
      port: 3000,
      servicePort: 80,
      ...probes,
      resources: { cpu: Cpu.millis(300), memory: Size.mebibytes(384) },
      envFrom: [Env.fromConfigMap(config)],
    });
    this.storefront.autoscale({ minReplicas: 2, maxReplicas: 12 });
    this.fulfilment = new Worker(this, 'fulfilment', {
      profile, partOf,
      image: 'ghcr.io/acme/shop-fulfilment:2.3.4',
      liveness: Probe.exec(['/app/healthcheck']),
      size: SizePreset.SMALL,
      envFrom: [Env.fromConfigMap(config)],
      env: { DATABASE_PASSWORD: databasePassword },
    });
    this.backup = new ScheduledJob(this, 'backup', {
      profile, partOf,
      image: 'ghcr.io/acme/pg-backup:16.4.0',
      schedule: '15 3 * * *',
      timeZone: 'Europe/Berlin',
      size: SizePreset.SMALL,
      env: { PGPASSWORD: databasePassword, PGHOST: EnvValue.fromValue('postgres') },
    });

    this.storefront.allowFromIngressController('ingress-nginx');
    this.storefront.allowToWorkload(this.catalog);
    this.storefront.allowToWorkload(this.orders);
    this.catalog.allowToWorkload(this.postgres);
    this.orders.allowToWorkload(this.postgres);
    this.orders.allowToWorkload(this.redis);
    this.orders.allowTo(NetworkPeer.cidr(PAYMENT_PROVIDER), [{ port: 443 }]);
    this.orders.allowMetricsScrape('monitoring');
    this.fulfilment.allowToWorkload(this.redis);
    this.fulfilment.allowToWorkload(this.postgres);
    this.backup.allowToWorkload(this.postgres);
    this.backup.allowTo(NetworkPeer.cidr(BACKUP_STORAGE), [{ port: 443 }]);
  }
}

/** The shop in every environment: one chart, one namespace and one output file each. */
export function buildShop(app: App): ShopChart[] {
  return [EnvironmentProfile.development(), EnvironmentProfile.staging(), EnvironmentProfile.production()]
    .map((profile) => new ShopChart(app, `shop-${profile.name}`, profile));
}

if (require.main === module) {
  const app = new App();
  buildShop(app);
  app.synth();
}
