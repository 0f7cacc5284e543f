import { existsSync, readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { LineCounter, parseAllDocuments } from 'yaml';
import { readBlockDocument } from '../../lib/policy/block-yaml';
import { runRules } from '../../lib/policy/engine';
import { loadManifests } from '../../lib/policy/load';
import { locateByParsing } from '../../lib/policy/locate';
import { PolicyPack } from '../../lib/policy/pack';
import { AuditObject } from '../../lib/policy/rule';
import { KUBERNETES_YAML_OPTIONS, kubernetesJson } from '../../lib/policy/yaml-kubernetes';

/** Rendered public Helm charts (see the README there); $CORPUS_DIR overrides the place. */
const CORPUS = process.env.CORPUS_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'corpus');
const charts = existsSync(CORPUS) ? readdirSync(CORPUS).filter((name) => name.endsWith('.yaml')).sort() : [];

/**
 * The objects of a file as the `yaml` package alone reads them, each placing its fields by parsing
 * its document again: the reference for the fast reader and the position index.
 */
function referenceObjects(text: string, file: string): AuditObject[] {
  const lineCounter = new LineCounter();
  return parseAllDocuments(text, { ...KUBERNETES_YAML_OPTIONS, lineCounter }).flatMap((document) => {
    expect(document.errors).toEqual([]);
    const contents = document.contents;
    if (contents === null || !contents.range) return [];
    const manifest: any = kubernetesJson(contents, { maxAliasCount: 100 });
    const start = contents.range[0];
    const line = lineCounter.linePos(start).line;
    // The document's own text, from the start of its first content line, so positions shift by whole lines.
    const documentText = text.slice(text.lastIndexOf('\n', start - 1) + 1, contents.range[2]);
    const locate = (fieldPath: string): { line: number; column: number } => {
      const position = locateByParsing(documentText, fieldPath)!;
      return { line: position.line + line - 1, column: position.column };
    };
    const lines = documentText.split('\n');
    expect([line, readBlockDocument(lines, 0, lines.length)?.value]).toEqual([line, manifest]);
    return [{ manifest, file, line, locate }];
  });
}

const describeCorpus = charts.length > 0 ? describe : describe.skip;

describeCorpus(`the rendered charts of ${CORPUS}`, () => {
  const rules = PolicyPack.defaults().flatMap((pack) => pack._rules());

  test.each(charts)('%s: the fast reader reads every document exactly as yaml does, and the audit finds the same at the same places', (chart) => {
    const file = join(CORPUS, chart);
    const text = readFileSync(file, 'utf8');
    const loaded = loadManifests(text, file);
    const reference = referenceObjects(text, file);
    expect(loaded.errors).toEqual([]);
    expect(loaded.objects.map((o) => o.manifest)).toEqual(reference.map((o) => o.manifest));
    expect(loaded.objects.map((o) => o.line)).toEqual(reference.map((o) => o.line));

    const findings = runRules(loaded.objects, rules);
    const expected = runRules(reference, rules);
    expect(findings.length).toBeGreaterThan(0);
    const place = (f: { ruleId: string; kind: string; name: string; fieldPath: string; line?: number; column?: number }): string =>
      `${f.ruleId} ${f.kind}/${f.name} ${f.fieldPath} at ${f.line}:${f.column}`;
    expect(findings.map(place)).toEqual(expected.map(place));
  });
});
