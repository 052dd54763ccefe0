/** Version ordering for the sample estate's tests. */

/** Orders two package or application versions as dpkg does (epoch, then digits by value, `~` before anything). */
export function compareVersions(a: string, b: string): number {
    const epoch = (v: string) =>
        (/^\d+:/.test(v) ? [Number(v.slice(0, v.indexOf(':'))), v.slice(v.indexOf(':') + 1)] : [0, v]) as [number, string];
    const [ea, ra] = epoch(a);
    const [eb, rb] = epoch(b);
    if (ea !== eb) {
        return ea - eb;
    }
    const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
    const weight = (c: string | undefined) =>
        c === undefined ? 0 : c === '~' ? -1 : digit(c) ? 0 : /[A-Za-z]/.test(c) ? c.charCodeAt(0) : c.charCodeAt(0) + 256;
    let i = 0;
    let j = 0;
    while (i < ra.length || j < rb.length) {
        while ((i < ra.length && !digit(ra[i])) || (j < rb.length && !digit(rb[j]))) {
            const d = weight(ra[i]) - weight(rb[j]);
            if (d !== 0) {
                return d;
            }
            i++;
            j++;
        }
        while (ra[i] === '0') {
            i++;
        }
        while (rb[j] === '0') {
            j++;
        }
        let first = 0;
        while (digit(ra[i]) && digit(rb[j])) {
            first ||= ra.charCodeAt(i) - rb.charCodeAt(j);
            i++;
            j++;
        }
        if (digit(ra[i])) {
            return 1;
        }
        if (digit(rb[j])) {
            return -1;
        }
        if (first) {
            return first;
        }
    }
    return 0;
}

/** A Linux release as the tests name it: the distribution, and its release (`22.04`, `8`, `5` for SLES 15 SP5). */
export interface LinuxRelease {
    distribution: 'ubuntu' | 'rhel' | 'sles';
    release: string;
}

/** The release of an OS name as machines report it (`Ubuntu 22.04.5 LTS`, `Red Hat Enterprise Linux 8.10 (Ootpa)`). */
export function linuxReleaseOf(osName: string): LinuxRelease | undefined {
    const ubuntu = /^Ubuntu (\d\d\.04)/.exec(osName);
    const rhel = /^Red Hat Enterprise Linux (\d+)/.exec(osName);
    const sles = /^SUSE Linux Enterprise Server 15 SP(\d)/.exec(osName);
    return ubuntu
        ? { distribution: 'ubuntu', release: ubuntu[1] }
        : rhel
          ? { distribution: 'rhel', release: rhel[1] }
          : sles
            ? { distribution: 'sles', release: sles[1] }
            : undefined;
}

const CODENAMES: Record<string, string> = { '20.04': 'focal', '22.04': 'jammy', '24.04': 'noble' };

/**
 * Why a package version does not belong to a release, or undefined when it does: another distribution's markers
 * (`ubuntu`, `~`, `.el9`, `pgdg`, a SUSE code stream), or another major release of the same one.
 */
export function foreignToRelease({ distribution, release }: LinuxRelease, version: string): string | undefined {
    if (distribution === 'ubuntu') {
        if (/\.el\d|rhel|sles|PGDG|\b150\d00\b/.test(version)) {
            return 'carries another distribution’s marker';
        }
        if ((version.match(/\b\d\d\.04\b/g) ?? []).some((r) => r !== release)) {
            return `names another Ubuntu release than ${release}`;
        }
        if (/focal|jammy|noble/.test(version) && !version.includes(CODENAMES[release])) {
            return `names another code name than ${CODENAMES[release]}`;
        }
    } else if (distribution === 'rhel') {
        if (/ubuntu|~|pgdg|sles|build\d/.test(version)) {
            return 'carries another distribution’s marker';
        }
        if ([...version.matchAll(/(?:\bel|rhel)(\d+)/g)].some(([, major]) => major !== release)) {
            return `names another major release than RHEL ${release}`;
        }
    } else {
        if (/ubuntu|~|\.el\d|rhel|pgdg/.test(version)) {
            return 'carries another distribution’s marker';
        }
        // A service pack's packages come from its own code stream or an older one, never a later one.
        if ([...version.matchAll(/\b150(\d)00\b/g)].some(([, sp]) => Number(sp) > Number(release))) {
            return `comes from a later code stream than SP${release}`;
        }
    }
    return undefined;
}
