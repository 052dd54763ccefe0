import type { SoftwareChange, SoftwareItem, SoftwareType } from '../../core/model';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine, Role } from './fleet';
import { HOSTILE_STRINGS } from './hostile';
import { latestPatchTuesday } from './patches';
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
    { name: 'Microsoft Monitoring Agent', publisher: MS, versions: ['10.20.18067.0', '10.20.18069.0'] },
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

/** Applications that machines used to have: the "Removed" side of software changes. */
const RETIRED_APPS: readonly CatalogEntry[] = [
    { name: 'Java 8 Update 202', publisher: 'Oracle Corporation', versions: ['8.0.2020.8'] },
    { name: 'Fabrikam Legacy Agent 2.1', publisher: 'Fabrikam, Inc.', versions: ['2.1.0.77'] },
    { name: 'Microsoft Silverlight', publisher: MS, versions: ['5.1.50918.0'] },
    { name: 'Adobe Flash Player 32 NPAPI', publisher: 'Adobe', versions: ['32.0.0.465'] },
    { name: 'Tailspin Remote Support 3', publisher: 'Tailspin Toys Security', versions: ['3.9.2'] },
    { name: 'Notepad2', publisher: 'Florian Balmer', versions: ['4.2.25'] },
];

interface LinuxEntry {
    name: string;
    versions: readonly string[];
    roles?: readonly Role[];
}

const LINUX_COMMON: readonly LinuxEntry[] = [
    { name: 'bash', versions: ['5.1-6ubuntu1.1', '5.2.21-2ubuntu4'] },
    { name: 'coreutils', versions: ['8.32-4.1ubuntu1.2', '9.4-3ubuntu6'] },
    { name: 'openssl', versions: ['3.0.2-0ubuntu1.17', '3.0.2-0ubuntu1.18'] },
    { name: 'openssh-server', versions: ['1:8.9p1-3ubuntu0.9', '1:8.9p1-3ubuntu0.10'] },
    { name: 'curl', versions: ['7.81.0-1ubuntu1.17', '7.81.0-1ubuntu1.18'] },
    { name: 'sudo', versions: ['1.9.9-1ubuntu2.4'] },
    { name: 'systemd', versions: ['249.11-0ubuntu3.12'] },
    { name: 'rsyslog', versions: ['8.2112.0-2ubuntu2.2'] },
    { name: 'cron', versions: ['3.0pl1-137ubuntu3'] },
    { name: 'ca-certificates', versions: ['20230311ubuntu0.22.04.1', '20240203~22.04.1'] },
    { name: 'tzdata', versions: ['2024a-0ubuntu0.22.04.1', '2024a-0ubuntu0.22.04.2'] },
    { name: 'python3', versions: ['3.10.6-1~22.04.1'] },
    { name: 'python3-urllib3', versions: ['1.26.5-1~exp1ubuntu0.1'] },
    { name: 'vim', versions: ['2:8.2.3995-1ubuntu2.19', '2:8.2.3995-1ubuntu2.20'] },
    { name: 'less', versions: ['590-1ubuntu0.22.04.3'] },
    { name: 'tar', versions: ['1.34+dfsg-1ubuntu0.1.22.04.2'] },
    { name: 'gzip', versions: ['1.10-4ubuntu4.1'] },
    { name: 'libc6', versions: ['2.35-0ubuntu3.7', '2.35-0ubuntu3.8'] },
    { name: 'libssl3', versions: ['3.0.2-0ubuntu1.17', '3.0.2-0ubuntu1.18'] },
    { name: 'zlib1g', versions: ['1:1.2.11.dfsg-2ubuntu9.2'] },
    { name: 'chrony', versions: ['4.2-2ubuntu2'] },
    { name: 'logrotate', versions: ['3.19.0-1ubuntu1.1'] },
    { name: 'iproute2', versions: ['5.15.0-1ubuntu2'] },
    { name: 'net-tools', versions: ['1.60+git20181103.0eebece-1ubuntu5'] },
    { name: 'apt', versions: ['2.4.12', '2.4.13'] },
    { name: 'dpkg', versions: ['1.21.1ubuntu2.3'] },
    { name: 'git', versions: ['1:2.34.1-1ubuntu1.11'] },
    { name: 'jq', versions: ['1.6-2.1ubuntu3'] },
    { name: 'unzip', versions: ['6.0-26ubuntu3.2'] },
    { name: 'htop', versions: ['3.0.5-7build2'] },
    { name: 'azcmagent', versions: ['1.58.03228.700', '1.60.03293.1016'] },
    { name: 'azuremonitoragent', versions: ['1.31.1', '1.32.2'] },
    { name: 'auditd', versions: ['1:3.0.7-1build1'] },
    { name: 'fabrikam-backup-agent', versions: ['12.5.1140-1', '12.5.1188-1'] },
    { name: 'tailspin-edr-sensor', versions: ['5.9.104-1', '5.9.121-1'] },
    { name: 'nginx', versions: ['1.18.0-6ubuntu14.4', '1.18.0-6ubuntu14.5'], roles: ['web', 'proxy'] },
    { name: 'haproxy', versions: ['2.4.24-0ubuntu0.22.04.1'], roles: ['proxy', 'web'] },
    { name: 'certbot', versions: ['1.21.0-1build1'], roles: ['web', 'proxy'] },
    { name: 'squid', versions: ['5.9-0ubuntu0.22.04.1'], roles: ['proxy'] },
    { name: 'openjdk-17-jre-headless', versions: ['17.0.12+7-1ubuntu2~22.04', '17.0.13+11-2ubuntu1~22.04'], roles: ['app'] },
    { name: 'tomcat9', versions: ['9.0.58-1ubuntu0.1'], roles: ['app'] },
    { name: 'contoso-orders-api', versions: ['3.14.0', '3.15.2', '3.16.0'], roles: ['app'] },
    { name: 'postgresql-16', versions: ['16.4-1.pgdg22.04+1', '16.6-1.pgdg22.04+1'], roles: ['pg'] },
    { name: 'postgresql-client-16', versions: ['16.4-1.pgdg22.04+1', '16.6-1.pgdg22.04+1'], roles: ['pg'] },
    { name: 'pgbackrest', versions: ['2.53.1-1.pgdg22.04+1'], roles: ['pg'] },
    { name: 'pgbouncer', versions: ['1.23.1-1.pgdg22.04+1'], roles: ['pg'] },
    { name: 'containerd.io', versions: ['1.7.21-1', '1.7.22-1'], roles: ['k8s'] },
    { name: 'kubelet', versions: ['1.30.5-1.1', '1.30.6-1.1', '1.31.2-1.1'], roles: ['k8s'] },
    { name: 'kubeadm', versions: ['1.30.5-1.1', '1.30.6-1.1', '1.31.2-1.1'], roles: ['k8s'] },
    { name: 'kubectl', versions: ['1.30.5-1.1', '1.30.6-1.1', '1.31.2-1.1'], roles: ['k8s'] },
    { name: 'cri-tools', versions: ['1.30.1-1.1'], roles: ['k8s'] },
    { name: 'prometheus', versions: ['2.53.2+ds1-1'], roles: ['mon'] },
    { name: 'grafana', versions: ['11.2.2', '11.3.0'], roles: ['mon'] },
    { name: 'prometheus-node-exporter', versions: ['1.3.1-1ubuntu0.22.04.2'] },
    { name: 'docker-ce', versions: ['5:27.2.1-1~ubuntu.22.04~jammy', '5:27.3.1-1~ubuntu.22.04~jammy'], roles: ['app', 'mon'] },
];

const LINUX_PUBLISHERS = {
    ubuntu: 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>',
    rhel: 'Red Hat, Inc.',
    sles: 'SUSE LLC <https://www.suse.com/>',
} as const;

/** A package version in the distribution's own style: Debian revisions on Ubuntu, `elN` / SUSE release numbers otherwise. */
function linuxVersion(family: 'ubuntu' | 'rhel' | 'sles', version: string): string {
    if (family === 'ubuntu') {
        return version;
    }
    const upstream = version.replace(/^\d+:/, '').split(/[-+~]/)[0];
    const release = hashKey(version) % 30;
    return family === 'rhel' ? `${upstream}-${release + 1}.el9` : `${upstream}-150500.${release + 3}.1`;
}

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

const linuxPackagesByRole = new Map<string, LinuxEntry[]>();

/** The Linux catalogue of a role with versions in the distribution's scheme, worked out once per distribution and role. */
function linuxPackagesFor(family: 'ubuntu' | 'rhel' | 'sles', role: Role): LinuxEntry[] {
    const key = `${family}/${role}`;
    let packages = linuxPackagesByRole.get(key);
    if (!packages) {
        packages = LINUX_COMMON.filter((p) => !p.roles || p.roles.includes(role)).map((p) => {
            const mapped = p.versions.map((v) => linuxVersion(family, v));
            // Mapping to another distribution's scheme can merge two versions; keep them distinct so updates change something.
            return { name: p.name, versions: mapped.map((v, i) => (i > 0 && mapped[i - 1] === v ? `${v}.${i}` : v)) };
        });
        linuxPackagesByRole.set(key, packages);
    }
    return packages;
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
    versions: readonly string[];
    at: number;
}

/**
 * Makes the catalogue's agents and SQL Server match what the other tools say of the machine (after every random draw, so
 * the rest of the inventory stays as drawn): the Connected Machine agent at the Arc agent's version and only on Arc-enabled
 * servers; the Azure Monitor Agent and the retired Log Analytics agent as its extensions say; SQL Server at its
 * instances' releases and builds; the package tools and Microsoft's packages as each Linux distribution has them.
 */
function agreeWithMachine(installed: Installed[], fm: FleetMachine, sql: readonly SqlBuild[]): void {
    const m = fm.machine;
    const windows = m.osType === 'windows';
    const ama = fm.monitoring === 'ama' || fm.monitoring === 'both';
    const legacy = fm.monitoring === 'legacy' || fm.monitoring === 'both';
    const family = fm.os.family === 'windows' ? 'ubuntu' : fm.os.family;
    const kept: Installed[] = [];
    for (const item of installed) {
        switch (item.name) {
            case 'Azure Connected Machine Agent':
            case 'azcmagent':
                if (m.kind === 'arc' && m.agentVersion) {
                    kept.push({ ...item, publisher: MS, versions: [m.agentVersion], at: 0 });
                }
                break;
            case 'Azure Monitor Agent':
            case 'azuremonitoragent':
                if (ama) {
                    kept.push({ ...item, publisher: MS });
                }
                break;
            case 'apt':
            case 'dpkg':
                kept.push(
                    family === 'ubuntu' ? item : { ...item, name: item.name === 'dpkg' ? 'rpm' : family === 'rhel' ? 'dnf' : 'zypper' },
                );
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
                ? { name: 'Microsoft Monitoring Agent', publisher: MS, type: 'Application', versions: ['10.20.18069.0'], at: 0 }
                : { name: 'omsagent', publisher: MS, type: 'Package', versions: ['1.19.0-0'], at: 0 },
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
                kept.push({ name, publisher: MS, type: 'Application', versions: [build], at: 0 });
            }
        }
    }
    installed.splice(0, installed.length, ...kept);
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
 * Inventory and change history of one machine, built on first use. The newest snapshot is taken shortly before the
 * machine last reported; changes cluster on the machine's patch nights (monthly on Windows, weekly on Linux).
 */
export function machineSoftware(fleet: Fleet, fm: FleetMachine, sql: readonly SqlBuild[] = []): MachineSoftware {
    const random = new Random(hashKey(fm.key, 'software'));
    const lastReport = Math.min(fleet.anchor, fm.reportingUntil);
    const lastSeenMs = lastReport - Math.round(random.range(1, 55) * TIME.MINUTE);
    const lastSeen = isoTime(lastSeenMs);
    const computer = fm.machine.name;
    const installed: { name: string; publisher: string; type: SoftwareType; versions: readonly string[]; at: number }[] = [];
    if (fm.machine.osType === 'windows') {
        const { always, optional: choices } = windowsAppsFor(fm.role);
        const optional = random.sample(choices, random.int(30, 60) - always.length);
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
        // Installed updates, as inventory lists them when updates are included.
        const kbCount = random.int(6, 14);
        for (let i = 0; i < kbCount; i++) {
            const kb = `KB${5_030_000 + (hashKey(fm.os.product, i) % 70_000)}`;
            installed.push({ name: `Update for ${fm.os.product} (${kb})`, publisher: MS, type: 'Update', versions: ['1.0'], at: 0 });
        }
    } else {
        const family = fm.os.family === 'windows' ? 'ubuntu' : fm.os.family;
        const eligible = linuxPackagesFor(family, fm.role);
        const chosen = random.sample(eligible, Math.min(eligible.length, random.int(40, 80)));
        for (const p of chosen) {
            installed.push({
                name: p.name,
                publisher: LINUX_PUBLISHERS[family],
                type: 'Package',
                versions: p.versions,
                at: random.int(0, p.versions.length - 1),
            });
        }
    }
    agreeWithMachine(installed, fm, sql);
    if (fleet.hostile && fm.index <= 4) {
        for (const text of HOSTILE_STRINGS) {
            installed.push({
                name: text,
                publisher: text,
                type: fm.machine.osType === 'windows' ? 'Application' : 'Package',
                versions: [text],
                at: 0,
            });
        }
    }

    const changes: SoftwareChange[] = [];
    const from = lastReport - CHANGE_HISTORY;
    const nights = patchNights(fm, from, lastReport);
    for (const item of installed) {
        // Software on a version that is not the oldest was updated on some patch night in the last 30 days (or before).
        if (item.at > 0 && item.type !== 'Update' && nights.length && random.chance(0.6)) {
            const night = random.pick(nights);
            changes.push({
                timeGenerated: isoTime(night + Math.round(random.range(0, 3) * TIME.HOUR)),
                computer,
                name: item.name,
                type: item.type,
                publisher: item.publisher,
                changeCategory: 'Modified',
                previousVersion: item.versions[item.at - 1],
                currentVersion: item.versions[item.at],
            });
        }
        if (item.type === 'Update' && nights.length && random.chance(0.3)) {
            const night = nights[nights.length - 1];
            changes.push({
                timeGenerated: isoTime(night + Math.round(random.range(0, 2) * TIME.HOUR)),
                computer,
                name: item.name,
                type: 'Update',
                publisher: item.publisher,
                changeCategory: 'Added',
                currentVersion: item.versions[item.at],
            });
        }
    }
    // A few installs and removals by hand, in working hours.
    const manual = random.int(0, fm.machine.osType === 'windows' ? 3 : 2);
    for (let i = 0; i < manual; i++) {
        const day = Math.floor((from + random.range(0, CHANGE_HISTORY - TIME.DAY)) / TIME.DAY) * TIME.DAY;
        const at = day + Math.round((9 - fm.site.utcOffsetHours + random.range(0, 8)) * TIME.HOUR);
        if (at >= lastReport) {
            continue;
        }
        if (random.chance(0.5) && fm.machine.osType === 'windows') {
            const gone = random.pick(RETIRED_APPS);
            changes.push({
                timeGenerated: isoTime(at),
                computer,
                name: gone.name,
                type: 'Application',
                publisher: gone.publisher,
                changeCategory: 'Removed',
                previousVersion: gone.versions[0],
            });
        } else if (installed.length) {
            const added = random.pick(installed);
            changes.push({
                timeGenerated: isoTime(at),
                computer,
                name: added.name,
                type: added.type,
                publisher: added.publisher,
                changeCategory: 'Added',
                currentVersion: added.versions[added.at],
            });
        }
    }
    if (fleet.hostile && fm.index <= 4) {
        for (const text of HOSTILE_STRINGS) {
            changes.push({
                timeGenerated: isoTime(lastReport - 2 * TIME.HOUR),
                computer,
                name: text,
                type: 'Application',
                publisher: text,
                changeCategory: 'Added',
                currentVersion: text,
            });
        }
    }
    changes.sort((a, b) =>
        a.timeGenerated > b.timeGenerated ? -1 : a.timeGenerated < b.timeGenerated ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );

    const items: SoftwareItem[] = installed
        .map((i) => ({ computer, name: i.name, type: i.type, publisher: i.publisher, version: i.versions[i.at], lastSeen }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const kept = changes.filter((c) => Date.parse(c.timeGenerated) >= from);
    return { items, lastSeen: lastSeenMs, changes: kept, changeTimes: Float64Array.from(kept, (c) => Date.parse(c.timeGenerated)) };
}

/**
 * Patch nights in local time: Windows production patches the Saturday after patch Tuesday, everything else the
 * Wednesday night after it; Linux runs unattended upgrades every Sunday night.
 */
function patchNights(fm: FleetMachine, from: number, to: number): number[] {
    const nights: number[] = [];
    const localMidnightOffset = -fm.site.utcOffsetHours * TIME.HOUR;
    if (fm.machine.osType === 'windows') {
        const daysAfter = fm.environment === 'Production' ? 4 : 1;
        for (let tuesday = latestPatchTuesday(to); tuesday > from - 10 * TIME.DAY; tuesday = latestPatchTuesday(tuesday - TIME.DAY)) {
            const night =
                Math.floor(tuesday / TIME.DAY) * TIME.DAY +
                daysAfter * TIME.DAY +
                localMidnightOffset +
                (fm.environment === 'Production' ? 1 : 22 - 24) * TIME.HOUR;
            if (night >= from && night < to - 3 * TIME.HOUR) {
                nights.push(night);
            }
        }
    } else {
        // 1970-01-01 was a Thursday, so day numbers ≡ 3 (mod 7) are Sundays.
        for (let day = Math.floor(from / TIME.DAY); day * TIME.DAY < to; day++) {
            if (day % 7 === 3) {
                const night = day * TIME.DAY + localMidnightOffset + 2 * TIME.HOUR;
                if (night >= from && night < to - 3 * TIME.HOUR) {
                    nights.push(night);
                }
            }
        }
    }
    return nights.sort((a, b) => a - b);
}
