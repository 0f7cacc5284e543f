import * as fc from 'fast-check';
import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Document, isCollection, isScalar, parseAllDocuments, stringify, visit } from 'yaml';
import { loadManifests, loadPaths, placeOf } from '../../lib/policy/load';
import { blockIndex, blockLocate, fieldPathSteps, locateByParsing } from '../../lib/policy/locate';
import { KUBERNETES_YAML_OPTIONS } from '../../lib/policy/yaml-kubernetes';

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n';

function hasNonJsonKey(document: Document): boolean {
  let found = false;
  visit(document, { Pair: (_key, pair) => {
    const key = pair.key;
    if (key === null || (isScalar(key) && key.value === null) || isCollection(key)) found = true;
  } });
  return found;
}

function billionLaughs(levels: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', '  a0: &a0 "lol"'];
  for (let i = 1; i <= levels; i++) lines.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

describe('loadManifests', () => {
  test('reads a multi-document stream, with the line where each object starts', () => {
    const text = `${DEPLOYMENT}---\n# a comment\napiVersion: v1\nkind: Service\nmetadata: {name: web}\n...\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web\n`;
    const result = loadManifests(text, 'app.yaml');
    expect(result.errors).toEqual([]);
    expect(result.notes).toEqual([]);
    expect(result.objects.map((o) => [o.manifest.kind, o.file, o.line])).toEqual([['Deployment', 'app.yaml', 1], ['Service', 'app.yaml', 10], ['ServiceAccount', 'app.yaml', 15]]);
    expect(result.objects[0].manifest).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2 } });
  });

  test('reads Helm output: `# Source:` comments and empty documents', () => {
    const text = [
      '---', '# Source: shop/templates/serviceaccount.yaml', 'apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: shop',
      '---', '# Source: shop/templates/hpa.yaml', '---', '# Source: shop/templates/deployment.yaml', DEPLOYMENT,
    ].join('\n');
    const result = loadManifests(text, 'helm.yaml');
    expect(result).toMatchObject({ errors: [], notes: [] });
    expect(result.objects.map((o) => [o.manifest.kind, o.line])).toEqual([['ServiceAccount', 3], ['Deployment', 11]]);
  });

  test('expands List kinds; items keep their own line in YAML and the List line in JSON', () => {
    const yamlList = 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- 42\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n';
    const yaml = loadManifests(yamlList, 'list.yaml');
    expect(yaml.objects.map((o) => [o.manifest.metadata.name, o.line])).toEqual([['a', 4], ['b', 8]]);
    expect(yaml.notes).toEqual([{ file: 'list.yaml', line: 7, message: 'item 1 of the List: not a Kubernetes object (a number): skipped' }]);
    const json = loadManifests(`\n${JSON.stringify({ apiVersion: 'apps/v1', kind: 'DeploymentList', items: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } }] }, null, 2)}`, 'list.json');
    expect(json.objects.map((o) => [o.manifest.kind, o.line])).toEqual([['Deployment', 2]]);
  });

  test('skips documents that are not Kubernetes objects, with a note naming file and line', () => {
    const result = loadManifests(`${DEPLOYMENT}---\nname: not-kubernetes\n---\n- a\n- b\n---\nplain text\n---\napiVersion: v1\n`, 'mixed.yaml');
    expect(result.objects).toHaveLength(1);
    expect(result.notes).toEqual([
      { file: 'mixed.yaml', line: 9, message: 'not a Kubernetes object (no apiVersion and kind): skipped' },
      { file: 'mixed.yaml', line: 11, message: 'not a Kubernetes object (a sequence): skipped' },
      { file: 'mixed.yaml', line: 14, message: 'not a Kubernetes object (a string): skipped' },
      { file: 'mixed.yaml', line: 16, message: 'not a Kubernetes object (no kind): skipped' },
    ]);
  });

  test('reports malformed YAML with file, line and column, and still reads the other documents', () => {
    const text = `${DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: [broken\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ok\n  labels: {a: *nowhere}\n---\n${DEPLOYMENT}`;
    const result = loadManifests(text, 'broken.yaml');
    expect(result.objects.map((o) => o.line)).toEqual([1, 20]);
    expect(result.errors.map(placeOf)).toEqual(['broken.yaml:13:1', 'broken.yaml:18:15']);
    expect(result.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Flow sequence in block collection must be sufficiently indented and end with a \]: document skipped$/),
      'the alias *nowhere names no anchor written before it: document skipped',
    ]);
  });

  test('bounds YAML alias expansion (an alias bomb fails fast with an error, not a hang)', () => {
    const result = loadManifests(`${billionLaughs(9)}---\n${DEPLOYMENT}`, 'bomb.yaml');
    expect(result.objects.map((o) => o.manifest.kind)).toEqual(['Deployment']);
    expect(result.errors).toEqual([{ file: 'bomb.yaml', line: 1, message: 'YAML aliases expand to more than 100 nodes (an alias bomb?): document skipped' }]);
    expect(loadManifests(billionLaughs(1), 'small.yaml').objects[0].manifest.data.a1).toHaveLength(10);
    expect(loadManifests(billionLaughs(2), 'x.yaml', { maxAliasCount: 5 }).errors[0].message).toMatch(/more than 5 nodes/);
  });

  test('reports documents nested too deeply to read, instead of crashing', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'data:'];
    for (let level = 1; level <= 4000; level++) lines.push(`${' '.repeat(level)}k${level}:`);
    const deepBlock = loadManifests(`${lines.join('\n')}\n---\n${DEPLOYMENT}`, 'deep.yaml');
    const deepFlow = loadManifests(`apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, 'flow.yaml');
    expect(deepBlock.objects.map((o) => o.manifest.kind)).toEqual(['Deployment']);
    expect(deepBlock.errors).toEqual([{ file: 'deep.yaml', line: 1, message: 'the document nests too deeply to read: document skipped' }]);
    expect(deepFlow.errors).toEqual([expect.objectContaining({ file: 'flow.yaml', message: 'the document nests too deeply to read: document skipped' })]);
  });

  test('rejects input over the size limit before parsing it', () => {
    expect(loadManifests(DEPLOYMENT, 'big.yaml', { maxFileBytes: 50 })).toEqual({
      objects: [], notes: [], errors: [{ file: 'big.yaml', message: 'input is larger than the limit of 50 bytes: split it into smaller files' }],
    });
    expect(loadManifests('a: "é"', 'utf8.yaml', { maxFileBytes: 6 }).errors).toHaveLength(1);
    expect(loadManifests('a: "é"', 'utf8.yaml', { maxFileBytes: 7 }).errors).toEqual([]);
    expect(loadManifests('a: "\u{1F600}"', 'emoji.yaml', { maxFileBytes: 8 }).errors).toHaveLength(1);
  });

  test('keeps __proto__ keys as plain data: no prototype pollution from YAML or JSON', () => {
    const yaml = loadManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p\n  __proto__:\n    polluted: yes\n', 'p.yaml');
    const json = loadManifests('{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "p", "__proto__": {"polluted": "yes"}}}', 'p.json');
    for (const result of [yaml, json]) {
      const metadata = result.objects[0].manifest.metadata;
      expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
      expect(Object.prototype.hasOwnProperty.call(metadata, '__proto__')).toBe(true);
      expect((metadata as any).polluted).toBeUndefined();
    }
    expect(({} as any).polluted).toBeUndefined();
  });

  test('reads CRLF line endings and a byte order mark', () => {
    const result = loadManifests(`\ufeff${DEPLOYMENT.replace(/\n/g, '\r\n')}---\r\n${DEPLOYMENT.replace(/\n/g, '\r\n')}`, 'crlf.yaml');
    expect(result.errors).toEqual([]);
    expect(result.objects.map((o) => [o.manifest.metadata.name, o.line])).toEqual([['web', 1], ['web', 9]]);
  });

  test('reads any stream of YAML that yaml reads without errors exactly as yaml does', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('a: b', '#x', '- y', '|', '"q"', 'true'));
    const body = fc.dictionary(fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,8}$/), fc.string({ maxLength: 6 })), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), scalar, { maxKeys: 3 })), { maxKeys: 4 });
    const manifest = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('ConfigMap', 'Secret'), metadata: fc.record({ name: fc.string({ maxLength: 8 }) }), data: body });
    const separator = fc.constantFrom('---\n', '---\n# Source: chart/x.yaml\n', '...\n---\n', '--- # comment\n', '---\n---\n');
    const mangle = fc.array(fc.record({ at: fc.nat(), insert: fc.constantFrom(':', '#', '- ', '\t', '\n', '  ', '"', '[', '---\n', '&a ', '*a') }), { maxLength: 2 });
    fc.assert(fc.property(fc.array(fc.tuple(manifest, separator, fc.boolean()), { minLength: 1, maxLength: 5 }), mangle, (documents, edits) => {
      let text = documents.map(([object, separator, kubectlStyle]) => separator + stringify(object, { indentSeq: !kubectlStyle })).join('');
      for (const { at, insert } of edits) text = text.slice(0, at % (text.length + 1)) + insert + text.slice(at % (text.length + 1));
      const parsed = parseAllDocuments(text, KUBERNETES_YAML_OPTIONS);
      if (parsed.some((document) => document.errors.length > 0)) return;
      // kubectl refuses a null or collection key (JSON has none); yaml would make a string of it.
      const reference = parsed.filter((document) => !hasNonJsonKey(document));
      let expected: any[];
      try {
        expected = reference.map((document) => document.toJS()).filter((value) => value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.apiVersion === 'string' && value.apiVersion !== '' && typeof value.kind === 'string' && value.kind !== '');
      } catch {
        return;
      }
      const result = loadManifests(text, 'stream.yaml');
      expect(result.errors.map((error) => error.message)).toEqual(Array(parsed.length - reference.length).fill(expect.stringMatching(/^a mapping key is (null|a collection)/)));
      expect(result.objects.map((o) => o.manifest)).toEqual(expected.flatMap((value) => (value.kind.endsWith('List') && Array.isArray(value.items) ? value.items.filter((item: any) => item?.kind) : [value])));
    }), { numRuns: 500 });
  });

  test('reads every document of a generated stream exactly as the yaml package does', () => {
    const objects = Array.from({ length: 60 }, (_, i) => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c${i}`, labels: { 'app.kubernetes.io/name': i % 2 ? 'x' : 'true' } },
      data: { script: i % 3 ? `echo ${i}\nexit 0\n` : `value: ${i}`, number: String(i), empty: '', long: 'word '.repeat(i) },
      spec: { list: [i, `${i}`, null, true, { nested: ['a: b', '#c', "it's"] }] },
    }));
    const text = objects.map((object, i) => stringify(object, { indentSeq: i % 2 === 0, lineWidth: 40 })).join('---\n');
    const expected = parseAllDocuments(text, KUBERNETES_YAML_OPTIONS).map((document) => document.toJS());
    const result = loadManifests(text, 'generated.yaml');
    expect(result.errors).toEqual([]);
    expect(result.objects.map((o) => o.manifest)).toEqual(expected);
  });
});

describe('reading YAML as kubectl does', () => {
  /** The value of `field` in a pod's container securityContext written as `text`. */
  function decoded(value: string): unknown {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      field: ${value}\n`;
    const result = loadManifests(text, 'pod.yaml');
    expect(result.errors).toEqual([]);
    return result.objects[0].manifest.spec.containers[0].securityContext.field;
  }

  // Each expected value is what `kubectl` 1.32 (sigs.k8s.io/yaml, go-yaml v2) sends for the scalar.
  test.each([
    ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['Y', true], ['on', true], ['On', true], ['ON', true], ['true', true], ['True', true],
    ['no', false], ['No', false], ['NO', false], ['n', false], ['N', false], ['off', false], ['Off', false], ['OFF', false], ['false', false], ['FALSE', false],
    ['"yes"', 'yes'], ["'on'", 'on'], ['!!str yes', 'yes'], ['yEs', 'yEs'],
    ['~', null], ['null', null], ['', null],
    ['0644', 420], ['0o17', 15], ['0O7', 7], ['0x1F', 31], ['-0x1F', -31], ['0X1f', 31], ['0b101', 5], ['0B1', 1], ['1_000', 1000], ['+_1', 1], ['09', 9], ['-0', 0],
    ['1e3', 1000], ['.5', 0.5], ['+.5', 0.5], ['1.', 1], ['1_0.5', 10.5],
    ['e3', 'e3'], ['.e3', '.e3'], ['.', '.'], ['0o9', '0o9'], ['_1', '_1'], ['0xFFFFFFFFFFFFFFFFF', '0xFFFFFFFFFFFFFFFFF'], ['1e400', '1e400'],
    ['12:30', '12:30'], ['1:20:30', '1:20:30'], ['2001-12-14', '2001-12-14'], ['2001-12-14t21:59:43.10-05:00', '2001-12-14t21:59:43.10-05:00'],
  ])('reads %j as %j', (text, value) => {
    expect(decoded(text)).toEqual(value);
  });

  test('reads the spellings the same in block, flow and yaml-parsed documents', () => {
    const block = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: on\n  containers:\n  - name: c\n    securityContext:\n      privileged: yes\n      allowPrivilegeEscalation: Y\n';
    const withAnchor = `${block}  hostPID: &t NO\n  hostIPC: *t\n`;
    for (const text of [block, withAnchor]) {
      const pod = loadManifests(text, 'pod.yaml').objects[0].manifest;
      expect(pod.spec.hostNetwork).toBe(true);
      expect(pod.spec.containers[0].securityContext).toEqual({ privileged: true, allowPrivilegeEscalation: true });
    }
    expect(loadManifests(withAnchor, 'pod.yaml').objects[0].manifest.spec).toMatchObject({ hostPID: false, hostIPC: false });
  });

  test('applies merge keys as go-yaml does: a merge overrides the keys before it, the keys after it override the merge', () => {
    const text = [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec:', '  containers:',
      '  - name: a', '    securityContext: &privileged {privileged: true, runAsNonRoot: false}',
      '  - name: b', '    securityContext:', '      <<: *privileged', '      runAsNonRoot: true',
      '  - name: c', '    securityContext:', '      privileged: false', '      <<: *privileged',
      '  - name: d', '    securityContext:', '      <<: [{privileged: false}, *privileged]',
      '',
    ].join('\n');
    const result = loadManifests(text, 'merge.yaml');
    expect(result.errors).toEqual([]);
    expect(result.objects[0].manifest.spec.containers.map((c: any) => c.securityContext)).toEqual([
      { privileged: true, runAsNonRoot: false },
      { privileged: true, runAsNonRoot: true },
      { privileged: true, runAsNonRoot: false },
      { privileged: false, runAsNonRoot: false },
    ]);
    const bad = loadManifests('apiVersion: v1\nkind: Pod\nmetadata:\n  <<: 3\n', 'bad.yaml');
    expect(bad.errors.map((e) => `${placeOf(e)}: ${e.message}`)).toEqual(['bad.yaml:4:7: a merge key `<<` needs a mapping or a sequence of mappings: document skipped']);
  });

  test('keeps the last value of a key written twice, as kubectl does, with a note where the dropped one is', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      privileged: false\n      privileged: true\n';
    const result = loadManifests(text, 'twice.yaml');
    expect(result.errors).toEqual([]);
    expect(result.objects[0].manifest.spec.containers[0].securityContext).toEqual({ privileged: true });
    expect(result.notes.map((note) => `${placeOf(note)}: ${note.message}`)).toEqual([
      "twice.yaml:8:7: key 'privileged' is written again at line 9: kubectl keeps the last value and drops this one: remove one of them",
    ]);
  });

  test('refuses keys that JSON cannot hold, as kubectl does', () => {
    const result = loadManifests(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  ~: a\n---\n${DEPLOYMENT}`, 'keys.yaml');
    expect(result.objects.map((o) => o.manifest.kind)).toEqual(['Deployment']);
    expect(result.errors.map((e) => `${placeOf(e)}: ${e.message}`)).toEqual(['keys.yaml:5:3: a mapping key is null, which JSON cannot hold: quote it: document skipped']);
  });
});

describe('positions of fields', () => {
  const text = [
    '---',
    '# Source: shop/templates/deployment.yaml',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          securityContext:',
    '            privileged: yes',
    '---',
    'apiVersion: v1',
    'kind: List',
    'items:',
    '- apiVersion: v1',
    '  kind: Service',
    '  metadata: {name: web, labels: {"app.kubernetes.io/name": web}}',
    '',
  ].join('\n');

  test('locates a field path at the line and column of its key, or of its nearest written ancestor', () => {
    const deploymentText = text.slice(0, text.indexOf('---', 3));
    expect(blockLocate(blockIndex(deploymentText.split('\n'))!, fieldPathSteps('spec.template.spec.containers[0].securityContext.privileged'))).toEqual({ line: 12, column: 12 });
    for (const [source, shift] of [[text, 0], [text.replace('privileged: yes', 'privileged: &p yes\n            x: *p'), 1]] as const) {
      const [deployment, service] = loadManifests(source, 'app.yaml').objects;
      expect(deployment.locate!('spec.template.spec.containers[0].securityContext.privileged')).toEqual({ line: 13, column: 13 });
      expect(deployment.locate!('spec.template.spec.containers[0].securityContext.runAsNonRoot')).toEqual({ line: 12, column: 11 });
      expect(deployment.locate!('spec.template.spec.containers[0]')).toEqual({ line: 11, column: 11 });
      expect(deployment.locate!('spec.template.spec.containers[3].image')).toEqual({ line: 10, column: 7 });
      expect(deployment.locate!('spec.replicas')).toEqual({ line: 7, column: 1 });
      expect(service.locate!('metadata.labels["app.kubernetes.io/name"]')).toEqual({ line: 20 + shift, column: 34 });
      expect(service.locate!('spec.selector')).toEqual({ line: 18 + shift, column: 3 });
    }
  });

  test('finds fields by indentation exactly where yaml places them, or leaves them to yaml', () => {
    const name = fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,10}$/), fc.constantFrom('spec', 'containers', 'name', 'a b', 'x-y', 'a"b', 'it\'s', 'a: b', 'y', '0', 'back\\slash'));
    const leaf = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('line\nbreak', 'a: b', '# not a comment', '- x', '{}', 'it\'s'));
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('list'), tie('map')),
      leaf,
      list: fc.array(tie('node'), { maxLength: 3 }),
      map: fc.dictionary(name, tie('node'), { maxKeys: 4 }),
    })).node;
    const paths = (node: unknown, prefix: string): string[] => {
      const own = prefix ? [prefix] : [];
      if (Array.isArray(node)) return [...own, `${prefix}[${node.length}]`, ...node.flatMap((item, i) => paths(item, `${prefix}[${i}]`))];
      if (node && typeof node === 'object') {
        return [...own, `${prefix}${prefix ? '.' : ''}absent`, ...Object.entries(node).flatMap(([key, item]) => paths(item, /^[A-Za-z0-9_-]+$/.test(key) ? `${prefix}${prefix ? '.' : ''}${key}` : `${prefix}["${key.replace(/["\\]/g, '\\$&')}"]`))];
      }
      return own;
    };
    // Helm writes a value on the line after its key (`annotations:` then `{}`) and quotes keys (`"helm.sh/hook": test`).
    const ownLine = (yamlText: string): string => yamlText.replace(/^( *(?:- +)*)([^\n]*?): ([^\s|>#][^\n]*)$/gm,
      (_line, prefix: string, key: string, scalar: string) => `${prefix}${key}:\n${' '.repeat(prefix.length + 2)}${scalar}`)
      .replace(/^( *)- ([^\s|>#][^\n]*)$/gm, (_line, indent: string, item: string) => `${indent}-\n${indent}  ${item}`);
    const keyType = fc.constantFrom(null, 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<any>;
    fc.assert(fc.property(fc.dictionary(name, value, { minKeys: 1, maxKeys: 5 }), fc.boolean(), fc.constantFrom(2, 4), keyType, fc.boolean(), (object, indentSeq, indent, defaultKeyType, moveValues) => {
      const written = stringify(object, { indentSeq, indent, collectionStyle: 'block', lineWidth: 0, defaultKeyType });
      const text = `---\n# Source: chart/templates/x.yaml\n${moveValues ? ownLine(written) : written}`;
      if (parseAllDocuments(text, KUBERNETES_YAML_OPTIONS).some((document) => document.errors.length > 0)) return;
      const index = blockIndex(text.split('\n'));
      for (const path of paths(object, '')) {
        const fast = index && blockLocate(index, fieldPathSteps(path));
        if (fast) expect([path, { line: fast.line + 1, column: fast.column + 1 }]).toEqual([path, locateByParsing(text, path)]);
      }
    }), { numRuns: 600 });
  });

  test('names the Helm template of a document with a `# Source:` comment', () => {
    const [deployment, service] = loadManifests(text, 'app.yaml').objects;
    expect(deployment.sourceTemplate).toBe('shop/templates/deployment.yaml');
    expect(service.sourceTemplate).toBeUndefined();
  });
});

describe('loadPaths', () => {
  const root = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-load-'));
  mkdirSync(join(root, 'b', 'nested'), { recursive: true });
  writeFileSync(join(root, 'b', 'nested', 'z.yml'), DEPLOYMENT);
  writeFileSync(join(root, 'b', 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }));
  writeFileSync(join(root, 'a.yaml'), DEPLOYMENT);
  writeFileSync(join(root, 'README.md'), '# not a manifest');
  writeFileSync(join(root, 'big.yaml'), DEPLOYMENT.repeat(3));

  test('walks directories recursively in sorted order, reading only *.yaml, *.yml and *.json', () => {
    const result = loadPaths([root], { maxFileBytes: 200 });
    expect(result.objects.map((o) => o.file!.slice(root.length + 1))).toEqual(['a.yaml', join('b', 'a.json'), join('b', 'nested', 'z.yml')]);
    expect(result.errors).toEqual([{ file: join(root, 'big.yaml'), message: `file is ${DEPLOYMENT.length * 3} bytes, larger than the limit of 200 bytes: split it into smaller files` }]);
  });

  test('reports a missing path and reads standard input as `<stdin>`', () => {
    const result = loadPaths([join(root, 'missing.yaml'), '-', join(root, 'a.yaml')], {}, DEPLOYMENT);
    expect(result.errors).toEqual([{ file: join(root, 'missing.yaml'), message: 'no such file or directory' }]);
    expect(result.objects.map((o) => o.file)).toEqual(['<stdin>', join(root, 'a.yaml')]);
  });
});
