const express = require("express");
const app = express();
const server = app.listen(8080);

// Ctrl-C in development
process.on("SIGINT", () => {
  server.close(() => process.exit(0));
});
