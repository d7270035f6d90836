require('./a');
