module.exports = require('./out/isolated_vm').ivm;
