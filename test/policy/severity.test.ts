import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { stringify } from 'yaml';
import { Audit, PodSecurityLevel, PolicyPack, Severity } from '../../lib';
import { ENGINE_RULES } from '../../lib/policy/engine';
import { runCli } from '../util/run-cli';

/** A pod that baseline refuses for one reason, written as it is found in the wild. */
function pod(name: string, container: any, spec: any = {}): any {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      ...spec,
      containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.0', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, ...container } }],
    },
  };
}

const BASELINE_VIOLATIONS: Array<[string, string, any]> = [
  ['SYS_ADMIN', 'PSS-capabilities_restricted', pod('sys-admin', { capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } })],
  ['procMount: Unmasked', 'PSS-procMount_restricted', pod('unmasked', { procMount: 'Unmasked' })],
  ['seccomp: Unconfined', 'PSS-seccompProfile_restricted', pod('unconfined', { seccompProfile: { type: 'Unconfined' } })],
  ['hostPath /var/run/docker.sock', 'PSS-restrictedVolumes', pod('docker-sock', {}, { volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] })],
];

describe('severities: baseline controls are HIGH at every level', () => {
  test.each(BASELINE_VIOLATIONS)('%s is HIGH at the restricted level, reported by %s', (_what, ruleId, manifest) => {
    for (const level of [PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED]) {
      const findings = Audit.manifests([manifest], { packs: [PolicyPack.podSecurity({ level })] }).findings;
      expect(findings.length).toBeGreaterThan(0);
      for (const finding of findings) expect({ level, ruleId: finding.ruleId, severity: finding.severity }).toMatchObject({ severity: Severity.HIGH });
    }
    const restricted = Audit.manifests([manifest], { packs: [PolicyPack.podSecurity()] }).findings;
    expect(restricted.map((f) => f.ruleId)).toEqual([ruleId]);
    expect(restricted[0].message).toMatch(/; the baseline level refuses this pod too \(\w+\)$/);
  });

  test('restricted-only violations stay MEDIUM', () => {
    const restrictedOnly = pod('no-drop', { capabilities: { add: ['NET_BIND_SERVICE'] } });
    const findings = Audit.manifests([restrictedOnly], { packs: [PolicyPack.podSecurity()] }).findings;
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['PSS-capabilities_restricted', Severity.MEDIUM]]);
  });

  test('--fail-on high fails each pod that baseline refuses, at the default level', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-severity-'));
    for (const [what, , manifest] of BASELINE_VIOLATIONS) {
      const file = join(dir, `${manifest.metadata.name}.yaml`);
      writeFileSync(file, stringify(manifest));
      const result = await runCli(['audit', file, '--pack', 'pod-security', '--fail-on', 'high']);
      expect({ what, code: result.code }).toEqual({ what, code: 1 });
    }
  });

  test('every rule of every pack, and the engine\'s own, says why it has its severity', () => {
    const packs = [PolicyPack.podSecurity({ level: PodSecurityLevel.BASELINE }), PolicyPack.podSecurity(), PolicyPack.hardening(), PolicyPack.rbac()];
    for (const rule of [...packs.flatMap((p) => p.rules), ...ENGINE_RULES]) {
      expect({ id: rule.id, reason: rule.severityReason ?? '' }).toEqual({ id: rule.id, reason: expect.stringMatching(new RegExp(`^${rule.severity.toUpperCase()}`)) });
    }
  });

  test('every fix is in Kubernetes terms, and construct fixes are separate', () => {
    const rules = PolicyPack.defaults().flatMap((p) => p.rules);
    for (const rule of rules) expect({ id: rule.id, fix: rule.fix }).not.toEqual({ id: rule.id, fix: expect.stringMatching(/cdk8s-hardened(?!\.io\/)|Probe\.(http|tcp|grpc|exec)\(|EnvValue|NodeAgent|autoscale\(\)|spread: true/) });
    expect(rules.filter((r) => r.constructFix).length).toBeGreaterThan(20);
  });
});
