// process.on('SIGTERM', shutdown) -- TODO, see below
/* process.on("SIGTERM", shutdown);
   process.once('SIGTERM', shutdown); */
const help = "call process.on('SIGTERM', fn) to handle docker stop";
const tmpl = `process.on('SIGTERM', ${help.length > 0 ? 'x' : "y"})`;
const re = /process.on\('SIGTERM'/g;
const ratio = 10 / 2 / 5;
console.log(help, tmpl, re, ratio);
process.on('SIGINT', () => process.exit(0));
