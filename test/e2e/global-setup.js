// Starts the cluster once for the whole suite (idempotent: a running cluster is reused).
const { runKit } = require('./kit');

module.exports = async () => {
  if (process.getuid && process.getuid() !== 0) {
    throw new Error('the end-to-end suite needs root (containerd, cgroups, a network bridge): run it as root or with sudo');
  }
  process.env.KUBECONFIG = '/tmp/k8s-node/kubeconfig';
  try {
    runKit('up.sh');
  } catch (error) {
    runKit('down.sh'); // jest skips the teardown when the setup fails
    throw error;
  }
};
