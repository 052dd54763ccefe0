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
import { linuxPackagesOf, NEWEST, type InstalledPackage, type LinuxPackage } from './linuxPackages';
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

/**
 * A kind of update the fictional vendor publishes. Everything but the odds is a property of the update itself — its
 * classification, MSRC severity, reboot behaviour and title, and its KB and publication date (see {@link kbNumber},
 * {@link definitionUpdate}) — so an update is the same on every machine that misses it, as in Azure.
 */
interface WindowsUpdateKind {
    slot: number;
    classification: PatchClassification;
    /** Its MSRC severity: that of the worst vulnerability it fixes. */
    severity: PatchSeverity;
    /**
     * A draw of the machine's stream is spent when the machine misses it (where its severity used to be drawn per
     * machine), so that the rest of the stream — which other updates the machine misses — stays as it was.
     */
    spendsDraw?: boolean;
    reboot: RebootBehaviour;
    title: (product: string, month: string, kb: string) => string;
    /** Chance the machine misses it, by patch profile. */
    odds: { current: number; lagging: number; neglected: number };
    sqlOnly?: boolean;
    /** Published daily rather than monthly. */
    daily?: boolean;
}

const WINDOWS_KINDS: readonly WindowsUpdateKind[] = [
    {
        slot: 1,
        classification: 'Security',
        // Dozens of fixes a month (a monthly rollup's on Windows Server 2012 R2), a remote code execution rated Critical among them.
        severity: 'Critical',
        spendsDraw: true,
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
        severity: 'Important',
        reboot: 'CanRequestReboot',
        title: (p, m, kb) => `${m} Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for ${p} (KB${kb})`,
        odds: { current: 0.1, lagging: 0.7, neglected: 0.9 },
    },
    {
        slot: 3,
        classification: 'Critical',
        severity: 'Unspecified',
        reboot: 'NeverReboots',
        title: (p, m, kb) => `${m} Servicing Stack Update for ${p} (KB${kb})`,
        odds: { current: 0, lagging: 0.4, neglected: 0.8 },
    },
    {
        slot: 4,
        classification: 'Definition',
        severity: 'Unspecified',
        reboot: 'NeverReboots',
        title: (_p, _m, kb) => `Security Intelligence Update for Microsoft Defender Antivirus - KB${kb} (Version 1.421.${kb.slice(-3)}.0)`,
        odds: { current: 0.5, lagging: 0.8, neglected: 0.9 },
        daily: true,
    },
    {
        slot: 5,
        classification: 'UpdateRollup',
        severity: 'Unspecified',
        reboot: 'CanRequestReboot',
        title: (p, m, kb) => `${m} Windows Malicious Software Removal Tool x64 - v5.1${m.slice(2, 4)} for ${p} (KB${kb})`,
        odds: { current: 0.2, lagging: 0.5, neglected: 0.8 },
    },
    {
        slot: 6,
        classification: 'Updates',
        severity: 'Unspecified',
        reboot: 'NeverReboots',
        title: (_p, _m, kb) => `Update for Microsoft Defender Antivirus antimalware platform - KB${kb} (Version 4.18.24${kb.slice(-3)}.5)`,
        odds: { current: 0.2, lagging: 0.5, neglected: 0.7 },
    },
    {
        slot: 7,
        classification: 'Tools',
        severity: 'Unspecified',
        reboot: 'NeverReboots',
        title: (p, m, kb) => `${m} Remote Server Administration Tools refresh for ${p} (KB${kb})`,
        odds: { current: 0, lagging: 0.15, neglected: 0.4 },
    },
    {
        slot: 8,
        classification: 'FeaturePack',
        severity: 'Unspecified',
        reboot: 'CanRequestReboot',
        title: (p, _m, kb) => `Storage Replica feature pack for ${p} (KB${kb})`,
        odds: { current: 0, lagging: 0.12, neglected: 0.4 },
    },
    {
        slot: 9,
        classification: 'ServicePack',
        severity: 'Unspecified',
        reboot: 'AlwaysRequiresReboot',
        title: (_p, _m, kb) => `Service Pack 2 for Windows Server Update Services 4.0 (KB${kb})`,
        odds: { current: 0, lagging: 0.08, neglected: 0.35 },
    },
    {
        slot: 10,
        classification: 'Critical',
        severity: 'Unspecified',
        reboot: 'CanRequestReboot',
        title: (p, m, kb) => `${m} Update for ${p} to correct Kerberos ticket renewal (KB${kb})`,
        odds: { current: 0, lagging: 0.3, neglected: 0.5 },
    },
    {
        slot: 11,
        classification: 'Security',
        severity: 'Important',
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
    const assessed = assessMachine(fleet, fm);
    const { assessedAt } = assessed;
    const m = fm.machine;
    // Taken before the planted rows below join the list: the runs are what Change Tracking sees too.
    const installation = lastInstallation(fleet, fm, assessed);
    const missing = assessed.missing.slice();
    if (assessedAt !== undefined && fleet.hostile && fm.index === firstAssessedIndex(fleet)) {
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
                  : assessed.warningsDraw < 0.08
                    ? 'CompletedWithWarnings'
                    : 'Succeeded',
        rebootPending: fm.rebootPending,
        countsByClassification: counts,
        assessmentMode: periodicOff ? 'ImageDefault' : 'AutomaticByPlatform',
    };
    if (assessment.assessedAt === undefined) {
        delete assessment.assessedAt;
    }
    if (installation) {
        // A run that left patches failed or pending before an assessment that finds nothing missing would contradict it:
        // such a machine's last run went through. What it installed stays as it was.
        const leftBehind = installation.failed + installation.pending;
        assessment.lastInstallation =
            leftBehind > 0 && missing.length === 0
                ? {
                      at: installation.at,
                      status: 'Succeeded',
                      installed: installation.installed,
                      failed: 0,
                      pending: 0,
                      rebootStatus: installation.installed > 0 && m.osType === 'windows' ? 'Completed' : 'NotNeeded',
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

/** A machine's latest assessment as drawn: when it ran (undefined: never) and what it found missing. */
interface DrawnAssessment {
    assessedAt?: number;
    missing: readonly MissingPatch[];
    /** The next draw of the machine's patch stream: whether the assessment completed with warnings. */
    warningsDraw: number;
    /** A Linux machine's packages (see {@link linuxPackagesOf}); empty on Windows. */
    packages: readonly InstalledPackage[];
}

/** Assessments by machine: the patch tools and the software inventory both read them, and the fleet is rebuilt each hour. */
const drawnAssessments = new WeakMap<FleetMachine, DrawnAssessment>();

/**
 * When the machine was last assessed and what that assessment found missing, from the machine's patch stream. Update
 * Manager assesses a machine again shortly after it patched it, so a machine assessed lately whose latest patch run
 * finished after the drawn time was assessed after that run instead.
 */
function assessMachine(fleet: Fleet, fm: FleetMachine): DrawnAssessment {
    const cached = drawnAssessments.get(fm);
    if (cached) {
        return cached;
    }
    const random = new Random(hashKey(fm.key, 'patches'));
    const packages = fm.machine.osType === 'windows' ? [] : linuxPackagesOf(fm);
    const missing: MissingPatch[] = [];
    let assessedAt: number | undefined;
    if (fm.assessmentState === 'recent') {
        assessedAt = reassessedAfterRun(fleet, fm, fleet.anchor - Math.round(random.range(0.2, 22) * TIME.HOUR));
    } else if (fm.assessmentState === 'stale') {
        const reportingEnd = Math.min(fleet.anchor, fm.reportingUntil);
        const ageDays = fm.reportingUntil < fleet.anchor ? random.range(0.1, 1) : random.range(8, 40);
        assessedAt = reportingEnd - Math.round(ageDays * TIME.DAY);
    }
    if (assessedAt !== undefined) {
        if (fm.machine.osType === 'windows') {
            addWindowsPatches(fm, random, assessedAt, missing);
        } else {
            addLinuxPatches(fm, random, packages, missing);
        }
    }
    const drawn = { assessedAt, missing, warningsDraw: random.next(), packages };
    drawnAssessments.set(fm, drawn);
    return drawn;
}

/** How long a machine's maintenance window stays open: a run still going then stops with patches pending. */
export const MAINTENANCE_WINDOW = 3 * TIME.HOUR;
/** How long Azure Resource Graph keeps patch installation results (assessments: 7 days). */
const INSTALLATION_RETENTION = 30 * TIME.DAY;
/** A run is before an assessment that started at least this long after it finished. */
const RUN_BEFORE_ASSESSMENT = 5 * TIME.MINUTE;

/**
 * The drawn time of a recent assessment, or — when the machine's latest patch run finished after it and the assessment
 * Update Manager starts 10 to 40 minutes after a run has happened by now — that assessment. Only machines that are up:
 * the assessment of a machine whose agent is in error is the failed one drawn.
 */
function reassessedAfterRun(fleet: Fleet, fm: FleetMachine, drawn: number): number {
    if (fm.machine.status !== 'Connected' && fm.machine.status !== 'Running') {
        return drawn;
    }
    const nights = patchNights(fm, drawn - MAINTENANCE_WINDOW, fleet.anchor);
    for (let i = nights.length - 1; i >= 0; i--) {
        const { end } = runShape(fm, nights[i]);
        const reassessed = end + Math.round(new Random(hashKey(fm.key, 'reassessment', nights[i])).range(10, 40) * TIME.MINUTE);
        if (reassessed > fleet.anchor) {
            continue; // still running, or its assessment is still to come: the run does not count yet
        }
        return end + RUN_BEFORE_ASSESSMENT > drawn ? reassessed : drawn;
    }
    return drawn;
}

/**
 * Patch nights in local time: Windows production patches the Saturday after patch Tuesday, everything else the
 * evening of patch Tuesday itself (after the 18:00 UTC release at every site); Linux runs every Sunday night. Times are
 * when the maintenance window opens, from `from` (included) to `to` (excluded), oldest first.
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
            if (night >= from && night < to) {
                nights.push(night);
            }
        }
    } else {
        // 1970-01-01 was a Thursday, so day numbers ≡ 3 (mod 7) are Sundays.
        for (let day = Math.floor(from / TIME.DAY); day * TIME.DAY < to; day++) {
            if (day % 7 === 3) {
                const night = day * TIME.DAY + localMidnightOffset + 2 * TIME.HOUR;
                if (night >= from && night < to) {
                    nights.push(night);
                }
            }
        }
    }
    return nights.sort((a, b) => a - b);
}

/** One update or package a patch run installed, as Change Tracking records it on the machine. */
export interface InstalledPatch {
    /** Epoch ms, within the run. */
    time: number;
    /** The update's title with its KB (Windows), or the package name (Linux). */
    name: string;
    classification: PatchClassification;
    /** Windows: the KB number without `KB`. */
    kbId?: string;
    /** Linux: the package's version before and after, as indexes into its versions (see {@link linuxPackagesOf}). */
    fromVersion?: number;
    toVersion?: number;
}

/** One patch night's run on a machine: its outcome as Update Manager reports it, and what it installed. */
export interface PatchRun {
    /** Epoch ms: when the maintenance window opened (the patch night). */
    start: number;
    /** Epoch ms: when the run finished; the window's end when it ran out of time. */
    end: number;
    installation: PatchInstallation;
    /** Every update or package it installed, oldest first: `installation.installed` of them. */
    installed: InstalledPatch[];
}

/** A patch night's run before anything is picked, from the night's own stream (so adding a night moves no other). */
interface RunShape {
    start: number;
    end: number;
    status: 'Succeeded' | 'Failed' | 'CompletedWithWarnings';
    /** How many updates it would install, given that many to install. */
    wanted: number;
    failed: number;
    pending: number;
    random: Random;
}

/**
 * About one run in twelve fails on a patch or two, one in twenty runs out of its maintenance window with patches still
 * pending; the rest finish within two and a half hours.
 */
function runShape(fm: FleetMachine, start: number): RunShape {
    const random = new Random(hashKey(fm.key, 'patch run', start));
    const outcome = random.next();
    const status = outcome < 0.085 ? 'Failed' : outcome < 0.135 ? 'CompletedWithWarnings' : 'Succeeded';
    const wanted = random.int(1, fm.machine.osType === 'windows' ? 8 : 6);
    const failed = status === 'Failed' ? random.int(1, 3) : 0;
    const pending = status === 'CompletedWithWarnings' ? random.int(2, 6) : 0;
    const end = start + (status === 'CompletedWithWarnings' ? MAINTENANCE_WINDOW : Math.round(random.range(0.5, 2.5) * TIME.HOUR));
    return { start, end, status, wanted, failed, pending, random };
}

/**
 * The machine's patch runs whose night is at or after `from`, oldest first: one on every patch night of its schedule (see
 * {@link patchNights}) until its latest assessment, which follows its latest run (a machine whose assessment is stale
 * has not been patched since); a machine never assessed is patched by its own tooling while it reports. Azure Update
 * Manager records a machine's runs only where it runs them (see {@link machinePatches}); Change Tracking sees every run
 * while the machine's data reaches Log Analytics (see `machineSoftware`), one change per update or package installed.
 *
 * Windows runs install updates of the month the night follows (the ones the assessment after them still lists as missing
 * excepted; only the daily definition update once the release is past its support). Linux runs update packages one
 * version each, picked newest run first back from the installed versions, so the changes make one history ending at the
 * inventory; the latest run brought its packages to the newest version, and a package still behind waits for it.
 */
export function patchRuns(fleet: Fleet, fm: FleetMachine, from: number, assessed = assessMachine(fleet, fm)): PatchRun[] {
    const until = runsUntil(fleet, fm, assessed);
    const shapes = patchNights(fm, from, until)
        .map((night) => runShape(fm, night))
        .filter((shape) => shape.end <= until);
    const windows = fm.machine.osType === 'windows';
    const picks: InstalledPatch[][] = windows
        ? shapes.map((shape) => windowsUpdatesInstalled(fm, shape, assessed.missing))
        : linuxPackagesInstalled(assessed.packages, shapes);
    return shapes.map((shape, i) => {
        const installed = picks[i];
        const offsets = installed.map(() => shape.random.range(0, shape.end - shape.start)).sort((a, b) => a - b);
        installed.forEach((patch, n) => {
            patch.time = shape.start + Math.round(offsets[n]);
        });
        return { start: shape.start, end: shape.end, installation: installationOf(shape, installed.length, windows), installed };
    });
}

/** When a machine's patch runs end: before its latest assessment; for a machine never assessed, when it stopped reporting. */
function runsUntil(fleet: Fleet, fm: FleetMachine, assessed: DrawnAssessment): number {
    return assessed.assessedAt === undefined ? Math.min(fleet.anchor, fm.reportingUntil) : assessed.assessedAt - RUN_BEFORE_ASSESSMENT;
}

/** The updates of the night's month a Windows run installs. */
function windowsUpdatesInstalled(fm: FleetMachine, shape: RunShape, missing: readonly MissingPatch[]): InstalledPatch[] {
    const stillMissing = new Set(missing.map((p) => p.kbId));
    const released = latestPatchTuesday(shape.start);
    const monthly = osSupport(fm.machine.osName, new Date(shape.start))?.status !== 'ended';
    const d = new Date(released);
    const monthIndex = (d.getUTCFullYear() - 2020) * 12 + d.getUTCMonth();
    const available: { kind: WindowsUpdateKind; kb: string }[] = [];
    for (const kind of WINDOWS_KINDS) {
        if ((kind.sqlOnly && !fm.machine.sqlDiscovered) || (!monthly && !kind.daily)) {
            continue;
        }
        const kb = kind.daily ? definitionUpdate(definitionDay(shape.start)).kb : kbNumber(fm.os.product, monthIndex, kind.slot);
        if (!stillMissing.has(kb)) {
            available.push({ kind, kb });
        }
    }
    const month = monthLabel(released);
    return shape.random.sample(available, shape.wanted).map(({ kind, kb }) => ({
        time: 0,
        name: kind.title(fm.os.product, month, kb),
        classification: kind.classification,
        kbId: kb,
    }));
}

/** The packages each Linux run updated, one version each: newest run first, stepping back from the installed versions. */
function linuxPackagesInstalled(installed: readonly InstalledPackage[], shapes: readonly RunShape[]): InstalledPatch[][] {
    // The agents are Azure's to update, not the package manager's.
    const packages = installed.filter((p) => !p.pkg.agent);
    const current = packages.map((p) => p.at);
    const picks: InstalledPatch[][] = shapes.map(() => []);
    for (let r = shapes.length - 1; r >= 0; r--) {
        const latest = r === shapes.length - 1;
        const candidates = packages.map((_p, i) => i).filter((i) => (latest ? current[i] === NEWEST : current[i] > 0));
        for (const i of shapes[r].random.sample(candidates, shapes[r].wanted)) {
            const pkg = packages[i].pkg;
            picks[r].push({
                time: 0,
                name: pkg.name,
                classification: pkg.security ? 'Security' : 'Other',
                fromVersion: current[i] - 1,
                toVersion: current[i],
            });
            current[i]--;
        }
    }
    return picks;
}

function installationOf(shape: RunShape, installed: number, windows: boolean): PatchInstallation {
    const at = isoTime(shape.end);
    const rebooted = windows && installed > 0 ? 'Completed' : 'NotNeeded';
    if (shape.status === 'Failed') {
        const failed = shape.failed;
        return {
            at,
            status: 'Failed',
            installed,
            failed,
            pending: 0,
            rebootStatus: rebooted,
            maintenanceWindowExceeded: false,
            error: windows
                ? `${failed} update${failed === 1 ? '' : 's'} failed to install (0x80070643: fatal error during installation).`
                : `${failed} package${failed === 1 ? '' : 's'} failed to install: dependency problems prevented configuration.`,
        };
    }
    if (shape.status === 'CompletedWithWarnings') {
        return {
            at,
            status: 'CompletedWithWarnings',
            installed,
            failed: 0,
            pending: shape.pending,
            rebootStatus: windows ? 'Required' : 'NotNeeded',
            maintenanceWindowExceeded: true,
        };
    }
    return { at, status: 'Succeeded', installed, failed: 0, pending: 0, rebootStatus: rebooted, maintenanceWindowExceeded: false };
}

/**
 * The machine's latest patch installation run that Azure keeps (30 days): the latest of its runs (see {@link patchRuns})
 * where Update Manager patches it — four machines in five of those it assesses, the choice from the machine's own
 * stream. The others are patched by their own tooling (WSUS, unattended upgrades), so Update Manager holds no run of
 * theirs; a machine never assessed was never patched through Azure.
 */
function lastInstallation(fleet: Fleet, fm: FleetMachine, assessed: DrawnAssessment): PatchInstallation | undefined {
    if (assessed.assessedAt === undefined || !new Random(hashKey(fm.key, 'installation')).chance(0.8)) {
        return undefined;
    }
    const kept = fleet.anchor - INSTALLATION_RETENTION;
    // Only the latest run is needed, and what it installed depends on no earlier one.
    const nights = patchNights(fm, kept - MAINTENANCE_WINDOW, runsUntil(fleet, fm, assessed));
    for (let i = nights.length - 1; i >= 0; i--) {
        const runs = patchRuns(fleet, fm, nights[i], assessed);
        if (runs.length) {
            const latest = runs[runs.length - 1];
            return latest.end >= kept ? latest.installation : undefined;
        }
    }
    return undefined;
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

/**
 * Microsoft Defender's security intelligence update of a day (days since 1970-01-01 UTC): published at the start of the
 * day (UTC), its KB numbered by the day — one update, at one time, for every machine.
 */
function definitionUpdate(day: number): { kb: string; publishedAt: number } {
    return { kb: String(2_310_000 + (day % 1000)), publishedAt: day * TIME.DAY };
}

/** The day of the newest definition update published at or before `time`. */
function definitionDay(time: number): number {
    return Math.floor(time / TIME.DAY);
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
        // The definition update the machine misses: the newest one, or the one before when it has not checked since.
        const daysBack = kind.daily ? Math.floor(random.range(0, 2)) : 0;
        const { kb, publishedAt } = kind.daily
            ? definitionUpdate(definitionDay(assessedAt) - daysBack)
            : { kb: kbNumber(fm.os.product, monthIndex, kind.slot), publishedAt: released };
        if (kind.spendsDraw) {
            random.next();
        }
        out.push({
            machineId: fm.machine.id,
            machineName: fm.machine.name,
            osType: 'windows',
            patchName: kind.title(fm.os.product, month, kb),
            kbId: kb,
            classification: kind.classification,
            severity: kind.severity,
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
function addLinuxPatches(fm: FleetMachine, random: Random, packages: readonly InstalledPackage[], out: MissingPatch[]): void {
    const ubuntu = fm.os.family === 'ubuntu';
    const behind = packages
        .filter((p) => p.at < NEWEST)
        .map((p) => p.pkg)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const p of behind) {
        const severity = ubuntu ? 'Unspecified' : advisorySeverity(p);
        if (p.security && !ubuntu) {
            // A draw is spent where the severity used to be drawn per machine, so that the rest of the stream stays as it was.
            random.next();
        }
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

/**
 * The severity of the advisory that published a package's newest version (Red Hat and SUSE rate theirs; Ubuntu's security
 * notices carry no such severity, nor does an update that is not a security fix): from the package and version alone, so
 * every machine waiting for that version sees the same one.
 */
function advisorySeverity(p: LinuxPackage): PatchSeverity {
    if (!p.security) {
        return 'Unspecified';
    }
    return new Random(hashKey('advisory severity', p.name, p.versions[NEWEST])).weighted<PatchSeverity>([
        ['Critical', 1],
        ['Important', 4],
        ['Moderate', 4],
        ['Low', 1],
    ]);
}
