const server = require('http').createServer().listen(3000);

['SIGINT', 'SIGTERM'].forEach((signal) =>
  process.on(signal, () => server.close(() => process.exit(0))),
);
