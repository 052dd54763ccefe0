/**
 * Where a Windows Server or SQL Server release stands in Microsoft's fixed lifecycle: still supported, ending soon, covered
 * only by Extended Security Updates, or out of support. Dates are the end of extended support (and of the ESU years where
 * Microsoft has fixed them) published on Microsoft's lifecycle pages. Linux distributions are not judged: their support
 * depends on the subscription (Ubuntu Pro, RHEL ELS, SUSE LTSS), which no inventory record says.
 */

/** supported; ending (extended support ends within {@link SUPPORT_ENDING_DAYS}); esu (past it, security updates only with ESU); ended. */
export const SUPPORT_STATUSES = ['ended', 'esu', 'ending', 'supported'] as const;
export type SupportStatus = (typeof SUPPORT_STATUSES)[number];

/** A release whose extended support ends within this many days is reported as ending: time to plan the upgrade. */
export const SUPPORT_ENDING_DAYS = 180;

export interface Support {
    /** The release, e.g. `Windows Server 2016`. */
    product: string;
    status: SupportStatus;
    /** The last day of extended support, `YYYY-MM-DD`. */
    extendedEnd: string;
    /** The last day Extended Security Updates are offered, when Microsoft has fixed it. */
    esuEnd?: string;
}

interface Release {
    product: string;
    extendedEnd: string;
    esuEnd?: string;
}

const WINDOWS_SERVER: Record<string, Release> = {
    '2008': { product: 'Windows Server 2008', extendedEnd: '2020-01-14' },
    '2008 R2': { product: 'Windows Server 2008 R2', extendedEnd: '2020-01-14' },
    '2012': { product: 'Windows Server 2012', extendedEnd: '2023-10-10', esuEnd: '2026-10-13' },
    '2012 R2': { product: 'Windows Server 2012 R2', extendedEnd: '2023-10-10', esuEnd: '2026-10-13' },
    '2016': { product: 'Windows Server 2016', extendedEnd: '2027-01-12' },
    '2019': { product: 'Windows Server 2019', extendedEnd: '2029-01-09' },
    '2022': { product: 'Windows Server 2022', extendedEnd: '2031-10-14' },
    '2025': { product: 'Windows Server 2025', extendedEnd: '2034-11-14' },
};

const SQL_SERVER: Record<string, Release> = {
    '2008': { product: 'SQL Server 2008', extendedEnd: '2019-07-09' },
    '2008 R2': { product: 'SQL Server 2008 R2', extendedEnd: '2019-07-09' },
    // Extended Security Updates (through Azure Arc or on Azure) for up to three years after extended support. SQL Server
    // 2016's ESU years began 2026-07-15: three years after, on July's second Tuesday, the day updates are released.
    '2012': { product: 'SQL Server 2012', extendedEnd: '2022-07-12', esuEnd: '2025-07-08' },
    '2014': { product: 'SQL Server 2014', extendedEnd: '2024-07-09', esuEnd: '2027-07-12' },
    '2016': { product: 'SQL Server 2016', extendedEnd: '2026-07-14', esuEnd: '2029-07-10' },
    '2017': { product: 'SQL Server 2017', extendedEnd: '2027-10-12' },
    '2019': { product: 'SQL Server 2019', extendedEnd: '2030-01-08' },
    '2022': { product: 'SQL Server 2022', extendedEnd: '2033-01-11' },
};

const DAY_MS = 86_400_000;

/**
 * The release a name denotes: "Windows Server 2012 R2 Standard", an Azure image's "WindowsServer 2012-R2-Datacenter", or
 * "SQL Server 2019"; undefined for anything else (Linux, a release not in the table).
 */
function releaseOf(name: string, family: 'windows-server' | 'sql-server'): Release | undefined {
    const pattern = family === 'windows-server' ? /windows\s*server\W*(\d{4})(\W*r2\b)?/i : /sql\s*server\W*(\d{4})(\W*r2\b)?/i;
    const match = pattern.exec(name);
    if (!match) {
        return undefined;
    }
    const key = match[2] ? `${match[1]} R2` : match[1];
    return (family === 'windows-server' ? WINDOWS_SERVER : SQL_SERVER)[key];
}

/** Where a release stands on `now` (the end dates are whole days, UTC). */
function supportOn(release: Release, now: Date): Support {
    const afterDay = (date: string) => Date.parse(`${date}T00:00:00Z`) + DAY_MS;
    const end = afterDay(release.extendedEnd);
    const t = now.getTime();
    const status: SupportStatus =
        t >= end
            ? release.esuEnd && t < afterDay(release.esuEnd)
                ? 'esu'
                : 'ended'
            : end - t <= SUPPORT_ENDING_DAYS * DAY_MS
              ? 'ending'
              : 'supported';
    return { product: release.product, status, extendedEnd: release.extendedEnd, ...(release.esuEnd ? { esuEnd: release.esuEnd } : {}) };
}

/** The support of a machine's operating system from its OS name; undefined when it is not a Windows Server release we know. */
export function osSupport(osName: string, now: Date): Support | undefined {
    const release = releaseOf(osName, 'windows-server');
    return release && supportOn(release, now);
}

/** The support of a SQL Server instance from its version name (e.g. `SQL Server 2016`); undefined when not known. */
export function sqlSupport(version: string, now: Date): Support | undefined {
    const release = releaseOf(version, 'sql-server');
    return release && supportOn(release, now);
}

/** One phrase for a status, for text and tooltips: "extended support ended 2023-10-10, ESU until 2026-10-13". */
export function describeSupport(support: Support): string {
    switch (support.status) {
        case 'supported':
            return `supported until ${support.extendedEnd}`;
        case 'ending':
            return `extended support ends ${support.extendedEnd}`;
        case 'esu':
            return `extended support ended ${support.extendedEnd}, security updates only with Extended Security Updates until ${support.esuEnd ?? '?'}`;
        case 'ended':
            return support.esuEnd
                ? `extended support ended ${support.extendedEnd}, Extended Security Updates ended ${support.esuEnd}`
                : `extended support ended ${support.extendedEnd}`;
    }
}

/**
 * The Azure Connected Machine (Arc) agent: Microsoft supports only the versions released within the last year. The
 * release month of each version, from the agent's published release notes (1.50 to 1.53 are not listed there; a version
 * between two listed ones is judged by the later one's month, which it cannot be newer than).
 */
const ARC_AGENT_RELEASES: readonly (readonly [minor: number, month: string])[] = [
    [43, '2024-06'],
    [44, '2024-07'],
    [45, '2024-08'],
    [46, '2024-09'],
    [47, '2024-10'],
    [48, '2025-01'],
    [49, '2025-02'],
    [54, '2025-07'],
    [55, '2025-08'],
    [56, '2025-09'],
    [57, '2025-10'],
    [58, '2025-11'],
    [59, '2025-12'],
    [60, '2026-01'],
    [61, '2026-02'],
    [62, '2026-03'],
    [63, '2026-04'],
    [64, '2026-05'],
    [65, '2026-06'],
    [66, '2026-07'],
];

/** The first version that `azcmagent upgrade` can upgrade in place; older agents need the installer or package manager. */
export const ARC_AGENT_SELF_UPGRADE_MINOR = 62;

export const AGENT_SUPPORT_STATUSES = ['supported', 'unsupported', 'unknown'] as const;
export type AgentSupportStatus = (typeof AGENT_SUPPORT_STATUSES)[number];

export interface AgentSupport {
    /** `major.minor`, e.g. `1.58`. */
    version: string;
    /**
     * unsupported: released more than a year ago, for certain; supported: released within the last year, for certain;
     * unknown: a version format or release month we cannot place.
     */
    status: AgentSupportStatus;
    /** The release month, `YYYY-MM`, when the release notes give it. */
    released?: string;
    /** The last day of support: a year after the end of the release month (or of the latest month it can have been released). */
    supportedUntil?: string;
}

/** The first day of the month after `YYYY-MM`, a year later: when a release of that month is surely more than a year old. */
function yearAfterMonthEnds(month: string): number {
    const [year, mm] = month.split('-').map(Number);
    return Date.UTC(year + 1, mm, 1);
}

/**
 * Where an Arc agent version (`1.58.03228.700`) stands on `now`. Support is judged at month precision, in the agent's favour: a
 * version is called unsupported only once it is more than a year old whatever day of its month it came out.
 */
export function arcAgentSupport(agentVersion: string, now: Date): AgentSupport | undefined {
    const match = /^\s*(\d+)\.(\d+)/.exec(agentVersion);
    if (!match) {
        return undefined;
    }
    const major = Number(match[1]);
    const minor = Number(match[2]);
    const version = `${major}.${minor}`;
    const t = now.getTime();
    const newest = ARC_AGENT_RELEASES[ARC_AGENT_RELEASES.length - 1];
    if (major > 1 || (major === 1 && minor > newest[0])) {
        // Newer than any release we know: out no earlier than the month after the newest one.
        const end = yearAfterMonthEnds(newest[1]);
        return t < end ? { version, status: 'supported' } : { version, status: 'unknown' };
    }
    if (major < 1) {
        return { version, status: 'unsupported' };
    }
    const exact = ARC_AGENT_RELEASES.find(([m]) => m === minor);
    // Not listed: it came out no later than the next listed release.
    const bound = exact ?? ARC_AGENT_RELEASES.find(([m]) => m > minor) ?? newest;
    const end = yearAfterMonthEnds(bound[1]);
    const supportedUntil = new Date(end - DAY_MS).toISOString().slice(0, 10);
    if (t >= end) {
        return { version, status: 'unsupported', ...(exact ? { released: exact[1] } : {}), supportedUntil };
    }
    // Listed: supported until then. Not listed: possibly older than its bound, so only certain when it cannot be a year old.
    return exact ? { version, status: 'supported', released: exact[1], supportedUntil } : { version, status: 'unknown' };
}

/** The version current `monthsAgo` months before `now` (for generated estates; past the list, one release a month). */
export function arcAgentVersionAt(now: Date, monthsAgo: number): number {
    const at = now.getUTCFullYear() * 12 + now.getUTCMonth() - monthsAgo;
    const monthIndex = (month: string) => {
        const [year, mm] = month.split('-').map(Number);
        return year * 12 + mm - 1;
    };
    const newest = ARC_AGENT_RELEASES[ARC_AGENT_RELEASES.length - 1];
    if (at > monthIndex(newest[1])) {
        return newest[0] + (at - monthIndex(newest[1]));
    }
    let minor = ARC_AGENT_RELEASES[0][0];
    for (const [m, month] of ARC_AGENT_RELEASES) {
        if (monthIndex(month) <= at) {
            minor = m;
        }
    }
    return minor;
}
