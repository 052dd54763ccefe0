/**
 * The record types of a hybrid server estate, as every layer sees them.
 *
 * Field names follow the words an Azure operations engineer uses (and the Azure
 * property they come from is named in the comment where it is not obvious).
 * Timestamps are ISO 8601 strings in UTC so that records serialise unchanged into
 * MCP `structuredContent`, CSV and webview messages.
 */

/** Where data came from; every tool output carries it so sample data is never mistaken for a real estate. */
export type SourceKind = 'sample' | 'azure';

export interface Subscription {
    subscriptionId: string;
    displayName: string;
    tenantId: string;
    /** `Enabled`, `Disabled`, `Warned`, … as Azure reports it. */
    state: string;
}

/** A Log Analytics workspace. Queries address it by `customerId` (the portal's "Workspace ID"). */
export interface Workspace {
    customerId: string;
    name: string;
    resourceId: string;
    subscriptionId: string;
    resourceGroup: string;
    location: string;
}

export interface Scopes {
    subscriptions: Subscription[];
    workspaces: Workspace[];
}

/** `arc`: an Arc-enabled server (`microsoft.hybridcompute/machines`); `azure-vm`: `microsoft.compute/virtualmachines`. */
export type MachineKind = 'arc' | 'azure-vm';
export type OsType = 'windows' | 'linux';
/**
 * Arc agent status (`Connected`, `Disconnected`, `Expired`, `Error`) or, for Azure VMs,
 * the power state (`Running`, `Stopped`, `Deallocated`); `Unknown` when Azure does not say.
 */
export type MachineStatus = 'Connected' | 'Disconnected' | 'Expired' | 'Error' | 'Running' | 'Stopped' | 'Deallocated' | 'Unknown';

export interface Machine {
    /** ARM resource id. */
    id: string;
    name: string;
    kind: MachineKind;
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    osType: OsType;
    /** Product name, e.g. `Windows Server 2019 Datacenter` or `Ubuntu 22.04.4 LTS` (Arc `osSku`). */
    osName: string;
    /** Build or kernel version (Arc `osVersion`). */
    osVersion: string;
    status: MachineStatus;
    /** When the status last changed (Arc `lastStatusChange`). */
    lastStatusChange?: string;
    /** What Azure says of an Arc-enabled server in the Error state (the first of its `errorDetails`), when it says anything. */
    statusMessage?: string;
    agentVersion?: string;
    /**
     * The Arc agent's extension service as it last reported it (`serviceStatuses.extensionService.status`: `Running` or
     * `Stopped` on Windows, systemd's `active` or `inactive` on Linux). While it does not run, no extension — the
     * monitoring agent among them — can be installed, updated or removed. Arc-enabled servers only.
     */
    extensionService?: string;
    /**
     * The operating system's host name (`osProfile.computerName`) when it differs from the resource name — as an Azure
     * VM's often does (`vm-prd-app01` in Azure, `APP01` inside). Log Analytics reports the machine under this name.
     */
    computerName?: string;
    fqdn?: string;
    domain?: string;
    manufacturer?: string;
    model?: string;
    processorNames?: string;
    /** Physical cores (Arc `detectedProperties.coreCount`, a string in Azure). */
    coreCount?: number;
    logicalCoreCount?: number;
    memoryGb?: number;
    ipAddresses: string[];
    /** Whether the agent discovered a SQL Server instance (Arc `mssqlDiscovered`, a string in Azure). */
    sqlDiscovered: boolean;
    tags: Record<string, string>;
    /** Customer id of the Log Analytics workspace this machine reports to, when known. */
    workspaceId?: string;
}

/**
 * Extension types of the agents that send a machine's data to Log Analytics: the Azure Monitor Agent, and the Log
 * Analytics agent (MMA on Windows, OMS on Linux) it replaced, unsupported since 31 August 2024.
 */
export const MONITORING_AGENT_TYPES = {
    ama: ['AzureMonitorWindowsAgent', 'AzureMonitorLinuxAgent'],
    legacy: ['MicrosoftMonitoringAgent', 'OmsAgentForLinux'],
} as const;

/**
 * Which agent sends a machine's data to Log Analytics: the Azure Monitor Agent, only the retired one, both (a migration
 * under way), or none.
 */
export const MONITORING_AGENTS = ['ama', 'legacy', 'both', 'none'] as const;
export type MonitoringAgent = (typeof MONITORING_AGENTS)[number];

/**
 * A VM extension of an Arc-enabled server or Azure VM (`…/machines/extensions`, `…/virtualMachines/extensions`). Sources
 * return the monitoring agents (whatever their state) and every extension not in the Succeeded state.
 */
export interface MachineExtension {
    /** ARM id of the machine, as the extension's id starts: exactly as the machine's `id`, or in lower case. */
    machineId: string;
    name: string;
    /** Extension type, e.g. `AzureMonitorWindowsAgent`, `MDE.Linux`, `WindowsAgent.SqlServer`. */
    type: string;
    publisher: string;
    version?: string;
    /** Provisioning state: `Succeeded`, `Failed`, `Creating`, `Updating`, `Deleting`. */
    state: string;
    /** The status message Azure keeps for an extension that is not Succeeded (first 300 characters, on one line). */
    message?: string;
}

export interface SqlInstance {
    id: string;
    /**
     * Where Azure knows it from: an Arc-enabled SQL Server instance (`arc`, the default), with its databases; or a SQL
     * virtual machine (`sql-vm`: SQL Server on an Azure VM registered with the SQL IaaS Agent extension), of which Azure
     * keeps the edition, licence and image but no database inventory.
     */
    kind?: 'arc' | 'sql-vm';
    /** `HOST` for a default instance, `HOST\NAME` for a named one. */
    name: string;
    instanceName: string;
    machineName: string;
    /** ARM id of the hosting Arc machine (`containerResourceId`). */
    machineId?: string;
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    /** e.g. `SQL Server 2019`. */
    version: string;
    /** Build, e.g. `15.0.4375.4`. */
    currentVersion?: string;
    patchLevel?: string;
    edition: string;
    licenseType: string;
    vCores?: number;
    status: string;
    collation?: string;
    /**
     * When the SQL Server extension last uploaded this instance's inventory (`lastInventoryUploadTime`): what Azure says of
     * the instance and its databases — sizes, states, backups — is as of then.
     */
    inventoryAt?: string;
}

export interface SqlDatabase {
    id: string;
    name: string;
    instanceId: string;
    instanceName: string;
    machineName: string;
    subscriptionId: string;
    /** Absent when Azure has no figure (Arc reads sizes only where NT AUTHORITY\\SYSTEM is a sysadmin). */
    sizeMb?: number;
    spaceAvailableMb?: number;
    state: string;
    recoveryModel: string;
    compatibilityLevel?: number;
    createdAt?: string;
    /** Absent when the database was never backed up (as far as Azure knows). */
    lastFullBackup?: string;
    lastLogBackup?: string;
    isReadOnly?: boolean;
    isEncrypted?: boolean;
    isAutoShrinkOn?: boolean;
    isAutoCloseOn?: boolean;
}

export const WINDOWS_PATCH_CLASSIFICATIONS = [
    'Critical',
    'Security',
    'UpdateRollup',
    'FeaturePack',
    'ServicePack',
    'Definition',
    'Tools',
    'Updates',
] as const;
export const PATCH_CLASSIFICATIONS = [...WINDOWS_PATCH_CLASSIFICATIONS, 'Other'] as const;
export type PatchClassification = (typeof PATCH_CLASSIFICATIONS)[number];

/** MSRC severity of a Windows update; Linux packages are `Unspecified` unless the repository rates them. */
export const PATCH_SEVERITIES = ['Critical', 'Important', 'Moderate', 'Low', 'Unspecified'] as const;
export type PatchSeverity = (typeof PATCH_SEVERITIES)[number];

export const REBOOT_BEHAVIOURS = ['NeverReboots', 'AlwaysRequiresReboot', 'CanRequestReboot', 'Unknown'] as const;
export type RebootBehaviour = (typeof REBOOT_BEHAVIOURS)[number];

/** The latest patch assessment of one machine (Azure Update Manager `patchassessmentresults`). */
export interface PatchAssessment {
    machineId: string;
    machineName: string;
    osType: OsType;
    subscriptionId: string;
    resourceGroup: string;
    /** When the last assessment ran; absent when Azure holds none (it keeps them 7 days). */
    assessedAt?: string;
    /** `Succeeded`, `Failed`, `CompletedWithWarnings`, `InProgress`, `Unknown`. */
    status: string;
    rebootPending: boolean;
    /** Missing patch counts by classification, as the assessment summary reports them. */
    countsByClassification: Partial<Record<PatchClassification, number>>;
    /** Periodic assessment setting (`AutomaticByPlatform` or `ImageDefault`), when known. */
    assessmentMode?: string;
    /** Why the last assessment failed, as Azure says (`errorDetails.message`), when it did. */
    error?: string;
    /** The machine's latest patch installation run that Azure keeps, if any. */
    lastInstallation?: PatchInstallation;
}

/** One patch installation run of Azure Update Manager (`patchinstallationresults`). */
export interface PatchInstallation {
    /** When it finished (or was last updated, while in progress). */
    at: string;
    /** `Succeeded`, `Failed` (a patch failed), `CompletedWithWarnings`, `InProgress`, `NotStarted`. */
    status: string;
    installed: number;
    failed: number;
    /** Patches selected that the run did not get to (the maintenance window ran out, or a reboot is awaited). */
    pending: number;
    /** `NotNeeded`, `Required`, `Started`, `Failed`, `Completed`. */
    rebootStatus?: string;
    /** The run stopped because its maintenance window closed. */
    maintenanceWindowExceeded?: boolean;
    /** What Azure says went wrong (`errorDetails.message`), when it says. */
    error?: string;
}

export interface MissingPatch {
    machineId: string;
    machineName: string;
    osType: OsType;
    /** Update title (Windows) or package name (Linux). */
    patchName: string;
    /** Windows KB number without the `KB` prefix. */
    kbId?: string;
    /** Linux package version available. */
    version?: string;
    classification: PatchClassification;
    severity: PatchSeverity;
    /** Absent on Linux, where Azure does not report it. */
    publishedAt?: string;
    rebootBehaviour: RebootBehaviour;
}

export const FINDING_SEVERITIES = ['High', 'Medium', 'Low', 'Information'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** One failed check of the SQL Server best-practices assessment (`SqlAssessment_CL`). */
export interface SqlFinding {
    timeGenerated: string;
    /** Identifies one assessment run. */
    assessmentId: string;
    computer: string;
    /** `MSSQLSERVER` for a default instance. */
    instanceName: string;
    checkId: string;
    title: string;
    description: string;
    helpLink: string;
    targetType: 'Server' | 'Database';
    targetName: string;
    severity: FindingSeverity;
    message: string;
    tags: string[];
}

/** One failed recommendation of the Windows Server assessment (`WindowsServerAssessmentRecommendation`). */
export interface WindowsFinding {
    timeGenerated: string;
    assessmentId: string;
    computer: string;
    recommendationId: string;
    recommendation: string;
    description: string;
    focusArea: string;
    actionArea: string;
    affectedObjectType: string;
    affectedObjectName: string;
    /** Importance 0–100 as the assessment weighs it. */
    weight: number;
}

export type SoftwareType = 'Application' | 'Package' | 'Update';

export interface SoftwareItem {
    computer: string;
    name: string;
    type: SoftwareType;
    publisher: string;
    version: string;
    /** When inventory last saw it. */
    lastSeen: string;
}

export const CHANGE_CATEGORIES = ['Added', 'Removed', 'Modified'] as const;
export type ChangeCategory = (typeof CHANGE_CATEGORIES)[number];

export interface SoftwareChange {
    timeGenerated: string;
    computer: string;
    name: string;
    type: SoftwareType;
    publisher: string;
    changeCategory: ChangeCategory;
    previousVersion?: string;
    currentVersion?: string;
}

/** `cpu`: processor utilisation %; `diskFree`: logical-disk free space %; `diskTransfers`: logical-disk transfers/s. */
export const METRIC_KINDS = ['cpu', 'diskFree', 'diskTransfers'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/**
 * A metric series on a regular grid (`make-series` in KQL gives the same shape):
 * `values[i]` is the average over `[start + i*stepMs, start + (i+1)*stepMs)`, NaN where no sample arrived.
 */
/** The latest free space of one disk in megabytes, keyed like its free-space % series (`counter`). */
export interface DiskFreeSpace {
    computer: string;
    /** The counter of the disk's free-space % series, e.g. `C: % Free Space`, so the two are joined exactly. */
    counter: string;
    freeMb: number;
    /** When it was measured (ISO 8601). */
    at: string;
}

export interface MetricSeries {
    computer: string;
    metric: MetricKind;
    /** Counter as a person reads it, e.g. `% Processor Time` or `C: % Free Space`. */
    counter: string;
    unit: '%' | '/s';
    /** Epoch milliseconds of the first bin. */
    start: number;
    stepMs: number;
    values: Float64Array;
}
