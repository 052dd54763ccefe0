import { TokenBridgeError } from './tokenBridge';

/**
 * Names the Entra ID failures the server's bridge client explains separately (by their AADSTS codes, which the
 * Microsoft provider passes through in its error messages); anything else is `failed` with the original sentence.
 */
export function bridgeErrorFor(error: unknown): TokenBridgeError {
    const message = error instanceof Error ? error.message : String(error);
    if (/AADSTS(65002|650057|65001)\b/.test(message)) {
        return new TokenBridgeError(
            'consentRequired',
            'This sign-in is not allowed to get the token (consent or pre-authorization missing); set infraInsights.clientId to your own app registration.',
        );
    }
    if (/AADSTS(50020|90002|700016|50128|50034)\b/.test(message)) {
        return new TokenBridgeError(
            'wrongTenant',
            "The signed-in account cannot get a token from this tenant; run 'Infra Insights: Pick Tenant'.",
        );
    }
    if (/AADSTS(50076|50079|50158|53003|50078|50173)\b|interaction_required/i.test(message)) {
        return new TokenBridgeError(
            'interactionRequired',
            "Azure asks you to sign in again (multi-factor or Conditional Access): run 'Infra Insights: Sign In', then retry.",
        );
    }
    return new TokenBridgeError('failed', `VS Code could not provide an Azure token: ${message.slice(0, 300)}`);
}
