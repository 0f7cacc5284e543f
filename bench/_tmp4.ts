import { readFileSync } from 'fs';
import { loadManifests } from '../lib/policy/load';
import { PolicyPack } from '../lib/policy/pack';
import { AuditContext } from '../lib/policy/rule';
const one = readFileSync('/work/shared/corpus/kube-prometheus-stack-88.5.3.yaml', 'utf8');
const text = Array(16).fill(one).join('---\n');
const rules = PolicyPack.defaults().flatMap((p) => p._rules());
const loaded = loadManifests(text, 'x');
const ctx = new AuditContext(loaded.objects);
const times: Record<string, number> = {};
for (const rule of rules) {
  const s = process.hrtime.bigint();
  for (const o of loaded.objects) if (rule.kinds.includes(o.manifest.kind) || rule.kinds.includes('*')) rule.check(o, ctx);
  times[rule.id] = Number(process.hrtime.bigint() - s) / 1e6;
}
console.log(Object.entries(times).sort((a, b) => b[1] - a[1]).slice(0, 8));
