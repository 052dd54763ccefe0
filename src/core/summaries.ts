import type { MachineStatus, MissingPatch, OsType, PatchAssessment, PatchClassification, PatchInstallation, PatchSeverity } from './model';
import { PATCH_SEVERITIES } from './model';
import { TIME, truncate } from './timespan';

/** Azure Update Manager keeps assessments 7 days; older (or none) means we do not know the machine's patch state. */
export const ASSESSMENT_MAX_AGE_MS = 7 * TIME.DAY;

/**
 * `compliant`: assessed within 7 days, nothing missing.
 * `missing-other`: assessed, missing only updates classified neither Critical nor Security — compliant too: fleet
 * compliance counts every assessed machine missing no Critical or Security update (`FleetPatchSummary.compliant`).
 * `missing-critical-or-security`: assessed, missing a Critical or Security update.
 * `not-assessed`: no assessment in the last 7 days, or the last one failed — never reported as "0 missing patches".
 */
export type PatchState = 'compliant' | 'missing-critical-or-security' | 'missing-other' | 'not-assessed';

export interface MachinePatchSummary {
    machineId: string;
    machineName: string;
    osType: OsType;
    subscriptionId: string;
    resourceGroup: string;
    state: PatchState;
    assessedAt?: string;
    /** Why the machine is not assessed, in words a person can act on. */
    notAssessedReason?: string;
    /** Unknown (null) for a machine not assessed: nothing is known of it, which is not "0 missing". */
    rebootPending: boolean | null;
    missing: number | null;
    critical: number | null;
    security: number | null;
    other: number | null;
    /** The latest patch installation run Azure keeps for the machine. */
    lastInstallation?: PatchInstallation;
}

export interface FleetPatchSummary {
    machines: number;
    assessed: number;
    notAssessed: number;
    /** Assessed machines missing no Critical or Security update: state `compliant` and state `missing-other`. */
    compliant: number;
    /** Of `compliant`, those still missing other updates (state `missing-other`). */
    compliantMissingOther: number;
    /** Compliant machines as a share of assessed machines, 0–100 with one decimal; null when none is assessed. */
    compliancePercent: number | null;
    rebootPending: number;
    missingPatches: number;
    criticalMissing: number;
    securityMissing: number;
    machinesMissingCriticalOrSecurity: number;
    bySeverity: Partial<Record<PatchSeverity, number>>;
    byClassification: Partial<Record<PatchClassification, number>>;
}

const isCriticalOrSecurity = (p: MissingPatch) => p.classification === 'Critical' || p.classification === 'Security';

/**
 * Assessment times parsed, per assessment row: the sample estate hands out the same rows for every answer, and
 * parsing 10,000 timestamps was the costliest step of a patch summary. The text is kept to check it still applies;
 * rows from Azure are new objects every time and their entries go with them.
 */
const parsedAssessmentTimes = new WeakMap<PatchAssessment, { text: string; time: number }>();

/** When the assessment was made (epoch ms), NaN when it is absent or unreadable. */
function assessedTime(assessment: PatchAssessment | undefined): number {
    const text = assessment?.assessedAt;
    if (!assessment || !text) {
        return NaN;
    }
    let parsed = parsedAssessmentTimes.get(assessment);
    if (parsed?.text !== text) {
        parsed = { text, time: Date.parse(text) };
        parsedAssessmentTimes.set(assessment, parsed);
    }
    return parsed.time;
}

/** Whether the assessment is at most 7 days old (Update Manager's retention), so the machine's patch state is known. */
export function isRecentlyAssessed(assessment: PatchAssessment | undefined, now: Date): boolean {
    const assessedAt = assessedTime(assessment);
    return Number.isFinite(assessedAt) && now.getTime() - assessedAt <= ASSESSMENT_MAX_AGE_MS;
}

/** Whether the last assessment failed: its patch counts say nothing (Azure keeps the failed run, often with none). */
export function assessmentFailed(assessment: PatchAssessment | undefined): boolean {
    return assessment?.status.toLowerCase() === 'failed';
}

/** Explains a missing, stale or failed assessment with the likely cause. */
export function notAssessedReason(
    assessment: PatchAssessment | undefined,
    now: Date,
    status?: MachineStatus,
    extensionServiceDown?: string,
): string | undefined {
    if (assessment && isRecentlyAssessed(assessment, now) && assessmentFailed(assessment)) {
        const days = Math.floor((now.getTime() - assessedTime(assessment)) / TIME.DAY);
        const when = days === 0 ? 'today' : days === 1 ? '1 day ago' : `${days} days ago`;
        const why = assessment.error ? `: ${truncate(assessment.error.replace(/\s+/g, ' ').trim(), 300)}` : '';
        return `the last assessment failed (${when})${why} — its results cannot be trusted; see the machine's history in Azure Update Manager`;
    }
    if (isRecentlyAssessed(assessment, now)) {
        return undefined;
    }
    const assessedAt = assessedTime(assessment);
    const age = Number.isFinite(assessedAt)
        ? `last assessed ${Math.floor((now.getTime() - assessedAt) / TIME.DAY)} days ago`
        : 'no assessment in the last 7 days';
    if (status === 'Disconnected' || status === 'Expired' || status === 'Stopped' || status === 'Deallocated') {
        return `${age}; the machine is ${status.toLowerCase()}, and machines are not assessed while offline`;
    }
    if (extensionServiceDown) {
        return `${age}; its Arc agent's extension service is ${extensionServiceDown}, and Azure Update Manager assesses through an extension — start that service on the machine`;
    }
    if (assessment?.assessmentMode && assessment.assessmentMode !== 'AutomaticByPlatform') {
        return `${age}; periodic assessment is off (assessmentMode ${assessment.assessmentMode}) — enable it in Azure Update Manager`;
    }
    return `${age}; check that periodic assessment is enabled in Azure Update Manager`;
}

/**
 * A case-insensitive key for Azure resource ids and names (Azure mixes cases freely). Memoised per use: rows of one
 * answer share their id strings, so each distinct id is lower-cased once instead of once per row and per join.
 */
export function caselessKey(): (value: string) => string {
    const seen = new Map<string, string>();
    return (value) => {
        let key = seen.get(value);
        if (key === undefined) {
            key = value.toLowerCase();
            seen.set(value, key);
        }
        return key;
    };
}

/**
 * Numbers ids compared case-insensitively (Azure mixes cases freely): every spelling of one id gets the same small
 * number, so a join across tables indexes arrays by it rather than hashing a lower-cased id at every step.
 */
export class CaselessIds {
    /** Position in `spellings` of each spelling met. */
    private readonly positions = new Map<string, number>();
    private readonly numbers = new Map<string, number>();
    /** Spellings in the order first met, with their numbers. */
    private readonly spellings: string[] = [];
    private readonly spellingNumbers: number[] = [];
    /** Where the next id is expected: tables list machines in the same order, so after one id usually comes the one met after it before. */
    private next = 0;

    /** How many distinct ids have numbers. */
    get size(): number {
        return this.numbers.size;
    }

    /** How many spellings of them are remembered. */
    get spellingCount(): number {
        return this.spellings.length;
    }

    /**
     * An array to hold a value per id number, as long as the numbers given so far: numbers given later are appended
     * as they come, so it never has a gap that would make V8 keep it as a slow dictionary.
     */
    table<V>(): (V | undefined)[] {
        return new Array<V | undefined>(this.numbers.size).fill(undefined);
    }

    /** The id's number, counting from 0 in the order ids are first met. */
    number(id: string): number {
        let at = this.next;
        if (at >= this.spellings.length || this.spellings[at] !== id) {
            const known = this.positions.get(id);
            if (known === undefined) {
                const key = id.toLowerCase();
                let n = this.numbers.get(key);
                if (n === undefined) {
                    n = this.numbers.size;
                    this.numbers.set(key, n);
                }
                at = this.spellings.length;
                this.spellings.push(id);
                this.spellingNumbers.push(n);
                this.positions.set(id, at);
            } else {
                at = known;
            }
        }
        this.next = at + 1;
        return this.spellingNumbers[at];
    }
}

/** How many distinct names (compared case-insensitively) the items carry. */
export function distinctCount<T>(items: readonly T[], nameOf: (item: T) => string): number {
    // The names as written first (rows repeat a few names many times), then those in lower case.
    const written = new Set<string>();
    for (const item of items) {
        written.add(nameOf(item));
    }
    const seen = new Set<string>();
    for (const name of written) {
        seen.add(name.toLowerCase());
    }
    return seen.size;
}

/**
 * Patch state per machine, from the latest assessments and the missing patches they found.
 * Machines appear in assessment order; counts come from the patch rows. `statusOf` and `extensionServiceDownOf` (the
 * state of an Arc agent's extension service that does not run) are asked only about machines whose assessment is
 * missing or stale, to explain why.
 */
export function summarisePatchesPerMachine(
    assessments: readonly PatchAssessment[],
    patches: readonly MissingPatch[],
    now: Date,
    statusOf: (machineId: string) => MachineStatus | undefined = () => undefined,
    ids: CaselessIds = new CaselessIds(),
    extensionServiceDownOf: (machineId: string) => string | undefined = () => undefined,
): MachinePatchSummary[] {
    const counts = ids.table<{ missing: number; critical: number; security: number }>();
    // Sources list a machine's patches together, so the id is looked up once per run of rows rather than once per row.
    let runId: string | undefined;
    let count: { missing: number; critical: number; security: number } | undefined;
    for (const patch of patches) {
        if (patch.machineId !== runId || !count) {
            runId = patch.machineId;
            const n = ids.number(runId);
            count = counts[n] ??= { missing: 0, critical: 0, security: 0 };
        }
        count.missing++;
        if (patch.classification === 'Critical') {
            count.critical++;
        } else if (patch.classification === 'Security') {
            count.security++;
        }
    }
    const none = { missing: 0, critical: 0, security: 0 };
    return assessments.map((a) => {
        const reason =
            isRecentlyAssessed(a, now) && !assessmentFailed(a)
                ? undefined
                : notAssessedReason(a, now, statusOf(a.machineId), extensionServiceDownOf(a.machineId));
        const { missing, critical, security } = reason ? none : (counts[ids.number(a.machineId)] ?? none);
        const state: PatchState = reason
            ? 'not-assessed'
            : critical + security > 0
              ? 'missing-critical-or-security'
              : missing > 0
                ? 'missing-other'
                : 'compliant';
        return {
            machineId: a.machineId,
            machineName: a.machineName,
            osType: a.osType,
            subscriptionId: a.subscriptionId,
            resourceGroup: a.resourceGroup,
            state,
            assessedAt: a.assessedAt,
            notAssessedReason: reason,
            rebootPending: reason ? null : a.rebootPending,
            missing: reason ? null : missing,
            critical: reason ? null : critical,
            security: reason ? null : security,
            other: reason ? null : missing - critical - security,
            lastInstallation: a.lastInstallation,
        };
    });
}

/**
 * Counts of a handful of distinct values (severities, classifications) in the order first met. Finding a value
 * among a few by comparison costs half what a keyed store into a count map does per row.
 */
class Tally<K extends string> {
    private readonly values: K[] = [];
    private readonly tallies: number[] = [];

    add(value: K): void {
        let i = 0;
        while (i < this.values.length && this.values[i] !== value) {
            i++;
        }
        if (i === this.values.length) {
            this.values.push(value);
            this.tallies.push(0);
        }
        this.tallies[i]++;
    }

    counts(): Partial<Record<K, number>> {
        const counts: Partial<Record<K, number>> = {};
        this.values.forEach((value, i) => {
            counts[value] = this.tallies[i];
        });
        return counts;
    }
}

/** Missing patches counted by severity and classification, one at a time, in the order values are first met. */
export class PatchCounts {
    total = 0;
    private readonly severities = new Tally<PatchSeverity>();
    private readonly classifications = new Tally<PatchClassification>();

    add(patch: MissingPatch): void {
        this.total++;
        this.severities.add(patch.severity);
        this.classifications.add(patch.classification);
    }

    bySeverity(): Partial<Record<PatchSeverity, number>> {
        return this.severities.counts();
    }

    byClassification(): Partial<Record<PatchClassification, number>> {
        return this.classifications.counts();
    }
}

/**
 * Fleet-wide patch compliance from per-machine summaries and the patches counted in them (or their counts, when the
 * caller tallies them in a pass of its own).
 */
export function summariseFleet(
    machines: readonly MachinePatchSummary[],
    patches: readonly MissingPatch[] | PatchCounts,
): FleetPatchSummary {
    let assessed = 0;
    let compliant = 0;
    let compliantMissingOther = 0;
    let rebootPending = 0;
    let missingCriticalOrSecurity = 0;
    for (const m of machines) {
        rebootPending += m.rebootPending ? 1 : 0;
        if (m.state !== 'not-assessed') {
            assessed++;
            compliant += m.state === 'compliant' || m.state === 'missing-other' ? 1 : 0;
            compliantMissingOther += m.state === 'missing-other' ? 1 : 0;
            missingCriticalOrSecurity += m.state === 'missing-critical-or-security' ? 1 : 0;
        }
    }
    let counts: PatchCounts;
    if (patches instanceof PatchCounts) {
        counts = patches;
    } else {
        // One pass over what may be hundreds of thousands of patches.
        counts = new PatchCounts();
        for (const p of patches) {
            counts.add(p);
        }
    }
    const bySeverity = counts.bySeverity();
    const byClassification = counts.byClassification();
    return {
        machines: machines.length,
        assessed,
        notAssessed: machines.length - assessed,
        compliant,
        compliantMissingOther,
        compliancePercent: assessed ? Math.round((compliant / assessed) * 1000) / 10 : null,
        rebootPending,
        missingPatches: counts.total,
        criticalMissing: byClassification.Critical ?? 0,
        securityMissing: byClassification.Security ?? 0,
        machinesMissingCriticalOrSecurity: missingCriticalOrSecurity,
        bySeverity,
        byClassification,
    };
}

/** Ordinal text order: deterministic in every locale, and far cheaper than `localeCompare` on 100,000 rows. */
export function byText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups rows by a key, keeping first-seen order (the tools' order is "most important first"). */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const row of rows) {
        const k = key(row);
        const list = groups.get(k);
        if (list) {
            list.push(row);
        } else {
            groups.set(k, [row]);
        }
    }
    return groups;
}

/** Counts items by a key (severity, classification, …). */
export function countIn<T, K extends string>(items: readonly T[], key: (item: T) => K): Partial<Record<K, number>> {
    // Counted in a Map (a string hashes once and keeps its hash), then written to the record in the same order: a record
    // keyed by strings made at run time looks each one up in V8's string table on every increment.
    const tally = new Map<K, number>();
    for (const item of items) {
        const k = key(item);
        tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    const counts: Partial<Record<K, number>> = {};
    for (const [k, n] of tally) {
        counts[k] = n;
    }
    return counts;
}

/** Sort rank of an MSRC severity: Critical first. */
export function patchSeverityRank(severity: PatchSeverity): number {
    const index = PATCH_SEVERITIES.indexOf(severity);
    return index < 0 ? PATCH_SEVERITIES.length : index;
}

/** Patches most urgent first: Critical/Security classification, then severity, then oldest published. */
export function comparePatches(a: MissingPatch, b: MissingPatch): number {
    return (
        Number(isCriticalOrSecurity(b)) - Number(isCriticalOrSecurity(a)) ||
        patchSeverityRank(a.severity) - patchSeverityRank(b.severity) ||
        byText(a.publishedAt ?? '9999', b.publishedAt ?? '9999') ||
        byText(a.machineName, b.machineName) ||
        byText(a.patchName, b.patchName)
    );
}

/**
 * The Windows Server assessment weighs each failed recommendation 0–100 instead of giving it a severity; the product
 * buckets the weight into one a person can filter on, the lowest weight of each band here.
 */
export const WINDOWS_SEVERITY_MIN_WEIGHT = { High: 30, Medium: 15, Low: 0 } as const;
export type WindowsSeverity = keyof typeof WINDOWS_SEVERITY_MIN_WEIGHT;
export const WINDOWS_SEVERITIES = Object.keys(WINDOWS_SEVERITY_MIN_WEIGHT) as WindowsSeverity[];

/** The severity band of a Windows assessment weight. */
export function windowsSeverity(weight: number): WindowsSeverity {
    return weight >= WINDOWS_SEVERITY_MIN_WEIGHT.High ? 'High' : weight >= WINDOWS_SEVERITY_MIN_WEIGHT.Medium ? 'Medium' : 'Low';
}
