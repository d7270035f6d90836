import process from 'node:process';

process
  .on('SIGINT', () => process.exit(130))
  .on('SIGTERM', () => process.exit(0));
