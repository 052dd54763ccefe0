import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { buildServerLaunch, type ServerLaunchInput } from '../../../src/extension/serverLaunch';
import { readSettings, type ExtensionSettings } from '../../../src/extension/settings';

const defaults: ExtensionSettings = readSettings(() => undefined);
const input = (settings: Partial<ExtensionSettings> = {}, extra: Partial<ServerLaunchInput> = {}): ServerLaunchInput => ({
    extensionPath: '/ext/infra-insights',
    execPath: '/usr/bin/code-node',
    settings: { ...defaults, ...settings },
    extensionVersion: '0.1.0',
    ...extra,
});

describe('buildServerLaunch', () => {
    it("runs dist/server.js with the editor's own runtime as Node", () => {
        const launch = buildServerLaunch(input());
        assert.equal(launch.label, 'Infra Insights for Azure');
        assert.equal(launch.command, '/usr/bin/code-node');
        assert.deepEqual(launch.args, [path.join('/ext/infra-insights', 'dist', 'server.js')]);
        assert.equal(launch.env.ELECTRON_RUN_AS_NODE, '1');
    });

    it('passes the settings as the env the server reads, and removes empty ones and any inherited bridge', () => {
        const launch = buildServerLaunch(
            input({
                dataSource: 'azure',
                subscriptions: ['sub-a', 'sub-b'],
                workspaceId: 'ws-1',
                tenantId: 'contoso.onmicrosoft.com',
                cloud: 'AzureUSGovernment',
                sampleSize: 500,
            }),
        );
        assert.deepEqual(launch.env, {
            ELECTRON_RUN_AS_NODE: '1',
            INFRA_INSIGHTS_SOURCE: 'azure',
            INFRA_INSIGHTS_SAMPLE_SIZE: '500',
            INFRA_INSIGHTS_SUBSCRIPTION_IDS: 'sub-a,sub-b',
            INFRA_INSIGHTS_WORKSPACE_ID: 'ws-1',
            INFRA_INSIGHTS_TENANT_ID: 'contoso.onmicrosoft.com',
            INFRA_INSIGHTS_CLOUD: 'AzureUSGovernment',
            INFRA_INSIGHTS_TOKEN_BRIDGE: null,
            INFRA_INSIGHTS_TOKEN_BRIDGE_SECRET: null,
        });
        const empty = buildServerLaunch(input()).env;
        assert.equal(empty.INFRA_INSIGHTS_SOURCE, 'auto');
        assert.equal(empty.INFRA_INSIGHTS_SUBSCRIPTION_IDS, null);
        assert.equal(empty.INFRA_INSIGHTS_WORKSPACE_ID, null);
        assert.equal(empty.INFRA_INSIGHTS_TENANT_ID, null);
        assert.equal(empty.INFRA_INSIGHTS_SAMPLE_SIZE, null);
    });

    it('changes the version when a setting that changes the answers changes, and only then', () => {
        const base = buildServerLaunch(input()).version;
        assert.match(base, /^[0-9a-f]{12}$/);
        assert.equal(buildServerLaunch(input()).version, base, 'stable');
        const changes: Partial<ExtensionSettings>[] = [
            { dataSource: 'sample' },
            { subscriptions: ['x'] },
            { workspaceId: 'w' },
            { tenantId: 't' },
            { authenticationProviderId: 'microsoft-sovereign-cloud' },
            { clientId: 'c' },
            { cloud: 'AzureChinaCloud' },
            { sampleSize: 10 },
        ];
        const versions = changes.map((c) => buildServerLaunch(input(c)).version);
        assert.equal(new Set([base, ...versions]).size, changes.length + 1);
        assert.notEqual(buildServerLaunch(input({}, { extensionVersion: '0.2.0' })).version, base, 'a new build refreshes the tools');
        assert.equal(
            buildServerLaunch(input({ subscriptions: ['b', 'a'] })).version,
            buildServerLaunch(input({ subscriptions: ['a', 'b'] })).version,
            'subscription order does not matter',
        );
    });

    it('ties the version to the sign-in state only for the auto data source', () => {
        const auto = (signedIn: boolean) => buildServerLaunch(input({ dataSource: 'auto' }, { azureSignedIn: signedIn })).version;
        const sample = (signedIn: boolean) => buildServerLaunch(input({ dataSource: 'sample' }, { azureSignedIn: signedIn })).version;
        assert.notEqual(auto(true), auto(false));
        assert.equal(sample(true), sample(false));
    });
});

describe('readSettings', () => {
    it('has the documented defaults', () => {
        assert.deepEqual(defaults, {
            dataSource: 'auto',
            subscriptions: [],
            workspaceId: '',
            tenantId: '',
            authenticationProviderId: 'microsoft',
            clientId: '',
            cloud: 'AzureCloud',
            sampleSize: undefined,
        });
    });

    it('trims and de-duplicates hand-typed values and ignores values of the wrong type', () => {
        const values: Record<string, unknown> = {
            dataSource: 'bogus',
            subscriptions: [' a ', 'a', '', 3, 'b'],
            workspaceId: ' ws ',
            authenticationProviderId: '  ',
            cloud: 'azurechinacloud',
            sampleSize: 2.5,
        };
        const settings = readSettings((key) => values[key]);
        assert.equal(settings.dataSource, 'auto');
        assert.deepEqual(settings.subscriptions, ['a', 'b']);
        assert.equal(settings.workspaceId, 'ws');
        assert.equal(settings.authenticationProviderId, 'microsoft');
        assert.equal(settings.cloud, 'AzureChinaCloud');
        assert.equal(settings.sampleSize, undefined);
    });
});
