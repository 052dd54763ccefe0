import * as assert from 'node:assert/strict';
import { bridgeErrorFor } from '../../../../src/extension/auth/bridgeErrors';

describe('bridgeErrorFor', () => {
    it('names the Entra ID failures the server explains separately', () => {
        const code = (message: string) => bridgeErrorFor(new Error(message)).code;
        assert.equal(
            code('AADSTS65002: Consent between first party application and first party resource must be configured'),
            'consentRequired',
        );
        assert.equal(code('AADSTS50020: User account from identity provider does not exist in tenant'), 'wrongTenant');
        assert.equal(
            code('AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication'),
            'interactionRequired',
        );
        assert.equal(code('interaction_required'), 'interactionRequired');
        const other = bridgeErrorFor(new Error('socket hang up'));
        assert.equal(other.code, 'failed');
        assert.equal(other.message, 'VS Code could not provide an Azure token: socket hang up');
    });
});
