import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Probe } from './probe';
import { DeploymentWorkload, DeploymentWorkloadProps } from './deployment-workload';
import { checkServedPort, validateDns1035Label, validatePort } from './names';

/** Props of a `WebService`. */
export interface WebServiceProps extends DeploymentWorkloadProps {
  /** The port the container serves on. */
  readonly port: number;
  /**
   * Name of the container port, used as the Service's targetPort.
   * @default 'http'
   */
  readonly portName?: string;
  /**
   * The port the Service exposes.
   * @default - the container port
   */
  readonly servicePort?: number;
  /**
   * Readiness probe: while it fails, the pod gets no traffic. Required for a web service.
   */
  readonly readiness: Probe;
  /**
   * Liveness probe: when it fails, the container is restarted. Required for a web service,
   * and it must check something other than readiness.
   */
  readonly liveness: Probe;
}

/**
 * A stateless HTTP or gRPC service: a hardened Deployment, a ClusterIP Service,
 * a PodDisruptionBudget (from two replicas), a dedicated ServiceAccount and a NetworkPolicy.
 */
export class WebService extends DeploymentWorkload {
  /** The Service in front of the pods. */
  public readonly service: ApiObject;
  /** The container port. */
  public readonly port: number;
  /** The Service port. */
  public readonly servicePort: number;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    const portName = checkServedPort(props.port, props.portName, 'http');
    if (!props.readiness) {
      throw new Error(`web service '${props.name ?? id}' has no readiness probe: give readiness, e.g. Probe.http('/ready')`);
    }
    if (!props.liveness) {
      throw new Error(`web service '${props.name ?? id}' has no liveness probe: give liveness, e.g. Probe.http('/healthz')`);
    }
    super(scope, id, props, {
      component: 'server',
      mainPort: { number: props.port, name: portName },
      defaultPreStopPauseSeconds: 5,
      readiness: props.readiness,
      liveness: props.liveness,
    });
    validateDns1035Label('web service name (used as the Service name)', this.name);
    this.port = props.port;
    this.servicePort = props.servicePort ?? props.port;
    validatePort('servicePort', this.servicePort);
    this.service = new ApiObject(this, 'Service', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: this.metadata(),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        ports: [{ name: portName, port: this.servicePort, targetPort: portName, protocol: 'TCP' }],
      },
    });
  }
}
