/** Regenerates docs/rules.md from the rule definitions and the corpus findings: `npm run docs:rules`. */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { renderRulesMarkdown } from '../../lib/policy/rules-markdown';
import { corpusFindings } from './corpus-findings';

writeFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), renderRulesMarkdown(undefined, corpusFindings()));
