import { Size } from 'cdk8s';
import * as plus28 from 'cdk8s-plus-28';
import * as plus33 from 'cdk8s-plus-33';
import { Testing } from 'cdk8s';
import { CONFIG_CHECKSUM_ANNOTATION, Probe, WebService } from '../lib';
import { Plus33Chart } from './compat/plus-33/main';
import { chart, only, synth } from './util/synth';

describe('cdk8s-plus lines', () => {
  test('an app on cdk8s-plus-33 renders its env, envFrom, volumes and CPU values', () => {
    const manifests = synth(new Plus33Chart(Testing.app(), 'plus-33'));
    const deployment = only(manifests, 'Deployment');
    const pod = deployment.spec.template.spec;
    const api = pod.containers[0];
    expect(api.resources.requests.cpu).toBe('250m');
    expect(api.resources.limits.cpu).toBe('1');
    expect(api.env).toEqual([
      { name: 'LOG_FORMAT', value: 'json' },
      { name: 'API_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-credentials', key: 'password' } } },
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'LOG_LEVEL' } } },
    ]);
    expect(api.envFrom).toEqual([{ configMapRef: { name: 'api-config' }, prefix: 'CFG_' }, { secretRef: { name: 'api-credentials' } }]);
    expect(pod.volumes).toContainEqual({ name: 'configmap-api-config', configMap: { name: 'api-config' } });
    expect(pod.volumes).toContainEqual({ name: 'secret-api-credentials', secret: { secretName: 'api-credentials' } });
    expect(api.volumeMounts).toContainEqual({ name: 'configmap-api-config', mountPath: '/etc/api', readOnly: true });
    // envFrom and rollOnChange track the ConfigMap and Secret of the app.
    expect(deployment.spec.template.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(only(manifests, 'StatefulSet').spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'postgres-credentials', key: 'password' });
    expect(only(manifests, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].envFrom).toEqual([{ secretRef: { name: 'postgres-credentials' } }]);
  });

  test('values of cdk8s-plus-28 and cdk8s-plus-33 render the same', () => {
    const render = (withLine: (c: ReturnType<typeof chart>) => any) => {
      const c = chart();
      new WebService(c, 'api', { image: 'ghcr.io/acme/api:1.4.2', port: 8080, readiness: Probe.http('/ready'), liveness: Probe.http('/livez'), ...withLine(c) });
      return only(synth(c), 'Deployment').spec.template;
    };
    const on28 = render((c) => {
      const config = new plus28.ConfigMap(c, 'config', { metadata: { name: 'cfg' }, data: { A: 'a' } });
      return {
        resources: { cpu: plus28.Cpu.millis(300), memory: Size.mebibytes(256) },
        envFrom: [plus28.Env.fromConfigMap(config)],
        volumeMounts: [{ volume: plus28.Volume.fromConfigMap(c, 'vol', config), path: '/etc/cfg' }],
      };
    });
    const on33 = render((c) => {
      const config = new plus33.ConfigMap(c, 'config', { metadata: { name: 'cfg' }, data: { A: 'a' } });
      return {
        resources: { cpu: plus33.Cpu.millis(300), memory: Size.mebibytes(256) },
        envFrom: [plus33.Env.fromConfigMap(config)],
        volumeMounts: [{ volume: plus33.Volume.fromConfigMap(c, 'vol', config), path: '/etc/cfg' }],
      };
    });
    expect(on33).toEqual(on28);
    expect(on33.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'cfg' } }]);
    expect(on33.spec.containers[0].resources.requests.cpu).toBe('300m');
    // The ConfigMap given in envFrom is tracked: its data rolls the pods.
    expect(on33.metadata.annotations[CONFIG_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
  });

  test('an envFrom source or volume that is not a cdk8s-plus value is rejected', () => {
    const service = new WebService(chart(), 'api', { image: 'ghcr.io/acme/api:1.4.2', port: 8080, readiness: Probe.http('/ready'), liveness: Probe.http('/livez'), resources: { cpu: { amount: '100m' }, memory: Size.mebibytes(128) } });
    expect(() => service.addEnvFrom({} as any)).toThrow("an envFrom source of container 'app' is not a cdk8s-plus value: use Env.fromConfigMap or Env.fromSecret of cdk8s-plus");
    expect(() => service.addVolumeMount({ volume: { name: 'data' } as any, path: '/data' }))
      .toThrow("volume 'data' of container 'app' is not a cdk8s-plus value: use a Volume of cdk8s-plus, e.g. Volume.fromConfigMap");
  });
});
