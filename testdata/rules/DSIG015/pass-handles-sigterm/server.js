const http = require('http');
const server = http.createServer((q, r) => r.end('ok')).listen(8080);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
