import { LEFT_OUT_PROPERTIES } from './catalog-coverage';
import { ENGINE_RULES } from './engine';
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
- **Liveness probes.** Polaris and Checkov want one on every container, kube-linter (opt-in) too, kube-score calls its absence "almost ok". \`HARD-liveness-probe-set\` is LOW, so it is reported but passes the CLI's default \`--fail-on medium\`; like kube-score it applies to pods behind a Service, and only to the containers serving the Service's ports. StatefulSets are exempt: restarting a datastore that is slowly replaying its log makes recovery a crash loop (the StatefulService construct leaves liveness to the author for that reason). \`HARD-liveness-readiness-differ\` catches the dangerous case of a liveness probe identical to readiness. Readiness is required for pods behind a Service (\`HARD-readiness-probe-set\`, kube-score semantics).
- **Anti-affinity versus topology spread.** kube-linter and kube-score count only hostname anti-affinity, Polaris only \`topologySpreadConstraints\`. Both are required for replicated workloads (\`HARD-pod-anti-affinity\`, \`HARD-topology-spread\`), as preferences, so pods never stay Pending.
- **NetworkPolicy shape.** Polaris \`missingNetworkPolicy\` needs non-empty ingress and egress rule lists, so it fails a namespace default-deny policy and a worker that accepts no connections. \`HARD-networkpolicy-covers-pod\` follows kube-score and kube-linter: some policy must select the pod for Ingress and for Egress; an empty rule list is the strictest policy, not a missing one.
- **Restart policies.** kube-linter's opt-in \`restart-policy\` wants Always or OnFailure on every workload; kube-score wants OnFailure or Never on CronJobs. \`HARD-restart-policy-valid\` follows the API server: Jobs and CronJobs need an explicit OnFailure or Never (Never is right when backoffLimit counts the retries), other controllers only accept Always.
- **Privileged ports.** kube-linter (opt-in) and Trivy flag container ports below 1024 (\`HARD-no-privileged-ports\`). The constructs refuse them at construction: their containers run as non-root without NET_BIND_SERVICE, so such a port could not be bound anyway; a WebService still publishes port 80 or 443 through \`servicePort\`.
- **Explicit security contexts.** Trivy rates a missing securityContext HIGH, Checkov has no severity. \`HARD-security-context-set\` is MEDIUM: the absence is a restricted-level concern, and the dangerous values are HIGH findings of their own (\`PSS-privileged\`, \`PSS-capabilities_baseline\`, ...).
- **Removed and deprecated APIs.** kube-score \`stable-version\`, kube-linter \`no-extensions-v1beta\` and Trivy KSV-0107 flag a few old beta versions whatever the cluster; pluto and kubent judge them against a target release. The ApiVersions pack does the latter (\`--k8s-version\`, default the newest release known): \`API-removed\` is HIGH because the API server rejects the object, \`API-deprecated\` LOW because it still works.
- **Checks PSS already makes.** \`privileged\`, \`allowPrivilegeEscalation\`, capabilities, seccomp, host namespaces, host ports and host paths are left to the PodSecurity pack (rules \`PSS-*\`), evaluated exactly as pod-security-admission does, instead of being repeated with slightly different semantics in the Hardening pack. Apply both packs (the default).
- **RBAC as a pack of its own, on by default.** Roles and bindings are often owned by a platform team apart from the workloads, so the \`RBAC-*\` rules are the \`Rbac\` pack (\`PolicyPack.rbac()\`, \`--pack rbac\`), which \`PolicyPack.defaults()\` and the command line include. Permissions are read as the RBAC authorizer reads them: exact, case-sensitive names, \`*\` and \`*/subresource\` wildcards, and a rule with \`resourceNames\` applies to the named objects only (so it is not "every Secret", and cannot create). A lone string where a list belongs (\`verbs: "*"\`) is read as a one-item list.
- **Where RBAC findings go.** What a role grants is reported on the Role or ClusterRole, with the bindings that give it its reach; whom a binding grants it to (cluster-admin, \`system:\` groups, a \`default\` ServiceAccount) on the binding. Polaris reports both ways; kube-linter reports on bindings, Trivy on roles.
- **Secret access, cluster-wide above namespace-wide.** A ClusterRole bound by a ClusterRoleBinding reads Secrets everywhere (\`RBAC-secrets-read-cluster\`, high, as Trivy KSV-0041 rates it critical and CIS 5.1.2 asks); a Role, or a ClusterRole bound only by RoleBindings, reads one namespace's (\`RBAC-secrets-read-namespace\`, medium, as Trivy KSV-0113). A ClusterRole that no binding of the audit refers to is judged cluster-wide: whoever binds it decides its reach, and a ClusterRoleBinding is the usual way.
- **Aggregated ClusterRoles** count with the rules of the ClusterRoles of the audit their \`clusterRoleSelectors\` take in (transitively); an empty selector takes in every ClusterRole of the cluster, cluster-admin included, and is read as \`*\` on \`*\`. Built-in roles that the audit does not hold are judged by name only: a binding to \`cluster-admin\` is reported, one to \`admin\`, \`edit\` or \`view\` is not.
- **RBAC severities.** Critical where one binding is a cluster takeover (cluster-admin or a role with \`*\` on \`*\` in \`*\`, a \`system:\` group such as system:authenticated, impersonation; Polaris danger, Trivy critical); high for permissions that lead there in a step (wildcards, cluster-wide Secret reads, creating pods or workloads, exec/attach, escalate/bind, nodes/proxy, writing admission webhook configurations; Polaris danger, Trivy high or critical); medium for namespace-wide Secret reads and the \`default\` ServiceAccount (Trivy medium, Checkov without severity).
- **Exposure is part of Hardening.** \`HARD-service-exposure\`, \`HARD-service-external-ips\`, \`HARD-loadbalancer-source-ranges\`, \`HARD-ingress-tls\` and \`HARD-networkpolicy-open-rule\` sit beside the NetworkPolicy coverage rule they complete, so turning off exposure means turning off network hardening as a whole. kube-score reports every NodePort and kube-linter (opt-in) every NodePort and LoadBalancer; here an intended one passes with the annotation \`cdk8s-hardened.io/exposure: <reason>\`, so the reason is in the manifest for the next reviewer. \`externalIPs\` has no opt-in (CVE-2020-8554): suppress it with a reason where a bare-metal setup needs it.
- **Open NetworkPolicy rules.** A rule that admits every peer on every port (\`ingress: [{}]\`, a null rule, no \`from\`/\`to\`, \`ipBlock\` 0.0.0.0/0 or ::/0 without \`except\`, an empty \`namespaceSelector\` alone) is reported by \`HARD-networkpolicy-open-rule\` and does not count as isolation for \`HARD-networkpolicy-covers-pod\` (kube-score and kube-linter count it). A rule limited to ports (egress to 0.0.0.0/0 on 443 to reach an external API) is a deliberate opening: it is not reported and still isolates the other ports.
- **Cross-object rules in partial audits.** A PodDisruptionBudget, NetworkPolicy, Service target, HPA target, Ingress backend Service or StatefulSet governing Service that is not part of the audited unit counts as missing, and a NetworkPolicy whose pods are not in the unit selects nothing. The unit is a chart in a construct tree and a file on the command line, so environments rendered into the same namespace name never match each other's objects; audit a chart split over several files with \`--scope all\`.
`;

function leftOutSection(): string[] {
  const lines = [
    '## Catalog properties without a rule',
    '',
    'The hardening catalog merges the checks of PSS, kube-score, Polaris, kube-linter, Checkov and Trivy into 94 properties.',
    'Every high or medium property has a rule above (its peer check ids are under "Equivalent checks"), except these:',
    '',
    '| property | why there is no rule |',
    '|---|---|',
  ];
  for (const entry of LEFT_OUT_PROPERTIES) lines.push(`| ${entry.title} (\`${entry.property}\`) | ${entry.because}: ${entry.reason} |`);
  lines.push('');
  return lines;
}

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
    `- Severity: ${rule.severityReason ?? rule.severity}`,
    `- Fix: ${rule.fix}`,
    ...(rule.constructFix ? [`- With cdk8s-hardened: ${rule.constructFix}`] : []),
    `- Equivalent checks: ${equivalents(rule)}`,
    '',
  ].join('\n');
}

const SEVERITY_MODEL = `## How severities are chosen

One scale for every pack, so that \`--fail-on high\` means the same everywhere:

- **CRITICAL**: the audit could not evaluate an object (\`INTERNAL-error\`); such an object never passes a gate.
- **HIGH**: what the API server refuses, and definite defects. Every baseline control of the Pod Security Standards is HIGH at every level, also when a restricted check reports it (at the restricted level \`capabilities_restricted\`, \`seccompProfile_restricted\`, \`procMount_restricted\` and \`restrictedVolumes\` replace their baseline checks; a violation the replaced baseline check refuses too, such as \`SYS_ADMIN\`, \`Unconfined\`, \`procMount: Unmasked\` or a hostPath, is reported HIGH). Fields of the wrong type (\`INPUT-field-type\`), which the API server rejects. Among the hardening rules: literal credentials, unpinned images, and wiring that silently does nothing (a Service without endpoints, an autoscaler without a target, a budget without a policy, a malformed spread constraint, a static replica count under an autoscaler).
- **MEDIUM**: defence in depth and operability. Restricted-only controls, and hardening beyond them: read-only root filesystem, high UIDs, service-account tokens, NetworkPolicies, requests and limits, probes, disruption budgets, spread.
- **LOW**: hygiene (\`HARD-namespace-set\`).

Against the other tools: Polaris \`danger\` and kube-score \`critical\` map to HIGH where the failure is a refusal by baseline, a disclosure or a definite defect; where those tools rate a defence-in-depth or capacity check critical (kube-score: \`container-resources\` limits, \`container-ephemeral-storage-request-and-limit\`, \`pod-networkpolicy\`, \`pod-probes\`, \`pod-probes-identical\`, \`container-security-context-readonlyrootfilesystem\`; Polaris: \`runAsRootAllowed\`, \`privilegeEscalationAllowed\`), this project rates it MEDIUM and says so in the rule's severity line. Polaris \`warning\` and kube-score \`warning\` map to MEDIUM. Each rule's "Severity" line gives its reason and the other tools' ratings.
`;

/** Findings on rendered public charts that the documentation lists, with why each one is right. */
export interface CorpusFindingsDoc {
  readonly charts: ReadonlyArray<{
    readonly file: string;
    readonly chart: string;
    readonly findings: ReadonlyArray<{ readonly ruleId: string; readonly object: string; readonly why: string }>;
    readonly notes: string;
  }>;
}

function corpusSection(corpus: CorpusFindingsDoc): string {
  const lines = [
    '## HIGH and CRITICAL findings on real charts',
    '',
    'The audit with the default packs on rendered public Helm charts (default values), every HIGH or CRITICAL finding, and why it is right. A test pins this list, so a change in what the rules report on real input is seen.',
    '',
  ];
  for (const chart of corpus.charts) {
    lines.push(`### ${chart.chart} (\`${chart.file}\`)`, '');
    if (chart.findings.length === 0) lines.push('No HIGH or CRITICAL finding.', '');
    for (const finding of chart.findings) lines.push(`- \`${finding.ruleId}\` on ${finding.object}: ${finding.why}`);
    if (chart.findings.length > 0) lines.push('');
    lines.push(chart.notes, '');
  }
  return lines.join('\n');
}

/**
 * The rule reference (docs/rules.md), generated from the rule definitions so it cannot drift:
 * every rule of every pack with its rationale, severity reason, fixes and the other tools' check
 * ids; the severity model; and, when given, the findings on real charts.
 */
export function renderRulesMarkdown(packs: PolicyPack[] = PolicyPack.defaults(), corpus?: CorpusFindingsDoc): string {
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
  lines.push(`- Engine: ${ENGINE_RULES.map((r) => `[${r.id}](#${anchor(r.id)})`).join(', ')}`, '- [How severities are chosen](#how-severities-are-chosen)', '- [Where the tools disagree](#where-the-tools-disagree-and-what-these-rules-choose)');
  lines.push('- [Catalog properties without a rule](#catalog-properties-without-a-rule)');
  if (corpus) lines.push('- [HIGH and CRITICAL findings on real charts](#high-and-critical-findings-on-real-charts)');
  lines.push('');
  for (const pack of packs) {
    lines.push(`## ${pack.name}`, '');
    for (const rule of pack.rules) lines.push(ruleSection(rule));
  }
  lines.push('## Engine', '', ...ENGINE_RULES.map(ruleSection), SEVERITY_MODEL, DECISIONS, ...leftOutSection());
  if (corpus) lines.push(corpusSection(corpus));
  return lines.join('\n');
}
