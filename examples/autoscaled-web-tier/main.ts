import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { HardenedNamespace, Probe, ScalingMetric, WebService } from '../../lib';

/**
 * An autoscaled web tier in a default-deny namespace: the ingress controller may reach the
 * frontend, the frontend may reach the API, and nothing else moves.
 */
export class AutoscaledWebTierChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'storefront' });
    new HardenedNamespace(this, 'storefront');
    const probes = { readiness: Probe.http('/ready'), liveness: Probe.http('/healthz') };
    const frontend = new WebService(this, 'frontend', {
      image: 'ghcr.io/acme/frontend:7.0.3', port: 3000, servicePort: 80, partOf: 'storefront', ...probes,
      resources: { cpu: Cpu.millis(200), memory: Size.mebibytes(256) },
    });
    const api = new WebService(this, 'api', {
      image: 'ghcr.io/acme/api:1.4.2', port: 8080, partOf: 'storefront', ...probes,
      resources: { cpu: Cpu.millis(500), memory: Size.mebibytes(512) },
    });
    frontend.autoscale({ minReplicas: 3, maxReplicas: 20 });
    api.autoscale({ minReplicas: 3, maxReplicas: 30, metrics: [ScalingMetric.cpuUtilization(60), ScalingMetric.podsAverage('http_requests_per_second', '200')] });
    frontend.allowFromIngressController('ingress-nginx');
    frontend.allowToWorkload(api);
  }
}

if (require.main === module) {
  const app = new App();
  new AutoscaledWebTierChart(app, 'autoscaled-web-tier');
  app.synth();
}
