import { App, Chart, Duration } from 'cdk8s';
import { EnvValue, Secret } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer, Probe, SizePreset, Worker } from '../../lib';

/** A queue consumer: no Service, an exec liveness probe on a heartbeat, a long drain for in-flight jobs. */
export class QueueWorkerChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'jobs' });
    const queue = Secret.fromSecretName(this, 'queue', 'queue-credentials');
    const worker = new Worker(this, 'email-sender', {
      image: 'ghcr.io/acme/email-sender:2.8.0',
      args: ['--concurrency', '4'],
      size: SizePreset.MEDIUM,
      replicas: 2,
      ports: [{ number: 9090, name: 'metrics' }],
      liveness: Probe.exec(['/app/healthcheck', '--max-heartbeat-age', '60s']),
      drainTime: Duration.minutes(2),
      env: {
        QUEUE_URL: EnvValue.fromValue('amqps://rabbitmq.messaging.svc:5671'),
        QUEUE_PASSWORD: EnvValue.fromSecretValue({ secret: queue, key: 'password' }),
      },
    });
    worker.allowTo(NetworkPeer.pods({ 'app.kubernetes.io/name': 'rabbitmq' }, 'messaging'), [{ port: 5671 }]);
    worker.allowFrom(NetworkPeer.pods({ 'app.kubernetes.io/name': 'prometheus' }, 'monitoring'), [{ port: 9090 }]);
  }
}

if (require.main === module) {
  const app = new App();
  new QueueWorkerChart(app, 'queue-worker');
  app.synth();
}
