import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Probe, WebServiceProps } from '../../lib';

/** The web service most tests start from: the README example. */
export const WEB_SERVICE: WebServiceProps = {
  image: 'ghcr.io/acme/api:1.4.2',
  port: 8080,
  readiness: Probe.http('/ready'),
  liveness: Probe.http('/healthz'),
  resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) },
};
