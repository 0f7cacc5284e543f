import { NetworkPeer, SizePreset, WebService, Worker } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, synth } from './util/synth';

const DNS = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};

function build() {
  const c = chart();
  const api = new WebService(c, 'api', { ...WEB_SERVICE, ports: [{ number: 9102, name: 'metrics' }] });
  api.addSidecar({ name: 'envoy', image: 'envoyproxy/envoy:v1.31.2', size: SizePreset.SMALL, ports: [{ number: 15000, name: 'admin' }] });
  const worker = new Worker(c, 'worker', { image: 'ghcr.io/acme/worker:1.0.0', size: SizePreset.SMALL });
  const policies = () => Object.fromEntries(synth(c)
    .filter((m) => m.kind === 'NetworkPolicy').map((p) => [p.metadata.name, p.spec]));
  return { c, api, worker, policies };
}

describe('least-privilege networking', () => {
  test('nothing gets in by default: no implicit same-namespace ingress, not even to the serving port', () => {
    const { policies } = build();
    expect(policies().api.ingress).toEqual([]);
    expect(policies().api.egress).toEqual([DNS]);
  });

  test("allowToWorkload opens the target's serving port only: sidecar and metrics ports stay closed", () => {
    const { api, worker, policies } = build();
    worker.allowToWorkload(api);
    const selector = (labels: any) => ({ podSelector: { matchLabels: labels } });
    expect(policies().api.ingress).toEqual([{ from: [selector(worker.selectorLabels)], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(policies().worker.egress).toEqual([DNS, { to: [selector(api.selectorLabels)], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  });

  test('allowToWorkload opens the ports named, and connecting twice renders one rule', () => {
    const { api, worker, policies } = build();
    worker.allowToWorkload(api, [{ port: 15000 }]);
    worker.allowToWorkload(api, [{ port: 15000 }]);
    expect(policies().api.ingress).toEqual([{ from: [{ podSelector: { matchLabels: worker.selectorLabels } }], ports: [{ port: 15000, protocol: 'TCP' }] }]);
  });

  test('one call each: same namespace (opt-in), the ingress controller, the monitoring namespace to the metrics port', () => {
    const { api, policies } = build();
    api.allowFromSameNamespace();
    api.allowFromIngressController();
    api.allowFromIngressController('traefik', { 'app.kubernetes.io/name': 'traefik' });
    api.allowMetricsScrape();
    const namespace = (name: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } });
    expect(policies().api.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] },
      { from: [{ ...namespace('ingress-nginx'), podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] },
      { from: [{ ...namespace('traefik'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
      { from: [{ ...namespace('monitoring'), podSelector: {} }], ports: [{ port: 9102, protocol: 'TCP' }] },
    ]);
  });

  test('a metrics port given by number; allowFrom with named ports', () => {
    const { api, policies } = build();
    api.allowMetricsScrape('observability', 15000);
    api.allowFrom(NetworkPeer.cidr('10.0.0.0/8'), [{ port: 8080 }, { port: 9102 }]);
    expect(policies().api.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: {} }], ports: [{ port: 15000, protocol: 'TCP' }] },
      { from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080, protocol: 'TCP' }, { port: 9102, protocol: 'TCP' }] },
    ]);
  });

  test('a worker serves nothing, so ingress to it must name its ports', () => {
    const { api, worker } = build();
    expect(() => api.allowToWorkload(worker)).toThrow("'api' connecting to 'worker': 'worker' serves no port, so there is nothing to open by default: name the ports, e.g. [{ port: 9090 }]");
    expect(() => worker.allowFromSameNamespace()).toThrow("allowFrom(the same namespace) on 'worker': 'worker' serves no port");
  });
});
