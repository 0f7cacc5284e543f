import { App, Chart, Duration, Size } from 'cdk8s';
import { ConfigMap, Cpu, Env, EnvValue, Secret, Volume } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DisruptionBudget, KubernetesVersion, NetworkPeer, Probe, WebService } from '../../lib';

/**
 * A production-grade service: digest-pinned image, startup probe for a slow start,
 * tuned resources, configuration from a ConfigMap and credentials from a Secret,
 * and declared network connections.
 */
export class ProductionServiceChart extends Chart {
  public readonly service: WebService;

  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'payments', labels: { 'example.com/team': 'payments' } });
    // The cluster runs 1.30: the preStop pause is the kubelet's sleep action, no `sleep` binary needed.
    KubernetesVersion.use(this, KubernetesVersion.V1_30);

    const config = new ConfigMap(this, 'config', {
      metadata: { name: 'checkout-config' },
      data: { 'LOG_LEVEL': 'info', 'checkout.yaml': 'currency: EUR\nretries: 3\n' },
    });
    const database = Secret.fromSecretName(this, 'database', 'checkout-database');

    this.service = new WebService(this, 'checkout', {
      image: 'ghcr.io/acme/checkout@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945',
      port: 8443,
      portName: 'https',
      servicePort: 443,
      partOf: 'shop',
      replicas: 4,
      disruptionBudget: DisruptionBudget.maxUnavailablePercent(25),
      readiness: Probe.http('/ready', { https: true }),
      liveness: Probe.http('/livez', { https: true, failureThreshold: 8 }),
      startup: Probe.http('/livez', { https: true, failureThreshold: 60, period: Duration.seconds(2) }),
      resources: {
        cpu: Cpu.millis(500),
        memory: Size.mebibytes(768),
        memoryLimit: Size.gibibytes(1),
        ephemeralStorage: Size.mebibytes(512),
      },
      env: {
        DATABASE_URL: EnvValue.fromSecretValue({ secret: database, key: 'url' }),
        DATABASE_PASSWORD: EnvValue.fromSecretValue({ secret: database, key: 'password' }),
      },
      envFrom: [Env.fromConfigMap(config)],
      volumeMounts: [{ volume: Volume.fromConfigMap(this, 'config-file', config, { items: { 'checkout.yaml': { path: 'checkout.yaml' } } }), path: '/etc/checkout' }],
      preStopPause: Duration.seconds(10),
      drainTime: Duration.seconds(30),
      tmpSizeLimit: Size.mebibytes(128),
    });
    this.service.allowFromIngressController('ingress-nginx');
    this.service.allowTo(NetworkPeer.cidr('10.40.0.0/16'), [{ port: 5432 }]);
  }
}

if (require.main === module) {
  const app = new App();
  new ProductionServiceChart(app, 'production-service');
  app.synth();
}
