/**
 * Rendered public charts (../shared/corpus): the audit exits 0 or 1, never with an internal error,
 * finds no input problem, and its HIGH and CRITICAL findings are exactly the ones listed, with
 * the reason each is right, in test/fixtures/corpus/high-findings.json (also printed in docs/rules.md).
 */
import { existsSync, readdirSync } from 'fs';
import { join, resolve } from 'path';
import { corpusFindings } from '../util/corpus-findings';
import { runCli } from '../util/run-cli';

const CORPUS = resolve(process.env.SHARED_DIR ?? join(__dirname, '..', '..', '..', 'shared'), 'corpus');
const EXPECTED = corpusFindings();

describe('rendered public charts', () => {
  test('the corpus is there, and every chart in it is listed', () => {
    expect(existsSync(CORPUS)).toBe(true);
    const files = readdirSync(CORPUS).filter((file) => file.endsWith('.yaml')).sort();
    expect(EXPECTED.charts.map((chart) => chart.file).sort()).toEqual(files);
  });

  test.each(EXPECTED.charts.map((chart) => [chart.file, chart] as const))('%s: exit 0 or 1, and the HIGH and CRITICAL findings listed, each with its reason', async (file, chart) => {
    const result = await runCli(['audit', join(CORPUS, file), '--format', 'json']);
    expect(result.stderr).not.toMatch(/internal error|not fully audited/);
    expect([0, 1]).toContain(result.code);
    const findings: any[] = JSON.parse(result.stdout).findings;
    expect(findings.filter((f) => f.ruleId.startsWith('INPUT-') || f.ruleId.startsWith('INTERNAL-'))).toEqual([]);
    const severe = [...new Set(findings
      .filter((f) => !f.suppressed && (f.severity === 'high' || f.severity === 'critical'))
      .map((f) => `${f.ruleId} ${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`))].sort();
    expect(severe).toEqual(chart.findings.map((f) => `${f.ruleId} ${f.object}`).sort());
    for (const finding of chart.findings) expect(finding.why.length).toBeGreaterThan(40);
  });
});
