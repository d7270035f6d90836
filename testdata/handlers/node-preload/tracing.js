const sdk = startTracing();
process.once(`SIGTERM`, async () => {
  await sdk.shutdown();
  process.exit(0);
});
function startTracing() { return { shutdown: async () => {} }; }
