import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { Probe, WebService } from '../../lib';

/** The smallest useful service: everything else is a hardened default. */
export class MinimalWebServiceChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'shop' });
    new WebService(this, 'api', {
      image: 'ghcr.io/acme/api:1.4.2',
      port: 8080,
      readiness: Probe.http('/ready'),
      liveness: Probe.http('/healthz'),
      resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) },
    });
  }
}

if (require.main === module) {
  const app = new App();
  new MinimalWebServiceChart(app, 'minimal-web-service');
  app.synth();
}
