/**
 * Shapes found in rendered public charts that the rules used to misjudge, each as it appears there.
 */
import { parseAllDocuments } from 'yaml';
import { PolicyPack } from '../../lib';
import { runRules } from '../../lib/policy/engine';
import { Finding } from '../../lib/policy/finding';
import { isCredentialName, isLiteralSecret, nameWords } from '../../lib/policy/rules/credentials';

function audit(yaml: string): Finding[] {
  const manifests = parseAllDocuments(yaml).map((document) => document.toJS());
  return runRules(manifests.map((manifest) => ({ manifest })), PolicyPack.defaults().flatMap((pack) => pack._rules()));
}

const only = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => ({ name: f.name, fieldPath: f.fieldPath, message: f.message }));

describe('Service targets', () => {
  // node-exporter of kube-prometheus-stack: the Service targets 9100 by number; the pod's port is named.
  const nodeExporter = (targetPort: string) => `
apiVersion: v1
kind: Service
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: node-exporter}
  ports:
    - {name: http-metrics, port: 9100, targetPort: ${targetPort}, protocol: TCP}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: node-exporter}}
  template:
    metadata: {labels: {app.kubernetes.io/name: node-exporter}}
    spec:
      containers:
        - name: node-exporter
          image: quay.io/prometheus/node-exporter:v1.9.1
          readinessProbe: {httpGet: {path: /, port: 9100}}
`;

  test('a numeric targetPort that no container declares is routed all the same: no finding', () => {
    expect(only(audit(nodeExporter('9100')), 'HARD-service-selects-pods')).toEqual([]);
  });

  test('a named targetPort that no container declares is still a finding, each port reported', () => {
    expect(only(audit(nodeExporter('metrics')), 'HARD-service-selects-pods')).toEqual([
      { name: 'node-exporter', fieldPath: 'spec.ports[0].targetPort', message: "targetPort 'metrics' is not the name of a TCP container port of the selected pods" },
    ]);
  });

  // kube-prometheus-stack: Services for pods the operator creates from Prometheus and Alertmanager resources.
  const operatorManaged = `
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: rel-kube-prometheus-stack-prometheus, namespace: monitoring}
spec: {portName: http-web}
---
apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: rel-kube-prometheus-stack-alertmanager, namespace: monitoring}
spec: {portName: http-web}
---
apiVersion: v1
kind: Service
metadata: {name: rel-kube-prometheus-stack-prometheus, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: prometheus, operator.prometheus.io/name: rel-kube-prometheus-stack-prometheus}
  ports:
    - {name: http-web, port: 9090, targetPort: 9090}
    - {name: reloader-web, port: 8080, targetPort: reloader-web}
---
apiVersion: v1
kind: Service
metadata: {name: rel-kube-prometheus-stack-alertmanager, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: alertmanager, alertmanager: rel-kube-prometheus-stack-alertmanager}
  ports:
    - {name: http-web, port: 9093, targetPort: 9093, protocol: TCP}
    - {name: reloader-web, port: 8080, targetPort: reloader-web}
---
apiVersion: v1
kind: Service
metadata: {name: typo, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: alertmanager, alertmanager: rel-kube-prometheus-stack-alertmanager}
  ports:
    - {name: web, port: 9093, targetPort: http}
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: other}
spec:
  selector: {app.kubernetes.io/name: prometheus, prometheus: rel-kube-prometheus-stack-prometheus}
  ports: [{port: 9090}]
`;

  test('Services of pods an operator creates from a custom resource in the same render: their labels and ports are known', () => {
    expect(only(audit(operatorManaged), 'HARD-service-selects-pods')).toEqual([
      { name: 'typo', fieldPath: 'spec.ports[0].targetPort', message: "targetPort 'http' is not the name of a TCP container port of the selected pods" },
      { name: 'elsewhere', fieldPath: 'spec.selector', message: "the selector matches no pod template in namespace 'other'" },
    ]);
  });

  test('Services that select control-plane and add-on pods in kube-system: no finding; elsewhere: still a finding', () => {
    const services = [['component', 'kube-scheduler'], ['component', 'etcd'], ['component', 'kube-controller-manager'], ['k8s-app', 'kube-proxy'], ['k8s-app', 'kube-dns']]
      .map(([key, value]) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${value}, namespace: kube-system}\nspec:\n  selector: {${key}: ${value}}\n  ports: [{port: 10259}]\n`);
    const misplaced = 'apiVersion: v1\nkind: Service\nmetadata: {name: sched, namespace: monitoring}\nspec:\n  selector: {component: kube-scheduler}\n  ports: [{port: 10259}]\n';
    const custom = 'apiVersion: v1\nkind: Service\nmetadata: {name: mine, namespace: kube-system}\nspec:\n  selector: {app: mine}\n  ports: [{port: 80}]\n';
    expect(only(audit([...services, misplaced, custom].join('---\n')), 'HARD-service-selects-pods').map((f) => f.name)).toEqual(['sched', 'mine']);
  });
});

describe('readiness probes', () => {
  // grafana with its sidecars (kube-prometheus-stack): only the container that serves the Service port gates traffic.
  const grafana = (readiness: string) => `
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {app.kubernetes.io/name: grafana}
  ports: [{name: http-web, port: 80, targetPort: grafana}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: grafana}}
  template:
    metadata: {labels: {app.kubernetes.io/name: grafana}}
    spec:
      containers:
        - name: grafana-sc-dashboard
          image: quay.io/kiwigrid/k8s-sidecar:1.30.0
        - name: grafana
          image: docker.io/grafana/grafana:12.0.0
          ports: [{name: grafana, containerPort: 3000}]
${readiness}
`;

  test('sidecars that serve no targeted port need none', () => {
    expect(only(audit(grafana('          readinessProbe: {httpGet: {path: /api/health, port: 3000}}')), 'HARD-readiness-probe-set')).toEqual([]);
  });

  test('the serving container without one is reported, and only it', () => {
    expect(only(audit(grafana('')), 'HARD-readiness-probe-set')).toEqual([
      { name: 'grafana', fieldPath: 'spec.template.spec.containers[1].readinessProbe', message: "container 'grafana' serves a port that a Service targets but has no readiness probe" },
    ]);
  });

  test('a pod that declares none of the named target ports is no endpoint: no readiness needed (a Helm test pod with the chart labels)', () => {
    expect(only(audit(grafana('').replace('ports: [{name: grafana, containerPort: 3000}]', 'args: []')), 'HARD-readiness-probe-set')).toEqual([]);
  });

  test('when no container declares a numeric targeted port, one readiness probe in the pod is enough', () => {
    const yaml = grafana('          readinessProbe: {httpGet: {path: /api/health, port: 3000}}').replace('targetPort: grafana', 'targetPort: 3000').replace('ports: [{name: grafana, containerPort: 3000}]', 'args: []');
    expect(only(audit(yaml), 'HARD-readiness-probe-set')).toEqual([]);
    const none = grafana('').replace('targetPort: grafana', 'targetPort: 3000').replace('ports: [{name: grafana, containerPort: 3000}]', 'args: []');
    expect(only(audit(none), 'HARD-readiness-probe-set')).toEqual([
      { name: 'grafana', fieldPath: 'spec.template.spec.containers[0].readinessProbe', message: "a Service routes a port no container declares to this pod, and no container has a readiness probe (container 'grafana-sc-dashboard' is the first)" },
    ]);
  });
});

describe('image pull policy', () => {
  test('an unset policy on :latest or an untagged image is Always, as the API server defaults it', () => {
    const yaml = `
apiVersion: v1
kind: Pod
metadata: {name: test, namespace: monitoring}
spec:
  containers:
    - {name: latest, image: "docker.io/bats/bats:latest"}
    - {name: untagged, image: busybox}
    - {name: pinned, image: "busybox:1.36"}
    - {name: pinned-always, image: "busybox:1.36", imagePullPolicy: Always}
`;
    expect(only(audit(yaml), 'HARD-image-pull-policy')).toEqual([
      { name: 'test', fieldPath: 'spec.containers[2].imagePullPolicy', message: 'container \'pinned\' pulls the tag-referenced image with "IfNotPresent"' },
    ]);
  });
});

describe('credentials in environment variables', () => {
  test.each([
    ['DB_PASSWORD', ['db', 'password'], true],
    ['POSTGRES_PASSWORD', ['postgres', 'password'], true],
    ['apiKey', ['api', 'key'], true],
    ['AWS_SECRET_ACCESS_KEY', ['aws', 'secret', 'access', 'key'], true],
    ['GITHUB_TOKEN', ['github', 'token'], true],
    ['SECRET_KEY_BASE', ['secret', 'key', 'base'], true],
    ['oauthClientSecret', ['oauth', 'client', 'secret'], true],
    ['ALLOW_EMPTY_PASSWORD', ['allow', 'empty', 'password'], false],
    ['POSTGRES_PASSWORD_FILE', ['postgres', 'password', 'file'], false],
    ['CACHE_KEY_PREFIX', ['cache', 'key', 'prefix'], false],
    ['PRIMARY_KEY', ['primary', 'key'], false],
    ['TOKEN_TTL', ['token', 'ttl'], false],
    ['AWS_ACCESS_KEY_ID', ['aws', 'access', 'key', 'id'], false],
    ['KEYCLOAK_URL', ['keycloak', 'url'], false],
    ['secretName', ['secret', 'name'], false],
    ['MONKEY_COUNT', ['monkey', 'count'], false],
  ])('%s is split into %j; a credential: %s', (name, words, credential) => {
    expect(nameWords(name)).toEqual(words);
    expect(isCredentialName(name)).toBe(credential);
  });

  test('switch values and variable references are not secrets', () => {
    expect(['no', 'true', '1', 'Enabled', '$(DB_PASSWORD)', '', '  '].map(isLiteralSecret)).toEqual([false, false, false, false, false, false, false]);
    expect(['hunter2', 'changeme'].map(isLiteralSecret)).toEqual([true, true]);
  });

  test('every offending variable is reported, and a false friend beside a real one hides nothing', () => {
    // The shape of the bitnami postgresql chart's environment, with a real literal password added.
    const yaml = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgresql, namespace: db}
spec:
  selector: {matchLabels: {app: postgresql}}
  template:
    metadata: {labels: {app: postgresql}}
    spec:
      containers:
        - name: postgresql
          image: docker.io/bitnami/postgresql:16.4.0
          env:
            - {name: ALLOW_EMPTY_PASSWORD, value: "no"}
            - {name: POSTGRES_PASSWORD_FILE, value: /opt/bitnami/postgresql/secrets/postgres-password}
            - {name: CACHE_KEY_PREFIX, value: "pg:"}
            - {name: DB_PASSWORD, value: hunter2}
            - {name: REPLICATION_PASSWORD, valueFrom: {secretKeyRef: {name: pg, key: replication-password}}}
            - {name: API_TOKEN, value: abc123}
`;
    expect(only(audit(yaml), 'HARD-no-literal-secrets-in-env')).toEqual([
      { name: 'postgresql', fieldPath: 'spec.template.spec.containers[0].env[3].value', message: "environment variable 'DB_PASSWORD' of container 'postgresql' has a literal value" },
      { name: 'postgresql', fieldPath: 'spec.template.spec.containers[0].env[5].value', message: "environment variable 'API_TOKEN' of container 'postgresql' has a literal value" },
    ]);
  });
});
