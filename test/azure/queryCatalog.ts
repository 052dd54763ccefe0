import { METRIC_KINDS, type MetricKind } from '../../src/core/model';
import * as q from '../../src/sources/azure/queries';

export interface CatalogEntry {
    name: string;
    text: string;
}

const FROM = new Date('2026-11-01T00:00:00Z');
const TO = new Date('2026-11-20T12:00:00Z');

function subsets<T>(items: readonly T[]): T[][] {
    const out: T[][] = [];
    for (let mask = 1; mask < 1 << items.length; mask++) {
        out.push(items.filter((_, i) => mask & (1 << i)));
    }
    return out;
}

/**
 * Every query the Azure source can send, for every option: Resource Graph queries (no parameters) and each Log
 * Analytics builder with and without a computer filter, each flag, each metric table, every metric subset and the
 * steps the tools use. `computers` replaces the machine filter (the property test puts hostile names there).
 */
export function allQueries(computers: readonly string[][] = [[], ['srv-00001'], ['srv-00001', 'SRV-00002.contoso.local']]): CatalogEntry[] {
    const out: CatalogEntry[] = [
        { name: 'machines', text: q.machinesQuery().text },
        { name: 'vmAddresses', text: q.vmAddressesQuery().text },
        { name: 'machineExtensions', text: q.machineExtensionsQuery().text },
        { name: 'sqlInstances', text: q.sqlInstancesQuery().text },
        { name: 'sqlDatabases', text: q.sqlDatabasesQuery().text },
        { name: 'sqlVirtualMachines', text: q.sqlVirtualMachinesQuery().text },
        { name: 'patchAssessments', text: q.patchAssessmentsQuery().text },
        { name: 'patchInstallations', text: q.patchInstallationsQuery().text },
        { name: 'missingPatches', text: q.missingPatchesQuery().text },
        { name: 'subscriptions', text: q.subscriptionsQuery().text },
        { name: 'workspaces', text: q.workspacesQuery().text },
    ];
    for (const list of computers) {
        const window: q.LogsWindow = { from: FROM, to: TO, computers: list.length > 0 ? list : undefined };
        const tag = `computers=${list.length}`;
        for (const latestRunOnly of [false, true]) {
            out.push({
                name: `sqlFindings latestRunOnly=${latestRunOnly} ${tag}`,
                text: q.sqlFindingsQuery({ ...window, latestRunOnly }).text,
            });
            out.push({
                name: `windowsFindings latestRunOnly=${latestRunOnly} ${tag}`,
                text: q.windowsFindingsQuery({ ...window, latestRunOnly }).text,
            });
            out.push({
                name: `windowsFindings filtered latestRunOnly=${latestRunOnly} ${tag}`,
                text: q.windowsFindingsQuery({ ...window, latestRunOnly, minWeight: 12.5, focusAreaContains: 'Security' }).text,
            });
        }
        for (const includeUpdates of [false, true]) {
            out.push({
                name: `software includeUpdates=${includeUpdates} ${tag}`,
                text: q.softwareQuery({ ...window, includeUpdates }).text,
            });
            out.push({
                name: `software named includeUpdates=${includeUpdates} ${tag}`,
                text: q.softwareQuery({ ...window, includeUpdates, nameContains: 'openssl' }).text,
            });
        }
        out.push({ name: `softwareChanges ${tag}`, text: q.softwareChangesQuery(window).text });
        out.push({
            name: `softwareChanges filtered ${tag}`,
            text: q.softwareChangesQuery({ ...window, nameContains: 'Edge', categories: ['Added', 'Modified'] }).text,
        });
        for (const metrics of subsets<MetricKind>(METRIC_KINDS)) {
            out.push({ name: `metricTables ${metrics.join('+')} ${tag}`, text: q.metricTablesQuery({ ...window, metrics }).text });
        }
        out.push({ name: `diskFreeSpace ${tag}`, text: q.diskFreeSpaceQuery(window).text });
        out.push({
            name: `reportingComputers pattern ${tag}`,
            text: q.reportingComputersQuery({ ...window, namePattern: 'web-*.contoso*' }).text,
        });
        if (window.computers) {
            out.push({ name: `reportingComputers ${tag}`, text: q.reportingComputersQuery(window).text });
            out.push({
                name: `metricSeries exact names ${tag}`,
                text: q.metricSeriesQuery({ ...window, exactComputers: true, table: 'Perf', metrics: ['cpu'], stepMs: 3_600_000 }).text,
            });
        }
        for (const table of q.METRIC_TABLES) {
            for (const metrics of subsets<MetricKind>(METRIC_KINDS)) {
                out.push({
                    name: `metricComputers ${table} ${metrics.join('+')} ${tag}`,
                    text: q.metricComputersQuery({ ...window, table, metrics }).text,
                });
                for (const stepMs of [5 * 60_000, 15 * 60_000, 3_600_000, 86_400_000, 90_500]) {
                    out.push({
                        name: `metricSeries ${table} ${metrics.join('+')} step=${stepMs} ${tag}`,
                        text: q.metricSeriesQuery({ ...window, table, metrics, stepMs }).text,
                    });
                }
            }
        }
    }
    return out;
}
