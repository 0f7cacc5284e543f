import { closeMatches, didYouMean, nearest } from '../../lib/policy/nearest';

describe('did you mean', () => {
  const packs = ['pod-security', 'hardening', 'api-versions', 'rbac', 'all'];

  test('a misspelling names the nearest known name', () => {
    expect(didYouMean('api-version', packs)).toBe(": did you mean 'api-versions'?");
    expect(didYouMean('rbca', packs)).toBe(": did you mean 'rbac'?");
    expect(nearest('HARD-cpu-limit-set', ['HARD-cpu-request-set', 'PSS-privileged'])).toBe('HARD-cpu-request-set');
  });

  test('a name that is no misspelling of any known one gets no suggestion', () => {
    expect(didYouMean('kube-score', packs)).toBe('');
    expect(didYouMean('urgent', ['low', 'medium', 'high', 'critical'])).toBe('');
    expect(nearest('x', [])).toBeUndefined();
  });

  test('a tighter tolerance keeps only close names, closest first', () => {
    expect(closeMatches('--fromat', ['--format', '--fail-on', '--config'], 3, 0.25)).toEqual(['--format']);
    expect(closeMatches('--colour', ['--format', '--config'], 3, 0.25)).toEqual([]);
    expect(closeMatches('reason', ['SUPPRESSION-without-reason', 'HARD-x'], 3)).toEqual(['SUPPRESSION-without-reason']);
  });
});
