import { z } from 'zod';
import { describeSupport, osSupport, type Support } from '../core/lifecycle';
import { PATCH_CLASSIFICATIONS, PATCH_SEVERITIES, REBOOT_BEHAVIOURS, type Machine } from '../core/model';
import type { InfraSource } from '../core/source';
import {
    byText,
    CaselessIds,
    comparePatches,
    PatchCounts,
    summariseFleet,
    summarisePatchesPerMachine,
    type FleetPatchSummary,
    type MachinePatchSummary,
} from '../core/summaries';
import {
    assertKnownMachineIn,
    assertPlacementMatches,
    DEFAULT_MAX_RESULTS,
    envelope,
    envelopeOf,
    inputs,
    joined,
    judgedOnce,
    machineMatcher,
    nameMatcher,
    pickServerName,
    placementConflict,
    placementMatcher,
    placementPhrase,
    resolveSubscriptions,
    top,
    TopSelection,
} from './common';
import { TIME, truncate } from '../core/timespan';
import { extensionServiceDown } from './agents';
import { describeCounts, describeFilters, firstNames, plural, renderText, shortTime } from './text';
import { defineTool, READ_ONLY } from './types';
import { PATCH_OVERDUE_DAYS } from './vocabulary';

const PATCH_STATES = ['compliant', 'missing-critical-or-security', 'missing-other', 'not-assessed'] as const;
const STATE_RANK: Record<MachinePatchSummary['state'], number> = {
    'missing-critical-or-security': 0,
    'not-assessed': 1,
    'missing-other': 2,
    compliant: 3,
};

/** Worst first: by state, then the most Critical and Security updates missing, then by name. */
const byRank = (a: MachinePatchSummary, b: MachinePatchSummary) =>
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    (b.critical ?? 0) + (b.security ?? 0) - ((a.critical ?? 0) + (a.security ?? 0)) ||
    byText(a.machineName, b.machineName);

/** How many machines a note line names before "and N more". */
const NAMED_IN_NOTE = 10;

const patch = z.object({
    machineId: z.string(),
    machineName: z.string(),
    osType: z.enum(['windows', 'linux']),
    patchName: z.string(),
    kbId: z.string().optional(),
    version: z.string().optional(),
    classification: z.enum(PATCH_CLASSIFICATIONS),
    severity: z.enum(PATCH_SEVERITIES),
    publishedAt: z.string().optional(),
    rebootBehaviour: z.enum(REBOOT_BEHAVIOURS),
});

const machine = z.object({
    machineId: z.string(),
    machineName: z.string(),
    osType: z.enum(['windows', 'linux']),
    subscriptionId: z.string(),
    resourceGroup: z.string(),
    state: z
        .enum(PATCH_STATES)
        .describe(
            'compliant: assessed, nothing missing. missing-other: assessed, missing only updates classified neither Critical nor Security — ' +
                'still compliant, counted in summary.compliant. missing-critical-or-security: assessed, missing a Critical or Security update. ' +
                'not-assessed: no assessment in the last 7 days, or the last one failed — its patches are unknown (counts null), see notAssessedReason',
        ),
    assessedAt: z.string().optional(),
    notAssessedReason: z.string().optional(),
    rebootPending: z.boolean().nullable().describe('null when not assessed: unknown'),
    missing: z.number().int().nullable().describe('null when not assessed: unknown, not zero'),
    critical: z.number().int().nullable(),
    security: z.number().int().nullable(),
    other: z.number().int().nullable(),
    lastInstallation: z
        .object({
            at: z.string().describe('when the run finished'),
            status: z.string().describe('Succeeded, Failed (a patch failed), CompletedWithWarnings, InProgress, NotStarted'),
            installed: z.number().int(),
            failed: z.number().int(),
            pending: z.number().int().describe('patches selected that the run did not get to'),
            rebootStatus: z.string().optional().describe('NotNeeded, Required, Started, Failed, Completed'),
            maintenanceWindowExceeded: z.boolean().optional().describe('the run stopped because its maintenance window closed'),
            error: z.string().optional().describe('what Azure says went wrong'),
        })
        .optional()
        .describe("the machine's latest patch installation run that Azure keeps (Azure Update Manager); absent when there is none"),
});

const machineIdsBySource = new WeakMap<InfraSource, CaselessIds>();

/**
 * The machine ids a source has answered with, numbered once and kept between answers: an estate is asked many
 * questions, and lower-casing and hashing 10,000 ids costs more than the rest of the join. Started afresh when the
 * ids remembered outnumber twice the rows of an answer, so an estate that changes does not grow it without bound.
 */
function numberedMachineIds(source: InfraSource, rows: number): CaselessIds {
    let ids = machineIdsBySource.get(source);
    if (!ids || ids.spellingCount > 2 * rows + 1000) {
        ids = new CaselessIds();
        machineIdsBySource.set(source, ids);
    }
    return ids;
}

export const getPatchingLevel = defineTool({
    name: 'GetPatchingLevel',
    title: 'Missing patches and patch compliance',
    description:
        'Reports missing OS updates from Azure Update Manager assessments for Arc-enabled servers and Azure VMs: per patch the KB (Windows) or package and version (Linux), ' +
        'classification, MSRC severity, published date and reboot behaviour; per machine its state (compliant, missing-critical-or-security, missing-other, not-assessed ' +
        'with the likely reason) and whether a reboot is pending; and fleet compliance % (assessed machines missing no Critical or Security update). ' +
        'A machine with no assessment in the last 7 days, or whose last assessment failed, is "not-assessed" (with the reason or the error), never "0 missing". ' +
        `Counts the machines missing a Critical or Security update published more than ${PATCH_OVERDUE_DAYS} days ago (overdue). ` +
        'Filters: server_name, tags (e.g. environment=Production), resource_group, classification, severity, reboot_pending, older_than_days. Patches are sorted most urgent first.',
    input: z
        .object({
            subscription_ids: inputs.subscriptionIds,
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            classification: z
                .array(z.enum(PATCH_CLASSIFICATIONS))
                .max(20)
                .optional()
                .describe('Only patches of these classifications (e.g. ["Critical","Security"]).'),
            severity: z.array(z.enum(PATCH_SEVERITIES)).max(10).optional().describe('Only patches of these MSRC severities.'),
            reboot_pending: z.boolean().optional().describe('true: only machines waiting for a reboot; false: only machines not waiting.'),
            older_than_days: z
                .number()
                .int()
                .min(0)
                .max(3650)
                .optional()
                .describe(
                    `Only patches published at least this many days ago (e.g. ${PATCH_OVERDUE_DAYS} for overdue ones). Linux packages carry no publication date and are left out.`,
                ),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            machines: z.number().int(),
            assessed: z.number().int(),
            notAssessed: z.number().int(),
            compliant: z
                .number()
                .int()
                .describe(
                    'assessed machines missing no Critical or Security update: those of state "compliant" (nothing missing) plus those of state ' +
                        '"missing-other" (only other updates missing; compliantMissingOther) — more than the machines of state "compliant" alone',
                ),
            compliantMissingOther: z
                .number()
                .int()
                .describe(
                    'machines counted compliant that still miss updates classified neither Critical nor Security (state "missing-other")',
                ),
            compliancePercent: z
                .number()
                .nullable()
                .describe('compliant as a share of assessed machines, 0–100; null when none is assessed'),
            rebootPending: z.number().int().describe('assessed machines waiting for a reboot (of a machine not assessed it is unknown)'),
            missingPatches: z
                .number()
                .int()
                .describe(
                    'missing patches of the assessed machines; those of machines not assessed are unknown and not counted (0 when none is assessed)',
                ),
            criticalMissing: z.number().int().describe('missing patches classified Critical, of the assessed machines'),
            securityMissing: z.number().int().describe('missing patches classified Security, of the assessed machines'),
            machinesMissingCriticalOrSecurity: z.number().int().describe('assessed machines of state "missing-critical-or-security"'),
            machinesOverdue: z
                .number()
                .int()
                .describe(`assessed machines missing a Critical or Security update published more than ${PATCH_OVERDUE_DAYS} days ago`),
            bySeverity: z.record(z.number()),
            byClassification: z.record(z.number()),
            machinesShown: z.number().int(),
            lastInstallFailed: z.number().int().describe('machines whose latest patch installation run failed (a patch failed to install)'),
            lastInstallOutOfWindow: z
                .number()
                .int()
                .describe('machines whose latest patch installation run stopped when its maintenance window closed, with patches pending'),
            compliantOutOfSupport: z
                .number()
                .int()
                .describe(
                    'machines missing no Critical or Security update that run a Windows Server release out of support: no security update is published for it any more, so nothing shows as missing',
                ),
        }),
        machines: z
            .array(machine)
            .describe(
                'per-machine state, worst first. Every machine with a patch in items is here; up to max_results machines in all, the others ' +
                    'chosen not-assessed first, then worst first. machinesTruncation says how many of how many',
            ),
        machinesTruncation: z
            .object({ shown: z.number().int(), total: z.number().int() })
            .describe(
                'machines listed in machines, of the machines selected (summary.machines); shown < total when the list is cut: raise max_results, or ask about fewer machines, to see more',
            ),
        items: z.array(patch).describe('missing patches, most urgent first'),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const { ids, scopes } = await resolveSubscriptions(context, input.subscription_ids);
        const query = { subscriptionIds: ids, signal: context.signal, progress: context.progress };
        const [assessments, patches, machines] = await Promise.all([
            context.source.getPatchAssessments(query),
            context.source.getMissingPatches(query),
            context.source.getMachines(query),
        ]);
        const serverName = pickServerName(input);
        if (serverName) {
            await assertKnownMachineIn(context, serverName, machines.rows, ids, scopes);
        }
        const placement = placementMatcher(input);
        assertPlacementMatches(input, placement, machines.rows);
        const narrowed = serverName !== undefined || placement !== undefined;
        // A machine asked for by any of its names (resource, OS host, FQDN) or by its tags and resource group; its
        // assessment rows carry the resource name and id. A row of a machine Resource Graph does not list is kept by its
        // name alone, and only when no tag or group is asked for (nothing says where it stands).
        const byName = serverName ? machineMatcher(serverName) : () => true;
        const selected = narrowed
            ? new Set(machines.rows.filter((m) => byName(m) && (!placement || placement(m))).map((m) => m.id.toLowerCase()))
            : undefined;
        const matchesPattern = serverName && !placement ? nameMatcher(serverName) : () => false;
        const matchesName = (row: { machineId: string; machineName: string }) =>
            selected?.has(row.machineId.toLowerCase()) || matchesPattern(row.machineName);
        const machineIds = numberedMachineIds(context.source, machines.rows.length + assessments.rows.length);
        // A machine's status and extension service only explain why it is not assessed: most answers never look them up.
        let byNumber: (Machine | undefined)[] | undefined;
        const machineOf = (id: string) => {
            if (!byNumber) {
                byNumber = machineIds.table();
                for (const m of machines.rows) {
                    byNumber[machineIds.number(m.id)] = m;
                }
            }
            return byNumber[machineIds.number(id)];
        };
        const statusOf = (id: string) => machineOf(id)?.status;
        const serviceDownOf = (id: string) => {
            const m = machineOf(id);
            return m && extensionServiceDown(m) ? m.extensionService : undefined;
        };
        const now = context.source.now();
        const summaries = summarisePatchesPerMachine(
            narrowed ? assessments.rows.filter(matchesName) : assessments.rows,
            narrowed ? patches.rows.filter(matchesName) : patches.rows,
            now,
            statusOf,
            machineIds,
            serviceDownOf,
        );
        // Whether a machine waits for a reboot is known only from an assessment: a machine not assessed is neither.
        const perMachine =
            input.reboot_pending === undefined
                ? summaries
                : summaries.filter((m) => m.state !== 'not-assessed' && m.rebootPending === input.reboot_pending);
        const assessed = machineIds.table<boolean>();
        for (const m of perMachine) {
            if (m.state !== 'not-assessed') {
                assessed[machineIds.number(m.machineId)] = true;
            }
        }
        // One pass over the patches of assessed machines for what the fleet summary counts and the answer lists; a
        // machine's patches come together, so its id is looked up once per run of rows.
        const counted = new PatchCounts();
        const listed = new TopSelection(input.max_results, comparePatches);
        const classifications = input.classification?.length ? input.classification : undefined;
        const severities = input.severity?.length ? input.severity : undefined;
        // ISO times in UTC compare as text: one string comparison per patch instead of parsing its date.
        const overdueBefore = new Date(now.getTime() - PATCH_OVERDUE_DAYS * TIME.DAY).toISOString();
        const publishedBefore =
            input.older_than_days === undefined ? undefined : new Date(now.getTime() - input.older_than_days * TIME.DAY).toISOString();
        const overdue = new Set<number>();
        // Patches of the right classification and severity left out only because they carry no publication date.
        let undated = 0;
        let runId: string | undefined;
        let runAssessed = false;
        let runOverdue = false;
        for (const p of patches.rows) {
            if (p.machineId !== runId) {
                runId = p.machineId;
                runAssessed = assessed[machineIds.number(runId)] === true;
                runOverdue = false;
            }
            if (runAssessed) {
                counted.add(p);
                if (
                    !runOverdue &&
                    (p.classification === 'Critical' || p.classification === 'Security') &&
                    p.publishedAt !== undefined &&
                    p.publishedAt < overdueBefore
                ) {
                    runOverdue = true;
                    overdue.add(machineIds.number(runId));
                }
                if ((!classifications || classifications.includes(p.classification)) && (!severities || severities.includes(p.severity))) {
                    if (publishedBefore === undefined || (p.publishedAt !== undefined && p.publishedAt <= publishedBefore)) {
                        listed.offer(p);
                    } else if (p.publishedAt === undefined) {
                        undated++;
                    }
                }
            }
        }
        const fleet = summariseFleet(perMachine, counted);
        const { items, truncation } = listed.result();
        const machineList = machinesListed(perMachine, items, input.max_results ?? DEFAULT_MAX_RESULTS, machineIds);
        const machinesTruncation = { shown: machineList.length, total: perMachine.length };
        const warnings = [...assessments.warnings, ...patches.warnings, ...machines.warnings];
        // Latest installation runs that went wrong, most recent first: a failed patch, or a maintenance window too short.
        const byRunTime = (a: MachinePatchSummary, b: MachinePatchSummary) =>
            byText(b.lastInstallation?.at ?? '', a.lastInstallation?.at ?? '') || byText(a.machineName, b.machineName);
        const installFailed: MachinePatchSummary[] = [];
        const outOfWindow: MachinePatchSummary[] = [];
        for (const m of perMachine) {
            const run = m.lastInstallation;
            if (run?.status === 'Failed') {
                installFailed.push(m);
            } else if (run?.maintenanceWindowExceeded) {
                outOfWindow.push(m);
            }
        }
        // "Compliant" says nothing missing is published: of a release out of support, nothing is published any more. The
        // machines on such a release are found first (a fleet has a few OS names, each judged once).
        const osJudged = judgedOnce((osName) => osSupport(osName, now));
        const endedSupport = machineIds.table<Support>();
        let anyEnded = false;
        for (const m of machines.rows) {
            const support = m.osType === 'windows' ? osJudged(m.osName) : null;
            if (support?.status === 'ended') {
                endedSupport[machineIds.number(m.id)] = support;
                anyEnded = true;
            }
        }
        const unsupported = anyEnded
            ? perMachine.flatMap((m) => {
                  const support =
                      m.state === 'compliant' || m.state === 'missing-other' ? endedSupport[machineIds.number(m.machineId)] : undefined;
                  return support ? [{ name: m.machineName, support }] : [];
              })
            : [];
        installFailed.sort(byRunTime);
        outOfWindow.sort(byRunTime);
        const summary = {
            ...fleet,
            bySeverity: fleet.bySeverity as Record<string, number>,
            byClassification: fleet.byClassification as Record<string, number>,
            machinesOverdue: overdue.size,
            machinesShown: machineList.length,
            lastInstallFailed: installFailed.length,
            lastInstallOutOfWindow: outOfWindow.length,
            compliantOutOfSupport: unsupported.length,
        };
        const notAssessed = perMachine.filter((m) => m.state === 'not-assessed');
        const notAssessedList = `${notAssessed
            .slice(0, 10)
            .map((m) => `${m.machineName} (${m.notAssessedReason})`)
            .join('; ')}${notAssessed.length > 10 ? `; and ${notAssessed.length - 10} more` : ''}`;
        let sentence: string;
        const notes: string[] = [];
        if (perMachine.length === 0) {
            sentence = noMachineSentence({
                input,
                serverName,
                summaries,
                matchingName: serverName && placement ? machines.rows.filter(byName) : [],
                selected: selected ? machines.rows.filter((m) => selected.has(m.id.toLowerCase())) : undefined,
            });
        } else if (fleet.assessed === 0) {
            // Nothing is known of these machines' patches: no count is said, only why none was assessed.
            sentence =
                `0 of ${plural(fleet.machines, 'machine')} assessed in the last 7 days; compliance unknown: ` +
                (notAssessed.length === 1
                    ? `${notAssessed[0].machineName} is not assessed (${notAssessed[0].notAssessedReason}), so its missing patches and reboot state are unknown, not zero.`
                    : `none is assessed, so their missing patches and reboot state are unknown, not zero — ${notAssessedList}.`);
        } else {
            sentence =
                `${fleet.assessed} of ${plural(fleet.machines, 'machine')} assessed in the last 7 days; ${fleet.compliancePercent}% compliant: ${complianceBreakdown(fleet)}; ` +
                `${plural(fleet.missingPatches, 'missing patch', 'missing patches')}${fleet.notAssessed > 0 ? ` on the ${plural(fleet.assessed, 'assessed machine')}` : ''} (by severity: ${describeCounts(summary.bySeverity, PATCH_SEVERITIES)}); ` +
                `${fleet.rebootPending} waiting for a reboot` +
                (fleet.notAssessed > 0
                    ? `; ${fleet.notAssessed} not assessed, whose missing patches and reboot state are unknown (why below).`
                    : '.') +
                (overdue.size > 0
                    ? ` ${overdue.size === 1 ? '1 machine misses' : `${overdue.size} machines miss`} a Critical or Security update published more than ${PATCH_OVERDUE_DAYS} days ago.`
                    : '') +
                patchFilterSentence(input, fleet.missingPatches, truncation.total, undated) +
                compliantUnsupportedSentence(unsupported);
            notes.push(...rebootNotes(perMachine, machineList, input.reboot_pending));
            if (notAssessed.length > 0) {
                notes.push(`Not assessed: ${notAssessedList}.`);
            }
        }
        notes.push(...installationNotes(installFailed, outOfWindow));
        if (machinesTruncation.shown < machinesTruncation.total) {
            notes.push(
                `Per-machine state (machines in structuredContent) covers ${machinesTruncation.shown} of the ${plural(machinesTruncation.total, 'machine')}: ` +
                    'every machine with a patch listed, then those not assessed, then the worst; raise max_results for more.',
            );
        }
        return {
            structured: {
                ...envelopeOf(context, { subscriptionIds: ids }, truncation, warnings),
                summary,
                machines: machineList,
                machinesTruncation,
                items,
            },
            text: renderText(context, {
                summary: sentence,
                warnings,
                notes,
                truncation,
                table: {
                    columns: ['Machine', 'Patch', 'KB / version', 'Classification', 'Severity', 'Published', 'Reboot'],
                    rows: items.map((p) => [
                        p.machineName,
                        p.patchName,
                        p.kbId ? `KB${p.kbId}` : p.version,
                        p.classification,
                        p.severity,
                        p.publishedAt?.slice(0, 10),
                        p.rebootBehaviour,
                    ]),
                },
            }),
        };
    },
});

/**
 * "11 machines miss no Critical or Security update (4 with nothing missing, 7 missing only other updates) and 38 miss
 * Critical or Security updates": what "compliant" counts, since the machines of state `missing-other` are compliant too.
 */
function complianceBreakdown(fleet: FleetPatchSummary): string {
    const parts: string[] = [];
    if (fleet.compliant > 0) {
        const nothingMissing = fleet.compliant - fleet.compliantMissingOther;
        const detail =
            fleet.compliantMissingOther === 0
                ? 'nothing missing'
                : nothingMissing === 0
                  ? 'missing only updates that are neither Critical nor Security'
                  : `${nothingMissing} with nothing missing, ${fleet.compliantMissingOther} missing only other updates`;
        parts.push(
            `${plural(fleet.compliant, 'machine')} ${fleet.compliant === 1 ? 'misses' : 'miss'} no Critical or Security update (${detail})`,
        );
    }
    if (fleet.machinesMissingCriticalOrSecurity > 0) {
        const count = fleet.machinesMissingCriticalOrSecurity;
        parts.push(
            `${parts.length > 0 ? count : plural(count, 'machine')} ${count === 1 ? 'misses' : 'miss'} Critical or Security updates`,
        );
    }
    return parts.join(' and ');
}

/**
 * The answer's sentence when no machine is left: which machine-level filter left nothing, and the machines' values for
 * it ("ctso-sql-ams-01 is waiting for a reboot, so reboot_pending false leaves nothing"), as the other tools' answers
 * do — never "0 of 0 machines … 0 missing patches", which reads as a clean fleet.
 */
function noMachineSentence(answer: {
    input: { server_name?: string; ServerName?: string; tags?: string[]; resource_group?: string[]; reboot_pending?: boolean };
    serverName: string | undefined;
    /** Per machine selected by name, tags and group, before reboot_pending. */
    summaries: readonly MachinePatchSummary[];
    /** The machines server_name matches, when tags or resource_group are asked too. */
    matchingName: readonly Machine[];
    /** The machines Resource Graph lists that server_name, tags and resource_group select; undefined when none is asked. */
    selected: readonly Machine[] | undefined;
}): string {
    const { input, serverName, summaries } = answer;
    const selection = joined([describeFilters({ server_name: serverName }), placementPhrase(input)].filter(Boolean));
    const among = (count: number) =>
        `Of the ${plural(count, 'machine')} ${selection ? `matching ${selection}` : 'in the subscriptions read'}`;
    if (summaries.length > 0 && input.reboot_pending !== undefined) {
        // Every machine selected was left out by reboot_pending: waiting when false was asked, not waiting when true,
        // or not assessed (unknown).
        const asked = `reboot_pending ${input.reboot_pending}`;
        const unknown = summaries.filter((m) => m.state === 'not-assessed');
        const opposite = summaries.filter((m) => m.state !== 'not-assessed');
        const waiting = input.reboot_pending ? 'not waiting for a reboot' : 'waiting for a reboot';
        if (summaries.length === 1) {
            const m = summaries[0];
            return m.state === 'not-assessed'
                ? `${m.machineName} is not assessed (${m.notAssessedReason}), so whether it waits for a reboot is unknown and ${asked} leaves nothing.`
                : `${m.machineName} is ${waiting}, so ${asked} leaves nothing.`;
        }
        const names = (machines: readonly MachinePatchSummary[]) => firstNames(machines.map((m) => m.machineName).sort(byText));
        const parts = [
            opposite.length > 0 ? `${opposite.length} ${opposite.length === 1 ? 'is' : 'are'} ${waiting} (${names(opposite)})` : '',
            unknown.length > 0
                ? `${unknown.length} ${unknown.length === 1 ? 'is' : 'are'} not assessed, whose reboot state is unknown (${names(unknown)})`
                : '',
        ].filter(Boolean);
        return `${among(summaries.length)}, ${parts.join(' and ')}, so ${asked} leaves nothing.`;
    }
    if (answer.selected?.length === 0 && answer.matchingName.length > 0) {
        return placementConflict(serverName ?? '', answer.matchingName, input);
    }
    if (answer.selected && answer.selected.length > 0) {
        // Resource Graph lists the machines, Azure Update Manager has no assessment of any of them.
        const names = answer.selected.map((m) => m.name).sort(byText);
        return names.length === 1
            ? `${names[0]} has no patch assessment in Azure Update Manager, so its missing patches are unknown, not zero — check that periodic assessment is enabled for it.`
            : `${among(names.length)}, none has a patch assessment in Azure Update Manager, so their missing patches are unknown, not zero — check that periodic assessment is enabled for them: ${firstNames(names)}.`;
    }
    return selection
        ? `No machine with a patch assessment in Azure Update Manager matches ${selection}.`
        : 'No machine in the subscriptions read has a patch assessment in Azure Update Manager.';
}

/**
 * The machines structuredContent lists, worst first: every machine a listed patch is on, so no patch is shown without
 * its machine's state; then, up to `max` in all, those not assessed (nothing else says which they are, since no patch
 * of theirs is known), then the worst of the rest.
 */
function machinesListed(
    perMachine: readonly MachinePatchSummary[],
    items: readonly { machineId: string }[],
    max: number,
    machineIds: CaselessIds,
): MachinePatchSummary[] {
    if (perMachine.length <= max) {
        return [...perMachine].sort(byRank);
    }
    const withPatch = machineIds.table<boolean>();
    for (const p of items) {
        withPatch[machineIds.number(p.machineId)] = true;
    }
    const listed: MachinePatchSummary[] = [];
    const others: MachinePatchSummary[] = [];
    for (const m of perMachine) {
        (withPatch[machineIds.number(m.machineId)] ? listed : others).push(m);
    }
    if (listed.length < max) {
        const notAssessedFirst = (a: MachinePatchSummary, b: MachinePatchSummary) =>
            Number(b.state === 'not-assessed') - Number(a.state === 'not-assessed') || byRank(a, b);
        listed.push(...top(others, max - listed.length, notAssessedFirst).items);
    }
    return listed.sort(byRank);
}

/**
 * "Waiting for a reboot, those missing the most Critical or Security updates first: …" — the machines the sentence
 * counts as waiting, named, since the table lists patches, not machines (a compliant machine waiting has no row).
 */
function rebootNotes(
    perMachine: readonly MachinePatchSummary[],
    listed: readonly MachinePatchSummary[],
    asked: boolean | undefined,
): string[] {
    const waiting = perMachine.filter((m) => m.rebootPending === true).sort(byRank);
    if (waiting.length === 0) {
        return [];
    }
    const inList = listed.filter((m) => m.rebootPending === true).length;
    const where =
        waiting.length > NAMED_IN_NOTE && inList < waiting.length && asked !== true
            ? ` (the machines list in structuredContent has ${inList} of them; reboot_pending true lists them)`
            : '';
    return [
        `Waiting for a reboot, those missing the most Critical or Security updates first: ${firstNames(
            waiting.map((m) => m.machineName),
            NAMED_IN_NOTE,
        )}${where}.`,
    ];
}

/** Lines naming the machines whose latest patch run failed, and those whose run ran out of its maintenance window. */
function installationNotes(failed: readonly MachinePatchSummary[], outOfWindow: readonly MachinePatchSummary[]): string[] {
    const notes: string[] = [];
    if (failed.length > 0) {
        const named = failed.map((m) => {
            const run = m.lastInstallation;
            const why = run?.error ? `: ${truncate(run.error.replace(/\.+$/, ''), 120)}` : '';
            return `${m.machineName} (${shortTime(run?.at)}, ${run?.failed ?? 0} of ${(run?.failed ?? 0) + (run?.installed ?? 0)} failed${why})`;
        });
        notes.push(`Latest patch run failed: ${firstNames(named, 10)}.`);
    }
    if (outOfWindow.length > 0) {
        const named = outOfWindow.map(
            (m) => `${m.machineName} (${shortTime(m.lastInstallation?.at)}, ${m.lastInstallation?.pending ?? 0} pending)`,
        );
        notes.push(
            `Latest patch run stopped when its maintenance window closed, patches left pending — a longer window or fewer patches per run: ${firstNames(named, 10)}.`,
        );
    }
    return notes;
}

/**
 * " Of the 223 missing patches, 14 are classified Critical and published more than 30 days ago." — what the list below holds when the
 * patch filters narrow it, since the counts before it are the selected machines' whole; empty without those filters.
 */
function patchFilterSentence(
    input: { classification?: readonly string[]; severity?: readonly string[]; older_than_days?: number },
    missing: number,
    matching: number,
    undated: number,
): string {
    const conditions = [
        input.classification?.length ? `classified ${input.classification.join(' or ')}` : '',
        input.severity?.length ? `of ${input.severity.join(' or ')} severity` : '',
        input.older_than_days !== undefined ? `published more than ${plural(input.older_than_days, 'day')} ago` : '',
    ].filter(Boolean);
    if (conditions.length === 0) {
        return '';
    }
    const joined = conditions.length > 1 ? `${conditions.slice(0, -1).join(', ')} and ${conditions.at(-1)}` : conditions[0];
    const count = matching === 0 ? 'none is' : matching === 1 ? '1 is' : `${matching} are`;
    return (
        ` Of the ${plural(missing, 'missing patch', 'missing patches')}, ${count} ${joined}` +
        (undated > 0
            ? ` (${plural(undated, 'patch', 'patches')} without a publication date — Linux packages carry none — ${undated === 1 ? 'is' : 'are'} left out)`
            : '') +
        '.'
    );
}

/**
 * " 2 machines counted compliant run a Windows Server release out of support, for which no security update is published
 * any more — nothing can show as missing: …" — empty when none.
 */
function compliantUnsupportedSentence(machines: readonly { name: string; support: Support }[]): string {
    if (machines.length === 0) {
        return '';
    }
    const releases = [...new Map(machines.map((m) => [m.support.product, m.support])).values()]
        .map((support) => `${support.product}: ${describeSupport(support)}`)
        .join('; ');
    const names = machines.map((m) => m.name).sort(byText);
    return ` ${plural(machines.length, 'machine', 'machines')} counted compliant ${machines.length === 1 ? 'runs' : 'run'} a Windows Server release out of support (${releases}): no security update is published for it any more, so nothing can show as missing — ${firstNames(names)}.`;
}
