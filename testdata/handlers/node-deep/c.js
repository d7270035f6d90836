require('./d');
