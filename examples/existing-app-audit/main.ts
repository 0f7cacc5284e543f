import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/**
 * An existing app written with plain cdk8s-plus, not changed in any way for the audit:
 * `cdk8s synth` runs the HardenedValidation plugin configured in cdk8s.yaml.
 */
export class ExistingAppChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'legacy' });
    const deployment = new kplus.Deployment(this, 'web', {
      replicas: 2,
      containers: [{
        image: 'ghcr.io/acme/legacy-web:3.2.1',
        portNumber: 8080,
        resources: {
          cpu: { request: kplus.Cpu.millis(100) },
        },
      }],
    });
    deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  }
}

if (require.main === module) {
  const app = new App();
  new ExistingAppChart(app, 'existing-app');
  app.synth();
}
