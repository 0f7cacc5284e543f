/** Regenerates docs/rules.md from the rule definitions: `npm run docs:rules`. */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { renderRulesMarkdown } from '../../lib/policy/rules-markdown';

writeFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), renderRulesMarkdown());
