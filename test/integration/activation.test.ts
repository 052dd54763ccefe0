import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'infra-insights.infra-insights';

describe('Activation', () => {
    it('activates the extension in a real VS Code', async () => {
        const extension = vscode.extensions.getExtension(extensionId);
        assert.ok(extension, `${extensionId} is loaded`);
        await extension.activate();
        assert.equal(extension.isActive, true);
        assert.match(vscode.version, /^1\.\d+\.\d+/);
    });
});

describe('Test sign-in fixture', () => {
    it('is installed beside the product', () => {
        assert.ok(vscode.extensions.getExtension('infra-insights-tests.test-auth'));
    });
});
