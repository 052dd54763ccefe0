import { z } from 'zod';
import { FINDING_SEVERITIES } from '../core/model';
import { byText, countIn, distinctCount } from '../core/summaries';
import { noDataWarnings, outsideWarnings, rowsComputers } from './agents';
import {
    envelope,
    envelopeOf,
    instanceMatcher,
    inputs,
    pickServerName,
    resolveSubscriptions,
    resolveWorkspaceScope,
    latestRunOf,
    otherWorkspacesNotes,
    top,
    weeklyRunWarnings,
} from './common';
import { describeCounts, describeFilters, firstNames, plural, renderText, shortTime } from './text';
import { defineTool, READ_ONLY, type ToolContext } from './types';
import { instanceLabel } from './vocabulary';

const finding = z.object({
    timeGenerated: z.string(),
    assessmentId: z.string(),
    computer: z.string(),
    instanceName: z.string(),
    checkId: z.string(),
    title: z.string(),
    description: z.string(),
    helpLink: z.string(),
    targetType: z.enum(['Server', 'Database']),
    targetName: z.string(),
    severity: z.enum(FINDING_SEVERITIES),
    message: z.string(),
    tags: z.array(z.string()),
});

export const getSqlBpAssessment = defineTool({
    name: 'GetSqlBpAssessment',
    title: 'SQL Server best-practices findings',
    description:
        'Returns failed checks of the SQL Server best-practices assessment (Log Analytics table SqlAssessment_CL) for Arc-enabled SQL Server: check id, title, ' +
        'severity (High, Medium, Low, Information), target (server or database), message, remediation help link and tags. ' +
        'By default only the latest assessment run of each instance (latest_run_only: true) over the last 30 days. ' +
        'Filters: severity, server_name (the host), tags and resource_group (of the host), instance_name. Sorted by severity, then title.',
    input: z
        .object({
            workspace_id: inputs.workspaceId,
            timespan: inputs.timespan('30d'),
            severity: z.array(z.enum(FINDING_SEVERITIES)).max(4).optional().describe('Only findings of these severities (e.g. ["High"]).'),
            server_name: inputs.serverName,
            ServerName: inputs.serverNameLegacy,
            tags: inputs.tags,
            resource_group: inputs.resourceGroup,
            instance_name: z
                .string()
                .max(300)
                .optional()
                .describe(
                    'Only this instance: its instance name (e.g. "MSSQLSERVER" for default instances, "REPORTING"), or its full name as GetSqlMetadata lists it (HOST\\NAME, or HOST for a default instance); case-insensitive.',
                ),
            latest_run_only: z
                .boolean()
                .optional()
                .describe('Only the most recent assessment run per instance (default true); false returns every run in the timespan.'),
            max_results: inputs.maxResults,
        })
        .strict(),
    output: z.object({
        ...envelope,
        summary: z.object({
            findings: z.number().int(),
            bySeverity: z.record(z.number()),
            instances: z.number().int(),
            checks: z.number().int(),
            latestRun: z.string().optional(),
        }),
        items: z.array(finding),
    }),
    annotations: READ_ONLY,
    async run(context, input) {
        // An instance asked for by its host (HOST\\NAME, HOST/NAME, or HOST for a default instance) is read where that host reports.
        const scope = await resolveWorkspaceScope(context, input, '30d', await instanceHost(context, input));
        const result = await context.source.getSqlFindings({ ...scope.query, latestRunOnly: input.latest_run_only ?? true });
        const matchesInstance = input.instance_name?.trim() ? instanceMatcher(input.instance_name) : undefined;
        const rank = (s: string) => FINDING_SEVERITIES.indexOf(s as (typeof FINDING_SEVERITIES)[number]);
        const findings = result.rows.filter(
            (f) =>
                scope.matchesComputer(f.computer) &&
                (!input.severity?.length || input.severity.includes(f.severity)) &&
                (!matchesInstance || matchesInstance(f.computer, f.instanceName)),
        );
        const { items, truncation } = top(
            findings,
            input.max_results,
            (a, b) =>
                rank(a.severity) - rank(b.severity) ||
                byText(a.title, b.title) ||
                byText(a.computer, b.computer) ||
                byText(a.targetName, b.targetName) ||
                byText(b.timeGenerated, a.timeGenerated),
        );
        const bySeverity = countIn(findings, (f) => f.severity) as Record<string, number>;
        // Only machines running SQL Server are assessed; one that cannot send any result is worth a word.
        const sqlHosts = { ...scope, selected: scope.selected?.filter((m) => m.sqlDiscovered) };
        // An instance name that matched nothing may be misspelt or elsewhere: the instances this workspace does have results of.
        const assessed =
            matchesInstance && findings.length === 0
                ? [
                      ...new Set(
                          result.rows
                              .filter((f) => scope.matchesComputer(f.computer))
                              .map((f) => instanceLabel(f.computer, f.instanceName)),
                      ),
                  ].sort(byText)
                : [];
        const warnings = [
            ...result.warnings,
            ...(assessed.length > 0
                ? [
                      `No instance matches instance_name ${JSON.stringify(input.instance_name?.trim())} among those with results in this workspace in the last ${scope.range.timespan}: ${firstNames(assessed, 12)}.`,
                  ]
                : []),
            ...weeklyRunWarnings(
                context,
                scope.range,
                {
                    rows: result.rows.filter((f) => scope.matchesComputer(f.computer)),
                    latestRunOnly: input.latest_run_only ?? true,
                    key: (f) => instanceLabel(f.computer, f.instanceName),
                    noun: 'instance',
                },
                'SQL best-practices assessment',
            ),
            ...(await noDataWarnings(
                context,
                sqlHosts,
                () => rowsComputers(result.rows),
                'SQL best-practices assessment results',
                'from-ama',
            )),
            // Only the Arc agent says whether SQL Server runs on a machine; of an Azure VM it says nothing.
            ...outsideWarnings(scope.selected, (m) => m.kind === 'arc' && !m.sqlDiscovered, [
                'has no SQL Server (the Azure Arc agent found none on it): the SQL Server assessment has nothing to assess there',
                'have no SQL Server (the Azure Arc agent found none on them): the SQL Server assessment has nothing to assess there',
            ]),
        ];
        const summary = {
            findings: findings.length,
            bySeverity,
            instances: distinctCount(findings, (f) => instanceLabel(f.computer, f.instanceName)),
            checks: new Set(findings.map((f) => f.checkId)).size,
            ...latestRunOf(findings),
        };
        const filters = describeFilters(input);
        const sentence = `${findings.length === 0 ? (filters ? `No SQL best-practice finding matches ${filters}` : 'No SQL best-practice findings') : `${plural(findings.length, 'SQL best-practice finding')} (${describeCounts(bySeverity, FINDING_SEVERITIES)}) on ${plural(summary.instances, 'instance')}`}${
            (input.latest_run_only ?? true) ? ', latest run of each instance' : ', every run'
        } in the last ${scope.range.timespan}.`;
        return {
            structured: { ...envelopeOf(context, scope.scope, truncation, warnings), summary, items },
            text: renderText(context, {
                summary: sentence,
                notes: otherWorkspacesNotes(scope),
                warnings,
                truncation,
                table: {
                    columns: ['Severity', 'Check', 'Instance', 'Target', 'Message', 'Run'],
                    rows: items.map((f) => [
                        f.severity,
                        f.title,
                        instanceLabel(f.computer, f.instanceName),
                        `${f.targetType} ${f.targetName}`,
                        f.message,
                        shortTime(f.timeGenerated),
                    ]),
                },
            }),
        };
    },
});

/**
 * The host that `instance_name` names, to choose the workspace by: the part before the slash of HOST\\NAME (or the name of a
 * default instance's host); for a bare instance name (REPORTING) that nothing else places, the one machine Resource
 * Graph lists an instance of that name on — so an instance whose host reports to another workspace is still found.
 */
async function instanceHost(
    context: ToolContext,
    input: {
        instance_name?: string;
        workspace_id?: string;
        server_name?: string;
        ServerName?: string;
        tags?: string[];
        resource_group?: string[];
    },
): Promise<string | undefined> {
    const name = input.instance_name?.trim();
    if (!name) {
        return undefined;
    }
    const slash = name.search(/[\\/]/);
    if (slash >= 0) {
        return name.slice(0, slash);
    }
    const placed = input.workspace_id?.trim() || pickServerName(input) || input.tags?.length || input.resource_group?.length;
    if (placed || name.includes('*') || name.toLowerCase() === 'mssqlserver') {
        return name;
    }
    const { ids } = await resolveSubscriptions(context, undefined);
    const sql = await context.source.getSql({ subscriptionIds: ids, signal: context.signal });
    const hosts = new Set(
        sql.rows
            .flatMap((r) => r.instances)
            .filter((i) => i.instanceName.toLowerCase() === name.toLowerCase())
            .map((i) => i.machineName),
    );
    return hosts.size === 1 ? [...hosts][0] : name;
}
