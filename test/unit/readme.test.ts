import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withToolReference } from '../../scripts/toolDocs';

describe('README', () => {
    it('has the tool reference generated from the tool declarations (run npm run docs:tools after changing a tool)', () => {
        const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
        assert.equal(readme, withToolReference(readme));
    });
});
