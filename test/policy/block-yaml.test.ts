import * as fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { readBlockDocument } from '../../lib/policy/block-yaml';
import { resolvePlain } from '../../lib/policy/block-yaml-scalars';
import { KUBERNETES_YAML_OPTIONS } from '../../lib/policy/yaml-kubernetes';

/** The fast path's reading of a single document, or undefined when it gives up. */
function fast(text: string): any {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return readBlockDocument(lines, 0, lines.length);
}

/** `yaml`'s reading with kubectl's YAML 1.1 options, or undefined when it reports an error. */
function reference(text: string): { value: any } | undefined {
  const documents = [...parseAllDocuments(text, KUBERNETES_YAML_OPTIONS)];
  if (documents.length === 0) return { value: null };
  if (documents.length !== 1 || documents[0].errors.length > 0) return undefined;
  return { value: documents[0].toJS() };
}

const awkwardText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'ab -:#\'"|>&*!%@`[]{},?\\\t\n~.0123456789eExo+'.split('')), maxLength: 12 }),
  fc.constantFrom('true', 'False', 'NULL', '~', '', '0o17', 'Y', 'n', 'Off', 'ON', '0644', '09', '0B1', '0X1f', '-0x8000000000000001', '18446744073709551616', '0xFFFFFFFFFFFFFFFFF', '1e400', 'e3', '.e3', '+_1', '1:20:30', '0x1F', '-0', '+12', '1e3', '.5', '1.', '.inf', '-.Inf', '.NaN', '1_000', 'yes', 'on', '2024-01-01', '12:30', '- x', 'a: b', 'a #b', '#x', 'http://x:80/y', '  lead', 'trail  ', 'é', '\u00a0nbsp\u00a0'),
  fc.string({ maxLength: 30 }),
);

const key = fc.oneof(fc.stringMatching(/^[a-z][a-zA-Z0-9./-]{0,15}$/), awkwardText);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('list'), tie('map')),
  leaf: fc.oneof(awkwardText, fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 5 }),
})).node;

const root = fc.dictionary(key, value, { minKeys: 1, maxKeys: 6 });

const options = fc.record({
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
  minContentWidth: fc.constantFrom(0, 20),
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED') as fc.Arbitrary<any>,
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE') as fc.Arbitrary<any>,
  collectionStyle: fc.constantFrom('any', 'block', 'flow') as fc.Arbitrary<any>,
  flowCollectionPadding: fc.boolean(),
});

describe('block YAML fast path', () => {
  test('reads every document it accepts exactly as yaml does', () => {
    fc.assert(fc.property(root, options, (object, stringifyOptions) => {
      const text = stringify(object, stringifyOptions);
      const read = fast(text);
      if (read !== undefined) expect(read.value).toEqual(reference(text)?.value);
    }), { numRuns: 3000 });
  });

  test('reads what yaml reads, or gives up, for mangled YAML', () => {
    const edit = fc.record({ at: fc.nat(), insert: fc.constantFrom(...': # - \' " | > & * ! [ ] { } , \t \n ? ~ %'.split(' '), '  ', '\n  ', ': ', '- ', ' #', '|-\n', '\n- '), remove: fc.nat(3) });
    fc.assert(fc.property(root, options, fc.array(edit, { minLength: 1, maxLength: 3 }), (object, stringifyOptions, edits) => {
      let text = stringify(object, stringifyOptions);
      for (const { at, insert, remove } of edits) {
        const position = at % (text.length + 1);
        text = text.slice(0, position) + insert + text.slice(position + remove);
      }
      const read = fast(text);
      if (read === undefined) return;
      const expected = reference(text);
      expect(expected).toBeDefined();
      expect(read.value).toEqual(expected!.value);
    }), { numRuns: 5000 });
  });

  test('reads an empty flow collection on a line of its own exactly as yaml does', () => {
    // Helm's `toYaml` writes an empty map or list under its key: `annotations:` then `{}` deeper.
    const ownLine = (text: string): string => text.replace(/^( *(?:- +)*)([^\n]*?): (\{\}|\[\])$/gm,
      (_line, prefix: string, key: string, empty: string) => `${prefix}${key}:\n${' '.repeat(prefix.length + 2)}${empty}`);
    fc.assert(fc.property(root, options, (object, stringifyOptions) => {
      const text = ownLine(stringify(object, stringifyOptions));
      const read = fast(text);
      if (read !== undefined) expect(read.value).toEqual(reference(text)?.value);
    }), { numRuns: 2000 });
    const helm = 'metadata:\n  annotations:\n    {}\n  labels:\n    a: "1"\nspec:\n  tolerations:\n    []\n  list:\n  -\n    {}\n  - x\n';
    expect(fast(helm)?.value).toEqual({ metadata: { annotations: {}, labels: { a: '1' } }, spec: { tolerations: [], list: [{}, 'x'] } });
    expect(fast(helm)?.value).toEqual(reference(helm)?.value);
    expect(fast('a:\n  {}\n    b: 1\n')).toBeUndefined();
  });

  test('accepts the YAML that Kubernetes tools write', () => {
    const text = [
      '# Source: chart/templates/deployment.yaml',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: "web"',
      '  labels: {app: web, tier: "front"}',
      '  annotations:',
      '    note: a long annotation that',
      '      continues here',
      'spec:',
      '  replicas: 3',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: api',
      '        image: \'ghcr.io/acme/api:1.2\'',
      '        args: ["--port", 8080]',
      '        env:',
      '          - name: X',
      '            value: "a \\"quoted\\" \\u00e9"',
      '        command:',
      '        - sh',
      '        - -c',
      '        - |',
      '          echo start',
      '',
      '          exec api',
      '      volumes: []',
      '',
    ].join('\n');
    expect(fast(text)?.value).toEqual(reference(text)?.value);
    expect(fast(text)?.value.spec.template.spec.containers[0].command[2]).toBe('echo start\n\nexec api\n');
  });

  test.each([
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\n'],
    ['folded block scalars', 'a: >\n  x\n'],
    ['keep chomping', 'a: |+\n  x\n\n'],
    ['multi-line quoted scalars', 'a: "x\n  y"\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['non-string keys', '1: a\n'],
    ['__proto__ keys', '__proto__: {}\n'],
    ['merge keys', '<<: {}\n'],
    ['tabs in indentation', 'a:\n\tb: 1\n'],
    ['a root that is not a mapping', '- a\n'],
    ['a single-quoted scalar whose next line is not deeper', 'a:\n  b: \'x\n  y\'\n'],
    ['a single-quoted scalar that does not close', 'a: \'x\n  y\n'],
    ['flow collections over several lines', 'a: [1,\n  2]\n'],
  ])('gives up on %s', (_name, text) => {
    expect(fast(text)).toBeUndefined();
  });

  test('reads the single-quoted scalars over several lines and the nested flow collections that Helm charts hold', () => {
    const text = [
      'spec:',
      '  rules:',
      '  - alert: CPUHigh',
      '    record: :node_memory_MemAvailable_bytes:sum',
      '    description: \'CPU at {{ $labels.instance }} is at {{ printf "%.2f" $value }}%.',
      '',
      '      It\'\'s high.   ',
      '      Look at it.\'  # comment',
      '  affinity:',
      '  - {key: app.kubernetes.io/name, operator: In, values: [prometheus, {a: "b"}]}',
      '',
    ].join('\n');
    expect(fast(text)?.value).toEqual(reference(text)?.value);
    expect(fast(text)?.value).toEqual({
      spec: {
        rules: [{ alert: 'CPUHigh', record: ':node_memory_MemAvailable_bytes:sum', description: 'CPU at {{ $labels.instance }} is at {{ printf "%.2f" $value }}%.\nIt\'s high. Look at it.' }],
        affinity: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['prometheus', { a: 'b' }] }],
      },
    });
  });

  test('records the lines of top-level items', () => {
    expect(fast('kind: List\nitems:\n- a: 1\n\n- b: 2\n  c: 3\n- x\n')).toEqual({
      value: { kind: 'List', items: [{ a: 1 }, { b: 2, c: 3 }, 'x'] }, line: 1, itemLines: [3, 5, 7],
    });
  });

  test('resolves plain scalars as kubectl does (YAML 1.1, go-yaml numbers)', () => {
    expect(['~', 'null', 'true', 'FALSE', '0o17', '-12', '0x1F', '1e3', '.5', '-.inf', 'yes', '1_000', '0b1', '0644', '12:30', '2024-01-01'].map(resolvePlain))
      .toEqual([null, null, true, false, 15, -12, 31, 1000, 0.5, -Infinity, true, 1000, 1, 420, '12:30', '2024-01-01']);
  });
});
