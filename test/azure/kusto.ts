/**
 * Kusto's own analyzer (`@kusto/language-service-next`) with the schemas of every table our queries read, loaded once
 * per test run (~1.5 s). The package is a Bridge.NET build that installs a global `Kusto`; it has no module exports.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports */

const ARG_COLUMNS =
    "(['id']:string, ['name']:string, ['type']:string, ['tenantId']:string, ['kind']:string, ['location']:string, ['resourceGroup']:string, " +
    "['subscriptionId']:string, ['managedBy']:string, ['sku']:dynamic, ['plan']:dynamic, ['properties']:dynamic, ['tags']:dynamic, " +
    "['identity']:dynamic, ['zones']:dynamic, ['extendedLocation']:dynamic)";

const COMMON =
    "['TimeGenerated']:datetime, ['Computer']:string, ['_ResourceId']:string, ['_SubscriptionId']:string, ['SourceSystem']:string, ['Type']:string";

/** Table name → column list, from shared/reference/azure-reference.md §3 and §5. */
export const SCHEMAS: Record<string, string> = {
    resources: ARG_COLUMNS,
    Heartbeat: `(${COMMON}, ['Category']:string, ['ComputerIP']:string, ['OSType']:string, ['Version']:string, ['ComputerEnvironment']:string, ['SourceComputerId']:string)`,
    resourcecontainers: ARG_COLUMNS,
    patchassessmentresources: ARG_COLUMNS,
    patchinstallationresources: ARG_COLUMNS,
    // As the Azure CLI creates it: no Computer column (the query must not need one).
    SqlAssessment_CL:
        "(['TimeGenerated']:datetime, ['RawData']:string, ['_ResourceId']:string, ['_SubscriptionId']:string, ['Type']:string)",
    WindowsServerAssessmentRecommendation:
        `(${COMMON}, ['Recommendation']:string, ['RecommendationId']:string, ['RecommendationResult']:string, ['RecommendationWeight']:real, ` +
        "['FocusArea']:string, ['FocusAreaId']:string, ['ActionArea']:string, ['ActionAreaId']:string, ['AffectedObjectType']:string, " +
        "['AffectedObjectName']:string, ['Description']:string, ['AssessmentId']:string, ['Technology']:string, ['OSVersion']:string, ['Domain']:string, ['Server']:string)",
    ConfigurationData:
        `(${COMMON}, ['ConfigDataType']:string, ['SoftwareName']:string, ['SoftwareType']:string, ['Publisher']:string, ['CurrentVersion']:string, ` +
        "['SoftwareDescription']:string, ['Architecture']:string, ['SvcName']:string, ['SvcState']:string, ['VMUUID']:string, ['SourceComputerId']:string)",
    ConfigurationChange:
        `(${COMMON}, ['ConfigChangeType']:string, ['ChangeCategory']:string, ['Previous']:string, ['Current']:string, ['FieldsChanged']:string, ` +
        "['SoftwareName']:string, ['SoftwareType']:string, ['SoftwareDescription']:string, ['Publisher']:string, ['SvcName']:string, ['VMUUID']:string, ['LastSnapshotAge']:long)",
    Perf:
        `(${COMMON}, ['ObjectName']:string, ['CounterName']:string, ['InstanceName']:string, ['CounterValue']:real, ['CounterPath']:string, ` +
        "['Min']:real, ['Max']:real, ['SampleCount']:int, ['StandardDeviation']:real, ['BucketStartTime']:datetime, ['BucketEndTime']:datetime)",
    InsightsMetrics: `(${COMMON}, ['Origin']:string, ['Namespace']:string, ['Name']:string, ['Val']:real, ['Value']:string, ['Tags']:string, ['AgentId']:string)`,
};

let kusto: any;
let globals: any;

function load(): void {
    if (globals) {
        return;
    }
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    kusto = (globalThis as any).Kusto;
    const symbols = kusto.Language.Symbols;
    const tables = Object.entries(SCHEMAS).map(([name, columns]) => new symbols.TableSymbol.$ctor7(name, columns, ''));
    const db = new symbols.DatabaseSymbol.ctor('estate', tables);
    globals = kusto.Language.GlobalState.Default.WithDatabase(db);
}

/** The analyzer's diagnostics (errors and warnings with severity Error) for a query, as readable lines. */
export function analyze(query: string): string[] {
    load();
    const code = kusto.Language.KustoCode.ParseAndAnalyze(query, globals);
    const diagnostics = code.GetDiagnostics();
    const out: string[] = [];
    for (let i = 0; i < diagnostics.Count; i++) {
        const d = diagnostics.getItem(i);
        if (d.Severity === 'Error' || d.Severity === undefined) {
            out.push(`${d.Message} at ${d.Start}: ${JSON.stringify(query.slice(Math.max(0, d.Start - 30), d.Start + 30))}`);
        }
    }
    return out;
}

/** The syntax tree as a list of element kinds, and the decoded value of every string literal, in order. */
export function structure(query: string): { kinds: number[]; literals: string[] } {
    load();
    const code = kusto.Language.KustoCode.Parse(query);
    const kinds: number[] = [];
    const literals: string[] = [];
    const stringLiteral = kusto.Language.Syntax.SyntaxKind.StringLiteralExpression;
    code.Syntax.WalkElements((e: any) => {
        kinds.push(e.Kind);
        if (e.Kind === stringLiteral) {
            literals.push(e.LiteralValue as string);
        }
    });
    return { kinds, literals };
}
