// The k8s-node kit's scripts, for jest's global setup and teardown (plain JS: jest loads them untransformed).
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { resolve } = require('node:path');

const KIT = process.env.K8S_NODE_KIT || resolve(__dirname, '../../../shared/k8s-node');

function runKit(script) {
  if (!existsSync(`${KIT}/${script}`)) {
    throw new Error(`the cluster kit is missing: ${KIT}/${script} not found; put ../shared/k8s-node beside the project or set K8S_NODE_KIT`);
  }
  execFileSync('bash', [`${KIT}/${script}`], { stdio: 'inherit' });
}

module.exports = { KIT, runKit };
