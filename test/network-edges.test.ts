import { allowedEdges, Endpoint } from './util/network-edges';

/** The evaluator behind the allowed-edges test, checked against NetworkPolicy semantics case by case. */
const pod = (namespace: string, name: string, ports: Endpoint['ports'] = [{ port: 80, protocol: 'TCP', name: 'http' }]): Endpoint =>
  ({ id: `${namespace}/${name}`, namespace, labels: { app: name }, ports });
const policy = (namespace: string, app: string | undefined, spec: any) =>
  ({ kind: 'NetworkPolicy', metadata: { name: `p-${app ?? 'all'}`, namespace }, spec: { podSelector: app ? { matchLabels: { app } } : {}, ...spec } });

describe('the NetworkPolicy evaluator of the allowed-edges test', () => {
  const a = pod('one', 'a');
  const b = pod('one', 'b');
  const c = pod('two', 'c');

  test('without policies everything is allowed; a default deny isolates both directions', () => {
    expect(allowedEdges([], [a, b])).toEqual(['one/a -> one/a:80/TCP', 'one/a -> one/b:80/TCP', 'one/b -> one/a:80/TCP', 'one/b -> one/b:80/TCP']);
    expect(allowedEdges([policy('one', undefined, { policyTypes: ['Ingress', 'Egress'] })], [a, b, c])).toEqual(['two/c -> two/c:80/TCP']);
  });

  test('both ends must allow: egress of the source and ingress of the destination', () => {
    const deny = policy('one', undefined, { policyTypes: ['Ingress', 'Egress'] });
    const ingressOnly = policy('one', 'b', { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] });
    expect(allowedEdges([deny, ingressOnly], [a, b])).toEqual([]);
    const egress = policy('one', 'a', { policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'b' } } }], ports: [{ port: 80 }] }] });
    expect(allowedEdges([deny, ingressOnly, egress], [a, b])).toEqual(['one/a -> one/b:80/TCP']);
  });

  test('a podSelector alone means the policy namespace; with a namespaceSelector both must match; separate peers are alternatives', () => {
    const onlyB = policy('one', 'b', { policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'c' } } }] }] });
    expect(allowedEdges([onlyB], [b, c]).filter((e) => e.endsWith('one/b:80/TCP'))).toEqual([]);
    const both = policy('one', 'b', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'two' } }, podSelector: { matchLabels: { app: 'x' } } }] }] });
    expect(allowedEdges([both], [b, c]).filter((e) => e.endsWith('one/b:80/TCP'))).toEqual([]);
    const either = policy('one', 'b', { policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'two' } } }, { podSelector: { matchLabels: { app: 'x' } } }] }] });
    expect(allowedEdges([either], [b, c]).filter((e) => e.endsWith('one/b:80/TCP'))).toEqual(['two/c -> one/b:80/TCP']);
  });

  test('ports: protocol, named ports, ranges', () => {
    const multi = pod('one', 'm', [{ port: 80, protocol: 'TCP', name: 'http' }, { port: 53, protocol: 'UDP' }, { port: 9000, protocol: 'TCP' }, { port: 9005, protocol: 'TCP' }]);
    const p = policy('one', 'm', { policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'http' }, { port: 53, protocol: 'UDP' }, { port: 9001, endPort: 9010 }] }] });
    expect(allowedEdges([p], [multi]).sort()).toEqual(['one/m -> one/m:53/UDP', 'one/m -> one/m:80/TCP', 'one/m -> one/m:9005/TCP']);
  });

  test('ipBlocks match addresses in the range and not in except; cluster pods only by 0.0.0.0/0', () => {
    const inside: Endpoint = { id: 'db', ip: '10.20.1.5', labels: {}, ports: [{ port: 5432, protocol: 'TCP' }] };
    const excepted: Endpoint = { id: 'excepted', ip: '10.20.9.5', labels: {}, ports: [{ port: 5432, protocol: 'TCP' }] };
    const p = policy('one', 'a', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.9.0/24'] } }] }] });
    expect(allowedEdges([p], [a, inside, excepted]).filter((e) => e.startsWith('one/a'))).toEqual(['one/a -> db:5432/TCP']);
    const open = policy('one', 'a', { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(allowedEdges([open], [a, b]).filter((e) => e.startsWith('one/a'))).toEqual(['one/a -> one/a:80/TCP', 'one/a -> one/b:80/TCP']);
  });
});
