// Lists every skipped test with its full name at the end of a jest run, so a
// skip says why (browser tests name the missing browser) instead of being a
// bare count in the summary.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- jest loads reporters as CommonJS */
const path = require('node:path');

class SkippedReporter {
  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') {
          skipped.push(`${path.relative(process.cwd(), file.testFilePath)}: ${t.fullName}`);
        }
      }
    }
    if (skipped.length) process.stderr.write(`\nSkipped (${skipped.length}):\n${skipped.map((s) => `  - ${s}`).join('\n')}\n`);
  }
}

module.exports = SkippedReporter;
