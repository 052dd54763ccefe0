import * as fs from 'node:fs';
import * as path from 'node:path';
import { withToolReference } from './toolDocs';

const readmePath = path.resolve(__dirname, '..', 'README.md');
fs.writeFileSync(readmePath, withToolReference(fs.readFileSync(readmePath, 'utf8')));
console.log('README.md tool reference updated.');
