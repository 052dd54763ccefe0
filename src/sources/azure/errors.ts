/**
 * Turns whatever the Azure SDKs throw into a `SourceError` a person can act on: one or two sentences, no stack, no
 * token. Azure's own message is quoted only after removing anything that looks like a token.
 */
import { SourceError, UserError } from '../../core/source';

/** What was being asked when the error happened, to name it in the message. */
export interface ErrorContext {
    service: 'graph' | 'logs';
    /** Workspace customer id (logs) or the subscriptions asked (graph). */
    workspaceId?: string;
    subscriptionIds?: string[];
    /** The table a Log Analytics query reads, to explain a missing table. */
    table?: string;
}

interface ErrorLike {
    name?: unknown;
    message?: unknown;
    statusCode?: unknown;
    code?: unknown;
    details?: unknown;
    response?: { headers?: { get(name: string): string | undefined }; bodyAsText?: string | null };
}

const TABLE_HELP: Record<string, string> = {
    SqlAssessment_CL:
        'The SQL best-practices assessment was never enabled for this workspace (no SqlAssessment_CL table): enable it on the Arc SQL Server instances (Best practices assessment) and wait for the first run.',
    WindowsServerAssessmentRecommendation:
        'The Windows Server assessment has never written to this workspace (no WindowsServerAssessmentRecommendation table): enable the Windows Server Assessment (Services Hub on-demand assessments).',
    ConfigurationData: 'Change Tracking and Inventory is not enabled for this workspace (no ConfigurationData table).',
    ConfigurationChange: 'Change Tracking and Inventory is not enabled for this workspace (no ConfigurationChange table).',
    Perf: 'This workspace collects no performance counters (no Perf table): add a data collection rule with Processor and LogicalDisk counters, or enable VM Insights.',
    InsightsMetrics: 'This workspace has no VM Insights data (no InsightsMetrics table): enable VM Insights or collect Perf counters.',
};

/** Removes bearer tokens and JWT-looking strings from text that may be shown or logged. */
export function redact(text: string): string {
    return text
        .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
        .replace(/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.?[A-Za-z0-9_-]*/g, '[redacted]');
}

function firstSentence(text: string, max = 300): string {
    const clean = redact(text).replace(/\s+/g, ' ').trim();
    return clean.length <= max ? clean : `${clean.slice(0, max)}…`;
}

/** Maps any thrown value to a `SourceError` (or passes through our own errors). */
export function toSourceError(error: unknown, context: ErrorContext): Error {
    if (error instanceof SourceError || error instanceof UserError) {
        return error;
    }
    const e = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as ErrorLike;
    const name = typeof e.name === 'string' ? e.name : '';
    const message = typeof e.message === 'string' ? e.message : '';
    const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
    const code = typeof e.code === 'string' ? e.code : '';
    const where =
        context.service === 'logs'
            ? `Log Analytics workspace ${context.workspaceId ?? ''}`.trim()
            : describeSubscriptions(context.subscriptionIds);

    if (name === 'AbortError' || code === 'ABORT_ERR' || /aborted/i.test(name)) {
        // Callers turn an abort of their own signal into 'cancelled' before asking here, so an abort that reaches this
        // point is the pipeline's request timeout.
        return new SourceError(
            `${context.service === 'logs' ? 'Log Analytics' : 'Resource Graph'} did not answer in time. Ask for a shorter timespan or fewer machines (server_name), or try again.`,
            'timeout',
        );
    }
    if (/AADSTS65002|AADSTS650057/.test(message)) {
        return new SourceError(
            'Your tenant does not let this sign-in get a token for Azure (AADSTS65002/650057). Set a client id of your own app registration (infraInsights.clientId), or use az login and run the server outside VS Code.',
            'auth',
        );
    }
    if (/AADSTS90002|AADSTS700016|InvalidAuthenticationTokenTenant|wrong (Azure )?tenant|wrong issuer/i.test(message + code)) {
        return new SourceError(
            `The token is from a different tenant than ${where}. Set the tenant (INFRA_INSIGHTS_TENANT_ID, --tenant or Infra Insights: Pick Tenant), or az login --tenant <id>.`,
            'auth',
        );
    }
    if (name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError' || name === 'AuthenticationRequiredError') {
        return new SourceError(
            "Not signed in to Azure. Run az login (or sign in to Azure from VS Code's Accounts menu), then try again.",
            'auth',
        );
    }
    if (name === 'AuthenticationError') {
        return new SourceError(`Azure sign-in failed: ${firstSentence(message, 200)} Run az login again.`, 'auth');
    }
    if (status === 401) {
        return new SourceError(
            `Azure rejected the sign-in for ${where} (401). Sign in again (az login, or VS Code's Accounts menu); if you have several tenants, set the tenant.`,
            'auth',
        );
    }
    if (status === 403) {
        const permission =
            context.service === 'logs'
                ? 'Microsoft.OperationalInsights/workspaces/query/read (Log Analytics Reader)'
                : 'Microsoft.ResourceGraph/resources/read and Reader on the subscriptions';
        return new SourceError(`No access to ${where}: your account needs ${permission}.`, 'forbidden');
    }
    if (status === 404 && context.service === 'logs') {
        return new SourceError(
            `Log Analytics workspace ${context.workspaceId ?? ''} was not found; check the Workspace ID (a GUID) in the portal.`,
            'notFound',
        );
    }
    const unresolved =
        status === 400 && context.service === 'logs'
            ? /resolve (?:table|scalar|column)\b[^']*(?:'([^']*)')?/i.exec(message + bodyText(e))
            : null;
    if (unresolved) {
        // Kusto names what it could not resolve: the table itself (never written to), or a column of it (a schema that
        // differs from the documented one) — the second is not "never enabled".
        const name = unresolved[1];
        if (name === undefined || name === context.table || Object.hasOwn(TABLE_HELP, name)) {
            const table = name !== undefined && Object.hasOwn(TABLE_HELP, name) ? name : context.table;
            const help = table ? TABLE_HELP[table] : undefined;
            return new SourceError(
                help ?? `A table this query needs does not exist in workspace ${context.workspaceId ?? ''}.`,
                'notFound',
            );
        }
        return new SourceError(
            `The ${context.table ?? 'queried'} table in workspace ${context.workspaceId ?? ''} has no column '${firstSentence(name, 80)}' that this query reads: its schema differs from the documented one.`,
            'badResponse',
        );
    }
    if (status === 504 || /timed? ?out|GatewayTimeout|E_QUERY_TIMEOUT/i.test(code + message)) {
        return new SourceError(
            `${context.service === 'logs' ? 'Log Analytics' : 'Resource Graph'} did not answer in time. Ask for a shorter timespan or fewer machines (server_name).`,
            'timeout',
        );
    }
    if (/exceed|E_QUERY_RESULT_SET_TOO_LARGE|too large|-2133196797/i.test(message + code)) {
        return new SourceError(
            'The answer is larger than Log Analytics allows (500,000 rows / 64 MB). Ask for a shorter timespan or fewer machines.',
            'timeout',
        );
    }
    if (status === 429) {
        return new SourceError(`Azure is throttling requests to ${where}; try again in a minute.`, 'throttled');
    }
    if (status !== undefined && status >= 500) {
        return new SourceError(
            `${context.service === 'logs' ? 'Log Analytics' : 'Resource Graph'} is unavailable (HTTP ${status}); try again later.`,
            'unavailable',
        );
    }
    if (status === 400) {
        return new SourceError(`Azure refused the query for ${where}: ${firstSentence(message)}`, 'badResponse');
    }
    if (error instanceof SyntaxError || error instanceof TypeError || /JSON|Unexpected token|deserializ|parsing response/i.test(message)) {
        return new SourceError(
            `${context.service === 'logs' ? 'Log Analytics' : 'Resource Graph'} sent an answer that could not be read; try again later.`,
            'badResponse',
        );
    }
    if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|certificate|self.signed|socket hang up/i.test(message + code)) {
        return new SourceError(
            `Cannot reach ${context.service === 'logs' ? 'Log Analytics' : 'Resource Graph'} (${firstSentence(code || message, 80)}); check the network, proxy or endpoint settings.`,
            'unavailable',
        );
    }
    return new SourceError(
        `${context.service === 'logs' ? 'Log Analytics' : 'Resource Graph'} failed: ${firstSentence(message || name || 'unknown error')}`,
        'unavailable',
    );
}

/** Azure's inner error ("Failed to resolve table …") is in the body, which the SDK keeps in `details` or the response. */
function bodyText(e: ErrorLike): string {
    const body = e.response?.bodyAsText;
    let details = '';
    try {
        details = e.details === undefined ? '' : JSON.stringify(e.details);
    } catch {
        // Circular details: the response text is enough.
    }
    return `${typeof body === 'string' ? body.slice(0, 2000) : ''} ${details.slice(0, 2000)}`;
}

function describeSubscriptions(ids: string[] | undefined): string {
    if (!ids || ids.length === 0) {
        return 'your subscriptions';
    }
    if (ids.length <= 3) {
        return `subscription${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`;
    }
    return `${ids.length} subscriptions (${ids.slice(0, 2).join(', ')}, …)`;
}
