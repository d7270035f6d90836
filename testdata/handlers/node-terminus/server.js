const http = require('http');
const { createTerminus } = require('@godaddy/terminus');

const server = http.createServer((req, res) => res.end('ok'));
createTerminus(server, {
  healthChecks: { '/healthz': async () => true },
  onSignal: async () => {},
});
server.listen(3000);
