import { z } from 'zod';
import { byText, countIn, distinctCount, WINDOWS_SEVERITY_MIN_WEIGHT, windowsSeverity } from '../core/summaries';
import { noDataWarnings, outsideWarnings, rowsComputers } from './agents';
import { envelope, envelopeOf, inputs, resolveWorkspaceScope, latestRunOf, otherWorkspacesNotes, top, weeklyRunWarnings } from './common';
import { describeCounts, describeFilters, plural, renderText, shortTime } from './text';
import { textFilter } from './textFilter';
import { defineTool, READ_ONLY } from './types';

/** The assessment's focus areas, as its results name them. */
const FOCUS_AREAS = [
    'Security and Compliance',
    'Availability and Business Continuity',
    'Performance and Scalability',
    'Upgrade, Migration and Deployment',
    'Operations and Monitoring',
    'Change and Configuration Management',
];

const finding = z.object({
    timeGenerated: z.string(),
    assessmentId: z.string(),
    computer: z.string(),
    recommendationId: z.string(),
    recommendation: z.string(),
    description: z.string(),
    focusArea: z.string(),
    actionArea: z.string(),
    affectedObjectType: z.string(),
    affectedObjectName: z.string(),
    weight: z.number(),
});

export const getWinBpAssessment = defineTool({
    name: 'GetWinBpAssessment',
    title: 'Windows Server best-practices findings',
    description:
        'Returns failed recommendations of the Windows Server assessment (Log Analytics table WindowsServerAssessmentRecommendation): recommendation, description, ' +
        `focus area (one of: ${FOCUS_AREAS.join('; ')}), ` +
        'action area, affected object and weight (importance, higher first). The assessment runs weekly: by default only the latest run of each machine (latest_run_only: true) over the last 30 days, so a recommendation fixed since is not listed. ' +
        'Filters: min_weight, server_name, tags, resource_group, focus_area.',
    input: z
        .object({
            workspace_id: inputs.workspaceId,
            timespan: inputs.timespan('30d'),
            min_weight: z.number().min(0).max(100).optional().describe('Only recommendations weighing at least this much (0–100).'),
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            focus_area: z
                .string()
                .max(200)
                .optional()
                .describe('Only this focus area (text contained, case-insensitive, * matches any characters; e.g. "Security").'),
            latest_run_only: z
                .boolean()
                .optional()
                .describe('Only the latest assessment run of each machine (default true); false lists every run in the timespan.'),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            findings: z.number().int(),
            machines: z.number().int(),
            byFocusArea: z.record(z.number()),
            bySeverity: z
                .record(z.number())
                .describe('findings per severity band of their weight: High (30 and more), Medium (15 to 30), Low (below 15)'),
            highestWeight: z.number().nullable(),
            latestRun: z.string().optional().describe('when the newest run among the findings was made'),
        }),
        items: z.array(finding),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        const scope = await resolveWorkspaceScope(context, input, '30d');
        const latestRunOnly = input.latest_run_only ?? true;
        const focus = textFilter(input.focus_area);
        // The filters also go to the source, so that a row cap cannot cut matching findings away before they are applied.
        const result = await context.source.getWindowsFindings({
            ...scope.query,
            latestRunOnly,
            minWeight: input.min_weight,
            focusAreaContains: focus?.sourceText,
        });
        const findings = result.rows.filter(
            (f) =>
                scope.matchesComputer(f.computer) &&
                (input.min_weight === undefined || f.weight >= input.min_weight) &&
                (!focus || focus.matches(f.focusArea)),
        );
        const { items, truncation } = top(
            findings,
            input.max_results,
            (a, b) =>
                b.weight - a.weight ||
                byText(a.recommendation, b.recommendation) ||
                byText(a.computer, b.computer) ||
                byText(b.timeGenerated, a.timeGenerated),
        );
        const byFocusArea = countIn(findings, (f) => f.focusArea) as Record<string, number>;
        // The hint lists the focus areas only when the text names none of them (a valid one that matched nothing is not wrong).
        const unknownFocus = focus !== undefined && !FOCUS_AREAS.some((a) => focus.matches(a));
        // A Windows machine without failed recommendations may simply pass them; one that cannot send any is worth a word.
        const windows = { ...scope, selected: scope.selected?.filter((m) => m.osType === 'windows') };
        const warnings = [
            ...result.warnings,
            ...weeklyRunWarnings(
                context,
                scope.range,
                {
                    rows: result.rows.filter((f) => scope.matchesComputer(f.computer)),
                    latestRunOnly,
                    key: (f) => f.computer,
                    noun: 'machine',
                },
                'Windows Server assessment',
            ),
            ...(await noDataWarnings(context, windows, () => rowsComputers(result.rows), 'Windows Server assessment results', 'from-ama')),
            ...outsideWarnings(scope.selected, (m) => m.osType === 'linux', [
                'runs Linux: the Windows Server assessment covers Windows machines only',
                'run Linux: the Windows Server assessment covers Windows machines only',
            ]),
        ];
        const summary = {
            findings: findings.length,
            machines: distinctCount(findings, (f) => f.computer),
            byFocusArea,
            bySeverity: countIn(findings, (f) => windowsSeverity(f.weight)) as Record<string, number>,
            highestWeight: items.length ? items[0].weight : null,
            ...latestRunOf(findings),
        };
        const runs = latestRunOnly ? ', latest run of each machine' : ', every run';
        // A weight above every finding's: the highest there is, so that the next call can pick a threshold that selects.
        let weightHint = '';
        if (findings.length === 0 && input.min_weight !== undefined) {
            const unweighted = await context.source.getWindowsFindings({
                ...scope.query,
                latestRunOnly,
                focusAreaContains: focus?.sourceText,
            });
            const weights = unweighted.rows.filter((f) => scope.matchesComputer(f.computer) && (!focus || focus.matches(f.focusArea)));
            if (weights.length > 0) {
                const highest = weights.reduce((max, f) => Math.max(max, f.weight), -Infinity);
                weightHint = ` The highest weight of the failed recommendations read is ${Math.round(highest * 10) / 10}; ${WINDOWS_SEVERITY_MIN_WEIGHT.High} and above counts as high severity here.`;
            }
        }
        const sentence =
            findings.length === 0
                ? describeFilters(input)
                    ? `No failed Windows Server recommendation matches ${describeFilters(input)} in the last ${scope.range.timespan}${runs}` +
                      (unknownFocus ? ` (the focus areas are: ${FOCUS_AREAS.join('; ')}).` : '.') +
                      weightHint
                    : `No failed Windows Server recommendations in the last ${scope.range.timespan}${runs}.`
                : `${plural(findings.length, 'failed Windows Server recommendation')} on ${plural(summary.machines, 'machine')} in the last ${scope.range.timespan}${runs} (${describeCounts(byFocusArea, FOCUS_AREAS)}).`;
        return {
            structured: { ...envelopeOf(context, scope.scope, truncation, warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                notes: otherWorkspacesNotes(scope),
                warnings,
                truncation,
                table: {
                    columns: ['Weight', 'Machine', 'Recommendation', 'Focus area', 'Affected object', 'Run'],
                    rows: items.map((f) => [
                        Math.round(f.weight * 10) / 10,
                        f.computer,
                        f.recommendation,
                        f.focusArea,
                        `${f.affectedObjectType} ${f.affectedObjectName}`.trim(),
                        shortTime(f.timeGenerated),
                    ]),
                },
            }),
        };
    },
});
