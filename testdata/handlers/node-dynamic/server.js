const path = require('path');
const plugins = ['auth', 'metrics'];
for (const p of plugins) require(path.join(__dirname, 'plugins', p));
require('http').createServer().listen(3000);
