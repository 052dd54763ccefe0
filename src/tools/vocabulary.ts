/**
 * What the tools judge by and how they name it, which the sidebar and the tables repeat: thresholds and labels. Free of
 * zod and the tool schemas, so the extension's own bundle can import them without loading the tools (dist/tools.js).
 */
import type { AgentSupport } from '../core/lifecycle';
import { TIME } from '../core/timespan';

/**
 * How far back every scan reads, whatever its timespan (a longer timespan reads its own length): the detector learns each
 * series' normal from it (two weeks and more show a weekly rhythm), and since every scan starts from the same point, a
 * night's incidents are the same whether the question was about the last day or the last fortnight. Thirty days is what
 * a workspace keeps by default.
 */
export const HISTORY_MS = 30 * TIME.DAY;

/** A machine whose latest data point is older than this at the end of the window has stopped reporting. */
export const SILENT_AFTER_HOURS = 3;

/**
 * A Critical or Security update still missing this many days after it was published is overdue: the common deadline for
 * critical security patches (PCI DSS asks for them within a month of release).
 */
export const PATCH_OVERDUE_DAYS = 30;

/** Arc-enabled servers disconnected this long are named: their identity expires between 45 and 90 days away. */
export const LONG_DISCONNECTED_DAYS = 30;

/** A full backup older than this is stale (weekly full backups are the common minimum). */
export const BACKUP_STALE_AFTER_DAYS = 7;

/** A database in the full or bulk-logged recovery model whose last log backup is older than this has none recent. */
export const LOG_BACKUP_STALE_AFTER_HOURS = 24;

/** A machine's monitoring agent in a few words (AMA, MMA only (retired), AMA + MMA, none), its state added when not Succeeded. */
export function agentLabel(agent: unknown, state: unknown): string | undefined {
    if (typeof agent !== 'string') {
        return undefined;
    }
    const name = ({ ama: 'AMA', legacy: 'MMA only (retired)', both: 'AMA + MMA', none: 'none' } as Record<string, string>)[agent] ?? agent;
    return typeof state === 'string' && state.toLowerCase() !== 'succeeded' ? `${name} (${state})` : name;
}

/** An Arc agent's version as a table shows it: `1.58 (out of support)`. */
export function arcAgentLabel(support: AgentSupport | null | undefined): string | undefined {
    if (!support) {
        return undefined;
    }
    return support.status === 'unsupported' ? `${support.version} (out of support)` : support.version;
}

/** The tools' names, in the order a person reads them (`allTools` in ./index.ts holds the tools themselves in this order). */
export const TOOL_NAMES = [
    'GetServerMetadata',
    'GetSqlMetadata',
    'GetPatchingLevel',
    'GetSqlBpAssessment',
    'GetWinBpAssessment',
    'GetSwConfig',
    'GetSwChangesList',
    'GetAnomalies',
    'ListScopes',
] as const;

/**
 * An instance's full name as SQL Server itself gives it (`@@SERVERNAME`) and GetSqlMetadata lists it: `HOST` for the
 * default instance (MSSQLSERVER), `HOST\NAME` for a named one — so every tool and table names an instance alike.
 */
export function instanceLabel(host: string, instanceName: string): string {
    return !instanceName || instanceName.toUpperCase() === 'MSSQLSERVER' ? host : `${host}\\${instanceName}`;
}
