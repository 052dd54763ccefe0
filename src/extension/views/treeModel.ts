/**
 * The sidebar trees as plain data built from tool answers: no `vscode` import, so unit tests check exactly what a
 * person sees (labels, counts, order, which items open which table) from the sample estate in plain Node. The tree
 * providers turn these nodes into `TreeItem`s.
 */
import { describeSupport, SUPPORT_ENDING_DAYS, type Support } from '../../core/lifecycle';
import { FINDING_SEVERITIES, PATCH_CLASSIFICATIONS, PATCH_SEVERITIES } from '../../core/model';
import { groupBy, WINDOWS_SEVERITIES, WINDOWS_SEVERITY_MIN_WEIGHT, windowsSeverity } from '../../core/summaries';
import { daysRead, STATUS_AGE_LONG, TABLE_MAX_RESULTS, trendAmount, trendSpan, type TableRequest } from '../webviews/tableSpecs';
import {
    BACKUP_STALE_AFTER_DAYS,
    instanceLabel,
    LOG_BACKUP_STALE_AFTER_HOURS,
    LONG_DISCONNECTED_DAYS,
    PATCH_OVERDUE_DAYS,
    SILENT_AFTER_HOURS,
} from '../../tools/vocabulary';
import { FULL_HORIZON_DAYS, LOW_FREE_SPACE_PERCENT, PACE_BASIS_TEXT, signedPace, type PaceBasis } from '../../tools/trend';

/** Codicon id plus an optional theme colour id (`list.errorForeground`, …). */
export interface NodeIcon {
    id: string;
    color?: string;
}

/** One tree node; children are built with the node (the answers are already in memory). */
export interface TreeNodeModel {
    /** Unique within its view (the path of keys from the root). */
    id: string;
    label: string;
    description?: string;
    tooltip?: string;
    icon?: NodeIcon;
    children?: TreeNodeModel[];
    /** Clicking the node (or "Open Table") opens this table. */
    table?: TableRequest;
    /** What "Copy" puts on the clipboard (default: the label). */
    copyText?: string;
    /** ARM resource id: "Open in Azure Portal" (only offered for Azure data). */
    resourceId?: string;
    /** Machine name: "Check Anomalies on This Machine". */
    machine?: string;
    /** Remediation help page. */
    helpLink?: string;
    /** The node reports a failure; "Retry" refreshes the view. */
    error?: boolean;
    /** The node stands for something still being computed. */
    loading?: boolean;
    expanded?: boolean;
    /** Clicking runs this command (with no argument), e.g. sign-in. */
    command?: { id: string; title: string };
}

type Row = Record<string, unknown>;
type Answer = Record<string, unknown> & { summary?: Record<string, unknown>; items?: Row[]; machines?: Row[]; sourceDescription?: string };

const SEVERITY_ICON: Record<string, NodeIcon> = {
    Critical: { id: 'error', color: 'list.errorForeground' },
    High: { id: 'error', color: 'list.errorForeground' },
    Important: { id: 'warning', color: 'list.warningForeground' },
    Security: { id: 'shield', color: 'list.warningForeground' },
    Medium: { id: 'warning', color: 'list.warningForeground' },
    Moderate: { id: 'info', color: 'charts.blue' },
    Low: { id: 'info', color: 'charts.blue' },
    Information: { id: 'info', color: 'descriptionForeground' },
    Unspecified: { id: 'circle-outline', color: 'descriptionForeground' },
};
const iconFor = (severity: string): NodeIcon => SEVERITY_ICON[severity] ?? { id: 'circle-outline' };

const fmt = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en') : '–');
const plural = (n: number, word: string, many = `${word}s`) => `${n.toLocaleString('en')} ${n === 1 ? word : many}`;
const day = (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 10) : 'unknown date');
const time = (iso: unknown) => (typeof iso === 'string' ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');

/** GetPatchingLevel's arguments for the overdue patches: Critical and Security updates published long ago. */
export const OVERDUE_PATCHES = { classification: ['Critical', 'Security'], older_than_days: PATCH_OVERDUE_DAYS };

/** The title of the table of the machines not reporting (GetAnomalies' silent and withoutData lists). */
const NOT_REPORTING_TITLE = 'Machines not reporting';

/** What the Overview shows; each part is an answer, an error message, or still loading (undefined). */
export interface OverviewInputs {
    sourceKind: 'sample' | 'azure';
    sourceDescription: string;
    /** The signed-in account; none on Azure means every figure fails until someone signs in. */
    account?: string;
    scopes?: Answer | Error;
    servers?: Answer | Error;
    /** GetPatchingLevel with {@link OVERDUE_PATCHES}: its summary covers every patch, its total the overdue ones. */
    patches?: Answer | Error;
    sql?: Answer | Error;
    sqlHigh?: Answer | Error;
    windowsHigh?: Answer | Error;
    anomalies24h?: Answer | Error;
}

/**
 * What a person can do about the figures or a tree besides Retry: sign in — on sample data to see their own estate, on
 * Azure because no account is signed in (every query fails until one is) — and pick the default workspace when a tool
 * could not tell which Log Analytics workspace to read.
 */
export function remedies(failures: readonly string[], state: { sourceKind: 'sample' | 'azure'; account?: string }): TreeNodeModel[] {
    const nodes: TreeNodeModel[] = [];
    if (state.sourceKind === 'sample' || !state.account) {
        nodes.push({
            id: 'signIn',
            label: state.sourceKind === 'sample' ? 'Sign in to Azure to see your estate' : 'Sign in to Azure: no account is signed in',
            icon: { id: 'sign-in', color: state.sourceKind === 'azure' ? 'list.warningForeground' : undefined },
            command: { id: 'infraInsights.signIn', title: 'Sign In' },
        });
    }
    const workspace = failures.find(needsWorkspace);
    if (workspace !== undefined) {
        nodes.push({
            id: 'pickWorkspace',
            label: 'Pick the default Log Analytics workspace',
            description: 'the tools could not tell which to read',
            tooltip: workspace,
            icon: { id: 'database', color: 'list.warningForeground' },
            command: { id: 'infraInsights.pickWorkspace', title: 'Pick Default Workspace' },
        });
    }
    return nodes;
}

/**
 * True for the tools' answer when no workspace was named and none is the default among several, or the default is
 * not one the account can see (GetAnomalies and the assessments say "workspace_id" or "default workspace" then).
 */
function needsWorkspace(message: string): boolean {
    return /\bworkspace_id\b|\bdefault workspace\b/i.test(message);
}

/** The minimum weight the Overview (and the Windows table's severity column) counts as a high-severity Windows finding. */
export const WINDOWS_HIGH_WEIGHT = WINDOWS_SEVERITY_MIN_WEIGHT.High;

/** The Overview: where the data comes from, the scope, and the headline figures, each opening its table. */
export function buildOverview(inputs: OverviewInputs): TreeNodeModel[] {
    const nodes: TreeNodeModel[] = [];
    nodes.push({
        id: 'source',
        label: inputs.sourceKind === 'sample' ? 'Sample data' : 'Azure',
        description: inputs.account ?? (inputs.sourceKind === 'sample' ? 'fictional estate' : undefined),
        tooltip: inputs.sourceDescription,
        icon: { id: inputs.sourceKind === 'sample' ? 'beaker' : 'azure' },
        copyText: inputs.sourceDescription,
    });
    const failures = [inputs.scopes, inputs.servers, inputs.patches, inputs.sql, inputs.sqlHigh, inputs.windowsHigh, inputs.anomalies24h]
        .filter((answer): answer is Error => answer instanceof Error)
        .map((error) => error.message);
    nodes.push(...remedies(failures, inputs));
    const figure = (
        id: string,
        answer: Answer | Error | undefined,
        make: (a: Answer) => Omit<TreeNodeModel, 'id'>,
        label: string,
    ): TreeNodeModel => {
        if (answer instanceof Error) {
            return {
                id,
                label,
                description: 'failed',
                tooltip: answer.message,
                icon: { id: 'error', color: 'list.errorForeground' },
                error: true,
            };
        }
        if (!answer) {
            return { id, label, description: 'computing…', icon: { id: 'loading~spin' }, loading: true };
        }
        return { id, ...make(answer) };
    };
    nodes.push(
        figure(
            'scope',
            inputs.scopes,
            (a) => {
                const subscriptions = (a.subscriptions as Row[] | undefined) ?? [];
                const workspaces = (a.workspaces as Row[] | undefined) ?? [];
                const defaultId = a.summary?.defaultWorkspaceId;
                const workspace = workspaces.find((w) => w.customerId === defaultId);
                return {
                    label: 'Scope',
                    description: `${plural(subscriptions.length, 'subscription')}, workspace ${workspace ? String(workspace.name) : (defaultId ?? 'none')}`,
                    icon: { id: 'filter' },
                    table: { tool: 'ListScopes', args: {} },
                    children: [
                        ...subscriptions.map((s) => ({
                            id: `scope/sub/${String(s.subscriptionId)}`,
                            label: String(s.displayName),
                            description: String(s.subscriptionId),
                            icon: { id: 'key' },
                            copyText: String(s.subscriptionId),
                            resourceId: `/subscriptions/${String(s.subscriptionId)}`,
                            tooltip: `Subscription ${String(s.subscriptionId)} (${String(s.state)}), tenant ${String(s.tenantId)}`,
                        })),
                        ...workspaces.map((w) => ({
                            id: `scope/ws/${String(w.customerId)}`,
                            label: String(w.name),
                            description: w.customerId === defaultId ? 'default workspace' : 'workspace',
                            icon: { id: 'database' },
                            copyText: String(w.customerId),
                            resourceId: String(w.resourceId),
                            tooltip: `Log Analytics workspace ${String(w.customerId)} in ${String(w.location)}`,
                        })),
                    ],
                };
            },
            'Scope',
        ),
    );
    nodes.push(
        figure(
            'machines',
            inputs.servers,
            (a) => {
                const s = a.summary ?? {};
                const byStatus = (s.byStatus ?? {}) as Record<string, number>;
                const connected = (byStatus.Connected ?? 0) + (byStatus.Running ?? 0);
                const disconnected = (byStatus.Disconnected ?? 0) + (byStatus.Expired ?? 0) + (byStatus.Error ?? 0);
                return {
                    label: `Machines: ${fmt(s.machines)}`,
                    description: `${fmt(connected)} connected, ${fmt(disconnected)} disconnected`,
                    tooltip: Object.entries(byStatus)
                        .map(([k, v]) => `${k}: ${v}`)
                        .join('\n'),
                    icon: { id: 'server' },
                    table: { tool: 'GetServerMetadata', args: {} },
                    children: [
                        {
                            id: 'machines/disconnected',
                            label: `Disconnected, expired or in error: ${fmt(disconnected)}`,
                            icon: { id: 'debug-disconnect', color: disconnected ? 'list.warningForeground' : undefined },
                            table: {
                                tool: 'GetServerMetadata',
                                args: { status: ['Disconnected', 'Expired', 'Error'] },
                                title: 'Disconnected machines',
                            },
                        },
                        {
                            id: 'machines/disconnectedLong',
                            label: `Disconnected ${LONG_DISCONNECTED_DAYS} days or more: ${fmt(s.disconnectedLong)}`,
                            tooltip:
                                "Arc-enabled servers away for weeks: after 45 to 90 days disconnected a server's managed identity expires, and its agent must be onboarded again.",
                            icon: { id: 'watch', color: s.disconnectedLong ? 'list.errorForeground' : undefined },
                            table: {
                                tool: 'GetServerMetadata',
                                args: { status: ['Disconnected'], kind: 'arc' },
                                title: `Arc-enabled servers disconnected ${LONG_DISCONNECTED_DAYS} days or more`,
                                initial: { facets: { statusAge: [STATUS_AGE_LONG] } },
                            },
                        },
                        ...agentNodes(s),
                        {
                            id: 'machines/agentOutOfSupport',
                            label: `Arc agent more than a year old: ${fmt(s.agentOutOfSupport)}`,
                            tooltip:
                                'Arc-enabled servers whose Connected Machine agent was released more than a year ago: Microsoft supports only the versions of the last year. Upgrade them, or turn on automatic agent upgrade.',
                            icon: { id: 'history', color: s.agentOutOfSupport ? 'list.warningForeground' : undefined },
                            table: {
                                tool: 'GetServerMetadata',
                                args: { agent_out_of_support: true },
                                title: 'Arc-enabled servers with an agent out of support',
                            },
                        },
                        {
                            id: 'machines/stoppedNotDeallocated',
                            label: `Azure VMs stopped, still billed: ${fmt(s.stoppedNotDeallocated)}`,
                            tooltip:
                                'Azure VMs stopped without being deallocated keep their compute allocated, and it is billed: deallocate them (Stop in the portal, or az vm deallocate).',
                            icon: { id: 'debug-pause', color: s.stoppedNotDeallocated ? 'list.warningForeground' : undefined },
                            table: {
                                tool: 'GetServerMetadata',
                                args: { kind: 'azure-vm', status: ['Stopped'] },
                                title: 'Azure VMs stopped but not deallocated',
                            },
                        },
                        {
                            id: 'machines/outOfSupport',
                            label: `Windows Server past extended support: ${fmt(s.outOfSupport)}`,
                            tooltip:
                                'Machines whose Windows Server release no longer gets security updates without Extended Security Updates, or at all.',
                            icon: { id: 'warning', color: s.outOfSupport ? 'list.errorForeground' : undefined },
                            table: {
                                tool: 'GetServerMetadata',
                                args: { support: ['ended', 'esu'] },
                                title: 'Machines past extended support',
                            },
                        },
                        {
                            id: 'machines/supportEnding',
                            label: `Leaving extended support within ${SUPPORT_ENDING_DAYS} days: ${fmt(s.supportEnding)}`,
                            tooltip:
                                'Machines whose Windows Server release reaches the end of extended support soon: time to plan the upgrade.',
                            icon: { id: 'calendar', color: s.supportEnding ? 'list.warningForeground' : undefined },
                            table: {
                                tool: 'GetServerMetadata',
                                args: { support: ['ending'] },
                                title: `Machines leaving extended support within ${SUPPORT_ENDING_DAYS} days`,
                            },
                        },
                    ],
                };
            },
            'Machines',
        ),
    );
    const patches = inputs.patches;
    nodes.push(
        figure(
            'compliance',
            patches,
            (a) => {
                const s = a.summary ?? {};
                const percent = s.compliancePercent;
                return {
                    label: `Patch compliance: ${typeof percent === 'number' ? `${percent}%` : 'n/a'}`,
                    description: `${fmt(s.assessed)} assessed, ${fmt(s.notAssessed)} not assessed`,
                    tooltip:
                        'Assessed machines missing no Critical or Security update, of all assessed machines (Azure Update Manager, last 7 days).',
                    icon: { id: 'shield', color: typeof percent === 'number' && percent < 80 ? 'list.warningForeground' : undefined },
                    table: { tool: 'GetPatchingLevel', args: {}, view: 'machines' },
                    children: [
                        {
                            id: 'compliance/lastRunFailed',
                            label: `Latest patch run failed: ${fmt(s.lastInstallFailed)}`,
                            tooltip:
                                "Machines whose latest Azure Update Manager installation run failed to install a patch: see Azure's error in the table.",
                            icon: { id: 'error', color: s.lastInstallFailed ? 'list.errorForeground' : undefined },
                            table: {
                                tool: 'GetPatchingLevel',
                                args: {},
                                view: 'machines',
                                title: 'Machines whose latest patch run failed',
                                initial: { facets: { lastRun: ['Failed'] } },
                            },
                        },
                        {
                            id: 'compliance/lastRunOutOfWindow',
                            label: `Maintenance window too short: ${fmt(s.lastInstallOutOfWindow)}`,
                            tooltip:
                                'Machines whose latest patch run stopped when its maintenance window closed, with patches left pending.',
                            icon: { id: 'watch', color: s.lastInstallOutOfWindow ? 'list.warningForeground' : undefined },
                            table: {
                                tool: 'GetPatchingLevel',
                                args: {},
                                view: 'machines',
                                title: 'Machines whose latest patch run ran out of its window',
                                initial: { facets: { lastRun: ['window exceeded'] } },
                            },
                        },
                    ],
                };
            },
            'Patch compliance',
        ),
        figure(
            'reboot',
            patches,
            (a) => ({
                label: `Reboot pending: ${fmt(a.summary?.rebootPending)}`,
                description: 'machines',
                icon: { id: 'debug-restart', color: a.summary?.rebootPending ? 'list.warningForeground' : undefined },
                table: {
                    tool: 'GetPatchingLevel',
                    args: { reboot_pending: true },
                    view: 'machines',
                    title: 'Machines waiting for a reboot',
                },
            }),
            'Reboot pending',
        ),
        figure(
            'critical',
            patches,
            (a) => ({
                label: `Critical / security patches missing: ${fmt(Number(a.summary?.criticalMissing ?? 0) + Number(a.summary?.securityMissing ?? 0))}`,
                description: `on ${fmt(a.summary?.machinesMissingCriticalOrSecurity)} machines`,
                icon: { id: 'shield', color: 'list.errorForeground' },
                table: {
                    tool: 'GetPatchingLevel',
                    args: { classification: ['Critical', 'Security'] },
                    title: 'Missing Critical and Security patches',
                },
                children: [
                    {
                        // The table lists patches (the per-machine view has no overdue filter), so the label counts
                        // patches, the description machines — as the figure above it does.
                        id: 'critical/overdue',
                        label: `Overdue, published over ${PATCH_OVERDUE_DAYS} days ago: ${fmt((a.truncation as { total?: unknown } | undefined)?.total)}`,
                        description: `on ${fmt(a.summary?.machinesOverdue)} machines`,
                        tooltip: `Critical and Security updates published more than ${PATCH_OVERDUE_DAYS} days ago and still missing on assessed machines.`,
                        icon: { id: 'history', color: a.summary?.machinesOverdue ? 'list.errorForeground' : undefined },
                        table: {
                            tool: 'GetPatchingLevel',
                            args: OVERDUE_PATCHES,
                            title: `Critical and Security patches missing for over ${PATCH_OVERDUE_DAYS} days`,
                        },
                    },
                ],
            }),
            'Critical / security patches missing',
        ),
        figure(
            'sql',
            inputs.sql,
            (a) => {
                const s = a.summary ?? {};
                const n = (key: string) => (typeof s[key] === 'number' ? (s[key] as number) : 0);
                const recovery = n('databasesNeedingRecovery');
                const noFull = n('databasesNeverBackedUp') + n('databasesWithStaleBackup');
                const noLog = n('databasesWithoutLogBackup');
                const evaluation = n('evaluationEdition');
                const sqlTable = (facets: Record<string, string[]>, title: string): TableRequest => ({
                    tool: 'GetSqlMetadata',
                    args: {},
                    initial: { facets },
                    title,
                });
                return {
                    label: `SQL Server: ${fmt(s.instances)} instances, ${fmt(s.databases)} databases`,
                    description: `${fmt(recovery)} need recovery · ${fmt(noFull)} no recent full backup · ${fmt(noLog)} no log backup`,
                    icon: {
                        id: 'database',
                        color: recovery || noFull ? 'list.errorForeground' : noLog ? 'list.warningForeground' : undefined,
                    },
                    table: { tool: 'GetSqlMetadata', args: {} },
                    children: [
                        {
                            id: 'sql/recovery',
                            label: `Databases that need recovery: ${fmt(recovery)}`,
                            tooltip: 'In the Suspect, RecoveryPending or Emergency state: unusable until someone recovers them.',
                            icon: { id: 'error', color: recovery ? 'list.errorForeground' : undefined },
                            table: sqlTable({ state: ['Suspect', 'RecoveryPending', 'Emergency'] }, 'SQL databases that need recovery'),
                        },
                        {
                            id: 'sql/fullBackup',
                            label: `Without a full backup in ${BACKUP_STALE_AFTER_DAYS} days: ${fmt(noFull)}`,
                            icon: { id: 'archive', color: noFull ? 'list.errorForeground' : undefined },
                            table: sqlTable({ backupState: ['never', 'stale'] }, 'SQL databases without a recent full backup'),
                        },
                        {
                            id: 'sql/logBackup',
                            label: `Full recovery model, no log backup in ${LOG_BACKUP_STALE_AFTER_HOURS} h: ${fmt(noLog)}`,
                            tooltip: 'The log grows until a log backup runs, and nothing since the last full backup can be restored.',
                            icon: { id: 'history', color: noLog ? 'list.warningForeground' : undefined },
                            table: sqlTable({ logBackupState: ['never', 'stale'] }, 'SQL databases without a recent log backup'),
                        },
                        {
                            id: 'sql/evaluation',
                            label: `Instances on the Evaluation edition: ${fmt(evaluation)}`,
                            tooltip: 'The Evaluation edition stops its database engine 180 days after installation unless licensed.',
                            icon: { id: 'watch', color: evaluation ? 'list.warningForeground' : undefined },
                            table: {
                                tool: 'GetSqlMetadata',
                                args: {},
                                view: 'instances',
                                initial: { facets: { edition: ['Evaluation'] } },
                                title: 'SQL Server instances on the Evaluation edition',
                            },
                        },
                    ],
                };
            },
            'SQL Server',
        ),
        figure(
            'sqlHigh',
            inputs.sqlHigh,
            (a) => ({
                label: `High-severity SQL findings: ${fmt(a.summary?.findings)}`,
                description: `on ${fmt(a.summary?.instances)} instances`,
                icon: iconFor('High'),
                table: { tool: 'GetSqlBpAssessment', args: {}, initial: { facets: { severity: ['High'] } } },
            }),
            'High-severity SQL findings',
        ),
        figure(
            'winHigh',
            inputs.windowsHigh,
            (a) => ({
                label: `High-severity Windows findings: ${fmt(a.summary?.findings)}`,
                description: `on ${fmt(a.summary?.machines)} machines`,
                tooltip: `Windows Server assessment recommendations weighing ${WINDOWS_HIGH_WEIGHT} or more.`,
                icon: iconFor('High'),
                table: { tool: 'GetWinBpAssessment', args: {}, initial: { facets: { severity: ['High'] } } },
            }),
            'High-severity Windows findings',
        ),
        figure(
            'anomalies',
            inputs.anomalies24h,
            (a) => ({
                label: `Anomalies in the last 24 h: ${fmt(a.summary?.incidents)}`,
                description: `on ${fmt(a.summary?.machinesWithIncidents)} of ${fmt(a.summary?.machines)} machines`,
                icon: { id: 'pulse', color: a.summary?.incidents ? 'list.warningForeground' : undefined },
                table: { tool: 'GetAnomalies', args: { timespan: '24h' }, title: 'Anomalies in the last 24 hours' },
            }),
            'Anomalies in the last 24 h',
        ),
        figure(
            'disksFilling',
            inputs.anomalies24h,
            (a) => {
                const filling = Number(a.summary?.disksFilling ?? 0);
                return {
                    label: `Disks filling up: ${fmt(filling)}`,
                    description:
                        filling > 0 ? `first full around ${time(a.summary?.firstFullAt)}` : `none full within ${FULL_HORIZON_DAYS} days`,
                    tooltip: `Free space clearly falling now — at its pace over the last week, or over the last day when that differs — fast enough to reach 0 % within ${FULL_HORIZON_DAYS} days at that pace.`,
                    icon: { id: 'database', color: filling > 0 ? 'list.warningForeground' : undefined },
                    table: {
                        tool: 'GetAnomalies',
                        args: { timespan: '24h', metric: 'disk' },
                        view: 'filling',
                        title: 'Disks filling up',
                    },
                };
            },
            'Disks filling up',
        ),
        figure(
            'disksLow',
            inputs.anomalies24h,
            (a) => {
                const low = Number(a.summary?.disksLow ?? 0);
                const below = String(a.summary?.lowFreeSpace ?? LOW_FREE_SPACE_PERCENT);
                return {
                    label: `Disks under ${below} % free: ${fmt(low)}`,
                    description: low > 0 ? lowestDisk(a.lowSpace as Row[] | undefined) : 'none',
                    tooltip: `Disks whose latest free space is under ${below} %, filling up or not.`,
                    icon: { id: 'database', color: low > 0 ? 'list.errorForeground' : undefined },
                    table: {
                        tool: 'GetAnomalies',
                        args: { timespan: '24h', metric: 'disk' },
                        view: 'lowSpace',
                        title: `Disks under ${below} % free`,
                    },
                };
            },
            'Disks low on space',
        ),
        figure(
            'silent',
            inputs.anomalies24h,
            (a) => {
                // Both lists: a machine off for six weeks has stopped reporting as surely as one off since this morning.
                const silent = Number(a.summary?.machinesSilent ?? 0);
                const withoutData = Number(a.summary?.machinesWithoutData ?? 0);
                const first = (a.silent as Row[] | undefined)?.[0];
                const read = daysRead(a.scope);
                const lately = first ? `${fmt(silent)} stopped, latest ${String(first.computer)} ${String(first.hoursSilent)} h ago` : '';
                const none = withoutData > 0 ? `${fmt(withoutData)} with no data in ${read}` : '';
                return {
                    label: `Not reporting: ${fmt(silent + withoutData)}`,
                    description: [lately, none].filter(Boolean).join(' · ') || 'none',
                    tooltip:
                        `Machines that sent CPU and disk data earlier but none in the last ${SILENT_AFTER_HOURS} hours (${fmt(silent)}): an agent or data collection that stopped, or a machine that is off; ` +
                        `and machines that Azure lists as reporting to this workspace that sent nothing at all in the ${read} read (${fmt(withoutData)}): off, or without a working agent, for longer than that.`,
                    icon: { id: 'debug-disconnect', color: silent + withoutData > 0 ? 'list.warningForeground' : undefined },
                    table: { tool: 'GetAnomalies', args: { timespan: '24h' }, view: 'silent', title: NOT_REPORTING_TITLE },
                };
            },
            'Not reporting',
        ),
    );
    return nodes;
}

/** The row cut of a tool's answer when its list stops short of its total (`max_results` reached), else undefined. */
export function cutOf(answer: Answer): { shown: number; total: number } | undefined {
    const truncation = answer.truncation as { shown?: unknown; total?: unknown } | undefined;
    return typeof truncation?.shown === 'number' && typeof truncation.total === 'number' && truncation.shown < truncation.total
        ? { shown: truncation.shown, total: truncation.total }
        : undefined;
}

/**
 * The item a group shows when its answer was cut at the row limit and lists fewer of its rows than it counts: the items
 * beside it are the listed rows only. `narrowed`: the table asks the tool for this group alone (a classification, a
 * severity), so it lists more of it; otherwise the table holds the same rows as the tree, to sort and filter.
 */
export function shownOfNode(id: string, shown: number, total: number, table: TableRequest, narrowed = true): TreeNodeModel {
    return {
        id: `${id}/shownOf`,
        label: `Showing ${fmt(shown)} of ${fmt(total)} — open the table`,
        tooltip:
            `The answer behind this tree stops at its row limit, most urgent rows first: the items here are ${fmt(shown)} of ${fmt(total)}. ` +
            (narrowed
                ? `The table asks for this group alone, up to ${fmt(TABLE_MAX_RESULTS)} rows.`
                : 'The table holds the same rows, to sort and filter; ask about fewer machines (a name, tags, a resource group) to see the rest.'),
        icon: { id: 'info', color: 'list.warningForeground' },
        table,
    };
}

/** {@link shownOfNode} for a whole answer that was cut (its groups could not be counted from its summary). */
function shownOf(id: string, answer: Answer, table: TableRequest): TreeNodeModel {
    const cut = cutOf(answer) ?? { shown: 0, total: 0 };
    return shownOfNode(id, cut.shown, cut.total, table, false);
}

/** A summary's count per group (`byClassification`, `bySeverity`), when the answer has one. */
function countsOf(summary: Record<string, unknown> | undefined, key: string): Record<string, number> | undefined {
    const counts = summary?.[key];
    return counts && typeof counts === 'object' ? (counts as Record<string, number>) : undefined;
}

/**
 * Patches: by classification → machine → patch; machines without a recent assessment under "Not assessed". A
 * classification counts from the summary (every missing patch), since the listed patches stop at the row limit, most
 * urgent first: on a large estate whole classifications are past it.
 */
export function buildPatchesTree(answer: Answer): TreeNodeModel[] {
    const items = answer.items ?? [];
    const machines = answer.machines ?? [];
    const nodes: TreeNodeModel[] = [];
    const byClass = groupBy(items, (p) => String(p.classification));
    const totals = countsOf(answer.summary, 'byClassification');
    const cut = cutOf(answer);
    if (cut && !totals) {
        nodes.push(shownOf('patches', answer, { tool: 'GetPatchingLevel', args: {} }));
    }
    const counted = Object.entries(totals ?? {})
        .filter(([, n]) => n > 0)
        .map(([c]) => c);
    const classes = [...new Set([...byClass.keys(), ...counted])].sort(
        (a, b) => PATCH_CLASSIFICATIONS.indexOf(a as never) - PATCH_CLASSIFICATIONS.indexOf(b as never),
    );
    for (const classification of classes) {
        const patches = byClass.get(classification) ?? [];
        const total = Math.max(totals?.[classification] ?? 0, patches.length);
        const partial = patches.length < total;
        const byMachine = groupBy(patches, (p) => String(p.machineName));
        const severities = groupBy(patches, (p) => String(p.severity));
        const worst = PATCH_SEVERITIES.find((s) => severities.has(s)) ?? 'Unspecified';
        const table: TableRequest = {
            tool: 'GetPatchingLevel',
            args: { classification: [classification] },
            title: `Missing ${classification} patches`,
        };
        nodes.push({
            id: `class/${classification}`,
            label: classification,
            description: partial
                ? `${plural(total, 'patch', 'patches')}, ${fmt(patches.length)} listed`
                : `${plural(total, 'patch', 'patches')} on ${plural(byMachine.size, 'machine')}`,
            tooltip:
                (partial ? `Of the ${fmt(patches.length)} listed:\n` : '') +
                PATCH_SEVERITIES.filter((s) => severities.has(s))
                    .map((s) => `${s}: ${severities.get(s)?.length}`)
                    .join('\n'),
            icon: classification === 'Critical' || classification === 'Security' ? iconFor(classification) : iconFor(worst),
            table,
            children: [
                ...(partial ? [shownOfNode(`class/${classification}`, patches.length, total, table)] : []),
                ...[...byMachine.entries()].map(([machine, list]) => ({
                    id: `class/${classification}/${machine}`,
                    label: machine,
                    description: plural(list.length, 'patch', 'patches'),
                    icon: { id: list[0].osType === 'linux' ? 'terminal-linux' : 'window' },
                    machine,
                    resourceId: String(list[0].machineId),
                    table: {
                        tool: 'GetPatchingLevel',
                        args: { server_name: machine, classification: [classification] },
                        title: `Missing ${classification} patches on ${machine}`,
                    },
                    children: list.map((p, i) => ({
                        id: `class/${classification}/${machine}/${i}`,
                        label: p.kbId ? `KB${String(p.kbId)}` : `${String(p.patchName)}${p.version ? ` ${String(p.version)}` : ''}`,
                        description: `${String(p.severity)} · ${p.publishedAt ? `published ${day(p.publishedAt)}` : 'no publish date'} · ${rebootText(String(p.rebootBehaviour))}`,
                        tooltip: `${String(p.patchName)}\n${p.kbId ? `KB${String(p.kbId)}` : `version ${String(p.version ?? '?')}`}\nClassification ${classification}, severity ${String(p.severity)}\nPublished ${p.publishedAt ? day(p.publishedAt) : 'unknown (Linux)'}\n${rebootText(String(p.rebootBehaviour))}`,
                        icon: iconFor(String(p.severity)),
                        copyText: p.kbId ? `KB${String(p.kbId)}` : `${String(p.patchName)} ${String(p.version ?? '')}`.trim(),
                    })),
                })),
            ],
        });
    }
    const notAssessed = machines.filter((m) => m.state === 'not-assessed');
    const notAssessedTotal = Number(answer.summary?.notAssessed ?? notAssessed.length);
    if (notAssessedTotal > 0) {
        const notAssessedTable: TableRequest = {
            tool: 'GetPatchingLevel',
            args: {},
            view: 'machines',
            title: 'Machines not assessed',
            initial: { facets: { state: ['not-assessed'] } },
        };
        nodes.push({
            id: 'notAssessed',
            label: 'Not assessed',
            description: `${plural(notAssessedTotal, 'machine')} — no assessment in the last 7 days`,
            tooltip:
                'These machines have no Azure Update Manager assessment in the last 7 days: their patch state is unknown, not "0 missing".',
            icon: { id: 'question', color: 'list.warningForeground' },
            table: notAssessedTable,
            children: [
                // The machines listed stop at the row limit too.
                ...(notAssessed.length < notAssessedTotal
                    ? [shownOfNode('notAssessed', notAssessed.length, notAssessedTotal, notAssessedTable)]
                    : []),
                ...notAssessed.map((m) => ({
                    id: `notAssessed/${String(m.machineName)}`,
                    label: String(m.machineName),
                    description: `not assessed — ${String(m.notAssessedReason ?? 'no recent assessment')}`,
                    tooltip: `${String(m.machineName)}: ${String(m.notAssessedReason ?? 'no assessment in the last 7 days')}${m.assessedAt ? `\nLast assessed ${time(m.assessedAt)}` : ''}`,
                    icon: { id: 'question' },
                    machine: String(m.machineName),
                    resourceId: String(m.machineId),
                })),
            ],
        });
    }
    if (nodes.length === 0) {
        nodes.push({
            id: 'none',
            label: 'No missing patches',
            description: 'every assessed machine is up to date',
            icon: { id: 'pass', color: 'testing.iconPassed' },
        });
    }
    return nodes;
}

function rebootText(behaviour: string): string {
    switch (behaviour) {
        case 'AlwaysRequiresReboot':
            return 'reboot required';
        case 'CanRequestReboot':
            return 'may reboot';
        case 'NeverReboots':
            return 'no reboot';
        default:
            return 'reboot unknown';
    }
}

/**
 * Assessments: SQL and Windows, each by severity → finding → affected targets, remediation in the tooltip. A severity
 * counts from the summary's `bySeverity` when its answer was cut at the row limit, and says how many of its findings are
 * listed.
 */
export function buildAssessmentsTree(sql: Answer | Error, windows: Answer | Error): TreeNodeModel[] {
    const failed = (id: string, label: string, error: Error): TreeNodeModel => ({
        id,
        label,
        description: 'failed',
        tooltip: error.message,
        icon: { id: 'error', color: 'list.errorForeground' },
        error: true,
    });
    const nodes: TreeNodeModel[] = [];
    if (sql instanceof Error) {
        nodes.push(failed('sql', 'SQL Server', sql));
    } else {
        const items = sql.items ?? [];
        const bySeverity = groupBy(items, (f) => String(f.severity));
        const totals = cutOf(sql) ? countsOf(sql.summary, 'bySeverity') : undefined;
        const total = (severity: string) => Math.max(totals?.[severity] ?? 0, bySeverity.get(severity)?.length ?? 0);
        nodes.push({
            id: 'sql',
            label: 'SQL Server',
            description: `${plural(Number(sql.summary?.findings ?? items.length), 'finding')} on ${plural(Number(sql.summary?.instances ?? 0), 'instance')}`,
            icon: { id: 'database' },
            expanded: true,
            table: { tool: 'GetSqlBpAssessment', args: {} },
            children: [
                ...(cutOf(sql) && !totals ? [shownOf('sql', sql, { tool: 'GetSqlBpAssessment', args: {} })] : []),
                ...FINDING_SEVERITIES.filter((s) => total(s) > 0).map((severity) => {
                    const findings = bySeverity.get(severity) ?? [];
                    const byCheck = groupBy(findings, (f) => String(f.checkId));
                    const partial = findings.length < total(severity);
                    return {
                        id: `sql/${severity}`,
                        label: severity,
                        description: partial
                            ? `${plural(total(severity), 'target')}, ${fmt(findings.length)} listed`
                            : `${plural(byCheck.size, 'check')}, ${plural(findings.length, 'target')}`,
                        icon: iconFor(severity),
                        table: { tool: 'GetSqlBpAssessment', args: {}, initial: { facets: { severity: [severity] } } },
                        children: [
                            ...(partial
                                ? [
                                      shownOfNode(`sql/${severity}`, findings.length, total(severity), {
                                          tool: 'GetSqlBpAssessment',
                                          args: { severity: [severity] },
                                          title: `${severity} SQL findings`,
                                      }),
                                  ]
                                : []),
                            ...[...byCheck.entries()].map(([checkId, list]) => ({
                                id: `sql/${severity}/${checkId}`,
                                label: String(list[0].title),
                                description: plural(list.length, 'target'),
                                tooltip: `${String(list[0].title)}\n\n${String(list[0].description)}\n\nRemediation: ${String(list[0].message)}${list[0].helpLink ? `\n\nHelp: ${String(list[0].helpLink)}` : ''}`,
                                icon: iconFor(severity),
                                helpLink: String(list[0].helpLink ?? ''),
                                copyText: `${String(list[0].title)} (${checkId})`,
                                table: {
                                    tool: 'GetSqlBpAssessment',
                                    args: {},
                                    title: `SQL finding: ${String(list[0].title)}`,
                                    initial: { text: String(list[0].title) },
                                },
                                children: list.map((f, i) => ({
                                    id: `sql/${severity}/${checkId}/${i}`,
                                    label: instanceLabel(String(f.computer), String(f.instanceName)),
                                    description: `${String(f.targetType)} ${String(f.targetName)}`,
                                    tooltip: `${String(f.message)}\n\nAssessed ${time(f.timeGenerated)}`,
                                    icon: { id: f.targetType === 'Database' ? 'database' : 'server' },
                                    machine: String(f.computer),
                                    helpLink: String(f.helpLink ?? ''),
                                    copyText: String(f.message),
                                })),
                            })),
                        ],
                    };
                }),
            ],
        });
    }
    if (windows instanceof Error) {
        nodes.push(failed('windows', 'Windows Server', windows));
    } else {
        const items = windows.items ?? [];
        const bySeverity = groupBy(items, (f) => windowsSeverity(Number(f.weight)));
        const totals = cutOf(windows) ? countsOf(windows.summary, 'bySeverity') : undefined;
        const total = (severity: string) => Math.max(totals?.[severity] ?? 0, bySeverity.get(severity)?.length ?? 0);
        nodes.push({
            id: 'windows',
            label: 'Windows Server',
            description: `${plural(Number(windows.summary?.findings ?? items.length), 'finding')} on ${plural(Number(windows.summary?.machines ?? 0), 'machine')}`,
            icon: { id: 'window' },
            expanded: true,
            table: { tool: 'GetWinBpAssessment', args: {} },
            children: [
                ...(cutOf(windows) && !totals ? [shownOf('windows', windows, { tool: 'GetWinBpAssessment', args: {} })] : []),
                ...WINDOWS_SEVERITIES.filter((s) => total(s) > 0).map((severity) => {
                    const findings = bySeverity.get(severity) ?? [];
                    const byRecommendation = groupBy(findings, (f) => String(f.recommendationId));
                    const partial = findings.length < total(severity);
                    const minWeight = WINDOWS_SEVERITY_MIN_WEIGHT[severity];
                    return {
                        id: `windows/${severity}`,
                        label: severity,
                        description: partial
                            ? `${plural(total(severity), 'target')}, ${fmt(findings.length)} listed`
                            : `${plural(byRecommendation.size, 'recommendation')}, ${plural(findings.length, 'target')}`,
                        tooltip: `Severity from the assessment weight: High ≥ ${WINDOWS_SEVERITY_MIN_WEIGHT.High}, Medium ≥ ${WINDOWS_SEVERITY_MIN_WEIGHT.Medium}, Low below.`,
                        icon: iconFor(severity),
                        table: { tool: 'GetWinBpAssessment', args: {}, initial: { facets: { severity: [severity] } } },
                        children: [
                            ...(partial
                                ? [
                                      shownOfNode(
                                          `windows/${severity}`,
                                          findings.length,
                                          total(severity),
                                          {
                                              tool: 'GetWinBpAssessment',
                                              // The tool filters from a weight up: the heavier findings go first, the facet keeps this band.
                                              args: minWeight > 0 ? { min_weight: minWeight } : {},
                                              title: `${severity} Windows findings`,
                                              initial: { facets: { severity: [severity] } },
                                          },
                                          // Low has no lower bound to ask for: its table is the same cut answer.
                                          minWeight > 0,
                                      ),
                                  ]
                                : []),
                            ...[...byRecommendation.entries()].map(([recommendationId, list]) => ({
                                id: `windows/${severity}/${recommendationId}`,
                                label: String(list[0].recommendation),
                                description: `${String(list[0].focusArea)} · ${plural(list.length, 'target')}`,
                                tooltip: `${String(list[0].recommendation)}\n\n${String(list[0].description)}\n\nFocus area: ${String(list[0].focusArea)}; action area: ${String(list[0].actionArea)}; weight ${String(list[0].weight)}`,
                                icon: iconFor(severity),
                                copyText: String(list[0].recommendation),
                                table: {
                                    tool: 'GetWinBpAssessment',
                                    args: {},
                                    title: `Windows finding: ${String(list[0].recommendation)}`,
                                    initial: { text: String(list[0].recommendation) },
                                },
                                children: list.map((f, i) => ({
                                    id: `windows/${severity}/${recommendationId}/${i}`,
                                    label: String(f.computer),
                                    description: `${String(f.affectedObjectType)} ${String(f.affectedObjectName)}`.trim(),
                                    tooltip: `${String(f.description)}\n\nAssessed ${time(f.timeGenerated)}`,
                                    icon: { id: 'server' },
                                    machine: String(f.computer),
                                    copyText: String(f.computer),
                                })),
                            })),
                        ],
                    };
                }),
            ],
        });
    }
    return nodes;
}

/** Anomalies: by machine → metric → incident (when, actual vs expected, score). */
export function buildAnomaliesTree(answer: Answer): TreeNodeModel[] {
    const items = answer.items ?? [];
    const filling = [
        ...fillingNode((answer.filling as Row[] | undefined) ?? []),
        ...lowSpaceNode((answer.lowSpace as Row[] | undefined) ?? [], answer.summary?.lowFreeSpace),
        ...silentNode((answer.silent as Row[] | undefined) ?? [], (answer.withoutData as Row[] | undefined) ?? [], daysRead(answer.scope)),
    ];
    if (items.length === 0) {
        return [
            ...filling,
            {
                id: 'none',
                label: 'No anomalies',
                description: String(answer.summary?.machines ?? 0) + ' machines analysed',
                tooltip: 'No CPU or disk series left its expected band in the analysed window.',
                icon: { id: 'pass', color: 'testing.iconPassed' },
            },
        ];
    }
    const byMachine = groupBy(items, (i) => String(i.computer));
    return [
        ...filling,
        // Incidents come highest score first: past the row limit, the machines below miss their milder ones, or are missing.
        ...(cutOf(answer) ? [shownOf('incidents', answer, { tool: 'GetAnomalies', args: {} })] : []),
        ...[...byMachine.entries()].map(([machine, incidents]) => {
            const top = Math.max(...incidents.map((i) => Number(i.score)));
            return {
                id: `m/${machine}`,
                label: machine,
                description: `${plural(incidents.length, 'incident')}, top score ${top}`,
                icon: { id: 'pulse', color: top >= 90 ? 'list.errorForeground' : 'list.warningForeground' },
                machine,
                table: { tool: 'GetAnomalies', args: { server_name: machine }, title: `Anomalies on ${machine}` },
                children: [...groupBy(incidents, (i) => String(i.counter)).entries()].map(([counter, list]) => ({
                    id: `m/${machine}/${counter}`,
                    label: counter,
                    description: plural(list.length, 'incident'),
                    icon: { id: list[0].metric === 'cpu' ? 'dashboard' : 'database' },
                    machine,
                    children: list.map((i, k) => ({
                        id: `m/${machine}/${counter}/${k}`,
                        label: `${time(i.start)} · ${String(i.direction)}`,
                        description: `${incidentSummary(i)} · score ${String(i.score)}`,
                        tooltip: `${incidentWhen(i)}\nPeak ${time(i.peakTime)}: ${String(i.actual)}${String(i.unit)}, expected ${String(i.expected)}${String(i.unit)}\nScore ${String(i.score)} (50 = clear anomaly, 90+ = extreme)${trendNow(i)}`,
                        icon: {
                            id: i.direction === 'dip' ? 'arrow-down' : i.direction === 'spike' ? 'arrow-up' : 'graph-line',
                            color: Number(i.score) >= 90 ? 'list.errorForeground' : 'list.warningForeground',
                        },
                        machine,
                        copyText: `${machine} ${counter} ${String(i.direction)}${endedTrend(i) ? ' (ended)' : ''} ${String(i.start)} actual ${String(i.actual)} expected ${String(i.expected)} score ${String(i.score)}`,
                        table: { tool: 'GetAnomalies', args: { server_name: machine }, title: `Anomalies on ${machine}` },
                    })),
                })),
            };
        }),
    ];
}

/**
 * "Check Anomalies on This Machine": a closer look than the Anomalies tree's (high sensitivity, so subtle incidents
 * too), and its title says so — the table a click on the machine opens runs at the default sensitivity.
 */
export function anomalyCheckRequest(machine: string): TableRequest {
    return {
        tool: 'GetAnomalies',
        args: { server_name: machine, sensitivity: 'high' },
        title: `Anomalies on ${machine}, high sensitivity`,
    };
}

/**
 * A machine's item under a list opens the list's table filtered to that machine (its Machine filter, which the person
 * can clear for the whole list).
 */
function onMachine(table: TableRequest, machine: string): TableRequest {
    return { ...table, initial: { facets: { computer: [machine] } } };
}

/** "Disks filling up" at the top of the anomalies tree, soonest full first; nothing when none is. */
function fillingNode(disks: Row[]): TreeNodeModel[] {
    if (disks.length === 0) {
        return [];
    }
    const table: TableRequest = { tool: 'GetAnomalies', args: { metric: 'disk' }, view: 'filling', title: 'Disks filling up' };
    return [
        {
            id: 'filling',
            label: 'Disks filling up',
            description: `${disks.length}, first full ${time(disks[0].fullAt).slice(0, 10)}`,
            tooltip: `Free space clearly falling fast enough to reach 0 % within ${FULL_HORIZON_DAYS} days at its present pace, soonest first.`,
            icon: { id: 'database', color: 'list.warningForeground' },
            table,
            children: disks.map((d) => {
                const machine = String(d.computer);
                return {
                    id: `filling/${machine}/${String(d.counter)}`,
                    label: `${machine} ${String(d.counter)}`,
                    description: `${String(d.latest)}% free · ${signedPace(Number(d.ratePerDay), '%')} a day · full ${time(d.fullAt).slice(0, 10)}`,
                    tooltip: `Now ${String(d.latest)}% free, changing ${signedPace(Number(d.ratePerDay), '%')} a day (${PACE_BASIS_TEXT[d.basis as PaceBasis] ?? String(d.basis)}, since ${time(d.paceSince)}); full around ${time(d.fullAt)} at this pace.`,
                    icon: { id: 'database', color: 'list.warningForeground' },
                    machine,
                    copyText: `${machine} ${String(d.counter)} ${String(d.latest)}% free, ${String(d.ratePerDay)}% a day, full around ${String(d.fullAt)}`,
                    table: onMachine(table, machine),
                };
            }),
        },
    ];
}

/** "Disks under 10 % free" after it, lowest first; nothing when none is. */
function lowSpaceNode(disks: Row[], lowFreeSpace: unknown): TreeNodeModel[] {
    if (disks.length === 0) {
        return [];
    }
    const title = `Disks under ${String(lowFreeSpace ?? LOW_FREE_SPACE_PERCENT)} % free`;
    const table: TableRequest = { tool: 'GetAnomalies', args: { metric: 'disk' }, view: 'lowSpace', title };
    return [
        {
            id: 'lowSpace',
            label: title,
            description: `${disks.length}, lowest ${String(disks[0].latest)} %`,
            tooltip: 'Disks whose latest free space is under the threshold, lowest first, filling up or not.',
            icon: { id: 'database', color: 'list.errorForeground' },
            table,
            children: disks.map((d) => {
                const machine = String(d.computer);
                const full = typeof d.fullAt === 'string' ? ` · full ${time(d.fullAt).slice(0, 10)}` : '';
                const gb = typeof d.freeGb === 'number' ? ` (${String(d.freeGb)} GB)` : '';
                return {
                    id: `lowSpace/${machine}/${String(d.counter)}`,
                    label: `${machine} ${String(d.counter)}`,
                    description: `${String(d.latest)}% free${gb}${full}`,
                    tooltip:
                        `${String(d.latest)}% free${gb} at ${time(d.latestAt)}` +
                        (typeof d.fullAt === 'string'
                            ? `; filling up, full around ${time(d.fullAt)} at its present pace.`
                            : '; not filling up.'),
                    icon: { id: 'database', color: 'list.errorForeground' },
                    machine,
                    copyText: `${machine} ${String(d.counter)} ${String(d.latest)}% free at ${String(d.latestAt)}`,
                    table: onMachine(table, machine),
                };
            }),
        },
    ];
}

/**
 * "Not reporting" after the disks: the machines that stopped reporting, the most recently silent first, then those that
 * sent no data at all in the range read (`read`, "30 days"), as GetAnomalies lists them; nothing when every machine reports.
 */
function silentNode(machines: Row[], withoutData: Row[], read: string): TreeNodeModel[] {
    if (machines.length === 0 && withoutData.length === 0) {
        return [];
    }
    const table: TableRequest = { tool: 'GetAnomalies', args: {}, view: 'silent', title: NOT_REPORTING_TITLE };
    const lately = machines.length > 0 ? `latest ${String(machines[0].hoursSilent)} h ago` : '';
    const none = withoutData.length > 0 ? `${withoutData.length} with no data in ${read}` : '';
    return [
        {
            id: 'silent',
            label: 'Not reporting',
            description:
                machines.length === 0
                    ? none
                    : withoutData.length === 0
                      ? `${machines.length}, ${lately}`
                      : `${machines.length + withoutData.length}: ${machines.length} stopped, ${lately} · ${none}`,
            tooltip:
                `Machines that sent data earlier but none in the last ${SILENT_AFTER_HOURS} hours, the most recently silent first; ` +
                `then machines that Azure lists as reporting to this workspace that sent no data at all in the ${read} read.`,
            icon: { id: 'debug-disconnect', color: 'list.warningForeground' },
            table,
            children: [
                ...machines.map((m) => {
                    const machine = String(m.computer);
                    return {
                        id: `silent/${machine}`,
                        label: machine,
                        description: `last data ${time(m.lastData)} · ${String(m.hoursSilent)} h ago`,
                        tooltip:
                            typeof m.reason === 'string'
                                ? `No data since ${time(m.lastData)} (${String(m.hoursSilent)} hours): ${m.reason}.`
                                : `No data since ${time(m.lastData)} (${String(m.hoursSilent)} hours). Azure sees nothing wrong with the machine or its agent: look at its data collection rule and its network.`,
                        icon: { id: 'debug-disconnect', color: 'list.warningForeground' },
                        machine,
                        copyText: `${machine} last data ${String(m.lastData)}`,
                        table: onMachine(table, machine),
                    };
                }),
                ...withoutData.map((m) => {
                    const machine = String(m.computer);
                    const since = typeof m.statusSince === 'string' ? ` since ${day(m.statusSince)}` : '';
                    const listed = `No data at all in the ${read} read, though Azure lists it as reporting to this workspace`;
                    return {
                        id: `silent/withoutData/${machine}`,
                        label: machine,
                        description: `no data in ${read} · ${String(m.status)}${since}`,
                        tooltip:
                            typeof m.reason === 'string'
                                ? `${listed}: ${m.reason}.`
                                : `${listed}. It is ${String(m.status)}${typeof m.statusSince === 'string' ? ` since ${time(m.statusSince)}` : ''}, and Azure sees nothing wrong with it or its agent: look at its data collection rule and its network.`,
                        icon: { id: 'circle-slash', color: 'list.warningForeground' },
                        machine,
                        copyText: `${machine} no data in ${read}, ${String(m.status)}${typeof m.statusSince === 'string' ? ` since ${m.statusSince}` : ''}`,
                        table: onMachine(table, machine),
                    };
                }),
            ],
        },
    ];
}

/** The Overview's description of the lowest disk: "3.1 % free on web-01 /". */
function lowestDisk(disks: Row[] | undefined): string {
    const d = disks?.[0];
    return d ? `lowest ${String(d.latest)} % on ${String(d.computer)} ${String(d.counter)}` : '';
}

/** A description's note on a release past or near the end of support: " · out of support", " · support ends 2027-01-12". */
/** What a person should know of a machine's monitoring agent at a glance: missing, retired, or failed; else nothing. */
function agentNote(m: Row): string {
    return m.monitoringAgent === 'none'
        ? ' · no monitoring agent'
        : m.monitoringAgent === 'legacy'
          ? ' · retired agent only'
          : m.monitoringAgentState === 'Failed'
            ? ' · agent failed'
            : '';
}

function supportNote(support: unknown): string {
    const s = support as Support | null | undefined;
    return s?.status === 'ended' || s?.status === 'esu'
        ? ' · out of support'
        : s?.status === 'ending'
          ? ` · support ends ${s.extendedEnd}`
          : '';
}

/** A tooltip line on where a release stands in its lifecycle: "\nWindows Server 2016: extended support ends 2027-01-12". */
function supportLine(support: unknown): string {
    const s = support as Support | null | undefined;
    return s ? `\n${s.product}: ${describeSupport(s)}` : '';
}

/**
 * A trend incident the series no longer follows. Its `ratePerDay` (the last day against the day before) then mixes the
 * trend's last hours with what followed: never shown as a pace; its course (`trend`) says how it went.
 */
function endedTrend(i: Row): boolean {
    return i.direction === 'trend' && i.ongoing !== true;
}

/** A GetAnomalies incident's `trend`, when the series shows the trend's course. */
function courseOf(i: Row): { start: string; end: string | null; days: number; change: number; perDay: number } | undefined {
    const t = i.trend as Row | null | undefined;
    return t && typeof t.start === 'string' && typeof t.days === 'number' && typeof t.change === 'number' && typeof t.perDay === 'number'
        ? { start: t.start, end: typeof t.end === 'string' ? t.end : null, days: t.days, change: t.change, perDay: t.perDay }
        : undefined;
}

/**
 * An incident's description before its score: an ended trend, that it ended, when, how far and how fast it moved while
 * it lasted; one going on, its pace now and when the disk is full (the pace the disks-filling list shows); anything
 * else, how far off normal it went.
 */
function incidentSummary(i: Row): string {
    const unit = String(i.unit);
    const offNormal = `${String(i.actual)}${unit} vs ${String(i.expected)}${unit} expected`;
    if (endedTrend(i)) {
        const course = courseOf(i);
        return course && course.end !== null
            ? `ended ${day(course.end)} · ${trendAmount(course.change, unit)} in ${trendSpan(course.days)} (${signedPace(course.perDay, unit)} a day)`
            : `ended · ${offNormal}`;
    }
    if (typeof i.ratePerDay === 'number') {
        return `${signedPace(i.ratePerDay, unit)} a day${typeof i.fullAt === 'string' ? ` · full ${time(i.fullAt).slice(0, 10)}` : ''}`;
    }
    return offNormal;
}

/**
 * An incident's first tooltip line: for a trend whose course is known, the trend itself (it began hours before the
 * detector raised it and runs long after it stopped being anomalous); for anything else, the anomalous stretch.
 */
function incidentWhen(i: Row): string {
    const stretch = `${String(i.direction)} from ${time(i.start)} to ${time(i.end)} (${String(i.durationMinutes)} min)`;
    const course = i.direction === 'trend' ? courseOf(i) : undefined;
    if (!course) {
        return stretch;
    }
    const unit = String(i.unit);
    const trend =
        course.end === null
            ? `trend since ${time(course.start)}: ${trendAmount(course.change, unit)} in ${trendSpan(course.days)} so far`
            : `trend from ${time(course.start)} to ${time(course.end)} (${trendSpan(course.days)}), ended: ${trendAmount(course.change, unit)} at ${signedPace(course.perDay, unit)} a day while it lasted`;
    return `${trend}\nRaised ${time(i.start)}, anomalous until ${time(i.end)}`;
}

/**
 * For a trend, a tooltip line on where it stands: the latest value and, while it goes on, its pace per day now and when
 * a disk is full at it; once it has ended, that the series no longer moves that way.
 */
function trendNow(i: Row): string {
    const unit = String(i.unit);
    const latest = typeof i.latest === 'number' ? `Now ${String(i.latest)}${unit}` : 'Now';
    if (endedTrend(i)) {
        return `\n${latest}: the trend has ended, the series no longer moves that way`;
    }
    if (typeof i.ratePerDay !== 'number') {
        return '';
    }
    const pace = `${signedPace(i.ratePerDay, unit)} a day`;
    const full = typeof i.fullAt === 'string' ? `; full around ${time(i.fullAt)} at this pace` : '';
    return `\n${latest}, moving ${pace}${full}`;
}

/** Servers: subscription → resource group → machine, SQL instances under their machines. */
export function buildServersTree(servers: Answer, sql: Answer | undefined, scopes: Answer | undefined): TreeNodeModel[] {
    const names = new Map(
        ((scopes?.subscriptions as Row[] | undefined) ?? []).map((s) => [String(s.subscriptionId), String(s.displayName)]),
    );
    // By the machine's resource id when the instance names it: an Arc-enabled server and an Azure VM may share a name.
    const instancesByMachine = groupBy(sql?.items ?? [], (i) => String(i.machineId ?? i.machineName).toLowerCase());
    const bySubscription = groupBy(servers.items ?? [], (m) => String(m.subscriptionId));
    const cut = cutOf(servers) ? [shownOf('servers', servers, { tool: 'GetServerMetadata', args: {} })] : [];
    return [
        ...cut,
        ...[...bySubscription.entries()].map(([subscriptionId, machines]) => ({
            id: `s/${subscriptionId}`,
            label: names.get(subscriptionId) ?? subscriptionId,
            description: plural(machines.length, 'machine'),
            tooltip: `Subscription ${subscriptionId}`,
            icon: { id: 'key' },
            resourceId: `/subscriptions/${subscriptionId}`,
            copyText: subscriptionId,
            children: [...groupBy(machines, (m) => String(m.resourceGroup)).entries()]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([group, list]) => ({
                    id: `s/${subscriptionId}/${group}`,
                    label: group,
                    description: plural(list.length, 'machine'),
                    icon: { id: 'folder' },
                    resourceId: `/subscriptions/${subscriptionId}/resourceGroups/${group}`,
                    copyText: group,
                    children: [...list]
                        .sort((a, b) => String(a.name).localeCompare(String(b.name)))
                        .map((m) => {
                            const instances = [
                                ...(instancesByMachine.get(String(m.id).toLowerCase()) ?? []),
                                ...(instancesByMachine.get(String(m.name).toLowerCase()) ?? []),
                            ];
                            const healthy = m.status === 'Connected' || m.status === 'Running';
                            return {
                                // The resource id: an Arc-enabled server and an Azure VM of one name in one group are two items.
                                id: `s/${String(m.id).toLowerCase()}`,
                                label: String(m.name),
                                description: `${String(m.status)} · ${String(m.osName)}${agentNote(m)}${supportNote(m.support)}`,
                                tooltip: `${String(m.name)} (${m.kind === 'arc' ? 'Arc-enabled server' : 'Azure VM'})${m.computerName ? `\nHost name ${String(m.computerName)}` : ''}\n${String(m.osName)} ${String(m.osVersion)}\nStatus ${String(m.status)}${m.lastStatusChange ? ` since ${time(m.lastStatusChange)}` : ''}\n${String(m.location)}${agentLine(m)}${supportLine(m.support)}`,
                                icon: {
                                    id: m.osType === 'linux' ? 'terminal-linux' : 'window',
                                    color: healthy && !agentNote(m) ? undefined : 'list.warningForeground',
                                },
                                machine: String(m.name),
                                resourceId: String(m.id),
                                copyText: String(m.name),
                                children: instances.length
                                    ? instances.map((i) => ({
                                          // Under its machine: an instance known only by host name shows under each machine of that name.
                                          id: `s/${String(m.id).toLowerCase()}/${String(i.id).toLowerCase()}`,
                                          label: String(i.name),
                                          description: `${String(i.version)} ${String(i.edition)} · ${plural(((i.databases as Row[] | undefined) ?? []).length, 'database')}${supportNote(i.support)}`,
                                          tooltip:
                                              `${String(i.name)}: ${String(i.version)} ${String(i.edition)}` +
                                              (i.edition === 'Evaluation'
                                                  ? '\nEvaluation edition: the engine stops 180 days after installation unless licensed'
                                                  : '') +
                                              supportLine(i.support),
                                          icon: {
                                              id: 'database',
                                              color: i.edition === 'Evaluation' ? 'list.warningForeground' : undefined,
                                          },
                                          resourceId: String(i.id),
                                          copyText: String(i.name),
                                          table: {
                                              tool: 'GetSqlMetadata',
                                              args: { server_name: String(m.name) },
                                              title: `SQL Server on ${String(m.name)}`,
                                              initial: { facets: { instance: [String(i.name)] } },
                                          },
                                      }))
                                    : undefined,
                            };
                        }),
                })),
        })),
    ];
}

/**
 * The Machines figure's agent children: machines without the Azure Monitor Agent, and machines with a failed extension —
 * none when the extensions could not be read (the summary's counts are null then, and the answer's warning says why).
 */
function agentNodes(s: Record<string, unknown>): TreeNodeModel[] {
    if (typeof s.withoutAzureMonitorAgent !== 'number' || typeof s.extensionsFailed !== 'number') {
        return [];
    }
    const missing = s.withoutAzureMonitorAgent;
    const failed = s.extensionsFailed;
    return [
        {
            id: 'machines/withoutAma',
            label: `Without the Azure Monitor Agent: ${fmt(missing)}`,
            tooltip:
                'Machines with only the Log Analytics agent (MMA/OMS), unsupported since 31 August 2024, or with no monitoring agent at all: no workspace gets their data from the Azure Monitor Agent.',
            icon: { id: 'eye-closed', color: missing ? 'list.warningForeground' : undefined },
            table: {
                tool: 'GetServerMetadata',
                args: { monitoring_agent: ['none', 'legacy'] },
                title: 'Machines without the Azure Monitor Agent',
            },
        },
        {
            id: 'machines/extensionsFailed',
            label: `With a failed extension: ${fmt(failed)}`,
            tooltip:
                'Machines with an extension in the Failed state — a failed monitoring agent means its data may not reach Log Analytics.',
            icon: { id: 'extensions', color: failed ? 'list.errorForeground' : undefined },
            table: { tool: 'GetServerMetadata', args: { failed_extensions: true }, title: 'Machines with a failed extension' },
        },
    ];
}

const AGENT_NAMES: Record<string, string> = {
    ama: 'Azure Monitor Agent',
    legacy: 'Log Analytics agent only (retired)',
    both: 'Azure Monitor Agent and Log Analytics agent',
    none: 'none',
};

/** The Servers tooltip's agent lines: which agent, its state when not Succeeded, and any failed extension. */
function agentLine(m: Row): string {
    if (typeof m.monitoringAgent !== 'string') {
        return '';
    }
    const state =
        typeof m.monitoringAgentState === 'string' && m.monitoringAgentState !== 'Succeeded' ? ` (${m.monitoringAgentState})` : '';
    const failed = ((m.failedExtensions as Row[] | undefined) ?? []).map((e) => String(e.type));
    return `\nMonitoring agent: ${AGENT_NAMES[m.monitoringAgent] ?? m.monitoringAgent}${state}${failed.length ? `\nFailed extensions: ${failed.join(', ')}` : ''}`;
}
