const { Router } = require('express');
const data = require('./data.json');
const r = Router();
r.get('/', (req, res) => res.json(data));
module.exports = r;
