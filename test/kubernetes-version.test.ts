import { App, Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { HardenedNamespace, KubernetesVersion, PreStopMethod, Probe, ScheduledJob, WebService, WebServiceProps } from '../lib';
import { schemaErrors } from './util/schema';
import { only, synth } from './util/synth';

const props: WebServiceProps = {
  image: 'ghcr.io/acme/api:1.4.2', port: 8080,
  readiness: Probe.http('/ready'), liveness: Probe.http('/healthz'),
  resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) },
};

function chartAt(version?: KubernetesVersion, app: App = Testing.app(), id = 'shop'): Chart {
  const chart = new Chart(app, id, { namespace: id });
  if (version) KubernetesVersion.use(chart, version);
  return chart;
}

const preStopOf = (manifests: any[]) => only(manifests, 'Deployment').spec.template.spec.containers[0].lifecycle.preStop;

describe('KubernetesVersion', () => {
  test('parses 1.N and v1.N in the supported range; names the value and the range otherwise', () => {
    expect(KubernetesVersion.of('1.30')).toBe(KubernetesVersion.V1_30);
    expect(KubernetesVersion.of('v1.33')).toBe(KubernetesVersion.V1_33);
    expect(KubernetesVersion.DEFAULT).toBe(KubernetesVersion.V1_28);
    expect(KubernetesVersion.V1_31.podSecurityVersion).toBe('v1.31');
    expect(KubernetesVersion.V1_31.isAtLeast(KubernetesVersion.V1_30)).toBe(true);
    expect(KubernetesVersion.V1_29.isAtLeast(KubernetesVersion.V1_30)).toBe(false);
    expect(() => KubernetesVersion.of('1.27')).toThrow('Kubernetes version 1.27 is not supported: use a version from 1.28 to 1.33');
    expect(() => KubernetesVersion.of('1.34')).toThrow('Kubernetes version 1.34 is not supported: use a version from 1.28 to 1.33');
    expect(() => KubernetesVersion.of('2.0')).toThrow("Kubernetes version '2.0' is not of the form 1.N: use e.g. '1.30' (supported: 1.28 to 1.33)");
    expect(() => KubernetesVersion.of('1.30.2')).toThrow("Kubernetes version '1.30.2' is not of the form 1.N");
  });

  test('the preStop pause is an exec sleep before 1.30 and the native sleep action from 1.30', () => {
    for (const [version, expected] of [
      [undefined, { exec: { command: ['sleep', '5'] } }],
      [KubernetesVersion.V1_29, { exec: { command: ['sleep', '5'] } }],
      [KubernetesVersion.V1_30, { sleep: { seconds: 5 } }],
      [KubernetesVersion.V1_33, { sleep: { seconds: 5 } }],
    ] as const) {
      const chart = chartAt(version);
      new WebService(chart, 'api', props);
      expect([version?.name, preStopOf(synth(chart))]).toEqual([version?.name, expected]);
    }
    // An explicit method wins where the version has it.
    const chart = chartAt(KubernetesVersion.V1_33);
    new WebService(chart, 'api', { ...props, preStopMethod: PreStopMethod.EXEC_SLEEP });
    expect(preStopOf(synth(chart))).toEqual({ exec: { command: ['sleep', '5'] } });
  });

  test('the sleep action on a version without it is refused', () => {
    expect(() => new WebService(chartAt(KubernetesVersion.V1_29), 'api', { ...props, preStopMethod: PreStopMethod.SLEEP_ACTION }))
      .toThrow('preStopMethod SLEEP_ACTION needs Kubernetes 1.30 or later, but the target is 1.29: set kubernetesVersion to KubernetesVersion.V1_30 or later, or use PreStopMethod.EXEC_SLEEP');
  });

  test('set on the App, overridden by a Chart and by a prop; charts do not leak into each other', () => {
    const app = Testing.app();
    KubernetesVersion.use(app, KubernetesVersion.V1_31);
    const prod = chartAt(undefined, app, 'prod');
    const legacy = chartAt(KubernetesVersion.V1_28, app, 'legacy');
    const api = new WebService(prod, 'api', props);
    const old = new WebService(legacy, 'api', props);
    const pinned = new WebService(prod, 'pinned', { ...props, kubernetesVersion: KubernetesVersion.V1_29 });
    expect([api.kubernetesVersion, old.kubernetesVersion, pinned.kubernetesVersion]).toEqual([KubernetesVersion.V1_31, KubernetesVersion.V1_28, KubernetesVersion.V1_29]);
    expect(preStopOf(synth(legacy))).toEqual({ exec: { command: ['sleep', '5'] } });
  });

  test('setting the version after constructs read another one fails; constructs with their own are not affected', () => {
    const chart = chartAt();
    new WebService(chart, 'pinned', { ...props, kubernetesVersion: KubernetesVersion.V1_29 });
    const inner = new Chart(chart, 'inner');
    KubernetesVersion.use(inner, KubernetesVersion.V1_32);
    new WebService(inner, 'worker', props);
    // Neither the pinned construct nor the one under its own setting changes: allowed.
    KubernetesVersion.use(chart, KubernetesVersion.V1_30);
    new WebService(chart, 'api', props);
    expect(() => KubernetesVersion.use(chart, KubernetesVersion.V1_31))
      .toThrow("KubernetesVersion.use(shop, 1.31) comes after 'shop/api' was created for 1.30: set the version before adding constructs");
    // The failed call changed nothing.
    expect(KubernetesVersion.forScope(chart)).toBe(KubernetesVersion.V1_30);
  });

  test('HardenedNamespace pins the Pod Security Standards version of the target', () => {
    // A chart without a namespace of its own, so it can create several.
    const chart = new Chart(Testing.app(), 'cluster');
    KubernetesVersion.use(chart, KubernetesVersion.V1_32);
    new HardenedNamespace(chart, 'shop');
    new HardenedNamespace(chart, 'latest', { podSecurityVersion: 'latest' });
    const [pinned, latest] = synth(chart).filter((m) => m.kind === 'Namespace');
    for (const mode of ['enforce', 'audit', 'warn']) {
      expect(pinned.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('v1.32');
      expect(latest.metadata.labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('latest');
    }
  });

  test('the schema check follows the version: the sleep action is unknown to 1.28 and valid at 1.33', () => {
    const chart = chartAt(KubernetesVersion.V1_33);
    new WebService(chart, 'api', { ...props, preStopPause: Duration.seconds(10) });
    new ScheduledJob(chart, 'nightly', { image: 'ghcr.io/acme/job:1.0.0', schedule: '0 3 * * *', resources: props.resources });
    const manifests = synth(chart);
    const deployment = only(manifests, 'Deployment');
    expect(schemaErrors(deployment, KubernetesVersion.V1_33)).toEqual([]);
    expect(schemaErrors(deployment, KubernetesVersion.V1_28)).toEqual([
      "Deployment/api: unknown field 'spec.template.spec.containers.0.lifecycle.preStop.sleep'",
    ]);
  });
});
