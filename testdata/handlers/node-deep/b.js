require('./c');
