// Validates HAR files against the HAR 1.2 schema with har-validator's har().
// Usage: node validate-har.js FILE...  Exit 0: all valid; 1: invalid (errors on stderr).
'use strict';

const fs = require('fs');
const { har } = require('har-validator');

async function main(files) {
  let failed = false;
  for (const file of files) {
    try {
      await har(JSON.parse(fs.readFileSync(file, 'utf8')));
      console.log(`valid: ${file}`);
    } catch (e) {
      failed = true;
      console.error(`INVALID: ${file}: ${e.message}`);
      console.error(JSON.stringify(e.errors || [], null, 2));
    }
  }
  return failed ? 1 : 0;
}

if (process.argv.length < 3) {
  console.error('usage: node validate-har.js FILE...');
  process.exit(2);
}
main(process.argv.slice(2)).then((code) => process.exit(code));
