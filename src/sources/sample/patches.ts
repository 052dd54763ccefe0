import type {
    MissingPatch,
    PatchAssessment,
    PatchClassification,
    PatchInstallation,
    PatchSeverity,
    RebootBehaviour,
} from '../../core/model';
import { WINDOWS_PATCH_CLASSIFICATIONS } from '../../core/model';
import { osSupport } from '../../core/lifecycle';
import { TIME } from '../../core/timespan';
import type { Fleet, FleetMachine } from './fleet';
import { HOSTILE_STRINGS } from './hostile';
import { linuxPackagesOf, NEWEST } from './linuxPackages';
import { hashKey, isoTime, Random } from './random';

/** The second Tuesday of a month at 18:00 UTC: when the fictional vendor publishes its monthly updates. */
export function patchTuesday(year: number, month: number): number {
    const first = new Date(Date.UTC(year, month, 1));
    const firstTuesday = 1 + ((2 - first.getUTCDay() + 7) % 7);
    return Date.UTC(year, month, firstTuesday + 7, 18);
}

/** The most recent patch Tuesday at or before `time`. */
export function latestPatchTuesday(time: number): number {
    const d = new Date(time);
    const thisMonth = patchTuesday(d.getUTCFullYear(), d.getUTCMonth());
    return thisMonth <= time ? thisMonth : patchTuesday(d.getUTCFullYear(), d.getUTCMonth() - 1);
}

interface WindowsUpdateKind {
    slot: number;
    classification: PatchClassification;
    severity: (random: Random) => PatchSeverity;
    reboot: RebootBehaviour;
    title: (product: string, month: string, kb: string) => string;
    /** Chance the machine misses it, by patch profile. */
    odds: { current: number; lagging: number; neglected: number };
    sqlOnly?: boolean;
    /** Published daily rather than monthly. */
    daily?: boolean;
}

const important = () => 'Important' as const;
const unspecified = () => 'Unspecified' as const;

const WINDOWS_KINDS: readonly WindowsUpdateKind[] = [
    {
        slot: 1,
        classification: 'Security',
        severity: (r) => (r.chance(0.5) ? 'Critical' : 'Important'),
        reboot: 'CanRequestReboot',
        title: (p, m, kb) =>
            p.includes('2012')
                ? `${m} Security Monthly Quality Rollup for ${p} (KB${kb})`
                : `${m} Cumulative Update for ${p} for x64-based Systems (KB${kb})`,
        odds: { current: 0.3, lagging: 1, neglected: 1 },
    },
    {
        slot: 2,
        classification: 'Security',
        severity: important,
        reboot: 'CanRequestReboot',
        title: (p, m, kb) => `${m} Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for ${p} (KB${kb})`,
        odds: { current: 0.1, lagging: 0.7, neglected: 0.9 },
    },
    {
        slot: 3,
        classification: 'Critical',
        severity: unspecified,
        reboot: 'NeverReboots',
        title: (p, m, kb) => `${m} Servicing Stack Update for ${p} (KB${kb})`,
        odds: { current: 0, lagging: 0.4, neglected: 0.8 },
    },
    {
        slot: 4,
        classification: 'Definition',
        severity: unspecified,
        reboot: 'NeverReboots',
        title: (_p, _m, kb) => `Security Intelligence Update for Microsoft Defender Antivirus - KB${kb} (Version 1.421.${kb.slice(-3)}.0)`,
        odds: { current: 0.5, lagging: 0.8, neglected: 0.9 },
        daily: true,
    },
    {
        slot: 5,
        classification: 'UpdateRollup',
        severity: unspecified,
        reboot: 'CanRequestReboot',
        title: (p, m, kb) => `${m} Windows Malicious Software Removal Tool x64 - v5.1${m.slice(2, 4)} for ${p} (KB${kb})`,
        odds: { current: 0.2, lagging: 0.5, neglected: 0.8 },
    },
    {
        slot: 6,
        classification: 'Updates',
        severity: unspecified,
        reboot: 'NeverReboots',
        title: (_p, _m, kb) => `Update for Microsoft Defender Antivirus antimalware platform - KB${kb} (Version 4.18.24${kb.slice(-3)}.5)`,
        odds: { current: 0.2, lagging: 0.5, neglected: 0.7 },
    },
    {
        slot: 7,
        classification: 'Tools',
        severity: unspecified,
        reboot: 'NeverReboots',
        title: (p, m, kb) => `${m} Remote Server Administration Tools refresh for ${p} (KB${kb})`,
        odds: { current: 0, lagging: 0.15, neglected: 0.4 },
    },
    {
        slot: 8,
        classification: 'FeaturePack',
        severity: unspecified,
        reboot: 'CanRequestReboot',
        title: (p, _m, kb) => `Storage Replica feature pack for ${p} (KB${kb})`,
        odds: { current: 0, lagging: 0.12, neglected: 0.4 },
    },
    {
        slot: 9,
        classification: 'ServicePack',
        severity: unspecified,
        reboot: 'AlwaysRequiresReboot',
        title: (_p, _m, kb) => `Service Pack 2 for Windows Server Update Services 4.0 (KB${kb})`,
        odds: { current: 0, lagging: 0.08, neglected: 0.35 },
    },
    {
        slot: 10,
        classification: 'Critical',
        severity: unspecified,
        reboot: 'CanRequestReboot',
        title: (p, m, kb) => `${m} Update for ${p} to correct Kerberos ticket renewal (KB${kb})`,
        odds: { current: 0, lagging: 0.3, neglected: 0.5 },
    },
    {
        slot: 11,
        classification: 'Security',
        severity: important,
        reboot: 'CanRequestReboot',
        title: (_p, m, kb) => `${m} Security Update for SQL Server (GDR) (KB${kb})`,
        odds: { current: 0.2, lagging: 0.6, neglected: 0.9 },
        sqlOnly: true,
    },
];

/** One machine's latest assessment and the patches it reports missing. */
export interface MachinePatches {
    assessment: PatchAssessment;
    missing: MissingPatch[];
}

const WINDOWS_ORDER: readonly PatchClassification[] = WINDOWS_PATCH_CLASSIFICATIONS;

/**
 * Builds the assessment and missing patches of one machine. Counts in the assessment are computed from the
 * patch list, so the summary and the detail never disagree (as they do not in Azure).
 */
export function machinePatches(fleet: Fleet, fm: FleetMachine): MachinePatches {
    const random = new Random(hashKey(fm.key, 'patches'));
    const m = fm.machine;
    const missing: MissingPatch[] = [];
    let assessedAt: number | undefined;
    if (fm.assessmentState === 'recent') {
        assessedAt = fleet.anchor - Math.round(random.range(0.2, 22) * TIME.HOUR);
    } else if (fm.assessmentState === 'stale') {
        const reportingEnd = Math.min(fleet.anchor, fm.reportingUntil);
        const ageDays = fm.reportingUntil < fleet.anchor ? random.range(0.1, 1) : random.range(8, 40);
        assessedAt = reportingEnd - Math.round(ageDays * TIME.DAY);
    }
    if (assessedAt !== undefined) {
        if (m.osType === 'windows') {
            addWindowsPatches(fm, random, assessedAt, missing);
        } else {
            addLinuxPatches(fm, random, missing);
        }
        if (fleet.hostile && fm.index === firstAssessedIndex(fleet)) {
            for (const text of HOSTILE_STRINGS) {
                missing.push({
                    machineId: m.id,
                    machineName: m.name,
                    osType: m.osType,
                    patchName: text,
                    ...(m.osType === 'windows' ? { kbId: '5099999' } : { version: text }),
                    classification: m.osType === 'windows' ? 'Updates' : 'Other',
                    severity: 'Unspecified',
                    rebootBehaviour: 'Unknown',
                });
            }
        }
    }
    const counts: Partial<Record<PatchClassification, number>> = {};
    if (assessedAt !== undefined) {
        const keys: readonly PatchClassification[] = m.osType === 'windows' ? WINDOWS_ORDER : ['Security', 'Other'];
        for (const key of keys) {
            counts[key] = 0;
        }
        for (const p of missing) {
            counts[p.classification] = (counts[p.classification] ?? 0) + 1;
        }
    }
    // Not assessed lately while online: periodic assessment is off — unless the extension service that runs it is stopped.
    const periodicOff =
        fm.assessmentState !== 'recent' &&
        (fm.machine.status === 'Connected' || fm.machine.status === 'Running') &&
        !/^(Stopped|inactive)$/.test(fm.machine.extensionService ?? '');
    const assessment: PatchAssessment = {
        machineId: m.id,
        machineName: m.name,
        osType: m.osType,
        subscriptionId: m.subscriptionId,
        resourceGroup: m.resourceGroup,
        assessedAt: assessedAt === undefined ? undefined : isoTime(assessedAt),
        status:
            assessedAt === undefined
                ? 'Unknown'
                : fm.machine.status === 'Error'
                  ? 'Failed'
                  : random.chance(0.08)
                    ? 'CompletedWithWarnings'
                    : 'Succeeded',
        rebootPending: fm.rebootPending,
        countsByClassification: counts,
        assessmentMode: periodicOff ? 'ImageDefault' : 'AutomaticByPlatform',
    };
    if (assessment.assessedAt === undefined) {
        delete assessment.assessedAt;
    }
    const installation = lastInstallation(fm, assessedAt);
    if (installation) {
        // A run that left patches failed or pending before an assessment that finds nothing missing would contradict it:
        // such a machine's last run went through.
        const leftBehind = installation.failed + installation.pending;
        assessment.lastInstallation =
            leftBehind > 0 && missing.length === 0
                ? {
                      at: installation.at,
                      status: 'Succeeded',
                      installed: installation.installed,
                      failed: 0,
                      pending: 0,
                      rebootStatus: m.osType === 'windows' ? 'Completed' : 'NotNeeded',
                      maintenanceWindowExceeded: false,
                  }
                : installation;
    }
    if (assessment.status === 'Failed') {
        // What Update Manager says of an assessment on a machine whose agent is in error.
        assessment.error =
            m.osType === 'windows'
                ? 'The Windows Update service (wuauserv) did not respond; the assessment could not list updates.'
                : 'The package manager could not be run: another process holds its lock.';
    }
    return { assessment, missing };
}

/**
 * The machine's latest patch installation run, from its own stream (so nothing else moves): most assessed machines were
 * patched in the days before their assessment; about one run in twelve failed on a patch or two, one in twenty ran out
 * of its maintenance window with patches still pending. A machine never assessed was never patched through Azure.
 */
function lastInstallation(fm: FleetMachine, assessedAt: number | undefined): PatchInstallation | undefined {
    const random = new Random(hashKey(fm.key, 'installation'));
    if (assessedAt === undefined || !random.chance(0.8)) {
        return undefined;
    }
    const windows = fm.machine.osType === 'windows';
    const at = assessedAt - Math.round(random.range(1, 20) * TIME.DAY);
    const outcome = random.next();
    const installed = random.int(1, windows ? 8 : 25);
    if (outcome < 0.085) {
        const failed = random.int(1, 3);
        return {
            at: isoTime(at),
            status: 'Failed',
            installed,
            failed,
            pending: 0,
            rebootStatus: windows ? 'Completed' : 'NotNeeded',
            maintenanceWindowExceeded: false,
            error: windows
                ? `${failed} update${failed === 1 ? '' : 's'} failed to install (0x80070643: fatal error during installation).`
                : `${failed} package${failed === 1 ? '' : 's'} failed to install: dependency problems prevented configuration.`,
        };
    }
    if (outcome < 0.135) {
        return {
            at: isoTime(at),
            status: 'CompletedWithWarnings',
            installed,
            failed: 0,
            pending: random.int(2, 6),
            rebootStatus: windows ? 'Required' : 'NotNeeded',
            maintenanceWindowExceeded: true,
        };
    }
    return {
        at: isoTime(at),
        status: 'Succeeded',
        installed,
        failed: 0,
        pending: 0,
        rebootStatus: windows ? 'Completed' : 'NotNeeded',
        maintenanceWindowExceeded: false,
    };
}

function firstAssessedIndex(fleet: Fleet): number {
    return fleet.machines.find((m) => m.index > 0 && m.assessmentState !== 'missing')?.index ?? 0;
}

function monthLabel(time: number): string {
    const d = new Date(time);
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Invented KB numbers: stable per product, month and kind, so the same update has the same KB on every machine. */
function kbNumber(product: string, monthIndex: number, slot: number): string {
    return String(5_000_000 + monthIndex * 1_371 + slot * 97 + (hashKey(product) % 89));
}

function addWindowsPatches(fm: FleetMachine, random: Random, assessedAt: number, out: MissingPatch[]): void {
    if (fm.patchProfile === 'fully-patched') {
        return;
    }
    // A release out of support (Extended Security Updates included) gets no monthly updates after its last day: its machines
    // miss at most what came out until then (Windows Server 2012 R2: the October 2026 updates).
    const support = osSupport(fm.machine.osName, new Date(assessedAt));
    const lastDay = support?.status === 'ended' ? Date.parse(`${support.esuEnd ?? support.extendedEnd}T23:59:59Z`) : Infinity;
    const released = latestPatchTuesday(Math.min(assessedAt, lastDay));
    const month = monthLabel(released);
    const d = new Date(released);
    const monthIndex = (d.getUTCFullYear() - 2020) * 12 + d.getUTCMonth();
    const profile = fm.patchProfile;
    const add = (kind: WindowsUpdateKind) => {
        const daysBack = kind.daily ? Math.floor(random.range(0, 2)) : 0;
        const kb = kind.daily
            ? String(2_310_000 + ((Math.floor(assessedAt / TIME.DAY) - daysBack) % 1000))
            : kbNumber(fm.os.product, monthIndex, kind.slot);
        const publishedAt = kind.daily ? Math.floor(assessedAt / TIME.HOUR) * TIME.HOUR - daysBack * TIME.DAY - 3 * TIME.HOUR : released;
        out.push({
            machineId: fm.machine.id,
            machineName: fm.machine.name,
            osType: 'windows',
            patchName: kind.title(fm.os.product, month, kb),
            kbId: kb,
            classification: kind.classification,
            severity: kind.severity(random),
            publishedAt: isoTime(publishedAt),
            rebootBehaviour: kind.reboot,
        });
    };
    const before = out.length;
    for (const kind of WINDOWS_KINDS) {
        if ((!kind.sqlOnly || fm.machine.sqlDiscovered) && random.chance(kind.odds[profile])) {
            add(kind);
        }
    }
    // Only fully patched machines miss nothing: everyone else is at least a definition update behind.
    if (out.length === before) {
        add(WINDOWS_KINDS.find((k) => k.classification === 'Definition') ?? WINDOWS_KINDS[0]);
    }
    // A neglected machine also misses last month's .NET update, which the current one does not supersede.
    if (profile === 'neglected' && random.chance(0.5)) {
        const previous = latestPatchTuesday(released - TIME.DAY);
        const pd = new Date(previous);
        const kb = kbNumber(fm.os.product, (pd.getUTCFullYear() - 2020) * 12 + pd.getUTCMonth(), 12);
        out.push({
            machineId: fm.machine.id,
            machineName: fm.machine.name,
            osType: 'windows',
            patchName: `${monthLabel(previous)} Security Update for Microsoft Visual C++ 2015-2022 Redistributable (KB${kb})`,
            kbId: kb,
            classification: 'Security',
            severity: 'Moderate',
            publishedAt: isoTime(previous),
            rebootBehaviour: 'NeverReboots',
        });
    }
}

/**
 * The updates a Linux machine waits for: its packages that are behind (see {@link linuxPackagesOf}), each at the newest
 * published version, which is higher than the installed one; the inventory lists the same packages.
 */
function addLinuxPatches(fm: FleetMachine, random: Random, out: MissingPatch[]): void {
    const ubuntu = fm.os.family === 'ubuntu';
    const behind = linuxPackagesOf(fm)
        .filter((p) => p.at < NEWEST)
        .map((p) => p.pkg)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const p of behind) {
        // Ubuntu's security notices carry no MSRC-style severity.
        const severity: PatchSeverity =
            !p.security || ubuntu
                ? 'Unspecified'
                : random.weighted<PatchSeverity>([
                      ['Critical', 1],
                      ['Important', 4],
                      ['Moderate', 4],
                      ['Low', 1],
                  ]);
        out.push({
            machineId: fm.machine.id,
            machineName: fm.machine.name,
            osType: 'linux',
            patchName: p.name,
            version: p.versions[NEWEST],
            classification: p.security ? 'Security' : 'Other',
            severity,
            rebootBehaviour: p.kernel ? 'CanRequestReboot' : 'NeverReboots',
        });
    }
}
