/** The HIGH and CRITICAL findings on the rendered charts of the corpus, with why each is right. */
import { readFileSync } from 'fs';
import { join } from 'path';
import { CorpusFindingsDoc } from '../../lib/policy/rules-markdown';

export function corpusFindings(): CorpusFindingsDoc {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'corpus', 'high-findings.json'), 'utf8'));
}
