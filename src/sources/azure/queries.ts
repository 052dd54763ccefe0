/**
 * Every KQL query the Azure source sends, built by pure functions so tests can enumerate them, run
 * Kusto's analyzer over them and feed them hostile values. Caller values reach the text only through
 * `kql.ts`. Column lists are exported so the source can check an answer's shape and the test fake can
 * answer in the same shape.
 *
 * Schemas: Resource Graph `resources`, `resourcecontainers`, `patchassessmentresources`; Log Analytics
 * `SqlAssessment_CL`, `WindowsServerAssessmentRecommendation`, `ConfigurationData`, `ConfigurationChange`,
 * `Perf`, `InsightsMetrics` (see shared/reference/azure-reference.md §3 and §5).
 */
import type { ChangeCategory, MetricKind } from '../../core/model';
import { CHANGE_CATEGORIES, METRIC_KINDS, MONITORING_AGENT_TYPES } from '../../core/model';
import { datetime, int, oneOf, realAtMost, str, strList, timespan, wildcardRegex } from './kql';
import { hostName, MAX_FOUND_COMPUTERS } from '../../core/source';

/** A query plus the columns its answer must have (in any order; extra columns are ignored). */
export interface BuiltQuery {
    text: string;
    columns: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Resource Graph

export const MACHINE_TYPES = ['microsoft.hybridcompute/machines', 'microsoft.compute/virtualmachines'] as const;

const machineTypeFilter = `type in~ ('${MACHINE_TYPES[0]}', '${MACHINE_TYPES[1]}')`;

/**
 * Arc-enabled servers and Azure VMs in one shape. `detectedProperties` values and `mssqlDiscovered` are strings
 * in Azure (and absent on old agents), so they are converted here with `toint`/`toreal`, which give null, not an
 * error, for a missing key. Choices (OS name, status) are made in KQL so each row carries only what the record
 * needs (subscription and resource group are read from the id): pages of 1,000 rows are parsed on the client, and
 * fewer columns parse faster. Ordered by `id` because
 * Resource Graph pages are only stable in a fixed order.
 */
export function machinesQuery(): BuiltQuery {
    return {
        text: `resources
| where ${machineTypeFilter}
| extend p = properties, d = properties.detectedProperties
| project id, name, location, tags,
    isArc = type =~ 'microsoft.hybridcompute/machines',
    osType = tolower(tostring(coalesce(p.osType, p.osName, p.storageProfile.osDisk.osType))),
    osName = coalesce(tostring(p.osSku), tostring(p.extended.instanceView.osName),
        trim(' ', strcat(tostring(p.storageProfile.imageReference.offer), ' ', tostring(p.storageProfile.imageReference.sku)))),
    osVersion = tostring(coalesce(p.osVersion, p.extended.instanceView.osVersion)),
    status = iff(type =~ 'microsoft.hybridcompute/machines', tostring(p.status), tostring(p.extended.instanceView.powerState.code)),
    lastStatusChange = tostring(p.lastStatusChange),
    statusMessage = tostring(p.errorDetails[0].message),
    agentVersion = tostring(p.agentVersion),
    extensionService = tostring(p.serviceStatuses.extensionService.status),
    computerName = tostring(coalesce(p.osProfile.computerName, p.extended.instanceView.computerName)),
    fqdn = tostring(coalesce(p.machineFqdn, p.dnsFqdn)),
    domain = tostring(p.domainName),
    manufacturer = tostring(d.manufacturer),
    model = tostring(d.model),
    processorNames = tostring(d.processorNames),
    coreCount = toint(d.coreCount),
    logicalCoreCount = toint(d.logicalCoreCount),
    memoryGb = coalesce(toreal(d.totalPhysicalMemoryInGigabytes), round(toreal(d.totalPhysicalMemoryInBytes) / 1073741824, 1)),
    sqlDiscovered = tolower(tostring(coalesce(p.mssqlDiscovered, d.mssqldiscovered))) == 'true',
    networkInterfaces = p.networkProfile.networkInterfaces
| order by id asc`,
        columns: [
            'id',
            'name',
            'subscriptionId',
            'resourceGroup',
            'location',
            'tags',
            'isArc',
            'osType',
            'osName',
            'osVersion',
            'status',
            'sqlDiscovered',
        ],
    };
}

/**
 * The extensions of Arc-enabled servers and Azure VMs that say whether a machine's data reaches Log Analytics — the
 * Azure Monitor Agent and the retired Log Analytics agent, whatever their state — and every other extension that is not
 * in the Succeeded state. Healthy extensions of other kinds are left out in the query: a fleet has several per machine,
 * and Resource Graph pages them 1,000 at a time. The machine id is the extension id up to `/extensions/`, in
 * lower case (`split` is case-sensitive, so the id is lowered first).
 */
export function machineExtensionsQuery(): BuiltQuery {
    return {
        text: `resources
| where type in~ ('microsoft.hybridcompute/machines/extensions', 'microsoft.compute/virtualmachines/extensions')
| extend p = properties
| extend extensionType = tostring(p.type), state = tostring(p.provisioningState)
| where extensionType in~ ${strList([...MONITORING_AGENT_TYPES.ama, ...MONITORING_AGENT_TYPES.legacy])} or state !~ 'Succeeded'
| project id, name, extensionType, state,
    machineId = tostring(split(tolower(id), '/extensions/')[0]),
    publisher = tostring(p.publisher),
    version = tostring(p.typeHandlerVersion),
    message = tostring(p.instanceView.status.message)
| order by id asc`,
        columns: ['id', 'name', 'extensionType', 'state', 'machineId'],
    };
}

/**
 * Private IP addresses of Azure VMs, from their network interfaces: a VM's own resource names its interfaces only by id
 * (an Arc machine's carries its addresses).
 */
export function vmAddressesQuery(): BuiltQuery {
    return {
        text: `resources
| where type =~ 'microsoft.network/networkinterfaces' and isnotempty(tostring(properties.virtualMachine.id))
| project id, subscriptionId, vmKey = tolower(tostring(properties.virtualMachine.id)), ipConfigurations = properties.ipConfigurations
| order by id asc`,
        columns: ['id', 'vmKey', 'ipConfigurations'],
    };
}

/**
 * Arc-enabled SQL Server instances. `vCore` is a string in Azure. The same resource type also stands for a host's
 * Reporting, Analysis and Integration Services (`serviceType`), which are not database engines: left out, as is
 * anything else that says it is not the engine (older resources have no `serviceType`).
 */
export function sqlInstancesQuery(): BuiltQuery {
    return {
        text: `resources
| where type =~ 'microsoft.azurearcdata/sqlserverinstances'
| extend p = properties
| where isempty(tostring(p.serviceType)) or tostring(p.serviceType) =~ 'Engine'
| project id, name, subscriptionId, resourceGroup, location,
    instanceName = tostring(p.instanceName),
    machineId = tostring(p.containerResourceId),
    version = tostring(p.version),
    currentVersion = tostring(p.currentVersion),
    patchLevel = tostring(p.patchLevel),
    edition = tostring(p.edition),
    licenseType = tostring(p.licenseType),
    vCores = toint(p.vCore),
    status = tostring(p.status),
    collation = tostring(p.collation),
    inventoryAt = tostring(p.lastInventoryUploadTime)
| order by id asc`,
        columns: ['id', 'name', 'subscriptionId', 'resourceGroup', 'location', 'instanceName', 'machineId', 'version', 'edition', 'status'],
    };
}

/**
 * SQL Server on Azure VMs, as SQL virtual machines (the SQL IaaS Agent extension's resource): image offer (`SQL2019-WS2022`),
 * edition (`sqlImageSku`), licence (`PAYG`, `AHUB`, `DR`) and the VM. Azure keeps no database inventory for them.
 */
export function sqlVirtualMachinesQuery(): BuiltQuery {
    return {
        text: `resources
| where type =~ 'microsoft.sqlvirtualmachine/sqlvirtualmachines'
| extend p = properties
| project id, name, subscriptionId, resourceGroup, location,
    machineId = tostring(p.virtualMachineResourceId),
    imageOffer = tostring(p.sqlImageOffer),
    edition = tostring(p.sqlImageSku),
    licenseType = tostring(p.sqlServerLicenseType),
    status = tostring(p.provisioningState)
| order by id asc`,
        columns: ['id', 'name', 'subscriptionId', 'resourceGroup', 'location', 'machineId', 'imageOffer', 'edition', 'licenseType'],
    };
}

/**
 * Databases joined to their instance, so each row carries the instance and machine names. The parent id is the
 * database id up to `/databases/` (`/Databases/` in some), split and compared in lower case because Resource Graph ids
 * keep the casing they were created with.
 */
export function sqlDatabasesQuery(): BuiltQuery {
    return {
        text: `resources
| where type =~ 'microsoft.azurearcdata/sqlserverinstances/databases'
| extend p = properties, instanceKey = tostring(split(tolower(id), '/databases/')[0])
| project id, name, subscriptionId, instanceKey,
    sizeMb = toreal(p.sizeMB),
    spaceAvailableMb = toreal(p.spaceAvailableMB),
    state = tostring(p.state),
    recoveryModel = tostring(p.recoveryMode),
    compatibilityLevel = toint(p.compatibilityLevel),
    createdAt = tostring(p.databaseCreationDate),
    lastFullBackup = tostring(p.backupInformation.lastFullBackup),
    lastLogBackup = tostring(p.backupInformation.lastLogBackup),
    isReadOnly = tobool(p.isReadOnly),
    isEncrypted = tobool(p.databaseOptions.isEncrypted),
    isAutoShrinkOn = tobool(p.databaseOptions.isAutoShrinkOn),
    isAutoCloseOn = tobool(p.databaseOptions.isAutoCloseOn)
| join kind=leftouter (
    resources
    | where type =~ 'microsoft.azurearcdata/sqlserverinstances'
    | project instanceKey = tolower(id), instanceId = id, instanceName = tostring(properties.instanceName), instanceResourceName = name,
        machineId = tostring(properties.containerResourceId)
  ) on instanceKey
| project-away instanceKey1
| order by id asc`,
        columns: ['id', 'name', 'subscriptionId', 'instanceKey', 'sizeMb', 'spaceAvailableMb', 'state', 'recoveryModel'],
    };
}

/**
 * Every machine with its latest patch assessment summary, or none: a left outer join from the machines, so a machine
 * that was never assessed (or whose assessment aged out of Resource Graph's 7 days) still comes back, with its
 * periodic-assessment setting from `osProfile` so the tools can say why. `split` is case-sensitive and the
 * assessment ids keep `patchAssessmentResults` in camel case; both sides are lower-cased before the join. Resource Graph
 * allows one join across tables per query, so the installation runs come from a query of their own
 * ({@link patchInstallationsQuery}).
 */
export function patchAssessmentsQuery(): BuiltQuery {
    return {
        text: `resources
| where ${machineTypeFilter}
| project id, machineKey = tolower(id), name, type, subscriptionId, resourceGroup,
    machineOsType = tolower(tostring(coalesce(properties.osType, properties.osName, properties.storageProfile.osDisk.osType))),
    assessmentMode = tostring(coalesce(properties.osProfile.windowsConfiguration.patchSettings.assessmentMode,
        properties.osProfile.linuxConfiguration.patchSettings.assessmentMode))
| join kind=leftouter (
    patchassessmentresources
    | where type in~ ('microsoft.compute/virtualmachines/patchassessmentresults', 'microsoft.hybridcompute/machines/patchassessmentresults')
    | project machineKey = tolower(tostring(split(id, '/patchAssessmentResults')[0])),
        assessedAt = tostring(properties.lastModifiedDateTime),
        status = tostring(properties.status),
        error = tostring(properties.errorDetails.message),
        rebootPending = tobool(properties.rebootPending),
        assessmentOsType = tolower(tostring(properties.osType)),
        counts = properties.availablePatchCountByClassification
  ) on machineKey
| project-away machineKey1
| order by id asc`,
        columns: [
            'id',
            'name',
            'type',
            'subscriptionId',
            'resourceGroup',
            'machineOsType',
            'assessmentMode',
            'assessedAt',
            'status',
            'counts',
        ],
    };
}

/**
 * Patch installation runs of Azure VMs and Arc machines, one row per run, the machine's id lower-cased; the source keeps
 * each machine's newest. Not reduced here: Resource Graph pages a `summarize` answer only simplified (first page).
 */
export function patchInstallationsQuery(): BuiltQuery {
    return {
        text: `patchinstallationresources
| where type in~ ('microsoft.compute/virtualmachines/patchinstallationresults', 'microsoft.hybridcompute/machines/patchinstallationresults')
| project id, subscriptionId,
    machineKey = tostring(split(tolower(id), '/patchinstallationresults')[0]),
    installedAt = tostring(properties.lastModifiedDateTime),
    installStatus = tostring(properties.status),
    installedCount = toint(properties.installedPatchCount),
    failedCount = toint(properties.failedPatchCount),
    pendingCount = toint(properties.pendingPatchCount),
    rebootStatus = tostring(properties.rebootStatus),
    windowExceeded = tobool(properties.maintenanceWindowExceeded),
    installError = tostring(properties.errorDetails.message)
| order by id asc`,
        columns: ['id', 'machineKey', 'installedAt', 'installStatus'],
    };
}

/**
 * Missing patches of Azure VMs and Arc machines. The OS is inferred from the patch itself (Windows updates carry a
 * KB id or a publish date, Linux packages a version), which saves a join against `resources`.
 */
export function missingPatchesQuery(): BuiltQuery {
    return {
        text: `patchassessmentresources
| where type in~ ('microsoft.compute/virtualmachines/patchassessmentresults/softwarepatches', 'microsoft.hybridcompute/machines/patchassessmentresults/softwarepatches')
| extend p = properties
| project id, subscriptionId,
    machineId = tostring(split(id, '/patchAssessmentResults')[0]),
    patchName = tostring(p.patchName),
    kbId = tostring(p.kbId),
    version = tostring(p.version),
    classifications = p.classifications,
    severity = tostring(p.msrcSeverity),
    publishedAt = tostring(p.publishedDateTime),
    rebootBehaviour = tostring(p.rebootBehavior),
    assessmentState = tostring(p.assessmentState)
| order by id asc`,
        columns: ['id', 'machineId', 'patchName', 'kbId', 'version', 'classifications', 'severity', 'publishedAt', 'rebootBehaviour'],
    };
}

/** Subscriptions with their tenant, from Resource Graph's `resourcecontainers`. */
export function subscriptionsQuery(): BuiltQuery {
    return {
        text: `resourcecontainers
| where type =~ 'microsoft.resources/subscriptions'
| project id, subscriptionId, name, tenantId, state = tostring(properties.state)
| order by id asc`,
        columns: ['id', 'subscriptionId', 'name', 'tenantId', 'state'],
    };
}

/** Log Analytics workspaces; queries address them by `customerId`. */
export function workspacesQuery(): BuiltQuery {
    return {
        text: `resources
| where type =~ 'microsoft.operationalinsights/workspaces'
| project id, name, subscriptionId, resourceGroup, location, customerId = tostring(properties.customerId)
| order by id asc`,
        columns: ['id', 'name', 'subscriptionId', 'resourceGroup', 'location', 'customerId'],
    };
}

// ---------------------------------------------------------------------------------------------
// Log Analytics

/** What every Log Analytics query is scoped by. */
export interface LogsWindow {
    from: Date;
    to: Date;
    /**
     * Only these machines, by host name: a name matches the computer Log Analytics reports by that name or by an FQDN
     * that starts with its host name (a domain-joined machine is `web01.contoso.local` there and `web01` in Azure).
     */
    computers?: readonly string[];
    /** `computers` are names exactly as this workspace reports them (listed from it), not host names. */
    exactComputers?: boolean;
    /** `reportingComputersQuery` only: the names that match this `server_name` pattern (`*` for any characters). */
    namePattern?: string;
}

/**
 * Most rows one answer may hold. Log Analytics refuses more than 500,000 rows or 64 MB; asking for one more than the
 * cap tells the source that rows were cut, so it can warn instead of returning a silently short list.
 */
export const LOGS_ROW_CAP = 100_000;

function timeFilter(window: LogsWindow): string {
    return `| where TimeGenerated >= ${datetime(window.from)} and TimeGenerated < ${datetime(window.to)}`;
}

function computerFilter(window: LogsWindow): string {
    if (!window.computers || window.computers.length === 0) {
        return '';
    }
    if (window.exactComputers) {
        return `\n| where Computer in~ ${strList(window.computers)}`;
    }
    // Not `has_any` (faster through the term index): its matching of names with '-' or '_' is not documented well
    // enough to trust with a filter whose misses would be silent.
    return `\n| where tostring(split(Computer, '.')[0]) in~ ${strList(hostNames(window.computers))}`;
}

/** `| where Column contains "text"` (case-insensitive) on a line of its own, or nothing for no text. */
function containsFilter(column: 'SoftwareName' | 'Publisher' | 'FocusArea', text: string | undefined): string {
    return text ? `\n| where ${column} contains ${str(text)}` : '';
}

function hostNames(names: readonly string[]): string[] {
    return [...new Set(names.map(hostName))];
}

/**
 * Failed checks of the SQL best-practices assessment. `SqlAssessment_CL` holds each CSV line in `RawData`; the field
 * order is the one the portal's workbook uses. Severity codes other than 0–30 (and the workbook's 1/2) mean "passed".
 * With `latestRunOnly`, only the newest run (`AssessmentId`) of each instance is kept. The table as the Azure CLI creates it
 * has only `TimeGenerated` and `RawData` (a `Computer` column exists only where the collection rule declares one, and may
 * be empty): the machine is then the last segment of `_ResourceId`, which every row sent by the agent carries.
 */
export function sqlFindingsQuery(window: LogsWindow & { latestRunOnly: boolean }): BuiltQuery {
    const base = `SqlAssessment_CL
${timeFilter(window)}
| extend Computer = column_ifexists('Computer', '')
| extend Computer = iff(isempty(Computer), tostring(split(_ResourceId, '/')[8]), Computer)${computerFilter(window)}
| extend f = parse_csv(RawData)
| extend AssessmentId = tostring(f[1]), CheckId = tostring(f[2]), Title = tostring(f[3]), Description = tostring(f[4]),
    HelpLink = tostring(f[5]), TargetType = tostring(f[6]), TargetName = tostring(f[7]), SeverityCode = tostring(f[8]),
    Message = tostring(f[9]), Tags = tostring(f[10]), InstanceName = tostring(f[11])
| where SeverityCode in ('30', '20', '10', '0', '1', '2')
| project TimeGenerated, AssessmentId, Computer, InstanceName, CheckId, Title, Description, HelpLink, TargetType, TargetName,
    SeverityCode, Message, Tags`;
    const latest = window.latestRunOnly
        ? `let findings = ${base};
findings
| join kind=inner (
    findings
    | summarize arg_max(TimeGenerated, AssessmentId) by Computer, InstanceName
    | project Computer, InstanceName, AssessmentId
  ) on Computer, InstanceName, AssessmentId
| project-away Computer1, InstanceName1, AssessmentId1`
        : base;
    return {
        text: `${latest}
| order by Computer asc, InstanceName asc, CheckId asc
| take ${int(LOGS_ROW_CAP + 1)}`,
        columns: ['TimeGenerated', 'AssessmentId', 'Computer', 'InstanceName', 'CheckId', 'Title', 'SeverityCode', 'Message', 'Tags'],
    };
}

/**
 * Failed recommendations of the Windows Server assessment in the window. The assessment runs weekly, so with
 * `latestRunOnly` only the newest run (`AssessmentId`) of each computer is kept — a recommendation fixed since is gone.
 * The latest run is taken over every result (passed ones too), so a machine whose latest run failed nothing shows nothing.
 */
export function windowsFindingsQuery(
    window: LogsWindow & { latestRunOnly: boolean; minWeight?: number; focusAreaContains?: string },
): BuiltQuery {
    const rows = `WindowsServerAssessmentRecommendation
${timeFilter(window)}${computerFilter(window)}`;
    const failed = `| where RecommendationResult == 'Failed'${window.minWeight !== undefined ? `\n| where RecommendationWeight >= ${realAtMost(window.minWeight)}` : ''}${containsFilter('FocusArea', window.focusAreaContains)}
| project TimeGenerated, AssessmentId, Computer, RecommendationId, Recommendation, Description, FocusArea, ActionArea,
    AffectedObjectType, AffectedObjectName, RecommendationWeight`;
    const text = window.latestRunOnly
        ? `let results = ${rows};
results
${failed}
| join kind=inner (
    results
    | summarize arg_max(TimeGenerated, AssessmentId) by Computer
    | project Computer, AssessmentId
  ) on Computer, AssessmentId
| project-away Computer1, AssessmentId1`
        : `${rows}
${failed}`;
    return {
        text: `${text}
| order by Computer asc, RecommendationId asc
| take ${int(LOGS_ROW_CAP + 1)}`,
        columns: ['TimeGenerated', 'AssessmentId', 'Computer', 'RecommendationId', 'Recommendation', 'FocusArea', 'RecommendationWeight'],
    };
}

/**
 * How far before a computer's newest inventory row software must have been seen to count as installed now. Inventory is a
 * series of full snapshots (every 10 hours with the Azure Monitor Agent, at least daily with the retired agent) and no
 * row says that software went away: software last seen in an older snapshot was removed or upgraded since.
 */
export const INVENTORY_SNAPSHOT_MS = 30 * 3_600_000;

/** How far apart the rows of one inventory snapshot may be (they are sent together, within minutes). */
const SNAPSHOT_SPREAD_MS = 2 * 3_600_000;

/**
 * Installed software as last inventoried: the newest row per computer, name and version, kept only if it came with the
 * newest row of that name (several kernels, or x86 and x64 builds, installed side by side — not the version an upgrade
 * replaced, whose last row is a snapshot older) and if the computer's latest snapshot still had it (see
 * {@link INVENTORY_SNAPSHOT_MS}; the latest snapshot is read from all its software, whatever the filters).
 */
export function softwareQuery(
    window: LogsWindow & { includeUpdates: boolean; nameContains?: string; publisherContains?: string },
): BuiltQuery {
    const types = window.includeUpdates ? `('Application', 'Package', 'Update')` : `('Application', 'Package')`;
    return {
        text: `let software = ConfigurationData
${timeFilter(window)}${computerFilter(window)}
| where ConfigDataType == 'Software';
let versions = software
| where SoftwareType in ${types}${containsFilter('SoftwareName', window.nameContains)}${containsFilter('Publisher', window.publisherContains)}
| summarize arg_max(TimeGenerated, SoftwareType, Publisher) by Computer, SoftwareName, CurrentVersion;
versions
| join kind=inner (versions | summarize NameLast = max(TimeGenerated) by Computer, SoftwareName) on Computer, SoftwareName
| where TimeGenerated > NameLast - ${timespan(SNAPSHOT_SPREAD_MS)}
| join kind=inner (software | summarize Newest = max(TimeGenerated) by Computer) on Computer
| where TimeGenerated > Newest - ${timespan(INVENTORY_SNAPSHOT_MS)}
| project Computer, SoftwareName, SoftwareType, Publisher, CurrentVersion, LastSeen = TimeGenerated
| order by Computer asc, SoftwareName asc
| take ${int(LOGS_ROW_CAP + 1)}`,
        columns: ['Computer', 'SoftwareName', 'SoftwareType', 'Publisher', 'CurrentVersion', 'LastSeen'],
    };
}

/** Software added, removed or changed. */
export function softwareChangesQuery(window: LogsWindow & { nameContains?: string; categories?: readonly ChangeCategory[] }): BuiltQuery {
    const categories = window.categories?.length
        ? `\n| where ChangeCategory in ${strList(window.categories.map((c) => oneOf(c, CHANGE_CATEGORIES, 'Change category')))}`
        : '';
    return {
        text: `ConfigurationChange
${timeFilter(window)}${computerFilter(window)}
| where ConfigChangeType == 'Software'${categories}${containsFilter('SoftwareName', window.nameContains)}
| project TimeGenerated, Computer, SoftwareName, SoftwareType, Publisher, ChangeCategory, Previous, Current
| order by TimeGenerated desc
| take ${int(LOGS_ROW_CAP + 1)}`,
        columns: ['TimeGenerated', 'Computer', 'SoftwareName', 'SoftwareType', 'Publisher', 'ChangeCategory', 'Previous', 'Current'],
    };
}

/** The tables a machine's agents write to, and the ones the tools read: any of them shows a machine reports here. */
const REPORTING_TABLES = [
    'Heartbeat',
    'Perf',
    'InsightsMetrics',
    'ConfigurationData',
    'ConfigurationChange',
    'SqlAssessment_CL',
    'WindowsServerAssessmentRecommendation',
];

/**
 * The names under which the machines of `window.computers` (by host name) reported anything in the window. `isfuzzy`
 * lets the union succeed when the workspace lacks some of the tables; the filter comes after `summarize by Computer`,
 * so it looks at each distinct name once.
 */
export function reportingComputersQuery(window: LogsWindow): BuiltQuery {
    let filter: string;
    if (window.namePattern !== undefined) {
        // The whole reported name or its host part, as the tools match a pattern; one more than the cap tells the source
        // that the pattern matched too many to be taken as meant.
        const regex = str(wildcardRegex(window.namePattern));
        filter = `\n| where Computer matches regex ${regex} or tostring(split(Computer, '.')[0]) matches regex ${regex}`;
    } else if (window.computers && window.computers.length > 0) {
        filter = computerFilter(window);
    } else {
        throw new Error('reportingComputersQuery needs the machines to look for');
    }
    return {
        text: `union isfuzzy=true ${REPORTING_TABLES.join(', ')}
${timeFilter(window)}
| summarize by Computer${filter}
| order by Computer asc
| take ${int(MAX_FOUND_COMPUTERS + 1)}`,
        columns: ['Computer'],
    };
}

export const METRIC_TABLES = ['Perf', 'InsightsMetrics'] as const;
export type MetricTable = (typeof METRIC_TABLES)[number];

/**
 * Which metric tables hold these metrics' counters in the window — not merely rows: `Perf` may hold only a SQL Server
 * counter set while VM Insights sends the CPU and disks. `isfuzzy` lets the union succeed when a workspace lacks one of
 * the tables (a workspace without VM Insights has no `InsightsMetrics`). Each leg names itself: `withsource` would name
 * a leg that is a pipeline rather than a bare table `union_arg0`, `union_arg1`.
 */
export function metricTablesQuery(window: LogsWindow & { metrics: readonly MetricKind[] }): BuiltQuery {
    return {
        text: `union isfuzzy=true
    (Perf ${timeFilter(window)} | where ${metricFilter('Perf', window.metrics)} | take 1 | project SourceTable = 'Perf'),
    (InsightsMetrics ${timeFilter(window)} | where ${metricFilter('InsightsMetrics', window.metrics)} | take 1 | project SourceTable = 'InsightsMetrics')
| distinct SourceTable`,
        columns: ['SourceTable'],
    };
}

/**
 * Computers that reported metrics in the window, by the names the workspace uses, with the metrics each sent here, so
 * series can be fetched in batches of computers with exact names, each metric from the table that has it (a SQL Server's
 * counter set in `Perf` may hold its CPU while VM Insights sends its disks). The machine filter comes after the
 * `summarize`: it then looks at each distinct name once, not at every row of the largest table in the workspace.
 */
export function metricComputersQuery(window: LogsWindow & { table: MetricTable; metrics: readonly MetricKind[] }): BuiltQuery {
    const table = oneOf(window.table, METRIC_TABLES, 'Metric table');
    return {
        text: `${table}
${timeFilter(window)}
| where ${metricFilter(table, window.metrics)}
| extend Metric = ${METRIC_OF_ROW[table]}
| summarize by Computer, Metric${computerFilter(window)}
| order by Computer asc, Metric asc
| take ${int(LOGS_ROW_CAP + 1)}`,
        columns: ['Computer', 'Metric'],
    };
}

/** The metric (`MetricKind`) a row of a metric table holds, once `metricFilter` has kept only the metrics' rows. */
const METRIC_OF_ROW: Record<MetricTable, string> = {
    Perf: `case(CounterName == '% Processor Time', 'cpu', CounterName in ('% Free Space', '% Used Space'), 'diskFree', 'diskTransfers')`,
    InsightsMetrics: `case(Name == 'UtilizationPercentage', 'cpu', Name == 'FreeSpacePercentage', 'diskFree', 'diskTransfers')`,
};

/**
 * The counters of each metric in `Perf`, under the names the agents use: Windows CPU as `Processor` (the legacy agent's
 * and many rules') or `Processor Information` (the Azure Monitor Agent's basic and VM Insights-style rules) — the same
 * figure, averaged into one series when both come; disks as `LogicalDisk` (Windows) or `Logical Disk` (Linux), per
 * volume and as `_Total` (`total` from the Azure Monitor Agent on Linux, read as `_Total`), which those rules often collect alone. A machine's `_Total` series is dropped when it also
 * reports its volumes (`withoutRedundantTotals`). Free space comes as `% Free Space`, or on Linux often only as
 * `% Used Space` (the legacy agent's suggested Linux set, and rules migrated from it): read as 100 less it, under the
 * free-space counter's name, so both agree with the free-megabytes query.
 */
const PERF_COUNTERS: Record<MetricKind, string> = {
    cpu: `(ObjectName in ('Processor', 'Processor Information') and InstanceName in ('_Total', 'total') and CounterName == '% Processor Time')`,
    diskFree: `(ObjectName in ('LogicalDisk', 'Logical Disk') and CounterName in ('% Free Space', '% Used Space'))`,
    diskTransfers: `(ObjectName in ('LogicalDisk', 'Logical Disk') and CounterName == 'Disk Transfers/sec')`,
};

/** The instance name of a machine's all-volumes aggregate in `Perf`. */
export const PERF_TOTAL_INSTANCE = '_Total';

const INSIGHTS_METRICS: Record<MetricKind, string> = {
    cpu: `(Namespace == 'Processor' and Name == 'UtilizationPercentage')`,
    diskFree: `(Namespace == 'LogicalDisk' and Name == 'FreeSpacePercentage')`,
    diskTransfers: `(Namespace == 'LogicalDisk' and Name == 'TransfersPerSecond')`,
};

/** The rows of a metric table that hold these metrics' counters (a table can hold others: SQL counters, memory, network). */
function metricFilter(table: MetricTable, metrics: readonly MetricKind[]): string {
    const kinds = metrics.map((m) => oneOf(m, METRIC_KINDS, 'Metric'));
    if (kinds.length === 0) {
        throw new Error('a metric query needs at least one metric');
    }
    return table === 'Perf'
        ? `(${kinds.map((m) => PERF_COUNTERS[m]).join(' or ')})`
        : `Origin == 'vm.azm.ms' and (${kinds.map((m) => INSIGHTS_METRICS[m]).join(' or ')})`;
}

/**
 * CPU and disk series on a regular grid for one batch of computers. `default=real(null)` marks bins without samples
 * (the default 0 would fake a dip); `from`/`to` give every series the same length and start, so the time axis (as long as
 * the values, and longer in JSON) is not sent.
 */
export function metricSeriesQuery(window: LogsWindow & { table: MetricTable; metrics: readonly MetricKind[]; stepMs: number }): BuiltQuery {
    const table = oneOf(window.table, METRIC_TABLES, 'Metric table');
    const metrics = window.metrics.map((m) => oneOf(m, METRIC_KINDS, 'Metric'));
    if (metrics.length === 0) {
        throw new Error('metricSeriesQuery needs at least one metric');
    }
    const step = timespan(window.stepMs);
    const grid = `on TimeGenerated from ${datetime(window.from)} to ${datetime(window.to)} step ${step}`;
    if (table === 'Perf') {
        return {
            text: `Perf
${timeFilter(window)}${computerFilter(window)}
| where ${metricFilter('Perf', metrics)}
| extend Metric = ${METRIC_OF_ROW.Perf},
    Volume = iff(InstanceName == 'total', '_Total', InstanceName)
| extend Counter = case(CounterName == '% Processor Time', CounterName, CounterName == '% Used Space', strcat(Volume, ' % Free Space'),
        strcat(Volume, ' ', CounterName)),
    Reading = iff(CounterName == '% Used Space', 100 - CounterValue, CounterValue)
| make-series Value = avg(Reading) default=real(null) ${grid} by Computer, Metric, Counter
| project Computer, Metric, Counter, Value`,
            columns: ['Computer', 'Metric', 'Counter', 'Value'],
        };
    }
    return {
        text: `InsightsMetrics
${timeFilter(window)}${computerFilter(window)}
| where ${metricFilter('InsightsMetrics', metrics)}
| extend Metric = ${METRIC_OF_ROW.InsightsMetrics},
    Counter = iff(Namespace == 'Processor', strcat(Namespace, '/', Name), strcat(tostring(todynamic(Tags)['vm.azm.ms/mountId']), ' ', Name))
| make-series Value = avg(Val) default=real(null) ${grid} by Computer, Metric, Counter
| project Computer, Metric, Counter, Value`,
        columns: ['Computer', 'Metric', 'Counter', 'Value'],
    };
}

/**
 * The latest free megabytes of each disk, keyed by the counter of its free-space % series (`Counter` is built as
 * `metricSeriesQuery` builds it for `diskFree`), so a disk low on space can say how much is left. Both metric tables in
 * one `isfuzzy` union, so no query is spent finding out which the workspace has (a workspace without VM Insights has
 * no `InsightsMetrics`).
 */
export function diskFreeSpaceQuery(window: LogsWindow): BuiltQuery {
    const filter = `${timeFilter(window)}${computerFilter(window)}`;
    return {
        text: `union isfuzzy=true
    (Perf
    ${filter}
    | where ObjectName in ('LogicalDisk', 'Logical Disk') and CounterName == 'Free Megabytes'
    | extend Volume = iff(InstanceName == 'total', '_Total', InstanceName)
    | summarize arg_max(TimeGenerated, CounterValue) by Computer, Volume
    | project Computer, Counter = strcat(Volume, ' % Free Space'), FreeMb = CounterValue, At = TimeGenerated),
    (InsightsMetrics
    ${filter}
    | where Origin == 'vm.azm.ms' and Namespace == 'LogicalDisk' and Name == 'FreeSpaceMB'
    | extend Volume = tostring(todynamic(Tags)['vm.azm.ms/mountId'])
    | summarize arg_max(TimeGenerated, Val) by Computer, Volume
    | project Computer, Counter = strcat(Volume, ' FreeSpacePercentage'), FreeMb = Val, At = TimeGenerated)
| take ${int(LOGS_ROW_CAP + 1)}`,
        columns: ['Computer', 'Counter', 'FreeMb', 'At'],
    };
}
