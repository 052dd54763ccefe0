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
    '2012': { product: 'SQL Server 2012', extendedEnd: '2022-07-12' },
    '2014': { product: 'SQL Server 2014', extendedEnd: '2024-07-09' },
    '2016': { product: 'SQL Server 2016', extendedEnd: '2026-07-14' },
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
