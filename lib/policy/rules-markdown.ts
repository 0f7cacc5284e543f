import { ENGINE_RULES } from './engine-rules';
import { RuleInfo, ToolEquivalents } from './finding';
import { PolicyPack } from './pack';

const TOOLS: Array<[keyof ToolEquivalents, string]> = [
  ['pss', 'PSS'], ['kubeScore', 'kube-score'], ['polaris', 'Polaris'], ['kubeLinter', 'kube-linter'], ['checkov', 'Checkov'], ['trivy', 'Trivy'],
];

const DECISIONS = `## Where the tools disagree, and what these rules choose

- **UID and GID thresholds.** kube-score and Checkov want the effective \`runAsUser\`/\`runAsGroup\` >= 10000, Trivy wants > 10000 on each container, PSS only forbids 0. \`HARD-run-as-user-high-uid\` and \`HARD-run-as-group-high-gid\` take the strictest reading (> 10000, effective value), and the constructs set 65532 on the pod and on every container, which passes all of them.
- **runAsNonRoot versus runAsUser.** Polaris, kube-linter and Checkov accept \`runAsUser >= 1\` alone; PSS restricted and Trivy need \`runAsNonRoot: true\`. \`PSS-runAsNonRoot\` follows PSS; the constructs set both.
- **HPA versus replicas.** kube-score wants \`spec.replicas\` omitted when an HPA targets the workload; Polaris \`deploymentMissingReplicas\` wants it set, with no HPA exemption. \`HARD-no-static-replicas-with-hpa\` follows kube-score: a set count is reset on every deploy and drops capacity under load.
- **imagePullPolicy and digests.** kube-score and Polaris want \`Always\` even for digest-pinned images; Checkov accepts a digest with any policy. \`HARD-image-pull-policy\` follows Checkov: a digest cannot change, and \`IfNotPresent\` keeps pods starting when the registry is down.
- **CPU limits.** kube-score, Polaris, Checkov and Trivy want CPU limits. There is no rule for them: a CPU limit throttles the container under a CFS quota even on an idle node, and the CPU request already guarantees its share. Memory limits are required (\`HARD-memory-limit-set\`).
- **Liveness probes.** Only kube-score (as "almost ok"), Polaris and Checkov ask for them everywhere. There is no rule requiring one; \`HARD-liveness-readiness-differ\` catches the dangerous case of a liveness probe identical to readiness. Readiness is required for pods behind a Service (\`HARD-readiness-probe-set\`, kube-score semantics).
- **Anti-affinity versus topology spread.** kube-linter and kube-score count only hostname anti-affinity, Polaris only \`topologySpreadConstraints\`. Both are required for replicated workloads (\`HARD-pod-anti-affinity\`, \`HARD-topology-spread\`), as preferences, so pods never stay Pending.
- **NetworkPolicy shape.** Polaris \`missingNetworkPolicy\` needs non-empty ingress and egress rule lists, so it fails a namespace default-deny policy and a worker that accepts no connections. \`HARD-networkpolicy-covers-pod\` follows kube-score and kube-linter: some policy must select the pod for Ingress and for Egress; an empty rule list is the strictest policy, not a missing one.
- **Checks PSS already makes.** \`privileged\`, \`allowPrivilegeEscalation\`, capabilities, seccomp, host namespaces, host ports and host paths are left to the PodSecurity pack (rules \`PSS-*\`), evaluated exactly as pod-security-admission does, instead of being repeated with slightly different semantics in the Hardening pack. Apply both packs (the default).
- **Cross-object rules in partial audits.** A PodDisruptionBudget, NetworkPolicy, Service target or HPA target that is not part of the audited unit counts as missing. The unit is a chart in a construct tree and a file on the command line, so environments rendered into the same namespace name never match each other's objects; audit a chart split over several files with \`--scope all\`.
`;

function equivalents(rule: RuleInfo): string {
  const parts = TOOLS.map(([key, name]) => [name, rule.equivalents[key] ?? []] as const)
    .filter(([, ids]) => ids.length > 0)
    .map(([name, ids]) => `${name}: ${ids.map((id) => `\`${id}\``).join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'none';
}

function anchor(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

function ruleSection(rule: RuleInfo): string {
  return [
    `### ${rule.id}`,
    '',
    `**${rule.title}** (${rule.severity}; ${rule.kinds.join(', ')})`,
    '',
    `- Why: ${rule.rationale}`,
    `- Reads: \`${rule.fieldPath}\``,
    `- Fix: ${rule.fix}`,
    `- Equivalent checks: ${equivalents(rule)}`,
    '',
  ].join('\n');
}

/**
 * The rule reference (docs/rules.md), generated from the rule definitions so it cannot drift:
 * every rule of every pack with its rationale, fix and the other tools' check ids.
 */
export function renderRulesMarkdown(packs: PolicyPack[] = PolicyPack.defaults()): string {
  const lines: string[] = [
    '# Policy rules',
    '',
    '<!-- Generated from the rule definitions by `npm run docs:rules`; do not edit by hand. -->',
    '',
    'Every rule of the policy packs, with why it exists, what it reads, how to fix a finding, and the checks of',
    'other tools that test the same property. Suppress a rule for one object with the annotation',
    '`suppress.cdk8s-hardened.io/<rule id>: <reason>`, or in the construct tree with',
    '`Suppressions.add(scope, ruleId, reason)`; exempt objects by namespace, kind, name or labels, or',
    'turn rules off or change their severity, in `.cdk8s-hardened.yaml` (see the README). Suppressed and',
    'exempted findings stay in every report with their reason.',
    '',
    '## Contents',
    '',
  ];
  for (const pack of packs) {
    lines.push(`- ${pack.name}: ${pack.rules.map((r) => `[${r.id}](#${anchor(r.id)})`).join(', ')}`);
  }
  lines.push(`- Engine: ${ENGINE_RULES.map((r) => `[${r.id}](#${anchor(r.id)})`).join(', ')}`, '- [Where the tools disagree](#where-the-tools-disagree-and-what-these-rules-choose)', '');
  for (const pack of packs) {
    lines.push(`## ${pack.name}`, '');
    for (const rule of pack.rules) lines.push(ruleSection(rule));
  }
  lines.push('## Engine', '', ...ENGINE_RULES.map(ruleSection), DECISIONS);
  return lines.join('\n');
}
