/**
 * Converts Resource Graph rows (objects) and Log Analytics tables (column descriptors + row arrays) into the record
 * types of `src/core/model.ts`. Pure functions, so the benchmark can time them and tests can feed them odd shapes.
 * Azure leaves keys out when an agent is old or a value unknown; every field is read defensively.
 */
import type {
    ChangeCategory,
    DiskFreeSpace,
    Machine,
    MachineExtension,
    MachineStatus,
    MetricKind,
    MetricSeries,
    MissingPatch,
    OsType,
    PatchAssessment,
    PatchClassification,
    PatchInstallation,
    PatchSeverity,
    RebootBehaviour,
    SoftwareChange,
    SoftwareItem,
    SoftwareType,
    SqlDatabase,
    SqlFinding,
    SqlInstance,
    Subscription,
    WindowsFinding,
    Workspace,
} from '../../core/model';
import { METRIC_KINDS, PATCH_CLASSIFICATIONS, PATCH_SEVERITIES, REBOOT_BEHAVIOURS } from '../../core/model';
import { hostName, SourceError } from '../../core/source';
import { truncate } from '../../core/timespan';

/**
 * One Resource Graph row, read by column name. An accessor rather than an object: building a 20-key object per row
 * cost more than parsing the page, and pages are parsed on the client for every 1,000 machines.
 */
export type GraphRow = (column: string) => unknown;

function text(value: unknown): string {
    if (value === null || value === undefined) {
        return '';
    }
    return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function optionalText(value: unknown): string | undefined {
    const t = text(value);
    return t === '' ? undefined : t;
}

function optionalNumber(value: unknown): number | undefined {
    if (value === null || value === undefined || value === '') {
        return undefined;
    }
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(n) ? n : undefined;
}

function optionalBool(value: unknown): boolean | undefined {
    if (typeof value === 'boolean') {
        return value;
    }
    if (typeof value === 'string') {
        const lower = value.toLowerCase();
        return lower === 'true' ? true : lower === 'false' ? false : undefined;
    }
    return undefined;
}

const CANONICAL_ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * An ISO string for a date-like value, or undefined: Azure sends `""` or `null` for "never", and some resources .NET's
 * smallest date (`0001-01-01T00:00:00`), which read as a date would make a database never backed up look merely stale.
 */
function optionalIso(value: unknown): string | undefined {
    if (value instanceof Date) {
        return Number.isFinite(value.getTime()) && value.getTime() >= 0 ? value.toISOString() : undefined;
    }
    const t = text(value);
    if (!t) {
        return undefined;
    }
    if (CANONICAL_ISO.test(t)) {
        // Already what toISOString would give: skip the parse, which dominated mapping a page of machines.
        return t >= '1970' ? t : undefined;
    }
    const ms = Date.parse(t);
    return Number.isFinite(ms) && ms >= 0 ? new Date(ms).toISOString() : undefined;
}

function iso(value: unknown): string {
    return optionalIso(value) ?? '';
}

function osTypeOf(value: unknown): OsType {
    return text(value).toLowerCase().includes('windows') ? 'windows' : 'linux';
}

/**
 * The segment after `/name/` in an ARM id (`/subscriptions/{id}/resourceGroups/{rg}/…`), case-insensitively. Scans in
 * place: it runs for every row of every page, and splitting each id into an array made it the costliest step of mapping.
 */
export function idSegment(id: string, name: string): string {
    // Segments as `id.split('/')` numbers them; names sit at odd positions (the id starts with '/').
    let position = 0;
    let start = 0;
    while (start <= id.length) {
        const slash = id.indexOf('/', start);
        const end = slash < 0 ? id.length : slash;
        if (slash < 0) {
            return '';
        }
        if (position % 2 === 1 && end - start === name.length && id.slice(start, end).toLowerCase() === name) {
            const next = id.indexOf('/', end + 1);
            return id.slice(end + 1, next < 0 ? id.length : next);
        }
        position++;
        start = end + 1;
    }
    return '';
}

function lastSegment(id: string): string {
    const parts = id.split('/').filter(Boolean);
    return parts[parts.length - 1] ?? id;
}

function tagsOf(value: unknown): Record<string, string> {
    const out: Record<string, string> = {};
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        const record = value as Record<string, unknown>;
        for (const k in record) {
            if (Object.prototype.hasOwnProperty.call(record, k)) {
                out[k] = text(record[k]);
            }
        }
    }
    return out;
}

/** Fails with a clear message when a Resource Graph row lacks its id (the query always projects it). */
function requireId(row: GraphRow, what: string): string {
    const id = row('id');
    if (typeof id !== 'string' || !id) {
        throw new SourceError(`Resource Graph answered with a ${what} row without an id; the answer cannot be used.`, 'badResponse');
    }
    return id;
}

const ARC_STATUSES: Record<string, MachineStatus> = {
    connected: 'Connected',
    disconnected: 'Disconnected',
    expired: 'Expired',
    error: 'Error',
};
const POWER_STATES: Record<string, MachineStatus> = {
    running: 'Running',
    stopped: 'Stopped',
    deallocated: 'Deallocated',
    starting: 'Running',
    stopping: 'Stopped',
    deallocating: 'Deallocated',
};

/** One row of `vmAddressesQuery`: the VM (its id lower-cased) and the private addresses of one of its interfaces. */
export function toVmAddresses(row: GraphRow): { vmKey: string; addresses: string[] } {
    requireId(row, 'network interface');
    const configurations = row('ipConfigurations');
    const addresses: string[] = [];
    for (const c of Array.isArray(configurations) ? configurations : []) {
        const address = optionalText((c as { properties?: { privateIPAddress?: unknown } } | null)?.properties?.privateIPAddress);
        if (address) {
            addresses.push(address);
        }
    }
    return { vmKey: text(row('vmKey')), addresses };
}

function ipAddressesOf(value: unknown): string[] {
    const out: string[] = [];
    if (!Array.isArray(value)) {
        return out;
    }
    for (const nic of value) {
        const addresses = (nic as { ipAddresses?: unknown } | null)?.ipAddresses;
        if (Array.isArray(addresses)) {
            for (const a of addresses) {
                const address = optionalText((a as { address?: unknown } | null)?.address);
                if (address) {
                    out.push(address);
                }
            }
        }
    }
    return out;
}

/** One row of `machinesQuery`. Written for speed (it runs for every machine on every page): no per-row allocation beyond the record. */
export function toMachine(row: GraphRow): Machine {
    const id = requireId(row, 'machine');
    const isArc = row('isArc') === true || row('isArc') === 'true' || row('isArc') === 1;
    const statusText = text(row('status')).toLowerCase();
    const status =
        (isArc ? ARC_STATUSES[statusText] : POWER_STATES[statusText.startsWith('powerstate/') ? statusText.slice(11) : statusText]) ??
        'Unknown';
    const osType = osTypeOf(row('osType'));
    const machine: Machine = {
        id,
        name: text(row('name')) || lastSegment(id),
        kind: isArc ? 'arc' : 'azure-vm',
        subscriptionId: text(row('subscriptionId')) || idSegment(id, 'subscriptions'),
        resourceGroup: text(row('resourceGroup')) || idSegment(id, 'resourcegroups'),
        location: text(row('location')),
        osType,
        osName: text(row('osName')) || (osType === 'windows' ? 'Windows' : 'Linux'),
        osVersion: text(row('osVersion')),
        status,
        ipAddresses: ipAddressesOf(row('networkInterfaces')),
        sqlDiscovered: row('sqlDiscovered') === true || text(row('sqlDiscovered')).toLowerCase() === 'true',
        tags: tagsOf(row('tags')),
    };
    const lastStatusChange = optionalIso(row('lastStatusChange'));
    if (lastStatusChange !== undefined) {
        machine.lastStatusChange = lastStatusChange;
    }
    const statusMessage = optionalText(row('statusMessage'));
    if (statusMessage !== undefined && status === 'Error') {
        machine.statusMessage = statusMessage;
    }
    const agentVersion = optionalText(row('agentVersion'));
    if (agentVersion !== undefined) {
        machine.agentVersion = agentVersion;
    }
    const extensionService = optionalText(row('extensionService'));
    if (extensionService !== undefined) {
        machine.extensionService = extensionService;
    }
    const computerName = optionalText(row('computerName'));
    if (computerName !== undefined && hostName(computerName) !== hostName(machine.name)) {
        machine.computerName = computerName;
    }
    const fqdn = optionalText(row('fqdn'));
    if (fqdn !== undefined) {
        machine.fqdn = fqdn;
    }
    const domain = optionalText(row('domain'));
    if (domain !== undefined) {
        machine.domain = domain;
    }
    const manufacturer = optionalText(row('manufacturer'));
    if (manufacturer !== undefined) {
        machine.manufacturer = manufacturer;
    }
    const model = optionalText(row('model'));
    if (model !== undefined) {
        machine.model = model;
    }
    const processorNames = optionalText(row('processorNames'));
    if (processorNames !== undefined) {
        machine.processorNames = processorNames;
    }
    const coreCount = optionalNumber(row('coreCount'));
    if (coreCount !== undefined) {
        machine.coreCount = coreCount;
    }
    const logicalCoreCount = optionalNumber(row('logicalCoreCount'));
    if (logicalCoreCount !== undefined) {
        machine.logicalCoreCount = logicalCoreCount;
    }
    const memoryGb = optionalNumber(row('memoryGb'));
    if (memoryGb !== undefined) {
        machine.memoryGb = memoryGb;
    }
    return machine;
}

/**
 * Rows of a Resource Graph answer as objects, from either result format: `table` (`{columns, rows}`, which the source
 * asks for because it does not repeat every column name in every row) or `objectArray`.
 * @throws SourceError when `data` is neither.
 */
export function graphRowsOf(data: unknown): GraphRow[] {
    if (Array.isArray(data)) {
        return data.map((row: unknown) => {
            if (!row || typeof row !== 'object' || Array.isArray(row)) {
                throw new SourceError(
                    'Resource Graph answered with a row that is not an object; the answer cannot be used.',
                    'badResponse',
                );
            }
            const record = row as Record<string, unknown>;
            return (column: string) => record[column];
        });
    }
    const table = data as { columns?: unknown; rows?: unknown } | null;
    if (!table || typeof table !== 'object' || !Array.isArray(table.columns) || !Array.isArray(table.rows)) {
        throw new SourceError('Resource Graph answered with rows that are not a table; the answer cannot be used.', 'badResponse');
    }
    const index = new Map<string, number>();
    (table.columns as { name?: unknown }[]).forEach((c, i) => {
        if (c && typeof c.name === 'string') {
            index.set(c.name, i);
        }
    });
    return (table.rows as unknown[]).map((cells) => {
        if (!Array.isArray(cells)) {
            throw new SourceError(
                'Resource Graph answered with a row that is not a list of cells; the answer cannot be used.',
                'badResponse',
            );
        }
        return (column: string) => {
            const i = index.get(column);
            return i === undefined ? undefined : cells[i];
        };
    });
}

/** `HOST` for a default instance, `HOST\NAME` for a named one (the way SQL Server people write it). */
function instanceDisplayName(machineName: string, instanceName: string, resourceName: string): string {
    if (!machineName) {
        return resourceName;
    }
    return instanceName === DEFAULT_INSTANCE ? machineName : `${machineName}\\${instanceName}`;
}

const DEFAULT_INSTANCE = 'MSSQLSERVER';

/**
 * The instance name as SQL Server knows it. Arc reports a default instance's `instanceName` as the host's name (the
 * resource is named after the host; a named instance's resource is `HOST_NAME`), where the assessments and SQL Server
 * itself say MSSQLSERVER; an older agent may leave it empty.
 */
function sqlInstanceName(reported: string, machineName: string, resourceName: string): string {
    const name = reported.trim();
    const upper = name.toUpperCase();
    return !name || upper === DEFAULT_INSTANCE || upper === machineName.toUpperCase() || upper === resourceName.toUpperCase()
        ? DEFAULT_INSTANCE
        : name;
}

function machineNameOf(machineId: string, resourceName: string): string {
    if (machineId) {
        return lastSegment(machineId);
    }
    // Arc names a named instance's resource `HOST_INSTANCE`.
    return resourceName.split('_')[0] ?? resourceName;
}

/** One row of `sqlInstancesQuery`. */
export function toSqlInstance(row: GraphRow): SqlInstance {
    const id = requireId(row, 'SQL instance');
    const resourceName = text(row('name'));
    const machineId = optionalText(row('machineId'));
    const machineName = machineNameOf(machineId ?? '', resourceName);
    const instanceName = sqlInstanceName(text(row('instanceName')), machineName, resourceName);
    const instance: SqlInstance = {
        id,
        name: instanceDisplayName(machineName, instanceName, resourceName),
        instanceName,
        machineName,
        subscriptionId: text(row('subscriptionId')),
        resourceGroup: text(row('resourceGroup')),
        location: text(row('location')),
        version: text(row('version')) || 'Unknown',
        edition: text(row('edition')) || 'Unknown',
        licenseType: text(row('licenseType')) || 'Undefined',
        status: text(row('status')) || 'Unknown',
    };
    if (machineId) {
        instance.machineId = machineId;
    }
    const currentVersion = optionalText(row('currentVersion'));
    if (currentVersion) {
        instance.currentVersion = currentVersion;
    }
    const inventoryAt = optionalIso(row('inventoryAt'));
    if (inventoryAt) {
        instance.inventoryAt = inventoryAt;
    }
    const patchLevel = optionalText(row('patchLevel'));
    if (patchLevel) {
        instance.patchLevel = patchLevel;
    }
    const vCores = optionalNumber(row('vCores'));
    if (vCores !== undefined) {
        instance.vCores = vCores;
    }
    const collation = optionalText(row('collation'));
    if (collation) {
        instance.collation = collation;
    }
    return instance;
}

/**
 * One row of `sqlVirtualMachinesQuery`: the VM's default instance. The release is read from the image offer
 * (`SQL2019-WS2022` → `SQL Server 2019`); a VM not made from a SQL image says none (`Unknown`).
 */
export function toSqlVirtualMachine(row: GraphRow): SqlInstance {
    const id = requireId(row, 'SQL virtual machine');
    const resourceName = text(row('name'));
    const machineId = optionalText(row('machineId'));
    // A SQL virtual machine is named after its VM.
    const machineName = machineId ? lastSegment(machineId) : resourceName;
    const release = /^SQL(\d{4})/i.exec(text(row('imageOffer')));
    const instance: SqlInstance = {
        id,
        kind: 'sql-vm',
        name: machineName,
        instanceName: 'MSSQLSERVER',
        machineName,
        subscriptionId: text(row('subscriptionId')),
        resourceGroup: text(row('resourceGroup')),
        location: text(row('location')),
        version: release ? `SQL Server ${release[1]}` : 'Unknown',
        edition: text(row('edition')) || 'Unknown',
        licenseType: text(row('licenseType')) || 'Undefined',
        status: text(row('status')) || 'Unknown',
    };
    if (machineId) {
        instance.machineId = machineId;
    }
    return instance;
}

/** One row of `sqlDatabasesQuery`. */
export function toSqlDatabase(row: GraphRow): SqlDatabase {
    const id = requireId(row, 'SQL database');
    const instanceId = text(row('instanceId')) || text(row('instanceKey')) || id.split(/\/databases\//i)[0];
    const machineName = machineNameOf(text(row('machineId')), text(row('instanceResourceName')));
    const instanceName = sqlInstanceName(text(row('instanceName')), machineName, text(row('instanceResourceName')));
    const database: SqlDatabase = {
        id,
        name: text(row('name')) || lastSegment(id),
        instanceId,
        instanceName: instanceDisplayName(machineName, instanceName, text(row('instanceResourceName'))),
        machineName,
        subscriptionId: text(row('subscriptionId')),
        state: text(row('state')) || 'Unknown',
        recoveryModel: text(row('recoveryModel')) || 'Unknown',
    };
    const optional: Partial<SqlDatabase> = {
        sizeMb: optionalNumber(row('sizeMb')),
        spaceAvailableMb: optionalNumber(row('spaceAvailableMb')),
        compatibilityLevel: optionalNumber(row('compatibilityLevel')),
        createdAt: optionalIso(row('createdAt')),
        lastFullBackup: optionalIso(row('lastFullBackup')),
        lastLogBackup: optionalIso(row('lastLogBackup')),
        isReadOnly: optionalBool(row('isReadOnly')),
        isEncrypted: optionalBool(row('isEncrypted')),
        isAutoShrinkOn: optionalBool(row('isAutoShrinkOn')),
        isAutoCloseOn: optionalBool(row('isAutoCloseOn')),
    };
    for (const [k, v] of Object.entries(optional)) {
        if (v !== undefined) {
            (database as unknown as Record<string, unknown>)[k] = v;
        }
    }
    return database;
}

const CLASSIFICATION_BY_KEY: Record<string, PatchClassification> = {
    critical: 'Critical',
    security: 'Security',
    updaterollup: 'UpdateRollup',
    featurepack: 'FeaturePack',
    servicepack: 'ServicePack',
    definition: 'Definition',
    tools: 'Tools',
    updates: 'Updates',
    other: 'Other',
    others: 'Other',
};

/** Windows and Linux summaries spell the keys differently (and some Azure VMs in PascalCase); all fold to one set. */
function countsOf(value: unknown): Partial<Record<PatchClassification, number>> {
    const out: Partial<Record<PatchClassification, number>> = {};
    if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const classification = CLASSIFICATION_BY_KEY[k.toLowerCase()];
            const n = optionalNumber(v);
            if (classification && n !== undefined) {
                out[classification] = (out[classification] ?? 0) + n;
            }
        }
    }
    return out;
}

/** One row of `patchAssessmentsQuery`; a machine without an assessment keeps `assessedAt` undefined. */
export function toPatchAssessment(row: GraphRow): PatchAssessment {
    const id = requireId(row, 'machine');
    const assessedAt = optionalIso(row('assessedAt'));
    const assessment: PatchAssessment = {
        machineId: id,
        machineName: text(row('name')) || lastSegment(id),
        osType: osTypeOf(text(row('machineOsType')) || text(row('assessmentOsType'))),
        subscriptionId: text(row('subscriptionId')),
        resourceGroup: text(row('resourceGroup')),
        status: assessedAt ? text(row('status')) || 'Unknown' : 'Unknown',
        rebootPending: optionalBool(row('rebootPending')) ?? false,
        countsByClassification: assessedAt ? countsOf(row('counts')) : {},
    };
    if (assessedAt) {
        assessment.assessedAt = assessedAt;
    }
    const mode = optionalText(row('assessmentMode'));
    if (mode) {
        assessment.assessmentMode = mode;
    }
    const error = assessedAt ? optionalText(row('error')) : undefined;
    if (error) {
        assessment.error = error;
    }
    return assessment;
}

/** One row of `patchInstallationsQuery`: the run, and the lower-cased id of its machine (undefined without a time). */
export function toPatchInstallation(row: GraphRow): { machineKey: string; installation: PatchInstallation } | undefined {
    requireId(row, 'patch installation');
    const installedAt = optionalIso(row('installedAt'));
    const machineKey = text(row('machineKey'));
    if (!installedAt || !machineKey) {
        return undefined;
    }
    const installation: PatchInstallation = {
        at: installedAt,
        status: text(row('installStatus')) || 'Unknown',
        installed: optionalNumber(row('installedCount')) ?? 0,
        failed: optionalNumber(row('failedCount')) ?? 0,
        pending: optionalNumber(row('pendingCount')) ?? 0,
    };
    const rebootStatus = optionalText(row('rebootStatus'));
    if (rebootStatus) {
        installation.rebootStatus = rebootStatus;
    }
    const exceeded = optionalBool(row('windowExceeded'));
    if (exceeded !== undefined) {
        installation.maintenanceWindowExceeded = exceeded;
    }
    const installError = optionalText(row('installError'));
    if (installError) {
        installation.error = truncate(installError.replace(/\s+/g, ' ').trim(), 300);
    }
    return { machineKey, installation };
}

/** One row of `machineExtensionsQuery`. */
export function toMachineExtension(row: GraphRow): MachineExtension {
    const id = requireId(row, 'machine extension');
    const extension: MachineExtension = {
        machineId: (text(row('machineId')) || id.split(/\/extensions\//i)[0]).toLowerCase(),
        name: text(row('name')) || lastSegment(id),
        type: text(row('extensionType')),
        publisher: text(row('publisher')),
        state: text(row('state')) || 'Unknown',
    };
    const version = optionalText(row('version'));
    if (version !== undefined) {
        extension.version = version;
    }
    const message = extension.state.toLowerCase() === 'succeeded' ? undefined : optionalText(row('message'));
    if (message !== undefined) {
        extension.message = truncate(message.replace(/\s+/g, ' ').trim(), 300);
    }
    return extension;
}

/** One row of `missingPatchesQuery`. */
export function toMissingPatch(row: GraphRow): MissingPatch {
    const id = requireId(row, 'patch');
    const machineId = text(row('machineId')) || id.split('/patchAssessmentResults')[0];
    const classes = new Set<PatchClassification>();
    const classifications = row('classifications');
    const raw: unknown[] = Array.isArray(classifications) ? classifications : [classifications];
    for (const c of raw) {
        const classification = CLASSIFICATION_BY_KEY[text(c).toLowerCase()];
        if (classification) {
            classes.add(classification);
        }
    }
    const kbId = optionalText(row('kbId'))?.replace(/^KB/i, '');
    const publishedAt = optionalIso(row('publishedAt'));
    const severityText = text(row('severity'));
    const severity = (PATCH_SEVERITIES as readonly string[]).includes(severityText) ? (severityText as PatchSeverity) : 'Unspecified';
    const rebootText = text(row('rebootBehaviour'));
    const patch: MissingPatch = {
        machineId,
        machineName: lastSegment(machineId),
        osType: kbId || publishedAt ? 'windows' : 'linux',
        patchName: text(row('patchName')) || lastSegment(id),
        classification: PATCH_CLASSIFICATIONS.find((c) => classes.has(c)) ?? (kbId ? 'Updates' : 'Other'),
        severity,
        rebootBehaviour: (REBOOT_BEHAVIOURS as readonly string[]).includes(rebootText) ? (rebootText as RebootBehaviour) : 'Unknown',
    };
    if (kbId) {
        patch.kbId = kbId;
    }
    const version = optionalText(row('version'));
    if (version) {
        patch.version = version;
    }
    if (publishedAt) {
        patch.publishedAt = publishedAt;
    }
    return patch;
}

/** One row of `subscriptionsQuery`. */
export function toSubscription(row: GraphRow): Subscription {
    const id = requireId(row, 'subscription');
    return {
        subscriptionId: text(row('subscriptionId')) || lastSegment(id),
        displayName: text(row('name')) || text(row('subscriptionId')),
        tenantId: text(row('tenantId')),
        state: text(row('state')) || 'Unknown',
    };
}

/** One row of `workspacesQuery`. */
export function toWorkspace(row: GraphRow): Workspace {
    const id = requireId(row, 'workspace');
    return {
        customerId: text(row('customerId')),
        name: text(row('name')) || lastSegment(id),
        resourceId: id,
        subscriptionId: text(row('subscriptionId')),
        resourceGroup: text(row('resourceGroup')),
        location: text(row('location')),
    };
}

// ---------------------------------------------------------------------------------------------
// Log Analytics

/** The shape of a `LogsTable` the mapping needs (kept structural so tests and the bench can build one). */
export interface TableLike {
    columnDescriptors: { name?: string; type?: string }[];
    rows: unknown[][];
}

/**
 * Column positions by name, checked against the columns the query must return: a missing one means the answer is
 * not what was asked for, and guessing would produce wrong records.
 */
export function columnIndex(table: TableLike, required: readonly string[], what: string): Record<string, number> {
    const index: Record<string, number> = {};
    table.columnDescriptors.forEach((c, i) => {
        if (c.name) {
            index[c.name] = i;
        }
    });
    const missing = required.filter((name) => index[name] === undefined);
    if (missing.length > 0) {
        throw new SourceError(
            `Log Analytics answered the ${what} query without the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; the answer cannot be used.`,
            'badResponse',
        );
    }
    return index;
}

function cell(row: unknown[], index: Record<string, number>, name: string): unknown {
    const i = index[name];
    return i === undefined ? undefined : row[i];
}

const SQL_SEVERITY: Record<string, SqlFinding['severity']> = {
    '30': 'High',
    '2': 'High',
    '20': 'Medium',
    '1': 'Medium',
    '10': 'Low',
    '0': 'Information',
};

/** Rows of `sqlFindingsQuery`. */
export function toSqlFindings(table: TableLike, required: readonly string[]): SqlFinding[] {
    const ix = columnIndex(table, required, 'SQL assessment');
    return table.rows.map((r) => {
        const tags = text(cell(r, ix, 'Tags'))
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean);
        return {
            timeGenerated: iso(cell(r, ix, 'TimeGenerated')),
            assessmentId: text(cell(r, ix, 'AssessmentId')),
            computer: text(cell(r, ix, 'Computer')),
            instanceName: text(cell(r, ix, 'InstanceName')) || 'MSSQLSERVER',
            checkId: text(cell(r, ix, 'CheckId')),
            title: text(cell(r, ix, 'Title')),
            description: text(cell(r, ix, 'Description')),
            helpLink: text(cell(r, ix, 'HelpLink')),
            targetType: text(cell(r, ix, 'TargetType')) === '2' ? 'Database' : 'Server',
            targetName: text(cell(r, ix, 'TargetName')),
            severity: SQL_SEVERITY[text(cell(r, ix, 'SeverityCode'))] ?? 'Information',
            message: text(cell(r, ix, 'Message')),
            // The first tag names the rule set, not a category (the portal's workbook drops it too).
            tags: tags.slice(1),
        };
    });
}

/** Rows of `windowsFindingsQuery`. */
export function toWindowsFindings(table: TableLike, required: readonly string[]): WindowsFinding[] {
    const ix = columnIndex(table, required, 'Windows Server assessment');
    return table.rows.map((r) => ({
        timeGenerated: iso(cell(r, ix, 'TimeGenerated')),
        assessmentId: text(cell(r, ix, 'AssessmentId')),
        computer: text(cell(r, ix, 'Computer')),
        recommendationId: text(cell(r, ix, 'RecommendationId')),
        recommendation: text(cell(r, ix, 'Recommendation')),
        description: text(cell(r, ix, 'Description')),
        focusArea: text(cell(r, ix, 'FocusArea')),
        actionArea: text(cell(r, ix, 'ActionArea')),
        affectedObjectType: text(cell(r, ix, 'AffectedObjectType')),
        affectedObjectName: text(cell(r, ix, 'AffectedObjectName')),
        weight: optionalNumber(cell(r, ix, 'RecommendationWeight')) ?? 0,
    }));
}

function softwareType(value: unknown): SoftwareType {
    const t = text(value);
    return t === 'Update' || t === 'Package' ? t : 'Application';
}

/** Rows of `softwareQuery`. */
export function toSoftware(table: TableLike, required: readonly string[]): SoftwareItem[] {
    const ix = columnIndex(table, required, 'software inventory');
    return table.rows.map((r) => ({
        computer: text(cell(r, ix, 'Computer')),
        name: text(cell(r, ix, 'SoftwareName')),
        type: softwareType(cell(r, ix, 'SoftwareType')),
        publisher: text(cell(r, ix, 'Publisher')),
        version: text(cell(r, ix, 'CurrentVersion')),
        lastSeen: iso(cell(r, ix, 'LastSeen')),
    }));
}

/** Rows of `softwareChangesQuery`. */
export function toSoftwareChanges(table: TableLike, required: readonly string[]): SoftwareChange[] {
    const ix = columnIndex(table, required, 'software change');
    return table.rows.map((r) => {
        const category = text(cell(r, ix, 'ChangeCategory'));
        const change: SoftwareChange = {
            timeGenerated: iso(cell(r, ix, 'TimeGenerated')),
            computer: text(cell(r, ix, 'Computer')),
            name: text(cell(r, ix, 'SoftwareName')),
            type: softwareType(cell(r, ix, 'SoftwareType')),
            publisher: text(cell(r, ix, 'Publisher')),
            changeCategory: (category === 'Added' || category === 'Removed' ? category : 'Modified') as ChangeCategory,
        };
        const previous = optionalText(cell(r, ix, 'Previous'));
        if (previous) {
            change.previousVersion = previous;
        }
        const current = optionalText(cell(r, ix, 'Current'));
        if (current) {
            change.currentVersion = current;
        }
        return change;
    });
}

/** Rows of `diskFreeSpaceQuery`; a row without a number is dropped (the disk then just has no size to tell). */
export function toDiskFreeSpace(table: TableLike, required: readonly string[]): DiskFreeSpace[] {
    const ix = columnIndex(table, required, 'disk free space');
    const out: DiskFreeSpace[] = [];
    for (const r of table.rows) {
        const raw = cell(r, ix, 'FreeMb');
        const freeMb = typeof raw === 'number' ? raw : Number(raw);
        if (raw === null || raw === undefined || raw === '' || !Number.isFinite(freeMb)) {
            continue;
        }
        out.push({ computer: text(cell(r, ix, 'Computer')), counter: text(cell(r, ix, 'Counter')), freeMb, at: iso(cell(r, ix, 'At')) });
    }
    return out;
}

/** A dynamic cell: the SDK parses JSON, but leaves the text when parsing fails. */
function arrayCell(value: unknown): unknown[] | undefined {
    if (Array.isArray(value)) {
        return value;
    }
    if (typeof value === 'string') {
        try {
            const parsed: unknown = JSON.parse(value);
            return Array.isArray(parsed) ? parsed : undefined;
        } catch {
            return undefined;
        }
    }
    return undefined;
}

/** Rows of `metricSeriesQuery`: nulls (bins without samples) become NaN. */
/**
 * One series per row of `metricSeriesQuery`. A row whose values are not an array is left out and reported through
 * `unreadable` (its computer and counter): one bad cell does not cost the other series of the batch.
 */
export function toMetricSeries(
    table: TableLike,
    required: readonly string[],
    fallbackStart: number,
    stepMs: number,
    unreadable: (what: string) => void,
): MetricSeries[] {
    const ix = columnIndex(table, required, 'metric series');
    const out: MetricSeries[] = [];
    for (const r of table.rows) {
        const metric = text(cell(r, ix, 'Metric')) as MetricKind;
        if (!(METRIC_KINDS as readonly string[]).includes(metric)) {
            continue;
        }
        const raw = arrayCell(cell(r, ix, 'Value'));
        if (!raw) {
            unreadable(`${text(cell(r, ix, 'Computer'))} ${text(cell(r, ix, 'Counter'))}`.trim());
            continue;
        }
        const values = new Float64Array(raw.length);
        for (let i = 0; i < raw.length; i++) {
            const v = raw[i];
            values[i] = typeof v === 'number' ? v : v === null || v === undefined || v === '' ? NaN : Number(v);
        }
        const axis = arrayCell(cell(r, ix, 'TimeGenerated'));
        const first = axis && axis.length > 0 ? Date.parse(text(axis[0]) || String(axis[0])) : NaN;
        out.push({
            computer: text(cell(r, ix, 'Computer')),
            metric,
            counter: text(cell(r, ix, 'Counter')),
            unit: metric === 'diskTransfers' ? '/s' : '%',
            start: Number.isFinite(first) ? first : fallbackStart,
            stepMs,
            values,
        });
    }
    return out;
}
