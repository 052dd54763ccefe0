/**
 * A small, consistent, deterministic estate the fake serves: subscriptions, workspaces, Arc machines and Azure VMs,
 * SQL instances and databases, patch assessments (fresh, stale and missing), and Log Analytics rows for the same
 * computers. Rows are in the shape our queries project, since the fake does not run KQL.
 */

export interface FakeEstateOptions {
    /** Machines (default 20). */
    machines?: number;
    /** Subscriptions the machines are spread over (default 3). */
    subscriptions?: number;
    /** Workspaces (default 1). */
    workspaces?: number;
    /** The fake's clock (default 2026-11-20T12:00:00Z), so tests can reason about "stale". */
    now?: Date;
    /**
     * Also report volumes that are full by design, as real agents do: a snap package on every Linux machine (0 % free)
     * and a recovery partition without a drive letter on every Windows one (8.4 % free). Off by default.
     */
    fullByDesignVolumes?: boolean;
    /**
     * Report disks' free space also as `_Total` (all volumes), as the Azure Monitor Agent's basic rules collect it; the
     * fifth machine then reports only `_Total`. Off by default.
     */
    diskTotals?: boolean;
    /**
     * Machines that report to the workspace but that Resource Graph does not show (`legacy-00000`…: in a subscription the
     * account cannot read, or agents without Azure Arc). Default none.
     */
    workspaceOnly?: number;
    /**
     * Each machine reports to one workspace: machine `i` to workspace `i` modulo their number (Resource Graph does not say
     * which). Off by default: every workspace then holds every machine's rows.
     */
    homeWorkspaces?: boolean;
}

export type FakeAssessment = 'fresh' | 'stale' | 'none' | 'failed';

export interface FakeMachine {
    id: string;
    name: string;
    type: 'microsoft.hybridcompute/machines' | 'microsoft.compute/virtualmachines';
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    osType: 'windows' | 'linux';
    hasSql: boolean;
    assessment: FakeAssessment;
    assessmentMode?: string;
    /** An old Arc agent that reports no hardware keys. */
    oldAgent: boolean;
    /**
     * The name Log Analytics reports (`Computer`): the FQDN for domain-joined Windows machines (here the Arc servers
     * 4 and 9, as agents on domain members do); for the VM 5 its OS host name `APP05`, not its Azure name; the Azure
     * name otherwise. Resource Graph has the host part as `osProfile.computerName`.
     */
    computer: string;
}

export interface FakeEstate {
    tenantId: string;
    now: Date;
    subscriptions: { subscriptionId: string; name: string; state: string }[];
    workspaces: { id: string; customerId: string; name: string; subscriptionId: string; resourceGroup: string; location: string }[];
    machines: FakeMachine[];
    fullByDesignVolumes: boolean;
    diskTotals: boolean;
    /** Machines only Log Analytics knows (see `FakeEstateOptions.workspaceOnly`). */
    workspaceOnly: FakeMachine[];
    /** The customer id of the one workspace each machine reports to, by `Computer`, with `homeWorkspaces`. */
    homeWorkspace?: Map<string, string>;
}

/** A GUID made from a number, so ids are stable and readable in failures. */
export function fakeGuid(prefix: number, n: number): string {
    return `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const FAKE_TENANT = fakeGuid(0x7e7a7, 1);

/** Builds the estate. Machine `i`: every third is an Azure VM; every seventh never assessed, every seventh+1 stale. */
export function buildFakeEstate(options: FakeEstateOptions = {}): FakeEstate {
    const now = options.now ?? new Date('2026-11-20T12:00:00Z');
    const subscriptions = Array.from({ length: options.subscriptions ?? 3 }, (_, i) => ({
        subscriptionId: fakeGuid(0x5ab, i + 1),
        name: `Subscription ${i + 1}`,
        state: 'Enabled',
    }));
    const workspaces = Array.from({ length: options.workspaces ?? 1 }, (_, i) => {
        const sub = subscriptions[i % subscriptions.length].subscriptionId;
        const name = `law-ops-${i + 1}`;
        return {
            id: `/subscriptions/${sub}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/${name}`,
            customerId: fakeGuid(0x3ace, i + 1),
            name,
            subscriptionId: sub,
            resourceGroup: 'rg-monitor',
            location: 'westeurope',
        };
    });
    const machines: FakeMachine[] = [];
    const count = options.machines ?? 20;
    for (let i = 0; i < count; i++) {
        const subscriptionId = subscriptions[i % subscriptions.length].subscriptionId;
        const isVm = i % 3 === 2;
        const name = `${isVm ? 'vm' : 'srv'}-${String(i).padStart(5, '0')}`;
        const provider = isVm ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines';
        const osType = i % 4 === 3 ? 'linux' : 'windows';
        machines.push({
            id: `/subscriptions/${subscriptionId}/resourceGroups/rg-${i % 5}/providers/${provider}/${name}`,
            name,
            type: isVm ? 'microsoft.compute/virtualmachines' : 'microsoft.hybridcompute/machines',
            subscriptionId,
            resourceGroup: `rg-${i % 5}`,
            location: 'westeurope',
            osType,
            hasSql: !isVm && osType === 'windows' && i % 2 === 0,
            // The 21st machine's last assessment failed (Windows Update did not answer): Azure keeps the failed run.
            assessment: i === 20 ? 'failed' : i % 7 === 0 ? 'none' : i % 7 === 1 ? 'stale' : 'fresh',
            assessmentMode: i % 7 === 0 ? 'ImageDefault' : 'AutomaticByPlatform',
            oldAgent: !isVm && i % 10 === 9,
            computer: i === 5 ? 'APP05' : !isVm && osType === 'windows' && i % 5 === 4 ? `${name}.contoso.local` : name,
        });
    }
    return {
        tenantId: FAKE_TENANT,
        now,
        ...(options.homeWorkspaces
            ? { homeWorkspace: new Map(machines.map((m, i) => [m.computer, workspaces[i % workspaces.length].customerId])) }
            : {}),
        subscriptions,
        workspaces,
        machines,
        fullByDesignVolumes: options.fullByDesignVolumes ?? false,
        diskTotals: options.diskTotals ?? false,
        workspaceOnly: Array.from({ length: options.workspaceOnly ?? 0 }, (_, i) => {
            const name = `legacy-${String(i).padStart(5, '0')}`;
            return {
                id: `/subscriptions/${fakeGuid(0xdead, 1)}/resourceGroups/rg-hidden/providers/Microsoft.HybridCompute/machines/${name}`,
                name,
                type: 'microsoft.hybridcompute/machines' as const,
                subscriptionId: fakeGuid(0xdead, 1),
                resourceGroup: 'rg-hidden',
                location: 'westeurope',
                osType: 'windows' as const,
                hasSql: false,
                assessment: 'none' as const,
                oldAgent: false,
                computer: `${name}.contoso.local`,
            };
        }),
    };
}

const DAY = 86_400_000;

/** Resource Graph rows for a query, chosen by what the query reads (the fake recognises our queries, not KQL). */
export function graphRows(estate: FakeEstate, query: string): Record<string, unknown>[] | undefined {
    const now = estate.now.getTime();
    if (query.includes('resourcecontainers')) {
        return estate.subscriptions.map((s) => ({
            id: `/subscriptions/${s.subscriptionId}`,
            subscriptionId: s.subscriptionId,
            name: s.name,
            tenantId: estate.tenantId,
            state: s.state,
        }));
    }
    if (query.includes('microsoft.operationalinsights/workspaces')) {
        return estate.workspaces.map((w) => ({ ...w }));
    }
    if (query.includes('softwarepatches')) {
        return estate.machines
            .filter((m) => m.assessment !== 'none')
            .flatMap((m) => {
                const base = `${m.id}/patchAssessmentResults/latest/softwarePatches`;
                return m.osType === 'windows'
                    ? [
                          {
                              id: `${base}/kb5040000`,
                              subscriptionId: m.subscriptionId,
                              machineId: m.id,
                              patchName: '2026-11 Cumulative Update for Windows Server (KB5040000)',
                              kbId: '5040000',
                              version: '',
                              classifications: ['Security'],
                              severity: 'Critical',
                              publishedAt: new Date(now - 10 * DAY).toISOString(),
                              rebootBehaviour: 'CanRequestReboot',
                              assessmentState: 'Available',
                          },
                          // The machines with an old agent run Windows Server 2012 R2, and miss its last rollup, 45 days old: overdue.
                          ...(m.oldAgent
                              ? [
                                    {
                                        id: `${base}/kb5031419`,
                                        subscriptionId: m.subscriptionId,
                                        machineId: m.id,
                                        patchName: '2026-10 Security Monthly Quality Rollup for Windows Server 2012 R2 (KB5031419)',
                                        kbId: '5031419',
                                        version: '',
                                        classifications: ['Security'],
                                        severity: 'Critical',
                                        publishedAt: new Date(now - 45 * DAY).toISOString(),
                                        rebootBehaviour: 'CanRequestReboot',
                                        assessmentState: 'Available',
                                    },
                                ]
                              : []),
                          {
                              id: `${base}/kb890830`,
                              subscriptionId: m.subscriptionId,
                              machineId: m.id,
                              patchName: 'Windows Malicious Software Removal Tool (KB890830)',
                              kbId: 'KB890830',
                              version: '',
                              classifications: ['UpdateRollUp'],
                              severity: '',
                              publishedAt: new Date(now - 20 * DAY).toISOString(),
                              rebootBehaviour: 'NeverReboots',
                              assessmentState: 'Available',
                          },
                      ]
                    : [
                          {
                              id: `${base}/openssl`,
                              subscriptionId: m.subscriptionId,
                              machineId: m.id,
                              patchName: 'openssl',
                              kbId: '',
                              version: '3.0.13-0ubuntu3.4',
                              classifications: ['Security'],
                              severity: '',
                              publishedAt: '',
                              rebootBehaviour: 'Unknown',
                              assessmentState: 'Available',
                          },
                      ];
            });
    }
    if (query.startsWith('patchinstallationresources')) {
        // Two runs per assessed machine: a clean one ten days ago and the latest, three days ago (machine 6's failed on two
        // patches, machine 12's ran out of its maintenance window with four pending). Listed newest first, so that the
        // source must pick by time, not by order.
        return estate.machines.flatMap((m, i) =>
            m.assessment === 'none'
                ? []
                : [3, 10].map((days) => {
                      const latest = days === 3;
                      return {
                          id: `${m.id}/patchInstallationResults/run-${days}`,
                          subscriptionId: m.subscriptionId,
                          machineKey: m.id.toLowerCase(),
                          installedAt: new Date(now - days * DAY).toISOString(),
                          installStatus: latest && i === 6 ? 'Failed' : latest && i === 12 ? 'CompletedWithWarnings' : 'Succeeded',
                          installedCount: 5,
                          failedCount: latest && i === 6 ? 2 : 0,
                          pendingCount: latest && i === 12 ? 4 : 0,
                          rebootStatus: m.osType === 'windows' ? 'Completed' : 'NotNeeded',
                          windowExceeded: latest && i === 12,
                          installError: latest && i === 6 ? 'Installation failed for 2 updates.\n Error 0x80070643.' : '',
                      };
                  }),
        );
    }
    if (query.includes('patchassessmentresources')) {
        return estate.machines.map((m) => {
            const assessedAt = m.assessment === 'none' ? null : new Date(now - (m.assessment === 'stale' ? 12 * DAY : DAY)).toISOString();
            return {
                id: m.id,
                machineKey: m.id.toLowerCase(),
                name: m.name,
                type: m.type,
                subscriptionId: m.subscriptionId,
                resourceGroup: m.resourceGroup,
                machineOsType: m.osType,
                assessmentMode: m.assessmentMode ?? '',
                assessedAt: assessedAt ?? '',
                status: assessedAt ? (m.assessment === 'failed' ? 'Failed' : 'Succeeded') : '',
                error: m.assessment === 'failed' ? 'Windows Update service is not responding.\nError code 0x8024402C.' : '',
                rebootPending: assessedAt ? m.name.endsWith('4') : null,
                assessmentOsType: assessedAt ? (m.osType === 'windows' ? 'Windows' : 'Linux') : '',
                counts: assessedAt
                    ? m.osType === 'windows'
                        ? {
                              critical: 0,
                              security: m.oldAgent ? 2 : 1,
                              updateRollup: 1,
                              featurePack: 0,
                              servicePack: 0,
                              definition: 0,
                              tools: 0,
                              updates: 0,
                          }
                        : { security: 1, other: 0 }
                    : null,
            };
        });
    }
    if (query.includes('sqlserverinstances/databases')) {
        return sqlMachines(estate).flatMap((m) =>
            ['master', 'sales', 'hr'].map((db, j) => {
                const instanceId = `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/Microsoft.AzureArcData/SqlServerInstances/${m.name}`;
                return {
                    id: `${instanceId}/Databases/${db}`,
                    name: db,
                    subscriptionId: m.subscriptionId,
                    instanceKey: instanceId.toLowerCase(),
                    instanceId,
                    // As Arc reports a default instance: by the host's name (older agents: MSSQLSERVER, on the others).
                    instanceName: m === sqlMachines(estate)[0] ? m.name : 'MSSQLSERVER',
                    instanceResourceName: m.name,
                    machineId: m.id,
                    sizeMb: 1024 * (j + 1),
                    spaceAvailableMb: 100,
                    state: 'Online',
                    recoveryModel: j === 2 ? 'Simple' : 'Full',
                    compatibilityLevel: 150,
                    createdAt: '2024-01-01T00:00:00Z',
                    // 'sales' was never backed up: Azure says so with an empty value, or (the second machine's) .NET's smallest date.
                    lastFullBackup:
                        j === 1
                            ? m === sqlMachines(estate)[1]
                                ? '0001-01-01T00:00:00Z'
                                : ''
                            : new Date(now - (j + 1) * DAY).toISOString(),
                    lastLogBackup: '',
                    isReadOnly: false,
                    isEncrypted: j === 0,
                    isAutoShrinkOn: false,
                    isAutoCloseOn: false,
                };
            }),
        );
    }
    if (query.includes('microsoft.sqlvirtualmachine/sqlvirtualmachines')) {
        return sqlVirtualMachines(estate).map((m, k) => ({
            id: `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines/${m.name}`,
            name: m.name,
            subscriptionId: m.subscriptionId,
            resourceGroup: m.resourceGroup,
            location: m.location,
            machineId: m.id,
            imageOffer: k === 0 ? 'SQL2019-WS2022' : 'SQL2014SP3-WS2012R2',
            edition: k === 0 ? 'Enterprise' : 'Standard',
            licenseType: k === 0 ? 'AHUB' : 'PAYG',
            status: 'Succeeded',
        }));
    }
    if (query.includes('sqlserverinstances')) {
        return sqlMachines(estate).map((m) => ({
            id: `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/Microsoft.AzureArcData/SqlServerInstances/${m.name}`,
            name: m.name,
            subscriptionId: m.subscriptionId,
            resourceGroup: m.resourceGroup,
            location: m.location,
            instanceName: m === sqlMachines(estate)[0] ? m.name : 'MSSQLSERVER',
            machineId: m.id,
            version: 'SQL Server 2019',
            currentVersion: '15.0.4375.4',
            patchLevel: 'CU28',
            edition: 'Standard',
            licenseType: 'PAYG',
            vCores: 4,
            status: 'Connected',
            collation: 'SQL_Latin1_General_CP1_CI_AS',
            // The first SQL machine's extension last uploaded five days ago; the others within the hour.
            inventoryAt: new Date(now - (m === sqlMachines(estate)[0] ? 5 * DAY : DAY / 48)).toISOString(),
        }));
    }
    if (query.includes('microsoft.network/networkinterfaces')) {
        // One interface per Azure VM, with a primary and a secondary private address.
        return estate.machines
            .filter((m) => m.type !== 'microsoft.hybridcompute/machines')
            .map((m, k) => ({
                id: `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${m.name}-nic`,
                subscriptionId: m.subscriptionId,
                vmKey: m.id.toLowerCase(),
                ipConfigurations: [
                    { name: 'ipconfig1', properties: { privateIPAddress: `10.1.0.${k + 4}`, primary: true } },
                    { name: 'ipconfig2', properties: { privateIPAddress: `10.1.1.${k + 4}`, primary: false } },
                ],
            }));
    }
    if (query.includes('machines/extensions')) {
        return estate.machines.flatMap((m, i) => fakeExtensions(m, i)).map((e) => ({ ...e, machineId: String(e.machineId).toLowerCase() }));
    }
    if (query.includes('microsoft.hybridcompute/machines')) {
        return estate.machines.map((m, i) => {
            const isArc = m.type === 'microsoft.hybridcompute/machines';
            return {
                id: m.id,
                name: m.name,
                location: m.location,
                tags: { env: i % 2 ? 'prod' : 'test' },
                isArc,
                osType: m.osType,
                osName: isArc
                    ? m.osType === 'windows'
                        ? m.oldAgent
                            ? 'Windows Server 2012 R2 Datacenter'
                            : 'Windows Server 2019 Datacenter'
                        : 'Ubuntu 22.04.4 LTS'
                    : m.osType === 'windows'
                      ? 'WindowsServer 2022-datacenter'
                      : 'ubuntu-24_04-lts server',
                osVersion: m.osType === 'windows' ? '10.0.17763' : '5.15.0-105-generic',
                // Arc server 13 is in the Error state, with the message Azure keeps.
                status: isArc ? (i % 11 === 5 ? 'Disconnected' : i === 13 ? 'Error' : 'Connected') : 'PowerState/running',
                lastStatusChange: isArc ? new Date(now - DAY).toISOString() : null,
                statusMessage: isArc && i === 13 ? 'The agent could not renew its managed identity certificate.' : '',
                agentVersion: isArc ? (m.oldAgent ? '1.10.21239.009' : '1.58.03228.700') : null,
                // Windows services run or stop; systemd units are active or not. Machine 3 (no agent) cannot get one.
                extensionService: isArc ? (m.osType === 'windows' ? 'Running' : i === 3 ? 'inactive' : 'active') : null,
                computerName: m.computer.split('.')[0],
                fqdn: `${m.name}.contoso.local`,
                domain: 'contoso.local',
                manufacturer: m.oldAgent || !isArc ? null : 'Dell Inc.',
                model: m.oldAgent || !isArc ? null : 'PowerEdge R640',
                processorNames: m.oldAgent || !isArc ? null : 'Intel(R) Xeon(R) Gold 6130',
                coreCount: m.oldAgent || !isArc ? null : 8,
                logicalCoreCount: m.oldAgent || !isArc ? null : 16,
                memoryGb: m.oldAgent || !isArc ? null : 64,
                sqlDiscovered: m.hasSql,
                // An Arc machine carries its addresses; a VM names its interfaces by id only (their addresses are on them).
                networkInterfaces: isArc
                    ? [{ ipAddresses: [{ address: `10.0.${i >> 8}.${i & 255}`, ipAddressVersion: 'IPv4' }] }]
                    : [
                          {
                              id: `/subscriptions/${m.subscriptionId}/resourceGroups/${m.resourceGroup}/providers/Microsoft.Network/networkInterfaces/${m.name}-nic`,
                          },
                      ],
            };
        });
    }
    return undefined;
}

/**
 * The extensions `machineExtensionsQuery` returns for machine `i`: the Azure Monitor Agent, except on machine 3 (no
 * agent at all), 9 (only the retired Log Analytics agent) and 8 (both); machine 10's agent failed to update; machine 4
 * has a Defender extension in the Failed state.
 */
export function fakeExtensions(m: FakeMachine, i: number): Record<string, unknown>[] {
    const windows = m.osType === 'windows';
    const row = (type: string, publisher: string, state = 'Succeeded', message = '') => ({
        id: `${m.id}/extensions/${type}`,
        name: type,
        extensionType: type,
        state,
        machineId: m.id,
        publisher,
        version: '1.0',
        message,
    });
    const rows: Record<string, unknown>[] = [];
    if (i !== 3 && i !== 9) {
        const failed = i === 10;
        rows.push(
            row(
                windows ? 'AzureMonitorWindowsAgent' : 'AzureMonitorLinuxAgent',
                'Microsoft.Azure.Monitor',
                failed ? 'Failed' : 'Succeeded',
                failed ? 'Enable failed.\n  The agent service did not start (exit code 1).' : '',
            ),
        );
    }
    if (i === 8 || i === 9) {
        rows.push(row(windows ? 'MicrosoftMonitoringAgent' : 'OmsAgentForLinux', 'Microsoft.EnterpriseCloud.Monitoring'));
    }
    if (i === 4) {
        rows.push(row('MDE.Windows', 'Microsoft.Azure.AzureDefenderForServers', 'Failed', 'Onboarding failed: proxy returned 407.'));
    }
    return rows;
}

function sqlMachines(estate: FakeEstate): FakeMachine[] {
    return estate.machines.filter((m) => m.hasSql);
}

/** The Windows Azure VMs registered as SQL virtual machines: every second one. */
export function sqlVirtualMachines(estate: FakeEstate): FakeMachine[] {
    return estate.machines
        .filter((m) => m.type === 'microsoft.compute/virtualmachines' && m.osType === 'windows')
        .filter((_, k) => k % 2 === 0);
}

/** A Log Analytics table in wire format. */
export interface WireTable {
    name: string;
    columns: { name: string; type: string }[];
    rows: unknown[][];
}

function table(columns: [string, string][], rows: unknown[][]): WireTable {
    return { name: 'PrimaryResult', columns: columns.map(([name, type]) => ({ name, type })), rows };
}

const EXACT_FILTER = 'Computer in~ (';
const HOST_FILTER = "split(Computer, '.')[0]) in~ (";

/**
 * Which of the machines a query's computer filter keeps: `Computer in~ (...)` matches the reported name exactly, the
 * host-name filter matches the part before the first dot (as Log Analytics would run them).
 */
function filterComputers(machines: readonly FakeMachine[], query: string): FakeMachine[] {
    const exact = listAfter(query, EXACT_FILTER)?.map((c) => c.toLowerCase());
    const hosts = listAfter(query, HOST_FILTER)?.map((c) => c.toLowerCase());
    const regex = regexAfter(query, REGEX_FILTER);
    return machines.filter(
        (m) =>
            (!exact || exact.includes(m.computer.toLowerCase())) &&
            (!hosts || hosts.includes(m.computer.split('.')[0].toLowerCase())) &&
            (!regex || regex.test(m.computer) || regex.test(m.computer.split('.')[0])),
    );
}

const REGEX_FILTER = 'Computer matches regex ';

/**
 * The RE2 expression after `marker`, as a JavaScript RegExp: the subset our queries write — `(?i)` first, `\x{…}` code
 * points — is translated, anything else is taken as JavaScript would read it.
 */
function regexAfter(query: string, marker: string): RegExp | undefined {
    const [text] = listAfter(query, marker) ?? [];
    if (text === undefined) {
        return undefined;
    }
    const insensitive = text.startsWith('(?i)');
    return new RegExp((insensitive ? text.slice(4) : text).replace(/\\x\{([0-9a-f]+)\}/gi, '\\u{$1}'), insensitive ? 'iu' : 'u');
}

/** Decodes the list of string literals after `marker` in a query (our literals are valid JSON strings). */
function listAfter(query: string, marker: string): string[] | undefined {
    const start = query.indexOf(marker);
    if (start < 0) {
        return undefined;
    }
    const out: string[] = [];
    const re = /"(?:[^"\\]|\\.)*"/y;
    let i = start + marker.length;
    for (;;) {
        re.lastIndex = i;
        const m = re.exec(query);
        if (!m) {
            break;
        }
        out.push(JSON.parse(m[0]) as string);
        i = re.lastIndex;
        if (query.startsWith(', ', i)) {
            i += 2;
        } else {
            break;
        }
    }
    return out;
}

const UNIT_MS: Record<string, number> = { d: DAY, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

/** Log Analytics answer for one of our queries, or undefined when the fake does not recognise it. */
export function logsTable(
    estate: FakeEstate,
    query: string,
    metricTable: 'Perf' | 'InsightsMetrics' | 'both' | 'split' | 'none',
    workspace?: string,
): WireTable | undefined {
    const now = estate.now.getTime();
    const home = estate.homeWorkspace;
    const machines = filterComputers([...estate.machines, ...estate.workspaceOnly], query).filter(
        (m) => !home || !workspace || (home.get(m.computer) ?? workspace).toLowerCase() === workspace.toLowerCase(),
    );
    // With both metric tables, the legacy agent's Perf has the CPU and disks of every second machine of the estate, and VM
    // Insights (InsightsMetrics) those of every machine: a machine in both is read from Perf.
    const inMetricTable = (m: FakeMachine) => metricTable !== 'both' || !query.startsWith('Perf') || estate.machines.indexOf(m) % 2 === 0;
    // With 'split', Perf holds only each machine's CPU (a SQL Server counter set) and VM Insights its CPU and disks.
    const hasMetric = (metric: string) => metricTable !== 'split' || !query.startsWith('Perf') || metric === 'cpu';
    const asks = (metric: 'cpu' | 'diskFree') =>
        metric === 'cpu'
            ? query.includes("CounterName == '% Processor Time')") || query.includes("Name == 'UtilizationPercentage')")
            : query.includes("CounterName in ('% Free Space', '% Used Space'))") || query.includes("Name == 'FreeSpacePercentage')");
    if (query.startsWith('union isfuzzy=true Heartbeat')) {
        return table(
            [['Computer', 'string']],
            machines.map((m) => [m.computer]),
        );
    }
    if (query.includes("CounterName == 'Free Megabytes'") || query.includes("Name == 'FreeSpaceMB'")) {
        // Every machine's C: is 127 GB (130,048 MB): its free megabytes follow its free-space % (see below) at the end of the range.
        const to = /TimeGenerated < datetime\(([^)]+)\)/.exec(query);
        const at = to ? new Date(Date.parse(to[1]) - 60_000).toISOString() : estate.now.toISOString();
        return table(
            [
                ['Computer', 'string'],
                ['Counter', 'string'],
                ['FreeMb', 'real'],
                ['At', 'datetime'],
            ],
            machines
                .filter((m) => m !== estate.machines[3])
                .map((m) => [
                    m.computer,
                    'C: % Free Space',
                    m === estate.machines[2] ? 0.065 * 130_048 : m === estate.machines[1] ? 0.2 * 130_048 : 0.5 * 130_048,
                    at,
                ]),
        );
    }
    if (query.startsWith('union isfuzzy')) {
        const tables =
            metricTable === 'none' ? [] : metricTable === 'both' || metricTable === 'split' ? ['Perf', 'InsightsMetrics'] : [metricTable];
        // As Kusto does: `withsource` names a leg that is a pipeline (not a bare table) `union_argN`, by its position.
        const legs = [...query.matchAll(/\((Perf|InsightsMetrics)\b[^\n]*/g)].map((m) => m[1]);
        const named = (leg: string, i: number) =>
            query.includes('withsource=') ? `union_arg${i}` : query.includes(`project SourceTable = '${leg}'`) ? leg : '';
        return table(
            [['SourceTable', 'string']],
            legs.flatMap((leg, i) => (tables.includes(leg) ? [[named(leg, i)]] : [])),
        );
    }
    if (query.includes('make-series')) {
        const grid = /from datetime\(([^)]+)\) to datetime\(([^)]+)\) step (\d+)(ms|d|h|m|s)/.exec(query);
        if (!grid) {
            return undefined;
        }
        const from = Date.parse(grid[1]);
        const to = Date.parse(grid[2]);
        const step = Number(grid[3]) * UNIT_MS[grid[4]];
        const bins = Math.ceil((to - from) / step);
        const axis = JSON.stringify(Array.from({ length: bins }, (_, i) => new Date(from + i * step).toISOString()));
        const rows: unknown[][] = [];
        machines.filter(inMetricTable).forEach((m, k) => {
            // The fourth machine's agent went quiet six hours before the end of the range: no data of any kind since.
            const quiet = (i: number) => m === estate.machines[3] && from + i * step >= to - 6 * 3_600_000;
            const cpu = Array.from({ length: bins }, (_, i) =>
                i % 7 === 3 || quiet(i) ? null : Math.round((30 + 10 * Math.sin(i / 4 + k)) * 100) / 100,
            );
            if (asks('cpu') && hasMetric('cpu')) {
                rows.push([m.computer, 'cpu', '% Processor Time', axis, JSON.stringify(cpu)]);
            }
            if (asks('diskFree') && hasMetric('diskFree')) {
                // Every disk drifts down slowly; the estate's second machine's fills steadily instead, 0.75 points a day from 20 % free at
                // the end of the range back, with a daily rhythm: never an anomaly, but full within weeks. The third machine's sits
                // nearly full (6.5 %, flat) and stopped reporting two days before the end of the range.
                const filling = (i: number) =>
                    20 + (0.75 * (bins - 1 - i) * step) / DAY + 0.3 * Math.sin((2 * Math.PI * (from + i * step)) / DAY);
                const nearlyFull = (i: number) =>
                    (bins - i) * step > 2 * DAY
                        ? Math.round((6.5 + 0.2 * Math.sin((2 * Math.PI * (from + i * step)) / DAY)) * 1000) / 1000
                        : null;
                const free = Array.from({ length: bins }, (_, i) =>
                    m === estate.machines[1]
                        ? Math.round(filling(i) * 1000) / 1000
                        : m === estate.machines[2]
                          ? nearlyFull(i)
                          : quiet(i)
                            ? null
                            : 60 - i * 0.01,
                );
                // With `diskTotals`, every machine also reports the all-volumes `_Total`, and the fifth only that (a basic rule).
                if (!estate.diskTotals || m !== estate.machines[4]) {
                    rows.push([m.computer, 'diskFree', 'C: % Free Space', axis, JSON.stringify(free)]);
                }
                if (estate.diskTotals) {
                    rows.push([
                        m.computer,
                        'diskFree',
                        '_Total % Free Space',
                        axis,
                        JSON.stringify(free.map((v) => (v === null ? v : v + 5))),
                    ]);
                }
                if (estate.fullByDesignVolumes) {
                    const [volume, free] = m.osType === 'linux' ? ['/snap/core22/1380', 0] : ['HarddiskVolume1', 8.4];
                    // Silent whenever the machine's C: is (the third machine's disks stop two days early).
                    const stopped = (i: number) => quiet(i) || (m === estate.machines[2] && nearlyFull(i) === null);
                    const values = Array.from({ length: bins }, (_, i) => (stopped(i) ? null : free));
                    rows.push([m.computer, 'diskFree', `${volume} % Free Space`, axis, JSON.stringify(values)]);
                }
            }
        });
        // The time axis only when the query projects it (the source relies on every series starting at `from`).
        const withAxis = /\| project Computer, Metric, Counter, TimeGenerated, Value/.test(query);
        return table(
            [
                ['Computer', 'string'],
                ['Metric', 'string'],
                ['Counter', 'string'],
                ...(withAxis ? [['TimeGenerated', 'dynamic'] as [string, string]] : []),
                ['Value', 'dynamic'],
            ],
            withAxis ? rows : rows.map((r) => [...r.slice(0, 3), ...r.slice(4)]),
        );
    }
    if (query.includes('summarize by Computer, Metric')) {
        const listed = metricTable === 'none' ? [] : machines.filter(inMetricTable);
        return table(
            [
                ['Computer', 'string'],
                ['Metric', 'string'],
            ],
            listed.flatMap((m) => (['cpu', 'diskFree'] as const).filter((k) => asks(k) && hasMetric(k)).map((k) => [m.computer, k])),
        );
    }
    if (query.includes('summarize by Computer')) {
        return table([['Computer', 'string']], metricTable === 'none' ? [] : machines.filter(inMetricTable).map((m) => [m.computer]));
    }
    if (query.startsWith('SqlAssessment_CL') || query.includes('SqlAssessment_CL\n')) {
        const latestOnly = query.includes('arg_max(TimeGenerated, AssessmentId)');
        const rows: unknown[][] = [];
        for (const m of machines.filter((x) => x.hasSql)) {
            for (const [run, age] of latestOnly
                ? ([['b', 1]] as const)
                : ([
                      ['a', 3],
                      ['b', 1],
                  ] as const)) {
                const at = new Date(now - age * DAY).toISOString();
                rows.push([
                    at,
                    `run-${run}-${m.computer}`,
                    m.computer,
                    'MSSQLSERVER',
                    'AutoShrink',
                    'Auto-shrink is on',
                    'Turn it off',
                    'https://aka.ms/sql-autoshrink',
                    '2',
                    'sales',
                    '30',
                    'Database sales has auto-shrink on',
                    'DefaultRuleset,Storage,Performance',
                ]);
                rows.push([
                    at,
                    `run-${run}-${m.computer}`,
                    m.computer,
                    'MSSQLSERVER',
                    'MaxDOP',
                    'MAXDOP is 0',
                    'Set MAXDOP',
                    'https://aka.ms/sql-maxdop',
                    '1',
                    m.computer,
                    '20',
                    'MAXDOP is 0',
                    'DefaultRuleset,MaxDOP',
                ]);
            }
        }
        return table(
            [
                ['TimeGenerated', 'datetime'],
                ['AssessmentId', 'string'],
                ['Computer', 'string'],
                ['InstanceName', 'string'],
                ['CheckId', 'string'],
                ['Title', 'string'],
                ['Description', 'string'],
                ['HelpLink', 'string'],
                ['TargetType', 'string'],
                ['TargetName', 'string'],
                ['SeverityCode', 'string'],
                ['Message', 'string'],
                ['Tags', 'string'],
            ],
            rows,
        );
    }
    if (query.includes('WindowsServerAssessmentRecommendation\n')) {
        // Two weekly runs: SMBv1 failed in both, TLS 1.0 only in the older one (fixed since).
        const latestOnly = query.includes('arg_max(TimeGenerated, AssessmentId) by Computer');
        const runs = latestOnly
            ? ([['win-run-2', 2]] as const)
            : ([
                  ['win-run-1', 9],
                  ['win-run-2', 2],
              ] as const);
        const rows: unknown[][] = [];
        for (const m of machines.filter((x) => x.osType === 'windows')) {
            for (const [run, age] of runs) {
                const at = new Date(now - age * DAY).toISOString();
                rows.push([
                    at,
                    run,
                    m.computer,
                    'rec-smb1',
                    'Disable SMBv1',
                    'SMBv1 is enabled',
                    'Security and Compliance',
                    'Network',
                    'Server',
                    m.computer,
                    42.5,
                ]);
                if (run === 'win-run-1') {
                    rows.push([
                        at,
                        run,
                        m.computer,
                        'rec-tls10',
                        'Disable TLS 1.0',
                        'TLS 1.0 is enabled',
                        'Security and Compliance',
                        'Network',
                        'Server',
                        m.computer,
                        30.1,
                    ]);
                }
            }
        }
        return table(
            [
                ['TimeGenerated', 'datetime'],
                ['AssessmentId', 'string'],
                ['Computer', 'string'],
                ['RecommendationId', 'string'],
                ['Recommendation', 'string'],
                ['Description', 'string'],
                ['FocusArea', 'string'],
                ['ActionArea', 'string'],
                ['AffectedObjectType', 'string'],
                ['AffectedObjectName', 'string'],
                ['RecommendationWeight', 'real'],
            ],
            rows,
        );
    }
    if (query.startsWith('let software = ConfigurationData')) {
        const at = new Date(now - DAY).toISOString();
        const rows: unknown[][] = [];
        for (const m of machines) {
            rows.push([m.computer, 'Microsoft Edge', 'Application', 'Microsoft Corporation', '131.0.2903.51', at]);
            rows.push([m.computer, '7-Zip 23.01', 'Application', 'Igor Pavlov', '23.01', at]);
            if (query.includes("'Update')")) {
                rows.push([m.computer, 'KB5040000', 'Update', 'Microsoft Corporation', '', at]);
            }
        }
        return table(
            [
                ['Computer', 'string'],
                ['SoftwareName', 'string'],
                ['SoftwareType', 'string'],
                ['Publisher', 'string'],
                ['CurrentVersion', 'string'],
                ['LastSeen', 'datetime'],
            ],
            rows,
        );
    }
    if (query.startsWith('ConfigurationChange')) {
        const at = new Date(now - 3 * DAY).toISOString();
        return table(
            [
                ['TimeGenerated', 'datetime'],
                ['Computer', 'string'],
                ['SoftwareName', 'string'],
                ['SoftwareType', 'string'],
                ['Publisher', 'string'],
                ['ChangeCategory', 'string'],
                ['Previous', 'string'],
                ['Current', 'string'],
            ],
            machines.map((m) => [
                at,
                m.computer,
                'Microsoft Edge',
                'Application',
                'Microsoft Corporation',
                'Modified',
                '130.0.2849.80',
                '131.0.2903.51',
            ]),
        );
    }
    return undefined;
}
