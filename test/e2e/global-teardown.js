// Stops the cluster and deletes its state, whatever the tests did.
const { runKit } = require('./kit');

module.exports = async () => runKit('down.sh');
