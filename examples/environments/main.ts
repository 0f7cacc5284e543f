import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { EnvironmentProfile, Probe, SizePreset, WebService, Worker } from '../../lib';

/** The shop, defined once. The profile decides replicas, spread, autoscaling and resource scale. */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string, profile: EnvironmentProfile) {
    super(scope, id, { namespace: `shop-${profile.name}`, labels: { 'example.com/environment': profile.name } });
    new WebService(this, 'api', {
      profile,
      image: 'ghcr.io/acme/api:1.4.2',
      port: 8080,
      readiness: Probe.http('/ready'),
      liveness: Probe.http('/healthz'),
      resources: { cpu: Cpu.millis(500), memory: Size.mebibytes(512) },
    });
    new Worker(this, 'mailer', { profile, image: 'ghcr.io/acme/mailer:2.0.1', size: SizePreset.SMALL });
  }
}

/** Every environment of the shop: one chart each, one output file each. */
export function buildEnvironments(app: App): ShopChart[] {
  return [EnvironmentProfile.development(), EnvironmentProfile.staging(), EnvironmentProfile.production()]
    .map((profile) => new ShopChart(app, `shop-${profile.name}`, profile));
}

if (require.main === module) {
  const app = new App();
  buildEnvironments(app);
  app.synth();
}
