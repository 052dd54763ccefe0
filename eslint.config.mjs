import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The one-way import rule of the architecture: extension | server | cli → tools → core ← sources, the front ends picking
 * their source through src/sources (the CLI also starts the servers it serves).
 */
const layer = (files, patterns) => ({ files, rules: { 'no-restricted-imports': ['error', { patterns }] } });

export default tseslint.config(
    { ignores: ['dist/**', 'node_modules/**', '.test-tools/**', '.test-output/**', 'media/**', '**/*.js', '**/*.mjs'] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    ...tseslint.configs.stylistic,
    {
        rules: {
            curly: 'error',
            eqeqeq: ['error', 'smart'],
            '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
        },
    },
    layer(['src/core/**'], [
        { group: ['**/tools/**', '**/server/**', '**/extension/**', '**/sources/**', '**/cli'], message: 'src/core is pure: it imports no other layer.' },
        { group: ['vscode', '@azure/*', '@modelcontextprotocol/*'], message: 'src/core has no VS Code, Azure SDK or MCP SDK import.' },
    ]),
    layer(['src/sources/**'], [{ group: ['**/tools/**', '**/server/**', '**/extension/**', '**/cli', 'vscode'], message: 'sources depend only on core.' }]),
    layer(['src/tools/**'], [{ group: ['**/server/**', '**/extension/**', '**/cli', 'vscode', '@modelcontextprotocol/*'], message: 'tools depend only on core (and sources through the InfraSource interface).' }]),
    layer(['src/server/**'], [{ group: ['**/extension/**', '**/cli', 'vscode'], message: 'server, extension and cli never import each other.' }]),
    layer(['src/extension/**'], [{ group: ['**/server/**', '**/cli'], message: 'server, extension and cli never import each other.' }]),
    layer(['src/cli.ts'], [{ group: ['**/extension/**', 'vscode'], message: 'the CLI runs without VS Code: it imports no extension code.' }]),
);
