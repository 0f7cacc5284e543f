import { ApiObject, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import { ConfigMap, Cpu } from 'cdk8s-plus-28';
import { HardenedNamespace, NetworkPeer, Probe, ScheduledJob, ScheduledJobProps, SizePreset, StatefulService, StatefulServiceProps, WebService, Worker } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, only, synth } from './util/synth';

const cron: ScheduledJobProps = { image: 'ghcr.io/acme/backup:1.0.0', size: SizePreset.SMALL, schedule: '30 2 * * *' };
const database: StatefulServiceProps = {
  image: 'postgres:16.4-alpine',
  port: 5432,
  readiness: Probe.exec(['pg_isready']),
  resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
};

describe('everything that reaches the apiserver is validated at construction', () => {
  describe('ports', () => {
    test('allowTo with a port out of range', () => {
      const api = new WebService(chart(), 'api', WEB_SERVICE);
      expect(() => api.allowTo(NetworkPeer.cidr('10.0.0.0/8'), [{ port: 70000 }]))
        .toThrow("allowTo(CIDR 10.0.0.0/8) on 'api': port 70000 is out of range: use an integer from 1 to 65535");
      expect(() => api.allowTo(NetworkPeer.cidr('10.0.0.0/8'), [{ port: 5432.5 }])).toThrow('port 5432.5 is out of range');
      expect(() => api.allowTo(NetworkPeer.cidr('10.0.0.0/8'), [{ port: 53, protocol: 'ICMP' }]))
        .toThrow("allowTo(CIDR 10.0.0.0/8) on 'api': port 53 protocol 'ICMP' is not known: use 'TCP', 'UDP' or 'SCTP'");
      expect(() => api.allowTo(NetworkPeer.cidr('10.0.0.0/8'), []))
        .toThrow("allowTo(CIDR 10.0.0.0/8) on 'api' was given an empty port list, which would open every port: name the ports, or omit them to allow any port on purpose");
    });

    test('allowFrom and allowToWorkload with a port out of range', () => {
      const c = chart();
      const api = new WebService(c, 'api', WEB_SERVICE);
      const worker = new Worker(c, 'worker', { image: 'ghcr.io/acme/worker:1.0.0', size: SizePreset.SMALL });
      expect(() => api.allowFrom(NetworkPeer.namespace('edge'), [{ port: 0 }]))
        .toThrow("allowFrom(namespace edge) on 'api': port 0 is out of range: use an integer from 1 to 65535");
      expect(() => worker.allowToWorkload(api, [{ port: 65536 }]))
        .toThrow("'worker' connecting to 'api': port 65536 is out of range: use an integer from 1 to 65535");
    });

    test('an ingress port that no container declares fails synthesis, naming the port', () => {
      const c = chart();
      const api = new WebService(c, 'api', WEB_SERVICE);
      api.allowFrom(NetworkPeer.namespace('edge'), [{ port: 9999 }]);
      expect(() => Testing.synth(c))
        .toThrow("ingress to 'api' opens port 9999/TCP, which no container of 'api' declares: declare the port (ports, or a sidecar's ports) or fix the number");
    });

    test('a metrics scrape needs a metrics port', () => {
      const api = new WebService(chart(), 'api', WEB_SERVICE);
      expect(() => api.allowMetricsScrape())
        .toThrow("workload 'api' declares no port named 'metrics': pass the metrics port, e.g. allowMetricsScrape('monitoring', 9090), or name the port 'metrics'");
      expect(() => api.allowMetricsScrape('monitoring', 9102))
        .toThrow("metrics port 9102 is not declared by workload 'api': declare it in ports (or a sidecar's ports) before allowing scrapes");
    });
  });

  describe('cron schedules: fields and ranges, as Kubernetes parses them', () => {
    const build = (schedule: string) => () => new ScheduledJob(chart('ops'), 'backup', { ...cron, schedule });

    test.each([
      ['61 25 * * *', "schedule '61 25 * * *': minute '61' has 61, out of range; use values 0-59, '*', ranges 'a-b', lists 'a,b' and steps '/n' (e.g. '30 2 * * *')"],
      ['0 25 * * *', "schedule '0 25 * * *': hour '25' has 25, out of range; use values 0-23"],
      ['0 2 0 * *', "schedule '0 2 0 * *': day of month '0' has 0, out of range; use values 1-31"],
      ['0 2 * 13 *', "schedule '0 2 * 13 *': month '13' has 13, out of range; use values 1-12 or JAN-DEC"],
      ['0 2 * * 7', "schedule '0 2 * * 7': day of week '7' has 7, out of range; use values 0-6 or SUN-SAT"],
      ['*/0 * * * *', "schedule '*/0 * * * *': minute '*/0' has step '0', which is not a positive whole number"],
      ['0 5-2 * * *', "schedule '0 5-2 * * *': hour '5-2' has the range 5-2, whose start is after its end"],
      ['0 2 * * MON-FUNDAY', "schedule '0 2 * * MON-FUNDAY': day of week 'MON-FUNDAY' has 'FUNDAY', which is not a number or a name"],
      ['0 2 L * *', "schedule '0 2 L * *': day of month 'L' has 'L', which is not a number;"],
      ['0 2 1,,2 * *', "schedule '0 2 1,,2 * *': day of month '1,,2' is malformed at ''"],
      ['0 2 30 2 *', "schedule '0 2 30 2 *' never runs: day 30 does not occur in month(s) 2; use a day that exists in those months"],
      ['0 2 * * * *', "schedule '0 2 * * * *' has 6 field(s), not 5"],
    ])('%s', (schedule, message) => {
      expect(build(schedule)).toThrow(message);
    });

    test.each(['*/15 * * * *', '0 0-23/2 * * *', '30 2 1,15 * *', '0 3 * * MON-FRI', '0 3 ? JAN,jul sun', '5/10 * * * *', '0 0 29 2 *', '@weekly'])('%s is accepted', (schedule) => {
      const c = chart('ops');
      new ScheduledJob(c, 'backup', { ...cron, schedule });
      expect(only(synth(c), 'CronJob').spec.schedule).toBe(schedule);
    });
  });

  describe('label and annotation keys and values', () => {
    test('an invalid pod annotation key', () => {
      expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, podAnnotations: { 'prometheus.io/scrape port': 'true' } }))
        .toThrow("pod annotation of 'api' key 'prometheus.io/scrape port' is invalid: the name after '/' must have at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
      const api = new WebService(chart(), 'api', WEB_SERVICE);
      expect(() => api.addPodAnnotation('Example.com/owner', 'payments'))
        .toThrow("pod annotation of 'api' key 'Example.com/owner' has an invalid prefix 'Example.com'");
      expect(() => api.addPodAnnotation(`example.com/${'x'.repeat(64)}`, 'v')).toThrow('is invalid: the name after \'/\' must have at most 63 letters');
      expect(() => api.addPodAnnotation('example.com/blob', 'x'.repeat(300 * 1024)))
        .toThrow("pod annotation of 'api' total 307216 bytes, above the apiserver's limit of 262144: move large values into a ConfigMap");
      api.addPodAnnotation('example.com/owner', 'payments');
    });

    test('label keys and values', () => {
      expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, labels: { '-team': 'payments' } }))
        .toThrow("label key '-team' is invalid: the name must have at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit");
      expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, labels: { [`${'a'.repeat(254)}/team`]: 'payments' } }))
        .toThrow('has an invalid prefix');
      expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, labels: { team: 'pay ments' } }))
        .toThrow("label 'team' 'pay ments' is not a valid label value");
      expect(() => NetworkPeer.pods({ 'app/': 'x' })).toThrow("peer label key 'app/' is invalid");
    });
  });

  describe('name lengths per kind', () => {
    test('a StatefulService name leaves room for the controller-revision-hash label', () => {
      const sixty = `db-${'x'.repeat(57)}`;
      expect(() => new StatefulService(chart(), 'db', { ...database, name: sixty }))
        .toThrow(`stateful service name '${sixty}' has 60 characters, more than 52: the StatefulSet's pods carry the label controller-revision-hash '<name>-<hash of up to 10 characters>', which is limited to 63, so no pod could be created; use a name of at most 52 characters`);
      const c = chart();
      new StatefulService(c, 'db', { ...database, name: `db-${'x'.repeat(49)}` });
      expect(only(synth(c), 'StatefulSet').metadata.name).toHaveLength(52);
    });

    test('a ScheduledJob name leaves room for the Job names the CronJob controller derives', () => {
      const name = `backup-${'x'.repeat(46)}`;
      expect(() => new ScheduledJob(chart('ops'), 'backup', { ...cron, name }))
        .toThrow(`scheduled job name '${name}' has 53 characters, more than 52: the CronJob controller names each Job '<name>-<minutes since 1970, 11 digits>', and Job names are limited to 63; use a name of at most 52 characters`);
    });

    test('Job, Deployment and Service names are DNS labels of at most 63 characters', () => {
      expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, name: 'a'.repeat(64) })).toThrow(`name '${'a'.repeat(64)}' is not a valid DNS-1123 label: use at most 63`);
    });
  });

  describe('duplicate objects in a deployable unit', () => {
    test('two workloads named api in one namespace fail synthesis, naming both construct paths', () => {
      const c = chart();
      new WebService(c, 'api', WEB_SERVICE);
      new Worker(c, 'api-worker', { name: 'api', image: 'ghcr.io/acme/worker:1.0.0', size: SizePreset.SMALL });
      expect(() => Testing.synth(c))
        .toThrow("Deployment 'api' in namespace 'shop' is defined 2 times, by 'test/api/Resource' and 'test/api-worker/Resource': the apiserver keeps only one; give the workloads different names or namespaces");
      expect(() => Testing.synth(c)).toThrow("ServiceAccount 'api' in namespace 'shop' is defined 2 times, by 'test/api/ServiceAccount' and 'test/api-worker/ServiceAccount'");
    });

    test('in nested charts, and against objects added later by other libraries', () => {
      const app = Testing.app();
      const one = new Chart(app, 'one', { namespace: 'shop' });
      const two = new Chart(one, 'two', { namespace: 'shop' });
      new WebService(one, 'api', WEB_SERVICE);
      new ConfigMap(two, 'config', { metadata: { name: 'api' } });
      new ApiObject(two, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' } });
      expect(() => Testing.synth(one)).toThrow("ServiceAccount 'api' in namespace 'shop' is defined 2 times, by 'one/two/sa' and 'one/api/ServiceAccount'");
    });

    test('top-level charts are deployable units of their own (environments in other clusters), not compared', () => {
      const app = Testing.app();
      for (const id of ['dev', 'prod']) new WebService(new Chart(app, id, { namespace: 'shop' }), 'api', WEB_SERVICE);
      expect(() => Testing.synth(app.charts[0])).not.toThrow();
    });

    test('the same name in other namespaces, or of other kinds, is fine', () => {
      const app = Testing.app();
      const dev = new Chart(app, 'dev', { namespace: 'shop-dev' });
      const prod = new Chart(app, 'prod', { namespace: 'shop-prod' });
      for (const c of [dev, prod]) {
        new HardenedNamespace(c, 'ns');
        new WebService(c, 'api', WEB_SERVICE);
        new ConfigMap(c, 'config', { metadata: { name: 'api' } });
      }
      expect(synth(dev).filter((m) => m.metadata.name === 'api')).toHaveLength(6);
    });

    test('two HardenedNamespaces for one namespace are duplicates too', () => {
      const c = new Chart(Testing.app(), 'cluster');
      new HardenedNamespace(c, 'a', { name: 'shop' });
      new HardenedNamespace(c, 'b', { name: 'shop' });
      expect(() => Testing.synth(c)).toThrow("Namespace 'shop' is defined 2 times, by 'cluster/a/Resource' and 'cluster/b/Resource'");
    });
  });

  test("a HardenedNamespace named other than its chart's namespace", () => {
    expect(() => new HardenedNamespace(chart('shop'), 'ns', { name: 'ns' })).toThrow("HardenedNamespace 'ns' is in chart 'test', whose objects go to namespace 'shop', which it would leave unprotected");
  });
});

describe('duplicates are judged on the rendered objects', () => {
  test('objects rendered without a namespace collide only within their chart', () => {
    const app = Testing.app();
    const withoutNamespace = (id: string) => {
      const c = new Chart(app, id);
      new WebService(c, 'api', WEB_SERVICE);
      for (const child of c.node.findAll()) if (child instanceof ApiObject) child.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
      return c;
    };
    const dev = withoutNamespace('dev');
    withoutNamespace('prod');
    expect(() => Testing.synth(dev)).not.toThrow();
    new ApiObject(dev, 'extra', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' } });
    expect(() => Testing.synth(dev)).toThrow("ServiceAccount 'api' is defined 2 times, by 'dev/api/ServiceAccount' and 'dev/extra'");
  });

  test('a patched name that removes a collision is not a duplicate', () => {
    const c = chart();
    new WebService(c, 'api', WEB_SERVICE);
    const renamed = new ApiObject(c, 'config', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' } });
    renamed.addJsonPatch(JsonPatch.replace('/metadata/name', 'api-tools'));
    expect(() => Testing.synth(c)).not.toThrow();
  });
});
