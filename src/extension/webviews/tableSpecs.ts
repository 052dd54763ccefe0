/**
 * Turns a tool's structured answer into the table the webview shows. Pure (no `vscode`), so the unit tests check the
 * columns and rows a person sees for every tool. Known tools get chosen columns and facets; any other answer is
 * flattened generically (scalar fields of `items`), so a new tool gets a usable table before it gets a tuned one.
 */
import { SUPPORT_STATUSES, type AgentSupport, type Support } from '../../core/lifecycle';
import { WINDOWS_SEVERITIES, windowsSeverity } from '../../core/summaries';
import { TIME } from '../../core/timespan';
import type { TrendCourseItem } from '../../tools/get-anomalies';
import { FINDING_SEVERITIES, PATCH_CLASSIFICATIONS, PATCH_SEVERITIES } from '../../core/model';
import { signedPace } from '../../tools/trend';
import { agentLabel, arcAgentLabel, HISTORY_MS, LONG_DISCONNECTED_DAYS } from '../../tools/vocabulary';
import type { CellValue, TableColumn, TableData, TableViewState } from '../../shared/messages';
import type { CloudSetting } from '../settings';

/** What a tree item or a command asks for: a tool, its arguments, and which part of the answer to show. */
export interface TableRequest {
    tool: string;
    args: Record<string, unknown>;
    /**
     * For tools with more than one list: `machines` (GetPatchingLevel), `instances` (GetSqlMetadata, one row per instance
     * instead of per database), `filling`, `lowSpace` and `silent` (GetAnomalies: the machines that stopped reporting and
     * those that sent no data at all, its `silent` and `withoutData` lists).
     */
    view?: string;
    /** Overrides the default title (e.g. "Machines waiting for a reboot"). */
    title?: string;
    initial?: Partial<TableViewState>;
}

/**
 * A request as text that is equal for equal requests whatever order their fields were written in: two clicks on one
 * tree item, or a command and a tree item asking the same, show one panel.
 */
export function requestKey(request: TableRequest): string {
    const canonical = (value: unknown): unknown =>
        Array.isArray(value)
            ? value.map(canonical)
            : value !== null && typeof value === 'object'
              ? Object.fromEntries(
                    Object.entries(value)
                        .filter(([, v]) => v !== undefined)
                        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                        .map(([k, v]) => [k, canonical(v)]),
                )
              : value;
    return JSON.stringify(canonical({ ...request, view: request.view ?? 'items' }));
}

/** The ceiling the tables ask for (the tools' `max_results` limit). */
export const TABLE_MAX_RESULTS = 50_000;

type Row = Record<string, unknown>;

/** What a view builds from a tool's items: the rest of a table comes from the answer itself. */
type TableBody = Omit<TableData, 'subtitle' | 'truncation' | 'tool' | 'view' | 'sourceKind' | 'warnings'>;
interface Envelope {
    source?: 'sample' | 'azure';
    /** When the tool answered (the source's clock): how long a machine has been in its status is counted to it. */
    generatedAt?: string;
    /** The time range asked for (GetAnomalies reads at least {@link HISTORY_MS} before `to`). */
    scope?: { from?: string; to?: string };
    sourceDescription?: string;
    truncation?: { shown: number; total: number };
    warnings?: string[];
    items?: Row[];
    machines?: Row[];
    /** GetPatchingLevel: how many of the selected machines `machines` holds. */
    machinesTruncation?: { shown: number; total: number };
    filling?: Row[];
    lowSpace?: Row[];
    silent?: Row[];
    withoutData?: Row[];
    subscriptions?: Row[];
    workspaces?: Row[];
}

const col = (key: string, title: string, type: TableColumn['type'] = 'text', extra: Partial<TableColumn> = {}): TableColumn => ({
    key,
    title,
    type,
    ...extra,
});
const machineFacet = (key: string, title = 'Machine') => col(key, title, 'text', { facet: true, width: 1.4 });
/** The status-age bucket GetServerMetadata counts as `disconnectedLong` (with the status Disconnected, on Arc). */
export const STATUS_AGE_LONG = `${LONG_DISCONNECTED_DAYS} days or more`;

/**
 * How long a machine has been in its status, in buckets a person filters on. The longest bucket is the tool's own
 * line, drawn the way the tool draws it (an ISO time before the cut-off), so the Overview's count and the rows agree.
 */
function statusAge(since: unknown, now: unknown): string | null {
    if (typeof since !== 'string' || typeof now !== 'string') {
        return null;
    }
    const cutOff = (days: number) => new Date(Date.parse(now) - days * TIME.DAY).toISOString();
    return since < cutOff(LONG_DISCONNECTED_DAYS)
        ? STATUS_AGE_LONG
        : since < cutOff(7)
          ? `7 to ${LONG_DISCONNECTED_DAYS} days`
          : since < cutOff(1)
            ? '1 to 7 days'
            : 'under a day';
}

/** Columns per tool (and view), with how each row's cells are read (`answer` for what the rows share). */
const SPECS: Record<
    string,
    {
        title: string;
        list: keyof Envelope;
        /** Rows from more than one list of the answer (default: `list`'s). */
        rows?(answer: Envelope): Row[];
        columns: TableColumn[];
        cells(row: Row, answer: Envelope): CellValue[];
        chart?: boolean;
    }
> = {
    GetServerMetadata: {
        title: 'Servers',
        list: 'items',
        columns: [
            col('name', 'Name', 'text', { width: 1.4 }),
            col('kind', 'Kind', 'text', { facet: true }),
            col('osName', 'OS', 'text', { facet: true, width: 1.6 }),
            supportColumn(),
            col('supportEnds', 'Support ends', 'date', { width: 0.9 }),
            col('status', 'Status', 'text', { facet: true }),
            col('lastStatusChange', 'Since', 'date'),
            col('statusAge', 'In status for', 'text', { facet: true, width: 0.9 }),
            col('statusMessage', 'Status detail', 'text', { width: 1.6 }),
            col('monitoringAgent', 'Monitoring agent', 'text', { facet: true }),
            col('arcAgent', 'Arc agent', 'text', { facet: true, width: 0.9 }),
            col('failedExtensions', 'Failed extensions', 'text', { width: 1.2 }),
            col('coreCount', 'Cores', 'number', { width: 0.6 }),
            col('memoryGb', 'Memory GB', 'number', { width: 0.7 }),
            col('ip', 'IP'),
            col('sql', 'SQL', 'text', { facet: true, width: 0.5 }),
            col('resourceGroup', 'Resource group', 'text', { facet: true }),
            col('location', 'Location', 'text', { facet: true }),
            col('portal', 'Azure portal', 'text', { link: true }),
        ],
        cells: (m, answer) =>
            [
                m.name,
                m.kind,
                m.osName,
                supportState(m.support),
                supportEnds(m.support),
                m.status,
                m.lastStatusChange,
                statusAge(m.lastStatusChange, answer.generatedAt),
                m.statusMessage,
                agentLabel(m.monitoringAgent, m.monitoringAgentState),
                arcAgentLabel(m.agentSupport as AgentSupport | null | undefined),
                ((m.failedExtensions as Row[] | undefined) ?? []).map((e) => e.type).join(', '),
                m.coreCount,
                m.memoryGb,
                (m.ipAddresses as string[] | undefined)?.[0],
                m.sqlDiscovered ? 'yes' : 'no',
                m.resourceGroup,
                m.location,
                m.id,
            ].map(toCell),
    },
    GetPatchingLevel: {
        title: 'Missing patches',
        list: 'items',
        columns: [
            machineFacet('machineName'),
            col('patchName', 'Patch', 'text', { width: 2.4 }),
            col('kb', 'KB / version'),
            col('classification', 'Classification', 'severity', { facet: true, ranks: [...PATCH_CLASSIFICATIONS] }),
            col('severity', 'Severity', 'severity', { facet: true, ranks: [...PATCH_SEVERITIES] }),
            col('publishedAt', 'Published', 'date'),
            col('rebootBehaviour', 'Reboot', 'text', { facet: true }),
            col('osType', 'OS', 'text', { facet: true, width: 0.6 }),
        ],
        cells: (p) =>
            [
                p.machineName,
                p.patchName,
                p.kbId ? `KB${String(p.kbId)}` : p.version,
                p.classification,
                p.severity,
                p.publishedAt,
                p.rebootBehaviour,
                p.osType,
            ].map(toCell),
    },
    'GetPatchingLevel/machines': {
        title: 'Patch state per machine',
        list: 'machines',
        columns: [
            machineFacet('machineName'),
            col('state', 'State', 'severity', {
                facet: true,
                ranks: ['missing-critical-or-security', 'not-assessed', 'missing-other', 'compliant'],
            }),
            col('rebootPending', 'Reboot pending', 'text', { facet: true }),
            col('missing', 'Missing', 'number', { width: 0.6 }),
            col('critical', 'Critical', 'number', { width: 0.6 }),
            col('security', 'Security', 'number', { width: 0.6 }),
            col('assessedAt', 'Assessed', 'date'),
            col('notAssessedReason', 'Why not assessed', 'text', { width: 2 }),
            col('lastRun', 'Last patch run', 'text', { facet: true, width: 1 }),
            col('lastRunAt', 'Run finished', 'date'),
            col('resourceGroup', 'Resource group', 'text', { facet: true }),
        ],
        cells: (m) =>
            [
                m.machineName,
                m.state,
                m.rebootPending,
                m.missing,
                m.critical,
                m.security,
                m.assessedAt,
                m.notAssessedReason,
                lastRun(m.lastInstallation as Row | undefined),
                (m.lastInstallation as Row | undefined)?.at,
                m.resourceGroup,
            ].map(toCell),
    },
    GetSqlBpAssessment: {
        title: 'SQL Server best-practice findings',
        list: 'items',
        columns: [
            col('severity', 'Severity', 'severity', { facet: true, ranks: [...FINDING_SEVERITIES], width: 0.7 }),
            col('title', 'Check', 'text', { width: 2.2 }),
            machineFacet('computer'),
            col('instanceName', 'Instance', 'text', { facet: true }),
            col('target', 'Target'),
            col('message', 'Message', 'text', { width: 3 }),
            col('timeGenerated', 'Run', 'date'),
            col('helpLink', 'Help', 'text', { link: true }),
        ],
        cells: (f) =>
            [
                f.severity,
                f.title,
                f.computer,
                f.instanceName,
                `${String(f.targetType)} ${String(f.targetName)}`,
                f.message,
                f.timeGenerated,
                f.helpLink,
            ].map(toCell),
    },
    GetWinBpAssessment: {
        title: 'Windows Server best-practice findings',
        list: 'items',
        columns: [
            col('severity', 'Severity', 'severity', { facet: true, ranks: WINDOWS_SEVERITIES, width: 0.7 }),
            col('weight', 'Weight', 'number', { width: 0.6 }),
            col('recommendation', 'Recommendation', 'text', { width: 2.4 }),
            machineFacet('computer'),
            col('focusArea', 'Focus area', 'text', { facet: true, width: 1.4 }),
            col('affected', 'Affected object'),
            col('description', 'Description', 'text', { width: 3 }),
            col('timeGenerated', 'Run', 'date'),
        ],
        cells: (f) =>
            [
                windowsSeverity(Number(f.weight)),
                f.weight,
                f.recommendation,
                f.computer,
                f.focusArea,
                `${String(f.affectedObjectType)} ${String(f.affectedObjectName)}`.trim(),
                f.description,
                f.timeGenerated,
            ].map(toCell),
    },
    GetAnomalies: {
        title: 'Anomalies',
        list: 'items',
        chart: true,
        columns: [
            col('score', 'Score', 'number', { width: 0.6 }),
            machineFacet('computer'),
            col('metric', 'Metric', 'text', { facet: true, width: 0.8 }),
            col('counter', 'Counter', 'text', { width: 1.2 }),
            col('direction', 'Kind', 'text', { facet: true, width: 0.8 }),
            col('start', 'Start', 'date'),
            col('end', 'End', 'date'),
            col('peakTime', 'Peak', 'date'),
            col('durationMinutes', 'Minutes', 'number', { width: 0.6 }),
            col('actual', 'Actual', 'number', { width: 0.6 }),
            col('expected', 'Expected', 'number', { width: 0.6 }),
            col('unit', 'Unit', 'text', { width: 0.4 }),
            col('latest', 'Latest', 'number', { width: 0.6 }),
            col('ratePerDay', 'Per day now', 'number', { width: 0.7 }),
            col('fullAt', 'Full at this pace', 'date'),
            col('trend', 'Trend', 'text', { facet: true, width: 0.7 }),
            col('course', 'Trend course', 'text', { width: 2.4 }),
            col('trendStart', 'Trend from', 'date'),
            col('trendEnd', 'Trend to', 'date'),
        ],
        cells: (i) => {
            const ended = i.direction === 'trend' && i.ongoing !== true;
            return [
                i.score,
                i.computer,
                i.metric,
                i.counter,
                i.direction,
                i.start,
                i.end,
                i.peakTime,
                i.durationMinutes,
                i.actual,
                i.expected,
                i.unit,
                i.latest,
                // An ended trend's recent two-day difference mixes its last hours with what followed: not a pace now.
                ended ? null : i.ratePerDay,
                i.fullAt,
                i.direction === 'trend' ? (ended ? 'ended' : 'going on') : null,
                courseText(i.trend as TrendCourseItem | null | undefined, String(i.unit ?? '')),
                (i.trend as TrendCourseItem | null | undefined)?.start ?? null,
                // An ongoing trend runs to the latest value: no end of its own.
                (i.trend as TrendCourseItem | null | undefined)?.end ?? null,
            ].map(toCell);
        },
    },
    'GetAnomalies/filling': {
        title: 'Disks filling up',
        list: 'filling',
        chart: true,
        columns: [
            machineFacet('computer'),
            col('counter', 'Counter', 'text', { width: 1.2 }),
            col('latest', 'Free %', 'number', { width: 0.8 }),
            col('ratePerDay', '% a day', 'number', { width: 0.8 }),
            col('fullAt', 'Full at', 'date', { width: 1.5 }),
            col('basis', 'Pace from', 'text', { facet: true, width: 1.3 }),
            col('paceSince', 'Since', 'date', { width: 1.3 }),
        ],
        cells: (d) =>
            [
                d.computer,
                d.counter,
                d.latest,
                d.ratePerDay,
                d.fullAt,
                d.basis === 'trend' ? 'ongoing trend' : d.basis === 'steady' ? 'last week, steady' : 'last day',
                d.paceSince,
            ].map(toCell),
    },
    'GetAnomalies/lowSpace': {
        title: 'Disks low on space',
        list: 'lowSpace',
        chart: true,
        columns: [
            machineFacet('computer'),
            col('counter', 'Counter', 'text', { width: 1.2 }),
            col('latest', 'Free %', 'number', { width: 0.8 }),
            col('freeGb', 'Free GB', 'number', { width: 0.8 }),
            col('latestAt', 'Measured', 'date', { width: 1.3 }),
            col('filling', 'Filling up', 'text', { facet: true, width: 1 }),
            col('fullAt', 'Full at', 'date', { width: 1.5 }),
        ],
        cells: (d) =>
            [d.computer, d.counter, d.latest, d.freeGb, d.latestAt, typeof d.fullAt === 'string' ? 'yes' : 'no', d.fullAt].map(toCell),
    },
    'GetAnomalies/silent': {
        title: 'Machines not reporting',
        list: 'silent',
        // The machines that sent nothing in the whole range read are the same news, only older: after the recent ones.
        rows: (answer) => [...(answer.silent ?? []), ...(answer.withoutData ?? []).map((m) => ({ ...m, withoutData: true }))],
        columns: [
            machineFacet('computer'),
            col('list', 'Not reporting', 'text', { facet: true, width: 1.1 }),
            col('lastData', 'Last data', 'date', { width: 1.3 }),
            col('hoursSilent', 'Hours without data', 'number', { width: 1 }),
            col('status', 'Status', 'text', { facet: true, width: 0.8 }),
            col('statusSince', 'Status since', 'date', { width: 1.3 }),
            col('reason', 'What Azure says', 'text', { width: 2.4 }),
        ],
        cells: (m, answer) =>
            [
                m.computer,
                m.withoutData ? `no data in ${daysRead(answer.scope)}` : 'stopped reporting',
                m.lastData,
                m.hoursSilent,
                m.status,
                m.statusSince,
                m.reason,
            ].map(toCell),
    },
    GetSwConfig: {
        title: 'Installed software',
        list: 'items',
        columns: [
            machineFacet('computer'),
            col('name', 'Name', 'text', { width: 2 }),
            col('version', 'Version'),
            col('publisher', 'Publisher', 'text', { facet: true, width: 1.4 }),
            col('type', 'Type', 'text', { facet: true, width: 0.7 }),
            col('lastSeen', 'Last seen', 'date'),
        ],
        cells: (s) => [s.computer, s.name, s.version, s.publisher, s.type, s.lastSeen].map(toCell),
    },
    GetSwChangesList: {
        title: 'Software changes',
        list: 'items',
        columns: [
            col('timeGenerated', 'When', 'date'),
            machineFacet('computer'),
            col('changeCategory', 'Change', 'text', { facet: true, width: 0.7 }),
            col('name', 'Name', 'text', { width: 2 }),
            col('previousVersion', 'Previous version'),
            col('currentVersion', 'Current version'),
            col('publisher', 'Publisher', 'text', { facet: true }),
            col('type', 'Type', 'text', { facet: true, width: 0.7 }),
        ],
        cells: (c) =>
            [c.timeGenerated, c.computer, c.changeCategory, c.name, c.previousVersion, c.currentVersion, c.publisher, c.type].map(toCell),
    },
};

/** A table of any tool's answer, in the tool's own order (most important first); portal links go to `portalTarget`. */
export function tableFromResult(request: TableRequest, structured: Record<string, unknown>, portalTarget?: PortalTarget): TableData {
    const answer = structured as Envelope;
    const key = request.view ? `${request.tool}/${request.view}` : request.tool;
    const base = {
        tool: request.tool,
        view: request.view ?? 'items',
        sourceKind: answer.source ?? 'sample',
        warnings: answer.warnings ?? [],
        initial: request.initial,
    };
    const spec = SPECS[key];
    let table: Omit<TableData, 'subtitle' | 'truncation' | keyof typeof base>;
    let truncation = answer.truncation ?? { shown: 0, total: 0 };
    if (spec) {
        const list = spec.rows ? spec.rows(answer) : ((answer[spec.list] as Row[] | undefined) ?? []);
        table = {
            title: request.title ?? spec.title,
            columns: spec.columns,
            rows: list.map((row) => spec.cells(row, answer)),
            chart: spec.chart,
        };
        if (spec.list !== 'items') {
            truncation =
                spec.list === 'machines' && answer.machinesTruncation
                    ? answer.machinesTruncation
                    : { shown: list.length, total: list.length };
        }
    } else if (request.tool === 'GetSqlMetadata') {
        table =
            request.view === 'instances'
                ? sqlInstances(answer.items ?? [], request.title)
                : sqlDatabases(answer.items ?? [], request.title);
    } else if (request.tool === 'ListScopes') {
        table = scopesTable(answer, request.title);
    } else {
        table = genericTable(answer.items ?? [], request.title ?? request.tool);
    }
    if (base.sourceKind !== 'azure') {
        // Portal links for sample resources would lead nowhere.
        const portal = table.columns.findIndex((c) => c.key === 'portal');
        if (portal >= 0) {
            table = {
                ...table,
                columns: table.columns.filter((_, i) => i !== portal),
                rows: table.rows.map((r) => r.filter((_, i) => i !== portal)),
            };
        }
    } else {
        const portal = table.columns.findIndex((c) => c.key === 'portal');
        if (portal >= 0) {
            table = {
                ...table,
                rows: table.rows.map((r) => r.map((v, i) => (i === portal && typeof v === 'string' ? portalUrl(v, portalTarget) : v))),
            };
        }
    }
    const counts =
        truncation.total > truncation.shown
            ? `${truncation.shown.toLocaleString('en')} of ${truncation.total.toLocaleString('en')} rows`
            : `${table.rows.length.toLocaleString('en')} ${table.rows.length === 1 ? 'row' : 'rows'}`;
    return { ...base, ...table, subtitle: `${answer.sourceDescription ?? ''} · ${counts}`, truncation };
}

/** How long a trend lasted, as GetAnomalies' text says it: hours under two days, else days to one decimal. */
export function trendSpan(days: number): string {
    return days < 2 ? `${Math.round(days * 24)} h` : `${Math.round(days * 10) / 10} d`;
}

/** How far a series moved, signed: a percentage in points (`-12.3 pts`), anything else in its unit (`+40/s`). */
export function trendAmount(change: number, unit: string): string {
    return unit === '%' ? `${signedPace(change, '')} pts` : signedPace(change, unit);
}

const minuteOf = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/**
 * The Trend course cell: for an ended trend how far and how fast it moved while it lasted, and when; for one going on,
 * how far so far — without a second pace beside the table's pace now (the one the disks-filling list uses).
 */
function courseText(course: TrendCourseItem | null | undefined, unit: string): string | null {
    if (!course) {
        return null;
    }
    const amount = trendAmount(course.change, unit);
    return course.end === null
        ? `${amount} in ${trendSpan(course.days)} so far, since ${minuteOf(course.start)}`
        : `ended: ${amount} at ${signedPace(course.perDay, unit)}/day, ${trendSpan(course.days)} from ${minuteOf(course.start)} to ${minuteOf(course.end)}`;
}

/**
 * How far back GetAnomalies read, from its answer's `scope` (its timespan, and never less than {@link HISTORY_MS}): a
 * machine in its `withoutData` list sent nothing in all of it. "30 days" when the answer does not say.
 */
export function daysRead(answerScope: unknown): string {
    const scope = answerScope as { from?: unknown; to?: unknown } | undefined;
    const asked = typeof scope?.from === 'string' && typeof scope.to === 'string' ? Date.parse(scope.to) - Date.parse(scope.from) : 0;
    const days = Math.round(Math.max(HISTORY_MS, Number.isFinite(asked) ? asked : 0) / TIME.DAY);
    return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** A patch run as a facet value: its outcome, "window exceeded" when the maintenance window closed on it, or none. */
function lastRun(run: Row | undefined): string {
    return !run ? 'none' : run.maintenanceWindowExceeded && run.status !== 'Failed' ? 'window exceeded' : String(run.status);
}

/** The lifecycle state of a release, worst first when sorted; `unknown` for Linux or a release not in the table. */
function supportColumn(): TableColumn {
    return col('support', 'Support', 'severity', { facet: true, ranks: [...SUPPORT_STATUSES, 'unknown'], width: 0.8 });
}

function supportState(support: unknown): string {
    return (support as Support | null | undefined)?.status ?? 'unknown';
}

/** The last day of support that still lies ahead or has just passed: the ESU end when on ESU, else the extended end. */
function supportEnds(support: unknown): string | null {
    const s = support as Support | null | undefined;
    return s ? (s.status === 'esu' || (s.status === 'ended' && s.esuEnd) ? (s.esuEnd ?? s.extendedEnd) : s.extendedEnd) : null;
}

/** Which Azure portal a resource link opens: the configured cloud's, in the configured tenant when one is set. */
export interface PortalTarget {
    cloud: CloudSetting;
    /** Tenant id or domain (`infraInsights.tenantId`); empty for the account's default directory. */
    tenantId?: string;
}

/** The portal host of each cloud (the same hosts {@link isAllowedLink} lets through). */
export const PORTAL_HOST_BY_CLOUD: Record<CloudSetting, string> = {
    AzureCloud: 'portal.azure.com',
    AzureUSGovernment: 'portal.azure.us',
    AzureChinaCloud: 'portal.azure.cn',
};

/**
 * The Azure portal page of a resource, on the cloud's portal. `#@<tenant>` makes the portal switch to that directory: a
 * resource of another tenant than the person's default one is otherwise "not found".
 */
export function portalUrl(resourceId: string, target: PortalTarget = { cloud: 'AzureCloud' }): string {
    const host = PORTAL_HOST_BY_CLOUD[target.cloud] ?? PORTAL_HOST_BY_CLOUD.AzureCloud;
    const tenant = encodeURIComponent(target.tenantId?.trim() ?? '');
    return `https://${host}/#@${tenant}/resource${resourceId.startsWith('/') ? '' : '/'}${resourceId}`;
}

/** The columns that describe an instance, first in both SQL Server tables. */
function instanceColumns(): TableColumn[] {
    return [
        col('instance', 'Instance', 'text', { facet: true, width: 1.4 }),
        machineFacet('machineName'),
        // Arc-enabled SQL Server (with its databases) or a SQL virtual machine on an Azure VM (Azure keeps no databases).
        col('kind', 'Kind', 'text', { facet: true, width: 0.6 }),
        col('version', 'Version', 'text', { facet: true }),
        supportColumn(),
        col('edition', 'Edition', 'text', { facet: true }),
        col('licenseType', 'License', 'text', { facet: true }),
        col('vCores', 'vCores', 'number', { width: 0.5 }),
    ];
}

function instanceCells(i: Row): CellValue[] {
    const kind = i.kind === 'sql-vm' ? 'SQL VM' : 'Arc';
    return [i.name, i.machineName, kind, i.version, supportState(i.support), i.edition, i.licenseType, i.vCores].map(toCell);
}

/** One row per instance: what licensing questions (edition, licence, vCores) count, and what the Overview's instance figures open. */
function sqlInstances(instances: Row[], title?: string): TableBody {
    const columns = [
        ...instanceColumns(),
        col('status', 'Status', 'text', { facet: true, width: 0.7 }),
        col('databases', 'Databases', 'number', { width: 0.7 }),
        col('totalSizeMb', 'Size MB', 'number', { width: 0.7 }),
        col('inventoryAt', 'Inventory as of', 'date'),
    ];
    const rows = instances.map((i) => [
        ...instanceCells(i),
        ...[i.status, ((i.databases as Row[] | undefined) ?? []).length, i.totalSizeMb, i.inventoryAt].map(toCell),
    ]);
    return { title: title ?? 'SQL Server instances', columns, rows };
}

function sqlDatabases(instances: Row[], title?: string): TableBody {
    const columns = [
        ...instanceColumns(),
        col('database', 'Database', 'text', { width: 1.2 }),
        col('state', 'State', 'text', { facet: true, width: 0.8 }),
        col('sizeMb', 'Size MB', 'number', { width: 0.7 }),
        col('freePercent', 'Free %', 'number', { width: 0.6 }),
        col('lastFullBackup', 'Last full backup', 'date'),
        col('backupState', 'Backup', 'severity', { facet: true, ranks: ['never', 'stale', 'ok'], width: 0.6 }),
        col('lastLogBackup', 'Last log backup', 'date'),
        col('logBackupState', 'Log backup', 'severity', { facet: true, ranks: ['never', 'stale', 'ok', 'not-needed'], width: 0.6 }),
        col('inventoryAt', 'Inventory as of', 'date'),
    ];
    const rows: CellValue[][] = [];
    for (const i of instances) {
        const head = instanceCells(i);
        const dbs = (i.databases as Row[] | undefined) ?? [];
        if (dbs.length === 0) {
            rows.push([...head, null, null, null, null, null, null, null, null, toCell(i.inventoryAt)]);
        }
        for (const db of dbs) {
            const cells = [
                db.name,
                db.state,
                db.sizeMb,
                db.freePercent,
                db.lastFullBackup,
                db.backupState,
                db.lastLogBackup,
                db.logBackupState,
            ];
            rows.push([...head, ...cells.map(toCell), toCell(i.inventoryAt)]);
        }
    }
    return { title: title ?? 'SQL Server instances and databases', columns, rows };
}

function scopesTable(answer: Envelope, title?: string): TableBody {
    const columns = [
        col('kind', 'Kind', 'text', { facet: true, width: 0.7 }),
        col('id', 'Id', 'text', { width: 1.6 }),
        col('name', 'Name', 'text', { width: 1.4 }),
        col('parent', 'Tenant / subscription', 'text', { width: 1.6 }),
        col('location', 'Location'),
    ];
    const rows: CellValue[][] = [
        ...(answer.subscriptions ?? []).map((s) => ['subscription', s.subscriptionId, s.displayName, s.tenantId, null].map(toCell)),
        ...(answer.workspaces ?? []).map((w) => ['workspace', w.customerId, w.name, w.subscriptionId, w.location].map(toCell)),
    ];
    return { title: title ?? 'Subscriptions and workspaces', columns, rows };
}

/** Scalar fields of the items become columns (arrays joined, objects left out), in first-seen order. */
function genericTable(items: Row[], title: string): TableBody {
    const keys: string[] = [];
    const types = new Map<string, TableColumn['type']>();
    for (const item of items.slice(0, 200)) {
        for (const [key, value] of Object.entries(item)) {
            if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
                continue;
            }
            if (!keys.includes(key)) {
                keys.push(key);
            }
            if (typeof value === 'number') {
                types.set(key, 'number');
            } else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) && !types.has(key)) {
                types.set(key, 'date');
            }
        }
    }
    const columns = keys.map((key) => col(key, key, types.get(key) ?? 'text'));
    const rows = items.map((item) => keys.map((key) => toCell(Array.isArray(item[key]) ? (item[key] as unknown[]).join(', ') : item[key])));
    return { title, columns, rows };
}

function toCell(value: unknown): CellValue {
    if (value === undefined || value === null) {
        return null;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return value;
    }
    return JSON.stringify(value);
}
