import type { SoftwareChange, SoftwareItem, SoftwareType } from '../../core/model';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine, Role } from './fleet';
import { HOSTILE_STRINGS } from './hostile';
import { linuxPackagesOf } from './linuxPackages';
import { patchRuns } from './patches';
import { hashKey, isoTime, Random } from './random';

interface CatalogEntry {
    name: string;
    publisher: string;
    /** Versions oldest first; machines run one of the last few, and updates move them along this list. */
    versions: readonly string[];
    /** Only on machines of these roles; everywhere when absent. */
    roles?: readonly Role[];
    /** Installed on every machine that matches (agents, runtimes). */
    always?: boolean;
}

const MS = 'Microsoft Corporation';

/** Windows applications: real products people recognise and fictional line-of-business ones. */
const WINDOWS_APPS: readonly CatalogEntry[] = [
    {
        name: 'Azure Connected Machine Agent',
        publisher: MS,
        versions: ['1.56.03167.687', '1.58.03228.700', '1.60.03293.1016'],
        always: true,
    },
    { name: 'Azure Monitor Agent', publisher: MS, versions: ['1.29.0.0', '1.30.0.0', '1.31.0.0'], always: true },
    { name: 'Microsoft Edge', publisher: MS, versions: ['129.0.2792.89', '130.0.2849.80', '131.0.2903.51'], always: true },
    { name: 'Microsoft Edge Update', publisher: MS, versions: ['1.3.195.31', '1.3.195.35'], always: true },
    {
        name: 'Microsoft Visual C++ 2015-2022 Redistributable (x64)',
        publisher: MS,
        versions: ['14.38.33135.0', '14.40.33810.0', '14.42.34433.0'],
        always: true,
    },
    {
        name: 'Microsoft Visual C++ 2015-2022 Redistributable (x86)',
        publisher: MS,
        versions: ['14.38.33135.0', '14.40.33810.0', '14.42.34433.0'],
        always: true,
    },
    { name: 'PowerShell 7-x64', publisher: MS, versions: ['7.4.4.0', '7.4.5.0', '7.4.6.0'] },
    { name: 'Microsoft .NET Runtime - 8.0 (x64)', publisher: MS, versions: ['8.0.8', '8.0.10', '8.0.11'] },
    {
        name: 'Microsoft ASP.NET Core 8.0 - Shared Framework (x64)',
        publisher: MS,
        versions: ['8.0.8', '8.0.10', '8.0.11'],
        roles: ['web', 'app'],
    },
    { name: 'Microsoft Windows Desktop Runtime - 6.0 (x64)', publisher: MS, versions: ['6.0.33', '6.0.35', '6.0.36'] },
    { name: 'Microsoft Update Health Tools', publisher: MS, versions: ['3.74.0.0', '5.72.0.0'] },
    { name: 'Microsoft Policy Platform', publisher: MS, versions: ['68.1.1010.0'] },
    { name: '7-Zip 23.01 (x64)', publisher: 'Igor Pavlov', versions: ['23.01'] },
    { name: 'Notepad++ (64-bit x64)', publisher: 'Notepad++ Team', versions: ['8.6.9', '8.7', '8.7.1'] },
    { name: 'Git', publisher: 'The Git Development Community', versions: ['2.46.0', '2.46.2', '2.47.0'], roles: ['build', 'app'] },
    { name: 'Python 3.12.7 (64-bit)', publisher: 'Python Software Foundation', versions: ['3.12.7150.0'], roles: ['build', 'app'] },
    {
        name: 'Eclipse Temurin JRE with Hotspot 17.0.13+11 (x64)',
        publisher: 'Eclipse Adoptium',
        versions: ['17.0.12.7', '17.0.13.11'],
        roles: ['app', 'build'],
    },
    { name: 'Google Chrome', publisher: 'Google LLC', versions: ['129.0.6668.101', '130.0.6723.117', '131.0.6778.86'] },
    { name: 'Mozilla Firefox (x64 en-US)', publisher: 'Mozilla', versions: ['131.0.3', '132.0.2'] },
    { name: 'Adobe Acrobat Reader (64-bit)', publisher: 'Adobe', versions: ['24.003.20112', '24.004.20220'], roles: ['rds', 'fs'] },
    {
        name: 'Microsoft 365 Apps for enterprise - en-us',
        publisher: MS,
        versions: ['16.0.17928.20216', '16.0.18025.20140'],
        roles: ['rds'],
    },
    { name: 'FSLogix Apps', publisher: MS, versions: ['2.9.8884.27471', '2.9.8979.62170'], roles: ['rds'] },
    { name: 'Remote Desktop Services Client Access Licensing', publisher: MS, versions: ['10.0.0.1'], roles: ['rds'] },
    { name: 'Microsoft SQL Server 2019 (64-bit)', publisher: MS, versions: ['15.0.4385.2', '15.0.4405.4'], roles: ['sql'], always: true },
    { name: 'Microsoft SQL Server Management Studio - 20.2', publisher: MS, versions: ['20.2.30.0', '20.2.37.0'], roles: ['sql'] },
    { name: 'Microsoft ODBC Driver 18 for SQL Server', publisher: MS, versions: ['18.3.3.1', '18.4.1.1'], roles: ['sql', 'app', 'web'] },
    { name: 'Microsoft OLE DB Driver for SQL Server', publisher: MS, versions: ['18.7.2.0', '18.7.4.0'], roles: ['sql', 'app'] },
    {
        name: 'SQL Server 2019 Database Engine Services',
        publisher: MS,
        versions: ['15.0.4385.2', '15.0.4405.4'],
        roles: ['sql'],
        always: true,
    },
    { name: 'SQL Server 2019 Common Files', publisher: MS, versions: ['15.0.4385.2', '15.0.4405.4'], roles: ['sql'] },
    { name: 'Microsoft SQL Server 2012 Native Client', publisher: MS, versions: ['11.4.7462.6'], roles: ['sql', 'app'] },
    {
        name: 'Microsoft Azure SQL Server Extension',
        publisher: MS,
        versions: ['1.1.2751.161', '1.1.2798.167'],
        roles: ['sql'],
        always: true,
    },
    { name: 'IIS URL Rewrite Module 2', publisher: MS, versions: ['7.2.1993'], roles: ['web'], always: true },
    { name: 'Microsoft Web Deploy 4.0', publisher: MS, versions: ['10.0.8201'], roles: ['web'] },
    { name: 'IIS Application Request Routing 3.0', publisher: MS, versions: ['3.0.5080'], roles: ['web'] },
    { name: 'Microsoft .NET Hosting Bundle 8.0', publisher: MS, versions: ['8.0.10.24467', '8.0.11.24521'], roles: ['web'] },
    { name: 'DFS Replication Diagnostics', publisher: MS, versions: ['10.0.1'], roles: ['fs', 'dc'] },
    { name: 'Active Directory Health Checker', publisher: 'Contoso IT', versions: ['2.3.0', '2.4.1'], roles: ['dc'] },
    { name: 'Visual Studio Build Tools 2022', publisher: MS, versions: ['17.10.5', '17.11.5', '17.12.0'], roles: ['build'] },
    { name: 'Azure Pipelines Agent', publisher: MS, versions: ['3.243.1', '3.246.0', '3.248.0'], roles: ['build'] },
    { name: 'Node.js', publisher: 'Node.js Foundation', versions: ['20.17.0', '20.18.0', '22.11.0'], roles: ['build', 'web'] },
    { name: 'Fabrikam Backup Agent', publisher: 'Fabrikam, Inc.', versions: ['12.4.1102', '12.5.1140', '12.5.1188'] },
    { name: 'Tailspin Endpoint Protection', publisher: 'Tailspin Toys Security', versions: ['5.8.210', '5.9.104'] },
    { name: 'Northwind Inventory Client', publisher: 'Northwind Traders', versions: ['4.2.0', '4.3.2'], roles: ['app', 'rds'] },
    { name: 'Contoso Payroll Service', publisher: 'Contoso Ltd.', versions: ['2024.3.1', '2024.4.0'], roles: ['app'] },
    { name: 'Woodgrove Payments Gateway', publisher: 'Woodgrove Bank', versions: ['7.1.4', '7.2.0'], roles: ['app', 'web'] },
    { name: 'Litware Document Imaging', publisher: 'Litware, Inc.', versions: ['9.0.3', '9.1.0'], roles: ['fs', 'rds', 'app'] },
    { name: 'Adventure Works Reporting Viewer', publisher: 'Adventure Works Cycles', versions: ['3.3.7', '3.4.0'], roles: ['app', 'rds'] },
    { name: 'Proseware Log Shipper', publisher: 'Proseware, Inc.', versions: ['1.14.2', '1.15.0'] },
    { name: 'Wide World Importers Label Printing', publisher: 'Wide World Importers', versions: ['2.0.8'], roles: ['app', 'fs'] },
    { name: 'VMware Tools', publisher: 'VMware, Inc.', versions: ['12.3.5.22544099', '12.4.5.23787635'] },
    { name: 'Dell OpenManage Server Administrator', publisher: 'Dell Inc.', versions: ['11.0.1.0'] },
    { name: 'Sysinternals Suite', publisher: MS, versions: ['2024.10.17'] },
    { name: 'WinSCP 6.3.5', publisher: 'Martin Prikryl', versions: ['6.3.5'] },
    { name: 'PuTTY release 0.81 (64-bit)', publisher: 'Simon Tatham', versions: ['0.81.0.0'] },
    { name: 'Wireshark 4.4.1 x64', publisher: 'The Wireshark developer community', versions: ['4.4.1'] },
    { name: 'Npcap', publisher: 'Nmap Project', versions: ['1.79'] },
    { name: 'Microsoft Azure CLI (64-bit)', publisher: MS, versions: ['2.64.0', '2.65.0', '2.66.0'] },
    { name: 'Windows Admin Center', publisher: MS, versions: ['2.2410.1'] },
    { name: 'Microsoft System CLR Types for SQL Server 2019', publisher: MS, versions: ['15.0.2000.5'] },
    { name: 'Microsoft Report Viewer 2015 Runtime', publisher: MS, versions: ['12.0.2402.15'] },
    { name: 'KeePass Password Safe 2.57', publisher: 'Dominik Reichl', versions: ['2.57'] },
    { name: 'TreeSize Free V4.7.3', publisher: 'JAM Software', versions: ['4.7.3'] },
    { name: 'Microsoft Access database engine 2016 (English)', publisher: MS, versions: ['16.0.5044.1000'] },
];

/** Applications that machines used to have, or still have past their end of support: the "Removed" side of software changes. */
type RetiredApp = CatalogEntry & { unsupported?: boolean };

const RETIRED_APPS: readonly RetiredApp[] = [
    { name: 'Java 8 Update 202', publisher: 'Oracle Corporation', versions: ['8.0.2020.8'], unsupported: true },
    { name: 'Fabrikam Legacy Agent 2.1', publisher: 'Fabrikam, Inc.', versions: ['2.1.0.77'], unsupported: true },
    { name: 'Microsoft Silverlight', publisher: MS, versions: ['5.1.50918.0'], unsupported: true },
    { name: 'Adobe Flash Player 32 NPAPI', publisher: 'Adobe', versions: ['32.0.0.465'], unsupported: true },
    { name: 'Tailspin Remote Support 3', publisher: 'Tailspin Toys Security', versions: ['3.9.2'] },
    { name: 'Notepad2', publisher: 'Florian Balmer', versions: ['4.2.25'] },
];

/** Applications past their publisher's support that a Windows machine may still run: what the Windows assessment tells to remove. */
const UNSUPPORTED_APPS = RETIRED_APPS.filter((app) => app.unsupported);

/** About one Windows machine in this many still runs an application past its publisher's support. */
const UNSUPPORTED_ONE_IN = 4;

const windowsAppsByRole = new Map<Role, { always: CatalogEntry[]; optional: CatalogEntry[] }>();

/** The Windows catalogue a role draws from, worked out once per role. */
function windowsAppsFor(role: Role): { always: CatalogEntry[]; optional: CatalogEntry[] } {
    let apps = windowsAppsByRole.get(role);
    if (!apps) {
        const eligible = WINDOWS_APPS.filter((a) => !a.roles || a.roles.includes(role));
        apps = { always: eligible.filter((a) => a.always), optional: eligible.filter((a) => !a.always) };
        windowsAppsByRole.set(role, apps);
    }
    return apps;
}

/** A SQL Server release on the machine, as GetSqlMetadata lists its instance: `SQL Server 2019`, `15.0.4405.4`. */
export interface SqlBuild {
    version: string;
    build: string;
}

interface Installed {
    name: string;
    publisher: string;
    type: SoftwareType;
    /** Oldest first, rising. */
    versions: readonly string[];
    /** Index of the installed version. */
    at: number;
    /** Set by what another tool says of the machine (its agents, its SQL Server), or planted: no history of its own. */
    fixed?: boolean;
}

/**
 * Makes the catalogue's agents and SQL Server match what the other tools say of the machine (after every random draw, so
 * the rest of the inventory stays as drawn): the Connected Machine agent at the Arc agent's version and only on Arc-enabled
 * servers; the Azure Monitor Agent only where its extension is, and the retired Log Analytics agent (MMA on Windows,
 * omsagent on Linux) once where its extension is and nowhere else; SQL Server at its instances' releases and builds.
 */
function agreeWithMachine(installed: Installed[], fm: FleetMachine, sql: readonly SqlBuild[]): void {
    const m = fm.machine;
    const windows = m.osType === 'windows';
    const ama = fm.monitoring === 'ama' || fm.monitoring === 'both';
    const legacy = fm.monitoring === 'legacy' || fm.monitoring === 'both';
    const kept: Installed[] = [];
    for (const item of installed) {
        switch (item.name) {
            case 'Azure Connected Machine Agent':
            case 'azcmagent':
                if (m.kind === 'arc' && m.agentVersion) {
                    kept.push({ ...item, publisher: MS, versions: [m.agentVersion], at: 0, fixed: true });
                }
                break;
            case 'Azure Monitor Agent':
            case 'azuremonitoragent':
                if (ama) {
                    kept.push({ ...item, publisher: MS });
                }
                break;
            case 'Microsoft Monitoring Agent':
            case 'omsagent':
                // Only the agent facts below put the Log Analytics agent in the inventory.
                break;
            default:
                if (!/SQL Server 2019 \(64-bit\)|SQL Server 2019 Database Engine Services|SQL Server 2019 Common Files/.test(item.name)) {
                    kept.push(item);
                }
        }
    }
    if (legacy) {
        kept.push(
            windows
                ? {
                      name: 'Microsoft Monitoring Agent',
                      publisher: MS,
                      type: 'Application',
                      versions: ['10.20.18069.0'],
                      at: 0,
                      fixed: true,
                  }
                : { name: 'omsagent', publisher: MS, type: 'Package', versions: ['1.19.0-0'], at: 0, fixed: true },
        );
    }
    if (windows) {
        const releases = new Map(sql.map((b) => [b.version, b.build]));
        for (const [version, build] of releases) {
            const year = version.replace(/^SQL Server /, '');
            for (const name of [
                `Microsoft SQL Server ${year} (64-bit)`,
                `SQL Server ${year} Database Engine Services`,
                `SQL Server ${year} Common Files`,
            ]) {
                kept.push({ name, publisher: MS, type: 'Application', versions: [build], at: 0, fixed: true });
            }
        }
    }
    installed.splice(0, installed.length, ...kept);
}

/** An application past its publisher's support on a Windows machine, and when it was removed (Infinity: it is still there). */
export interface UnsupportedApp {
    name: string;
    removedAt: number;
}

/** One machine's inventory and 30 days of changes; built together so changes end at the installed versions. */
export interface MachineSoftware {
    items: SoftwareItem[];
    /** Epoch ms of the newest inventory snapshot. */
    lastSeen: number;
    /** Newest first. */
    changes: SoftwareChange[];
    /** Epoch ms of each change, parallel to `changes`. */
    changeTimes: Float64Array;
}

/** How far back changes go. */
const CHANGE_HISTORY = 30 * TIME.DAY;

/**
 * Inventory and change history of one machine, built on first use. `dataEnd` is when the machine's data in Log Analytics
 * ends (the metrics' end: when it stopped reporting, or its agent went quiet): the newest snapshot is taken shortly before
 * it, and every change comes before that snapshot. Changes cluster on the machine's patch runs (see `patchRuns`: the
 * patch nights of its schedule, monthly on Windows, weekly on Linux): each update or package a run installed is one change
 * at its time within the run — an update added on Windows, a package modified to its next version on Linux — so a run Azure
 * Update Manager reports as having installed N is N changes on its night. A run after the newest snapshot (an agent gone
 * quiet) is not seen: the inventory is as it was before it. Windows applications updated on a patch night are updated
 * within a run's window too. Each item's changes make one valid history ending at its inventory row: updates to ever
 * higher versions, an install by hand at most once and never after an update, a removal only of what is no longer there.
 */
export function machineSoftware(fleet: Fleet, fm: FleetMachine, sql: readonly SqlBuild[], dataEnd: number): MachineSoftware {
    const random = new Random(hashKey(fm.key, 'software'));
    const lastSeenMs = dataEnd - Math.round(random.range(1, 55) * TIME.MINUTE);
    const lastSeen = isoTime(lastSeenMs);
    const computer = fm.machine.name;
    const windows = fm.machine.osType === 'windows';
    const from = dataEnd - CHANGE_HISTORY;
    const runs = patchRuns(fleet, fm, from);
    const installed: Installed[] = [];
    const retired = windows ? retiredApps(fm, dataEnd) : { still: undefined, removals: [] };
    const stillUnsupported = retired.still;
    if (windows) {
        const { always, optional: choices } = windowsAppsFor(fm.role);
        const optional = random.sample(choices, random.int(30, 60) - always.length - (stillUnsupported ? 1 : 0));
        for (const app of [...always, ...optional]) {
            if (app.name.startsWith('VMware') && fm.machine.manufacturer !== 'VMware, Inc.') {
                continue;
            }
            if (app.name.startsWith('Dell') && fm.machine.manufacturer !== 'Dell Inc.') {
                continue;
            }
            installed.push({
                name: app.name,
                publisher: app.publisher,
                type: 'Application',
                versions: app.versions,
                at: random.int(0, app.versions.length - 1),
            });
        }
        if (stillUnsupported) {
            // Installed long before the history the sample keeps: it has no change of its own.
            installed.push({
                name: stillUnsupported.name,
                publisher: stillUnsupported.publisher,
                type: 'Application',
                versions: stillUnsupported.versions,
                at: 0,
                fixed: true,
            });
        }
        // Installed updates, as inventory lists them when updates are included; each KB once.
        const kbCount = random.int(6, 14);
        const kbs = new Set<string>();
        for (let i = 0; i < kbCount; i++) {
            kbs.add(`KB${5_030_000 + (hashKey(fm.os.product, i) % 70_000)}`);
        }
        for (const kb of kbs) {
            installed.push({ name: `Update for ${fm.os.product} (${kb})`, publisher: MS, type: 'Update', versions: ['1.0'], at: 0 });
        }
    } else {
        // A package a run updated after the snapshot is at the version it had before.
        const before = new Map<string, number>();
        for (const run of runs) {
            for (const patch of run.installed) {
                if (patch.time >= lastSeenMs && patch.fromVersion !== undefined) {
                    before.set(patch.name, Math.min(before.get(patch.name) ?? Infinity, patch.fromVersion));
                }
            }
        }
        for (const { pkg, at } of linuxPackagesOf(fm)) {
            installed.push({
                name: pkg.name,
                publisher: pkg.publisher,
                type: 'Package',
                versions: pkg.versions,
                at: before.get(pkg.name) ?? at,
            });
        }
    }
    agreeWithMachine(installed, fm, sql);
    if (fleet.hostile && fm.index <= 4) {
        for (const text of HOSTILE_STRINGS) {
            installed.push({
                name: text,
                publisher: text,
                type: windows ? 'Application' : 'Package',
                versions: [text],
                at: 0,
                fixed: true,
            });
        }
    }

    // Times kept as numbers (whole seconds, as printed) beside the rows, so sorting and filtering parse no text.
    const changes: { time: number; row: SoftwareChange }[] = [];
    const change = (time: number, item: Installed, category: SoftwareChange['changeCategory'], previous?: number, current?: number) => {
        const second = Math.floor(time / 1000) * 1000;
        const row: SoftwareChange = {
            timeGenerated: isoTime(second),
            computer,
            name: item.name,
            type: item.type,
            publisher: item.publisher,
            changeCategory: category,
        };
        if (previous !== undefined) {
            row.previousVersion = item.versions[previous];
        }
        if (current !== undefined) {
            row.currentVersion = item.versions[current];
        }
        changes.push({ time: second, row });
    };
    /** Items that already have a change, so a hand install never lands on one that was updated. */
    const changed = new Set<Installed>();
    // What the patch runs before the snapshot installed: Windows updates added, Linux packages one version up.
    const packages = new Map(installed.filter((i) => i.type === 'Package' && !i.fixed).map((i) => [i.name, i]));
    const seen = runs.filter((run) => run.start < lastSeenMs);
    for (const run of seen) {
        for (const patch of run.installed) {
            if (patch.time >= lastSeenMs) {
                continue;
            }
            if (windows) {
                const update: Installed = { name: patch.name, publisher: MS, type: 'Update', versions: ['1.0'], at: 0, fixed: true };
                installed.push(update);
                change(patch.time, update, 'Added', undefined, 0);
            } else {
                const pkg = packages.get(patch.name);
                if (pkg) {
                    change(patch.time, pkg, 'Modified', patch.fromVersion, patch.toVersion);
                    changed.add(pkg);
                }
            }
        }
    }
    // Windows applications on a version that is not the oldest were updated in a patch run's window in the last 30 days
    // (or before); some twice, one version at a time.
    const windowsRuns = windows ? seen.filter((run) => run.end <= lastSeenMs) : [];
    for (const item of installed) {
        if (item.fixed || item.type !== 'Application' || !windowsRuns.length) {
            continue;
        }
        if (item.at > 0 && random.chance(0.6)) {
            const steps = item.at >= 2 && windowsRuns.length >= 2 && random.chance(0.3) ? 2 : 1;
            const when = random.sample(windowsRuns, steps).sort((a, b) => a.start - b.start);
            when.forEach((run, i) => {
                const to = item.at - steps + i + 1;
                change(run.start + Math.round(random.range(0, run.end - run.start)), item, 'Modified', to - 1, to);
            });
            changed.add(item);
        }
    }
    // The retired applications removed in the last 30 days.
    for (const { app, at } of retired.removals) {
        change(at, { name: app.name, publisher: app.publisher, type: 'Application', versions: app.versions, at: 0 }, 'Removed', 0);
    }
    // A few installs by hand, in working hours; each item at most once. A Linux package still behind is not
    // among the installs: an older patch assessment already lists its update.
    const installable = installed.filter((i) => !i.fixed && i.type !== 'Update' && !changed.has(i) && i.at === i.versions.length - 1);
    const manual = random.int(0, 2);
    for (let i = 0; i < manual; i++) {
        const at = workingHours(fm, random, from, lastSeenMs);
        if (at !== undefined && installable.length) {
            const [added] = installable.splice(Math.floor(random.next() * installable.length), 1);
            change(at, added, 'Added', undefined, added.at);
        }
    }
    if (fleet.hostile && fm.index <= 4) {
        for (const text of HOSTILE_STRINGS) {
            change(
                lastSeenMs - 2 * TIME.HOUR,
                { name: text, publisher: text, type: 'Application', versions: [text], at: 0 },
                'Added',
                undefined,
                0,
            );
        }
    }
    changes.sort((a, b) => b.time - a.time || (a.row.name < b.row.name ? -1 : a.row.name > b.row.name ? 1 : 0));

    const items: SoftwareItem[] = installed
        .map((i) => ({ computer, name: i.name, type: i.type, publisher: i.publisher, version: i.versions[i.at], lastSeen }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kept = changes.filter((c) => c.time >= from);
    return {
        items,
        lastSeen: lastSeenMs,
        changes: kept.map((c) => c.row),
        changeTimes: Float64Array.from(kept, (c) => c.time),
    };
}

/** A time in the machine's working hours on a random day between `from` and `to` (epoch ms); undefined when it falls outside. */
function workingHours(fm: FleetMachine, random: Random, from: number, to: number): number | undefined {
    const day = Math.floor((from + random.range(0, CHANGE_HISTORY - TIME.DAY)) / TIME.DAY) * TIME.DAY;
    const at = day + Math.round((9 - fm.site.utcOffsetHours + random.range(0, 8)) * TIME.HOUR);
    return at >= from && at < to ? at : undefined;
}

/**
 * A Windows machine's retired applications, from their own stream (so the Windows assessment reads them without building
 * the whole inventory): about one machine in four still runs an application past its publisher's support; up to two
 * others were removed by hand in the 30 days before its data ends, before its last inventory snapshot.
 */
function retiredApps(fm: FleetMachine, dataEnd: number): { still?: RetiredApp; removals: { app: RetiredApp; at: number }[] } {
    const random = new Random(hashKey(fm.key, 'retired apps'));
    const still = random.chance(1 / UNSUPPORTED_ONE_IN) ? random.pick(UNSUPPORTED_APPS) : undefined;
    const candidates = RETIRED_APPS.filter((app) => app !== still);
    const removals: { app: RetiredApp; at: number }[] = [];
    const count = random.int(0, 2);
    for (let i = 0; i < count; i++) {
        // An hour before the data ends is before the last snapshot (taken at most 55 minutes before).
        const at = workingHours(fm, random, dataEnd - CHANGE_HISTORY, dataEnd - TIME.HOUR);
        if (at !== undefined) {
            removals.push({ app: candidates.splice(Math.floor(random.next() * candidates.length), 1)[0], at });
        }
    }
    return { still, removals };
}

/**
 * The applications past their publisher's support that a Windows machine had in the history the sample keeps, each
 * with when it was removed (Infinity: it is still installed): what the Windows assessment tells to remove, run by run.
 */
export function unsupportedApps(fm: FleetMachine, dataEnd: number): UnsupportedApp[] {
    if (fm.machine.osType !== 'windows') {
        return [];
    }
    const { still, removals } = retiredApps(fm, dataEnd);
    const apps: UnsupportedApp[] = still ? [{ name: still.name, removedAt: Infinity }] : [];
    for (const { app, at } of removals) {
        if (app.unsupported) {
            apps.push({ name: app.name, removedAt: at });
        }
    }
    return apps;
}
