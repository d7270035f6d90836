process.on('SIGTERM', () => server.close());
