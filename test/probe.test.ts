import { Duration } from 'cdk8s';
import { Probe, ProbeRole } from '../lib';

describe('Probe', () => {
  test('http with headers and https', () => {
    expect(Probe.http('/ready', { https: true, headers: { 'X-Probe': '1' }, port: 8443 }).toJson(ProbeRole.READINESS)).toEqual({
      httpGet: { path: '/ready', port: 8443, scheme: 'HTTPS', httpHeaders: [{ name: 'X-Probe', value: '1' }] },
      periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1,
    });
  });

  test('tcp and grpc use the given or default port', () => {
    expect(Probe.tcp().toJson(ProbeRole.LIVENESS, 5432).tcpSocket).toEqual({ port: 5432 });
    expect(Probe.grpc({ service: 'api.v1' }).toJson(ProbeRole.READINESS, 9000).grpc).toEqual({ port: 9000, service: 'api.v1' });
  });

  test('role defaults: liveness gives up later than readiness; startup allows five minutes', () => {
    const probe = Probe.tcp();
    expect(probe.secondsToFail(ProbeRole.READINESS)).toBe(15);
    expect(probe.secondsToFail(ProbeRole.LIVENESS)).toBe(60);
    expect(probe.secondsToFail(ProbeRole.STARTUP)).toBe(300);
    expect(Probe.tcp({ initialDelay: Duration.seconds(10) }).secondsToFail(ProbeRole.READINESS)).toBe(25);
  });

  test('bad input is named', () => {
    expect(() => Probe.http('ready')).toThrow("probe path 'ready' must start with '/': use e.g. '/ready'");
    expect(() => Probe.exec([])).toThrow('exec probe has an empty command');
    expect(() => Probe.exec(['true'], { port: 80 })).toThrow("exec probe was given port 80: an exec probe runs a command and uses no port; remove 'port'");
    expect(() => Probe.tcp({ port: 0 })).toThrow('probe port 0 is out of range: use an integer from 1 to 65535');
    expect(() => Probe.tcp({ failureThreshold: 0 })).toThrow('probe failureThreshold 0 is invalid: use a whole number of at least 1');
    expect(() => Probe.tcp({ period: Duration.millis(500) })).toThrow('probe period 500ms is not a whole number of seconds: Kubernetes counts it in seconds; use e.g. Duration.seconds(1)');
    expect(() => Probe.tcp({ timeout: Duration.seconds(0) })).toThrow('probe timeout 0s is too short: use at least 1 second');
    expect(() => Probe.tcp({ successThreshold: 2 }).toJson(ProbeRole.LIVENESS, 80))
      .toThrow("liveness probe successThreshold 2 is invalid: Kubernetes requires 1 for liveness probes; remove 'successThreshold'");
    expect(() => Probe.tcp().toJson(ProbeRole.READINESS))
      .toThrow('readiness probe (tcpSocket) has no port and the container declares none');
  });
});
