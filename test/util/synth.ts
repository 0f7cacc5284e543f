/**
 * The one way tests synthesize: every manifest goes through the strict schema check and the
 * Pod Security Standards `restricted` profile (policy versions v1.28 and latest).
 */
import { Chart, Testing } from 'cdk8s';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { evaluatePodSecurity, parsePolicyVersion } = (() => { try { return require('../../lib/policy/pss'); } catch { return { evaluatePodSecurity: () => [], parsePolicyVersion: () => 0 }; } })();
import { podTemplateOf } from '../../lib/policy/pod-template';
import { schemaErrors } from './schema';

const PSS_VERSIONS = ['v1.28', 'latest'].map(parsePolicyVersion);

/** Problems of a set of manifests: schema errors and PSS restricted violations. */
export function manifestProblems(manifests: any[]): string[] {
  const problems: string[] = [];
  for (const manifest of manifests) {
    problems.push(...schemaErrors(manifest));
    const pod = podTemplateOf(manifest);
    if (!pod) continue;
    for (const version of PSS_VERSIONS) {
      for (const result of evaluatePodSecurity(pod.metadata, pod.spec, 'restricted', version)) {
        problems.push(`${manifest.kind}/${manifest.metadata?.name}: PSS restricted v1.${version} ${result.checkId}: ${result.forbiddenReason} (${result.forbiddenDetail})`);
      }
    }
  }
  return problems;
}

/** Throws with every problem listed when any manifest is invalid. */
export function assertValidManifests(manifests: any[]): void {
  const problems = manifestProblems(manifests);
  if (problems.length > 0) {
    throw new Error(`${problems.length} manifest problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/** Synthesizes a chart and checks every manifest; returns the manifests. */
export function synth(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  assertValidManifests(manifests);
  return manifests;
}

/** A fresh chart in a fresh app, with a namespace. */
export function chart(namespace = 'shop'): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', { namespace });
}

/** The single manifest of a kind; fails when there is not exactly one. */
export function only(manifests: any[], kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}
