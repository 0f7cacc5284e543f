import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { NodeAgent, NodeAgentProps, TaintEffect } from '../lib';
import { chart, only, synth } from './util/synth';

const base: NodeAgentProps = {
  image: 'fluent/fluent-bit:3.1.9',
  resources: { cpu: Cpu.millis(50), memory: Size.mebibytes(64) },
  priorityClassName: 'system-node-critical',
};

describe('NodeAgent', () => {
  test('a hardened DaemonSet without host access by default', () => {
    const c = chart('logging');
    new NodeAgent(c, 'log-agent', { ...base, tolerations: [{}, { key: 'dedicated', value: 'gpu', effect: TaintEffect.NO_SCHEDULE }] });
    const manifests = synth(c);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['DaemonSet', 'NetworkPolicy', 'ServiceAccount']);
    const ds = only(manifests, 'DaemonSet');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.metadata.annotations).toBeUndefined();
    const pod = ds.spec.template.spec;
    expect(pod.priorityClassName).toBe('system-node-critical');
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }, { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }]);
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('host access is explicit, read-only by default, and carries its reason as suppressions', () => {
    const c = chart('logging');
    const reason = 'ships container logs from /var/log/pods';
    new NodeAgent(c, 'log-agent', {
      ...base,
      hostAccess: { reason, hostNetwork: true, hostPaths: [{ hostPath: '/var/log', mountPath: '/host/var/log' }, { hostPath: '/var/lib/fluent-bit', mountPath: '/state', readOnly: false }] },
    });
    const ds = only(synth(c), 'DaemonSet');
    expect(ds.metadata.annotations).toEqual({
      'suppress.cdk8s-hardened.io/PSS-hostPathVolumes': reason,
      'suppress.cdk8s-hardened.io/PSS-restrictedVolumes': reason,
      'suppress.cdk8s-hardened.io/PSS-hostNamespaces': reason,
    });
    const pod = ds.spec.template.spec;
    expect(pod.hostNetwork).toBe(true);
    expect(pod.dnsPolicy).toBe('ClusterFirstWithHostNet');
    expect(pod.volumes).toContainEqual({ name: 'host-0', hostPath: { path: '/var/log' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'host-0', mountPath: '/host/var/log', readOnly: true });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'host-1', mountPath: '/state', readOnly: false });
  });

  test('a system directory or runtime socket stays a finding of its own: the hostAccess reason does not cover it', () => {
    const c = chart('monitoring');
    new NodeAgent(c, 'node-exporter', { ...base, hostAccess: { reason: 'reads node metrics from /proc', hostPaths: [{ hostPath: '/proc', mountPath: '/host/proc' }] } });
    const ds = only(synth(c, { expectFindings: ['HARD-no-sensitive-host-mounts'] }), 'DaemonSet');
    expect(Object.keys(ds.metadata.annotations)).not.toContain('suppress.cdk8s-hardened.io/HARD-no-sensitive-host-mounts');
  });

  test('bad input is named', () => {
    const build = (props: Partial<NodeAgentProps>) => () => new NodeAgent(chart('logging'), 'log-agent', { ...base, ...props });
    expect(build({ hostAccess: { reason: ' ', hostNetwork: true } })).toThrow("hostAccess of node agent 'log-agent' has no reason: say why the agent needs the host, e.g. 'ships container logs from /var/log/pods'");
    expect(build({ hostAccess: { reason: 'x' } })).toThrow("hostAccess of node agent 'log-agent' grants nothing: give hostPaths or hostNetwork, or remove hostAccess");
    expect(build({ hostAccess: { reason: 'x', hostPaths: [{ hostPath: 'var/log', mountPath: '/l' }] } })).toThrow("host path 'var/log' of node agent 'log-agent' is not absolute");
    expect(build({ maxUnavailable: 0 })).toThrow('maxUnavailable 0 is invalid: use a whole number of at least 1');
    expect(build({ tolerations: [{ key: 'node role/infra' }] })).toThrow("toleration key 'node role/infra' has an invalid prefix 'node role'");
    expect(build({ tolerations: [{ key: 'dedicated', value: 'log agents' }] })).toThrow("toleration 'dedicated' value 'log agents' is not a valid label value");
    expect(build({ tolerations: [{ value: 'infra' }] })).toThrow("toleration with value 'infra' has no key: a value matches only a taint with a key; give key, or drop value to tolerate every taint");
  });
});
