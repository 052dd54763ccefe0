import { arcAgentVersionAt } from '../../core/lifecycle';
import type { Machine, MachineStatus, MonitoringAgent, OsType, Subscription, Workspace } from '../../core/model';
import { TIME } from '../../core/timespan';
import { HOSTILE_STRINGS } from './hostile';
import { flat, hashKey, isoTime, Random } from './random';

/** Messages an Arc-enabled server in the Error state carries in the sample (Azure's `errorDetails`). */
const ARC_ERRORS = [
    "The Hybrid Instance Metadata Service could not renew the machine's managed identity certificate.",
    'The agent could not reach the guest notification service: the connection timed out.',
];

/** A place machines live: an on-premises data centre registered to an Azure region, or Azure itself. */
export interface Site {
    code: string;
    location: string;
    /** Offset of local time from UTC, so business hours and patch nights fall where people would expect. */
    utcOffsetHours: number;
    subnet: string;
}

/** Sites by the code that appears in host names; `weu` hosts the Azure VMs. */
export const SITES = {
    ams: { code: 'ams', location: 'westeurope', utcOffsetHours: 1, subnet: '10.10' },
    fra: { code: 'fra', location: 'germanywestcentral', utcOffsetHours: 1, subnet: '10.20' },
    dub: { code: 'dub', location: 'northeurope', utcOffsetHours: 0, subnet: '10.30' },
    chi: { code: 'chi', location: 'centralus', utcOffsetHours: -6, subnet: '10.40' },
    weu: { code: 'weu', location: 'westeurope', utcOffsetHours: 1, subnet: '10.100' },
} as const satisfies Record<string, Site>;

const ON_PREMISES: readonly (readonly [Site, number])[] = [
    [SITES.ams, 4],
    [SITES.fra, 3],
    [SITES.dub, 2],
    [SITES.chi, 2],
];

/** What a machine is for; it decides its name, software, load shape and whether SQL Server runs on it. */
export type Role = 'sql' | 'app' | 'web' | 'dc' | 'fs' | 'rds' | 'build' | 'k8s' | 'pg' | 'mon' | 'proxy';

interface RoleSpec {
    role: Role;
    os: OsType;
    weight: number;
    /** Load follows office hours (as opposed to round-the-clock services). */
    business: boolean;
    /** Shared infrastructure lives in its own subscription. */
    shared: boolean;
}

const ROLES: readonly RoleSpec[] = [
    { role: 'sql', os: 'windows', weight: 15, business: true, shared: false },
    { role: 'app', os: 'windows', weight: 10, business: true, shared: false },
    { role: 'web', os: 'windows', weight: 7, business: true, shared: false },
    { role: 'dc', os: 'windows', weight: 4, business: true, shared: true },
    { role: 'fs', os: 'windows', weight: 4, business: true, shared: true },
    { role: 'rds', os: 'windows', weight: 3, business: true, shared: false },
    { role: 'build', os: 'windows', weight: 2, business: true, shared: false },
    { role: 'web', os: 'linux', weight: 9, business: false, shared: false },
    { role: 'app', os: 'linux', weight: 6, business: true, shared: false },
    { role: 'k8s', os: 'linux', weight: 5, business: false, shared: false },
    { role: 'pg', os: 'linux', weight: 4, business: true, shared: false },
    { role: 'mon', os: 'linux', weight: 2, business: false, shared: true },
    { role: 'proxy', os: 'linux', weight: 2, business: false, shared: true },
];

const WEIGHTED_ROLES = ROLES.map((r) => [r, r.weight] as const);

/** An operating system image: what Arc reports as `osSku` / `osVersion`, and what the patch catalogue keys on. */
export interface OsImage {
    family: 'windows' | 'ubuntu' | 'rhel' | 'sles';
    /** Short product name used in update titles, e.g. `Windows Server 2022`, `Ubuntu 22.04`. */
    product: string;
    osName: string;
    osVersion: string;
    /** Oldest images get patched least; 2012 R2 is on Extended Security Updates. */
    age: number;
}

const WINDOWS_IMAGES: readonly (readonly [OsImage, number])[] = [
    [
        {
            family: 'windows',
            product: 'Windows Server 2012 R2',
            osName: 'Windows Server 2012 R2 Standard',
            osVersion: '6.3.9600.22074',
            age: 4,
        },
        7,
    ],
    [
        {
            family: 'windows',
            product: 'Windows Server 2016',
            osName: 'Windows Server 2016 Datacenter',
            osVersion: '10.0.14393.7428',
            age: 3,
        },
        18,
    ],
    [
        { family: 'windows', product: 'Windows Server 2019', osName: 'Windows Server 2019 Standard', osVersion: '10.0.17763.6414', age: 2 },
        28,
    ],
    [
        {
            family: 'windows',
            product: 'Windows Server 2022',
            osName: 'Windows Server 2022 Datacenter',
            osVersion: '10.0.20348.2762',
            age: 1,
        },
        32,
    ],
    [
        {
            family: 'windows',
            product: 'Windows Server 2025',
            osName: 'Windows Server 2025 Datacenter',
            osVersion: '10.0.26100.2161',
            age: 0,
        },
        12,
    ],
];

const LINUX_IMAGES: readonly (readonly [OsImage, number])[] = [
    [{ family: 'ubuntu', product: 'Ubuntu 20.04', osName: 'Ubuntu 20.04.6 LTS', osVersion: '5.4.0-200-generic', age: 3 }, 8],
    [{ family: 'ubuntu', product: 'Ubuntu 22.04', osName: 'Ubuntu 22.04.5 LTS', osVersion: '5.15.0-125-generic', age: 1 }, 26],
    [{ family: 'ubuntu', product: 'Ubuntu 24.04', osName: 'Ubuntu 24.04.1 LTS', osVersion: '6.8.0-49-generic', age: 0 }, 16],
    [
        {
            family: 'rhel',
            product: 'RHEL 8',
            osName: 'Red Hat Enterprise Linux 8.10 (Ootpa)',
            osVersion: '4.18.0-553.27.1.el8_10.x86_64',
            age: 2,
        },
        12,
    ],
    [
        {
            family: 'rhel',
            product: 'RHEL 9',
            osName: 'Red Hat Enterprise Linux 9.4 (Plow)',
            osVersion: '5.14.0-427.42.1.el9_4.x86_64',
            age: 0,
        },
        16,
    ],
    [
        {
            family: 'sles',
            product: 'SLES 15 SP5',
            osName: 'SUSE Linux Enterprise Server 15 SP5',
            osVersion: '5.14.21-150500.55.83-default',
            age: 1,
        },
        8,
    ],
    [
        {
            family: 'sles',
            product: 'SLES 15 SP6',
            osName: 'SUSE Linux Enterprise Server 15 SP6',
            osVersion: '6.4.0-150600.23.25-default',
            age: 0,
        },
        5,
    ],
];

/**
 * The Arc agent version a machine last upgraded to `monthsAgo` months before the estate's clock, so that the estate keeps
 * the same mix of current and year-old agents whenever it is built (the build and revision numbers are made up).
 */
function agentVersion(anchor: number, monthsAgo: number): string {
    const minor = arcAgentVersionAt(new Date(anchor), monthsAgo);
    const build = String(2880 + Math.round((minor - 46) * 29.5)).padStart(5, '0');
    return `1.${minor}.${build}.${500 + ((minor * 379) % 2500)}`;
}

const TEAMS: Record<Role, string> = {
    sql: 'data-platform',
    app: 'line-of-business',
    web: 'digital-channels',
    dc: 'identity',
    fs: 'workplace',
    rds: 'workplace',
    build: 'engineering-productivity',
    k8s: 'platform',
    pg: 'data-platform',
    mon: 'observability',
    proxy: 'network',
};

/** How well a machine is kept up to date; decides how many patches it misses. */
export type PatchProfile = 'fully-patched' | 'current' | 'lagging' | 'neglected';
/** Whether Update Manager has a fresh assessment, an old one, or none (periodic assessment off, machine gone). */
export type AssessmentState = 'recent' | 'stale' | 'missing';
/** Decides subscription, resource group, workspace and SQL edition. */
export type Environment = 'Production' | 'Development' | 'Test';

/** A machine plus the hidden facts the generators need to stay consistent with each other. */
export interface FleetMachine {
    index: number;
    machine: Machine;
    role: Role;
    site: Site;
    os: OsImage;
    environment: Environment;
    /** Office-hours load shape (true) or round the clock (false). */
    business: boolean;
    /** Stream key for everything generated lazily about this machine. */
    key: number;
    /** Epoch ms after which the machine sends nothing to Log Analytics (disconnected, expired, stopped). */
    reportingUntil: number;
    patchProfile: PatchProfile;
    assessmentState: AssessmentState;
    rebootPending: boolean;
    /** SQL Server named instances beside the default one ([] for a default instance only); undefined when none. */
    sqlInstances?: string[];
    /**
     * The agent extensions that send its data to Log Analytics: the Azure Monitor Agent, the retired Log Analytics agent
     * (MMA/OMS), both (half-way through a migration) or none — then the machine reports to no workspace at all.
     */
    monitoring: MonitoringAgent;
}

/** A resource group and where it lives; listed so scope counts can be checked. */
export interface ResourceGroupInfo {
    name: string;
    subscriptionId: string;
    location: string;
}

/** Everything the sample estate is built on. `anchor` is "now" truncated to the hour; all history is relative to it. */
export interface Fleet {
    seed: number;
    anchor: number;
    hostile: boolean;
    tenantId: string;
    subscriptions: Subscription[];
    resourceGroups: ResourceGroupInfo[];
    workspaces: Workspace[];
    machines: FleetMachine[];
    /** Indexes of the machines with a planted metric anomaly (see {@link pickAnomalous}). */
    anomalous: ReadonlySet<number>;
}

interface SubscriptionPlan {
    production: Subscription;
    nonProduction: Subscription;
    shared: Subscription;
}

/**
 * Builds the fleet eagerly: a few plain objects per machine, so 10,000 machines take a few tens of milliseconds.
 * Everything expensive (software, findings, metrics) is derived later from `FleetMachine.key`.
 */
export function buildFleet(seed: number, count: number, anchor: number, hostile: boolean): Fleet {
    const random = new Random(hashKey(seed, 'fleet'));
    const tenantId = random.guid();
    const subs: SubscriptionPlan = {
        production: { subscriptionId: random.guid(), displayName: 'Contoso Production', tenantId, state: 'Enabled' },
        nonProduction: { subscriptionId: random.guid(), displayName: 'Contoso Non-Production', tenantId, state: 'Enabled' },
        shared: { subscriptionId: random.guid(), displayName: 'Contoso Shared Services', tenantId, state: 'Enabled' },
    };
    if (hostile) {
        subs.shared.displayName = HOSTILE_STRINGS[1];
    }
    const rg = (name: string, sub: Subscription, location: string): ResourceGroupInfo => ({
        name,
        subscriptionId: sub.subscriptionId,
        location,
    });
    const groups = {
        emea: rg('rg-arc-servers-emea', subs.production, 'westeurope'),
        us: rg('rg-arc-servers-us', subs.production, 'centralus'),
        sql: rg('rg-sql-prod', subs.production, 'westeurope'),
        vms: rg('rg-azure-vms-prod', subs.production, 'westeurope'),
        dev: rg('rg-arc-dev', subs.nonProduction, 'northeurope'),
        test: rg('rg-arc-test', subs.nonProduction, 'northeurope'),
        shared: rg('rg-shared-infra', subs.shared, 'westeurope'),
        monitoring: rg('rg-monitoring', subs.shared, 'westeurope'),
    };
    const workspace = (name: string, location: string): Workspace => ({
        customerId: random.guid(),
        name,
        resourceId: `/subscriptions/${subs.shared.subscriptionId}/resourceGroups/${groups.monitoring.name}/providers/Microsoft.OperationalInsights/workspaces/${name}`,
        subscriptionId: subs.shared.subscriptionId,
        resourceGroup: groups.monitoring.name,
        location,
    });
    const production = workspace('law-ctso-prod-weu', 'westeurope');
    const nonProduction = workspace('law-ctso-nonprod-neu', 'northeurope');

    const counters = new Map<string, number>();
    const machines: FleetMachine[] = [];
    for (let index = 0; index < count; index++) {
        // The first machine is fixed so documentation and tests can name it: ctso-sql-ams-01, an Arc SQL server in production.
        const first = index === 0;
        const spec = first ? ROLES[0] : random.weighted(WEIGHTED_ROLES);
        const azureVm = !first && !spec.shared && spec.role !== 'sql' && random.chance(0.12);
        const site: Site = first ? SITES.ams : azureVm ? SITES.weu : random.weighted(ON_PREMISES);
        const environment: Environment =
            spec.shared || first
                ? 'Production'
                : random.weighted<Environment>([
                      ['Production', 70],
                      ['Development', 15],
                      ['Test', 15],
                  ]);
        const os = first ? WINDOWS_IMAGES[2][0] : pickImage(random, spec);
        const prefix = spec.os === 'windows' ? `ctso-${spec.role}-${site.code}` : `${spec.role}-lnx-${site.code}`;
        const number = (counters.get(prefix) ?? 0) + 1;
        counters.set(prefix, number);
        const name = flat(`${prefix}-${String(number).padStart(2, '0')}`);

        const group = spec.shared
            ? groups.shared
            : environment === 'Development'
              ? groups.dev
              : environment === 'Test'
                ? groups.test
                : azureVm
                  ? groups.vms
                  : spec.role === 'sql'
                    ? groups.sql
                    : site === SITES.chi
                      ? groups.us
                      : groups.emea;
        const subscriptionId = group.subscriptionId;
        const hardware = pickHardware(random, spec.role, azureVm);
        const memoryGb = pickMemory(random, spec.role, hardware.logicalCores);
        const domain = spec.os === 'windows' ? 'corp.contoso.com' : 'lnx.contoso.com';
        const kind = azureVm ? 'azure-vm' : 'arc';
        const provider = azureVm ? 'Microsoft.Compute/virtualMachines' : 'Microsoft.HybridCompute/machines';
        const sqlInstances =
            spec.role === 'sql' && !azureVm
                ? first
                    ? ['REPORTING']
                    : random.chance(0.3)
                      ? [random.pick(['REPORTING', 'ETL', 'SHAREPOINT', 'APP2'])]
                      : []
                : undefined;
        const tags: Record<string, string> = {
            environment,
            owner: TEAMS[spec.role],
            costCenter: `CC-${1000 + (hashKey(seed, TEAMS[spec.role]) % 900)}`,
            site: site.code,
        };
        if (spec.os === 'windows' || random.chance(0.5)) {
            tags.patchWindow = environment === 'Production' ? 'Sat 01:00-05:00' : 'Wed 22:00-02:00';
        }
        if (spec.role === 'sql') {
            tags.ArcSQLServerExtensionDeployment = random.chance(0.8) ? 'Enabled' : 'Disabled';
        }
        const machine: Machine = {
            id: flat(`/subscriptions/${subscriptionId}/resourceGroups/${group.name}/providers/${provider}/${name}`),
            name,
            kind,
            subscriptionId,
            resourceGroup: group.name,
            location: site.location,
            osType: spec.os,
            osName: os.osName,
            osVersion: os.osVersion,
            status: azureVm ? 'Running' : 'Connected',
            lastStatusChange: isoTime(anchor - random.int(2, 120) * TIME.DAY - random.int(0, 86_399) * 1000),
            // Most agents are within a year of the newest; some have not been upgraded for longer.
            agentVersion: azureVm ? undefined : agentVersion(anchor, random.int(0, 14)),
            fqdn: `${name}.${domain}`,
            domain,
            manufacturer: hardware.manufacturer,
            model: hardware.model,
            processorNames: hardware.processor,
            coreCount: hardware.cores,
            logicalCoreCount: hardware.logicalCores,
            memoryGb,
            ipAddresses: [`${site.subnet}.${Math.floor(index / 250) + 1}.${(index % 250) + 4}`],
            sqlDiscovered: sqlInstances !== undefined,
            tags,
            workspaceId: group.subscriptionId === subs.nonProduction.subscriptionId ? nonProduction.customerId : production.customerId,
        };
        machines.push({
            index,
            machine,
            role: spec.role,
            site,
            os,
            environment,
            business: spec.business,
            key: hashKey(seed, 'machine', index),
            reportingUntil: anchor,
            patchProfile: 'current',
            assessmentState: 'recent',
            rebootPending: false,
            sqlInstances,
            monitoring: 'ama',
        });
    }

    for (const m of machines) {
        if (m.machine.agentVersion === undefined) {
            // Azure VMs have no Arc agent; leave the key out rather than carry an undefined through JSON and CSV.
            delete m.machine.agentVersion;
        }
    }
    assignStatuses(random, machines, anchor);
    assignPatchState(random, machines);
    const anomalous = pickAnomalous(seed, machines, anchor);
    assignMonitoring(machines, anomalous);
    if (hostile) {
        plantHostileMachines(machines);
    }
    return {
        seed,
        anchor,
        hostile,
        tenantId,
        subscriptions: [subs.production, subs.nonProduction, subs.shared],
        resourceGroups: Object.values(groups),
        workspaces: [production, nonProduction],
        machines,
        anomalous,
    };
}

function pickImage(random: Random, spec: RoleSpec): OsImage {
    if (spec.os === 'windows') {
        return random.weighted(WINDOWS_IMAGES);
    }
    if (spec.role === 'k8s') {
        return random.pick([LINUX_IMAGES[1][0], LINUX_IMAGES[2][0]]);
    }
    return random.weighted(LINUX_IMAGES);
}

interface Hardware {
    manufacturer: string;
    model: string;
    processor: string;
    cores: number;
    logicalCores: number;
}

function pickHardware(random: Random, role: Role, azureVm: boolean): Hardware {
    if (azureVm) {
        const cores = random.pick([2, 4, 8, 16]);
        return {
            manufacturer: 'Microsoft Corporation',
            model: 'Virtual Machine',
            processor: 'Intel(R) Xeon(R) Platinum 8370C CPU @ 2.80GHz',
            cores,
            logicalCores: cores,
        };
    }
    const physical = role === 'sql' || role === 'k8s' || role === 'fs' ? random.chance(0.35) : random.chance(0.1);
    if (physical) {
        const [manufacturer, model, processor, cores] = random.pick([
            ['Dell Inc.', 'PowerEdge R750', 'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz', 32],
            ['Dell Inc.', 'PowerEdge R650', 'Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz', 16],
            ['HPE', 'ProLiant DL380 Gen10 Plus', 'Intel(R) Xeon(R) Gold 5318Y CPU @ 2.10GHz', 24],
            ['Lenovo', 'ThinkSystem SR665', 'AMD EPYC 7443 24-Core Processor', 48],
        ] as const);
        return { manufacturer, model, processor, cores, logicalCores: cores * 2 };
    }
    const cores = random.pick(role === 'sql' ? [4, 8, 8, 16] : [2, 2, 4, 4, 8]);
    const [manufacturer, model] = random.pick([
        ['VMware, Inc.', 'VMware20,1'],
        ['VMware, Inc.', 'VMware7,1'],
        ['VMware, Inc.', 'VMware20,1'],
        ['Microsoft Corporation', 'Virtual Machine'],
    ] as const);
    const processor = random.pick([
        'Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz',
        'Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz',
        'AMD EPYC 7543 32-Core Processor',
    ]);
    return { manufacturer, model, processor, cores, logicalCores: cores };
}

function pickMemory(random: Random, role: Role, logicalCores: number): number {
    const perCore = role === 'sql' || role === 'pg' ? random.pick([8, 8, 16]) : random.pick([2, 4, 4, 8]);
    return Math.min(1024, Math.max(4, logicalCores * perCore));
}

/** A deterministic random subset of `count` machines out of `candidates`. */
function choose(random: Random, candidates: FleetMachine[], count: number): FleetMachine[] {
    return random.sample(candidates, count);
}

function assignStatuses(random: Random, machines: FleetMachine[], anchor: number): void {
    const n = machines.length;
    const arc = machines.filter((m) => m.index !== 0 && m.machine.kind === 'arc');
    const picked = choose(
        random,
        arc,
        Math.max(2, Math.round(n * 0.05)) + Math.max(1, Math.round(n * 0.025)) + (n >= 40 ? Math.max(1, Math.round(n * 0.01)) : 0),
    );
    const disconnected = Math.max(2, Math.round(n * 0.05));
    const expired = Math.max(1, Math.round(n * 0.025));
    picked.forEach((m, i) => {
        const status: MachineStatus = i < disconnected ? 'Disconnected' : i < disconnected + expired ? 'Expired' : 'Error';
        const drawn = status === 'Disconnected' ? random.range(1, 25) : status === 'Expired' ? random.range(46, 150) : random.range(0.3, 3);
        // The first disconnected machine has been away five to six weeks: its managed identity expires soon.
        const daysAgo = i === 0 ? 35 + drawn / 3 : drawn;
        const changed = anchor - Math.round(daysAgo * TIME.DAY);
        m.machine.status = status;
        m.machine.lastStatusChange = isoTime(changed);
        // Older agents are the ones that fall off; an expired machine never got the recent versions.
        m.machine.agentVersion = agentVersion(anchor, random.int(12, 30));
        if (status !== 'Error') {
            m.reportingUntil = changed;
        } else {
            // What Azure keeps of the error (no draw from the stream: the rest of the estate stays as it was).
            m.machine.statusMessage = ARC_ERRORS[(i - disconnected - expired) % ARC_ERRORS.length];
        }
    });
    const vms = machines.filter((m) => m.machine.kind === 'azure-vm');
    choose(random, vms, vms.length ? Math.max(1, Math.round(vms.length * 0.12)) : 0).forEach((m, i) => {
        const changed = anchor - Math.round(random.range(1, 12) * TIME.DAY);
        m.machine.status = i % 2 === 0 ? 'Deallocated' : 'Stopped';
        m.machine.lastStatusChange = isoTime(changed);
        m.reportingUntil = changed;
    });
}

const isOnline = (m: FleetMachine) => m.machine.status === 'Connected' || m.machine.status === 'Running';

function assignPatchState(random: Random, machines: FleetMachine[]): void {
    const n = machines.length;
    for (const m of machines) {
        const age = m.os.age;
        m.patchProfile = random.weighted<PatchProfile>([
            ['current', 45 - age * 8],
            ['lagging', 35],
            ['neglected', 10 + age * 8],
        ]);
        if (!isOnline(m)) {
            // Offline machines keep the assessment they had when they dropped off; an expired one has none left.
            m.assessmentState = m.machine.status === 'Expired' ? 'missing' : m.machine.status === 'Error' ? 'recent' : 'stale';
        }
    }
    const online = machines.filter((m) => isOnline(m) && m.index !== 0);
    const [fully, stale, missing] = splitChoice(random, online, [
        Math.max(3, Math.round(n * 0.07)),
        Math.max(2, Math.round(n * 0.05)),
        Math.max(1, Math.round(n * 0.03)),
    ]);
    for (const m of fully) {
        m.patchProfile = 'fully-patched';
    }
    for (const m of stale) {
        m.assessmentState = 'stale';
    }
    for (const m of missing) {
        m.assessmentState = 'missing';
    }
    for (const m of machines) {
        if (m.assessmentState !== 'missing') {
            m.rebootPending = random.chance(m.patchProfile === 'fully-patched' ? 0.2 : m.os.family === 'windows' ? 0.2 : 0.1);
        }
    }
    machines[0].rebootPending = true;
}

/** Disjoint random groups of the given sizes (smaller when there are not enough candidates). */
function splitChoice(random: Random, candidates: FleetMachine[], sizes: number[]): FleetMachine[][] {
    const shuffled = random.sample(candidates, candidates.length);
    const groups: FleetMachine[][] = [];
    let offset = 0;
    for (const size of sizes) {
        groups.push(shuffled.slice(offset, offset + size));
        offset += size;
    }
    return groups;
}

/** Renames three machines and fills two machines' tags with attacker-controlled text. */
function plantHostileMachines(machines: FleetMachine[]): void {
    const names = [HOSTILE_STRINGS[0], HOSTILE_STRINGS[3], HOSTILE_STRINGS[4]];
    names.forEach((name, i) => {
        const m = machines[i + 1];
        if (!m) {
            return;
        }
        m.machine.id = m.machine.id.slice(0, m.machine.id.lastIndexOf('/') + 1) + name;
        m.machine.name = name;
        m.machine.fqdn = `${name}.${m.machine.domain ?? 'contoso.com'}`;
    });
    const tagged = machines[1] ?? machines[0];
    HOSTILE_STRINGS.forEach((value, i) => {
        tagged.machine.tags[`note${i}`] = value;
    });
    const other = machines[2] ?? machines[0];
    other.machine.tags[HOSTILE_STRINGS[0]] = HOSTILE_STRINGS[2];
    other.machine.osName = `${other.machine.osName} ${HOSTILE_STRINGS[6]}`;
    // What Azure says of a machine in the Error state is data too.
    for (const m of machines) {
        if (m.machine.status === 'Error') {
            m.machine.statusMessage = HOSTILE_STRINGS[6];
        }
    }
}

/**
 * About one machine in five gets one metric anomaly in 30 days; only machines that report until now, so it is visible.
 * Picked here, before the monitoring agents, so that no machine without an agent is picked.
 */
function pickAnomalous(seed: number, machines: readonly FleetMachine[], anchor: number): Set<number> {
    const candidates = machines.filter((m) => isReporting(m) && m.reportingUntil >= anchor);
    const random = new Random(hashKey(seed, 'anomalies'));
    return new Set(random.sample(candidates, Math.round(machines.length / 5)).map((m) => m.index));
}

/** A normal-but-notable metric behaviour planted on a machine without a planted anomaly (see {@link drawnBehaviour}). */
export type PlantedBehaviour = 'growing-disk' | 'low-disk' | 'silent';

/** About one machine in this many without a planted anomaly has a disk that fills steadily. */
const GROWING_DISK_ONE_IN = 25;
/** About one machine in this many without a planted anomaly or a filling disk has a disk that is nearly full. */
const LOW_DISK_ONE_IN = 20;
/** About one machine in this many with none of the above stopped sending metrics. */
const SILENT_ONE_IN = 40;

/**
 * The behaviour drawn for a machine, if any — a steadily filling disk, else a disk nearly full all month, else an agent
 * gone quiet — each from its own random stream, so adding one left every other machine's series as they were. The metric
 * model plants it only on a machine without a planted anomaly that reports until now. An agent goes quiet only on a
 * machine Azure still calls connected (an Error machine is news already).
 */
export function drawnBehaviour(fm: FleetMachine): PlantedBehaviour | undefined {
    const drawn = (stream: string, oneIn: number) => new Random(hashKey(fm.key, stream)).chance(1 / oneIn);
    return drawn('growing-disk?', GROWING_DISK_ONE_IN)
        ? 'growing-disk'
        : drawn('low-disk?', LOW_DISK_ONE_IN)
          ? 'low-disk'
          : drawn('silent?', SILENT_ONE_IN) && fm.machine.status !== 'Error'
            ? 'silent'
            : undefined;
}

/**
 * Which agent sends each machine's data to Log Analytics, drawn from the machine's own stream (so nothing else in the
 * estate moves): the retired Log Analytics agent lingers on the oldest releases (a third of Windows Server 2012 R2 and
 * 2016 and Ubuntu 20.04 machines) and on a few others, never on releases that came after it; some machines are half-way
 * through the migration (both agents); and about one in twenty-five never got an agent (at least one connected
 * Arc-enabled server in an estate of 20 machines or more) — it reports to no workspace, so no workspace data names it.
 * The first machine keeps the Azure Monitor Agent, so the examples that name it hold, and so does every machine with
 * something planted in its metrics.
 */
function assignMonitoring(machines: FleetMachine[], anomalous: ReadonlySet<number>): void {
    // The machine with nothing planted that drew the lowest, so even a small estate has one machine without an agent.
    let lowest: { m: FleetMachine; draw: number } | undefined;
    for (const m of machines) {
        if (m.index === 0) {
            continue;
        }
        const random = new Random(hashKey(m.key, 'monitoring'));
        // The Log Analytics agent was never released for the newest images (age 0), so they never had it.
        const legacyChance = m.os.age >= 3 ? 0.33 : m.os.age > 0 ? 0.03 : 0;
        const draw = random.next();
        // A machine with a planted anomaly or behaviour keeps an agent, so what was planted is there to be found.
        const plain = !anomalous.has(m.index) && drawnBehaviour(m) === undefined;
        m.monitoring =
            draw < 0.04 && plain ? 'none' : draw < 0.06 && legacyChance > 0 ? 'both' : random.chance(legacyChance) ? 'legacy' : 'ama';
        if (plain && m.machine.kind === 'arc' && isOnline(m) && (!lowest || draw < lowest.draw)) {
            lowest = { m, draw };
        }
    }
    if (machines.length >= 20 && lowest && !machines.some((m) => m.monitoring === 'none')) {
        lowest.m.monitoring = 'none';
    }
    for (const m of machines) {
        if (m.monitoring === 'none') {
            delete m.machine.workspaceId;
        }
        if (m.machine.kind === 'arc') {
            // Half the Arc-enabled servers without an agent could not get one: their extension service is stopped (as do
            // a few others'). Windows reports a service's state, systemd a unit's.
            const stopped = new Random(hashKey(m.key, 'extension service')).chance(m.monitoring === 'none' ? 0.5 : 0.01);
            m.machine.extensionService =
                m.machine.osType === 'windows' ? (stopped ? 'Stopped' : 'Running') : stopped ? 'inactive' : 'active';
            if (stopped && m.assessmentState === 'recent' && m.machine.status === 'Connected') {
                // Azure Update Manager assesses through an extension: the last assessment predates the service stopping.
                m.assessmentState = 'stale';
            }
        }
    }
}

/** Whether the machine is up and sending data now. */
export function isReporting(m: FleetMachine): boolean {
    return isOnline(m) || m.machine.status === 'Error';
}
