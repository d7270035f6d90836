export function installShutdown(server) {
  process
    .once('SIGTERM', () => server.close());
}
