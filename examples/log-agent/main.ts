import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { NetworkPeer, NodeAgent } from '../../lib';

/**
 * A node log agent: a DaemonSet on every node (taints tolerated) that reads container logs from
 * the host, read-only, through an explicit host-access grant with its reason, and ships them out.
 */
export class LogAgentChart extends Chart {
  constructor(scope: Construct, id: string) {
    super(scope, id, { namespace: 'logging' });
    const agent = new NodeAgent(this, 'log-agent', {
      image: 'fluent/fluent-bit:3.1.9',
      resources: { cpu: Cpu.millis(50), memory: Size.mebibytes(96) },
      ports: [{ number: 2020, name: 'http' }],
      priorityClassName: 'system-node-critical',
      tolerations: [{}],
      hostAccess: {
        reason: 'reads container logs under /var/log on every node (read-only)',
        hostPaths: [{ hostPath: '/var/log', mountPath: '/var/log' }],
      },
    });
    agent.allowTo(NetworkPeer.pods({ 'app.kubernetes.io/name': 'loki' }, 'observability'), [{ port: 3100 }]);
  }
}

if (require.main === module) {
  const app = new App();
  new LogAgentChart(app, 'log-agent');
  app.synth();
}
