/**
 * "Infra Insights: Run Tool…": pick a tool, set its parameters through quick picks filled from real data
 * (subscriptions and workspaces from ListScopes, machines from GetServerMetadata, enums from the tool's zod schema),
 * and see the answer in a table. `{tool, args}` as the command argument skips every prompt, so tests and keybindings
 * can run it without UI. Parameters are offered from the schema, so a new tool parameter appears here by itself.
 */
import * as vscode from 'vscode';
import type { z } from 'zod';
import type { InfraSource } from '../core/source';
import type { ToolDefinition } from '../tools';
import { tools } from './tools';
import { TablePanel, type OpenedTable, type TablePanelDeps } from './webviews/tablePanel';

/** The command argument that answers every prompt in advance. */
export interface RunToolArgs {
    tool: string;
    args?: Record<string, unknown>;
    /** Which list of the answer to show (`machines` for GetPatchingLevel). */
    view?: string;
}

/** A parameter as the picker offers it, read from the zod schema. */
export interface ParameterSpec {
    name: string;
    description: string;
    kind: 'enum' | 'enumList' | 'boolean' | 'number' | 'string' | 'stringList';
    options: string[];
    /** The parameter's zod schema without its optional wrapper: what a typed value must satisfy. */
    schema?: z.ZodTypeAny;
}

/** Parameters a person sets here; `ServerName` duplicates `server_name`, and the table sets `max_results` itself. */
const HIDDEN = new Set(['ServerName', 'max_results']);
const TIMESPANS = ['1h', '12h', '24h', '3d', '7d', '14d', '30d'];

interface ZodDefLike {
    typeName?: string;
    innerType?: z.ZodTypeAny;
    type?: z.ZodTypeAny;
    values?: readonly string[];
    schema?: z.ZodTypeAny;
    checks?: { kind: string; value?: number; inclusive?: boolean }[];
}

function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
    let current = schema;
    for (;;) {
        const def = current._def as ZodDefLike;
        if ((def.typeName === 'ZodOptional' || def.typeName === 'ZodDefault' || def.typeName === 'ZodNullable') && def.innerType) {
            current = def.innerType;
        } else if (def.typeName === 'ZodEffects' && def.schema) {
            current = def.schema;
        } else {
            return current;
        }
    }
}

/** The parameters of a tool's input schema, as the picker offers them. */
export function parametersOf(tool: ToolDefinition): ParameterSpec[] {
    const shape = (unwrap(tool.input) as unknown as { shape?: Record<string, z.ZodTypeAny> }).shape ?? {};
    return Object.entries(shape)
        .filter(([name]) => !HIDDEN.has(name))
        .map(([name, schema]) => {
            const inner = unwrap(schema);
            const def = inner._def as ZodDefLike;
            const description = schema.description ?? inner.description ?? '';
            if (def.typeName === 'ZodEnum') {
                return { name, description, kind: 'enum' as const, options: [...(def.values ?? [])] };
            }
            if (def.typeName === 'ZodArray' && def.type) {
                const element = unwrap(def.type)._def as ZodDefLike;
                return element.typeName === 'ZodEnum'
                    ? { name, description, kind: 'enumList' as const, options: [...(element.values ?? [])] }
                    : { name, description, kind: 'stringList' as const, options: [] };
            }
            if (def.typeName === 'ZodBoolean') {
                return { name, description, kind: 'boolean' as const, options: ['true', 'false'] };
            }
            if (def.typeName === 'ZodNumber') {
                return { name, description, kind: 'number' as const, options: [], schema: inner };
            }
            return { name, description, kind: 'string' as const, options: [] };
        });
}

/**
 * What the input box says of a number parameter's limits, from its zod checks: "A whole number from 0 to 3650." (the
 * tool refuses anything else, and a refusal in a table tab comes later than one in the box).
 */
export function numberRule(schema: z.ZodTypeAny): string {
    const checks = (schema._def as ZodDefLike).checks ?? [];
    const whole = checks.some((c) => c.kind === 'int');
    const min = checks.find((c) => c.kind === 'min');
    const max = checks.find((c) => c.kind === 'max');
    const noun = whole ? 'A whole number' : 'A number';
    const bound = (c: { value?: number; inclusive?: boolean }, word: string) =>
        `${c.inclusive === false ? `${word} than` : word === 'more' ? 'at least' : 'at most'} ${String(c.value)}`;
    if (min && max && min.inclusive !== false && max.inclusive !== false) {
        return `${noun} from ${String(min.value)} to ${String(max.value)}.`;
    }
    const limits = [min && bound(min, 'more'), max && bound(max, 'less')].filter(Boolean);
    return `${noun}${limits.length ? `, ${limits.join(' and ')}` : ''}.`;
}

/** The input box's verdict on a typed number: undefined when the tool takes it (or the box is empty: the default). */
export function checkNumber(text: string, schema: z.ZodTypeAny | undefined): string | undefined {
    if (!text.trim()) {
        return undefined;
    }
    const value = Number(text);
    if (!Number.isFinite(value)) {
        return schema ? numberRule(schema) : 'A number, please.';
    }
    return schema && !schema.safeParse(value).success ? numberRule(schema) : undefined;
}

/** What the Run Tool command needs. */
export interface RunToolDeps extends TablePanelDeps {
    getSource(): Promise<InfraSource>;
}

/** Runs the command: every prompt answered by `preset` when given. */
export async function runToolCommand(deps: RunToolDeps, preset?: RunToolArgs): Promise<OpenedTable | undefined> {
    if (preset && typeof preset === 'object' && typeof preset.tool === 'string') {
        const tool = tools().findTool(preset.tool);
        if (!tool) {
            void vscode.window.showErrorMessage(`Infra Insights: no tool named ${JSON.stringify(preset.tool.slice(0, 80))}.`);
            return undefined;
        }
        if (preset.args) {
            return TablePanel.show(deps, { tool: tool.name, args: preset.args, view: preset.view });
        }
        return pickAndRun(deps, tool);
    }
    const picked = await vscode.window.showQuickPick(
        tools().allTools.map((t) => ({ label: t.name, description: t.title, detail: t.description.split('. ')[0], tool: t })),
        { title: 'Infra Insights: Run Tool', placeHolder: 'Which tool?', matchOnDescription: true, matchOnDetail: true },
    );
    return picked ? pickAndRun(deps, picked.tool) : undefined;
}

/** The parameter loop: "Run" or set one parameter, until Run (or Escape). */
async function pickAndRun(deps: RunToolDeps, tool: ToolDefinition): Promise<OpenedTable | undefined> {
    const parameters = parametersOf(tool);
    const args: Record<string, unknown> = {};
    for (;;) {
        const items: (vscode.QuickPickItem & { parameter?: ParameterSpec })[] = [
            { label: '$(play) Run', description: describeArgs(args) || 'with defaults', alwaysShow: true },
            ...parameters.map((p) => ({
                label: p.name,
                description: args[p.name] === undefined ? 'default' : JSON.stringify(args[p.name]),
                detail: p.description,
                parameter: p,
            })),
        ];
        const choice = await vscode.window.showQuickPick(items, {
            title: `Run ${tool.name}`,
            placeHolder: 'Run, or pick a parameter to set',
            matchOnDetail: true,
        });
        if (!choice) {
            return undefined;
        }
        if (!choice.parameter) {
            return TablePanel.show(deps, { tool: tool.name, args });
        }
        const value = await askValue(deps, tool, choice.parameter, args[choice.parameter.name]);
        if (value === CLEAR) {
            delete args[choice.parameter.name];
        } else if (value !== undefined) {
            args[choice.parameter.name] = value;
        }
    }
}

const CLEAR = Symbol('clear');

function describeArgs(args: Record<string, unknown>): string {
    return Object.entries(args)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(', ');
}

/** Parameters whose values are offered in a list, loaded by {@link optionsFor}; the others are typed. */
const LISTED = new Set(['subscription_ids', 'workspace_id', 'server_name', 'tags', 'resource_group', 'timespan']);

/** What a list of values is of, for the message when it could not be loaded. */
const LISTED_WHAT: Record<string, string> = {
    subscription_ids: 'subscriptions',
    workspace_id: 'workspaces',
    server_name: 'machines',
    tags: 'tags',
    resource_group: 'resource groups',
    timespan: 'timespans',
};

/** Options from real data where the parameter names a scope or a machine (seconds on a large estate). */
async function optionsFor(deps: RunToolDeps, parameter: ParameterSpec): Promise<vscode.QuickPickItem[]> {
    const source = await deps.getSource();
    const structured = async (tool: string, args: Record<string, unknown>) => {
        const run = await tools().runTool(tool, { source }, args);
        if (!run.ok) {
            throw new Error(run.message);
        }
        return run.structured as Record<string, Record<string, unknown>[]>;
    };
    switch (parameter.name) {
        case 'subscription_ids':
            return (await structured('ListScopes', {})).subscriptions.map((s) => ({
                label: String(s.displayName),
                description: String(s.subscriptionId),
            }));
        case 'workspace_id':
            return (await structured('ListScopes', {})).workspaces.map((w) => ({
                label: String(w.name),
                description: String(w.customerId),
            }));
        case 'server_name':
            return (await structured('GetServerMetadata', { max_results: 50_000 })).items
                .map((m) => ({ label: String(m.name), description: `${String(m.status)} · ${String(m.osName)}` }))
                .sort((a, b) => a.label.localeCompare(b.label));
        case 'tags':
        case 'resource_group': {
            const machines = (await structured('GetServerMetadata', { max_results: 50_000 })).items;
            const counts = new Map<string, number>();
            for (const m of machines) {
                const values =
                    parameter.name === 'tags'
                        ? Object.entries((m.tags ?? {}) as Record<string, string>).map(([name, value]) => `${name}=${value}`)
                        : [String(m.resourceGroup)];
                for (const v of values) {
                    counts.set(v, (counts.get(v) ?? 0) + 1);
                }
            }
            return [...counts]
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([value, n]) => ({ label: value, description: `${n} machine${n === 1 ? '' : 's'}` }));
        }
        case 'timespan':
            return TIMESPANS.map((t) => ({ label: t }));
        default:
            return [];
    }
}

async function askValue(deps: RunToolDeps, tool: ToolDefinition, parameter: ParameterSpec, current: unknown): Promise<unknown> {
    const title = `${tool.name}: ${parameter.name}`;
    const clear = { label: '$(clear-all) Default', description: 'leave unset' };
    if (parameter.kind === 'enum' || parameter.kind === 'boolean') {
        const pick = await vscode.window.showQuickPick([clear, ...parameter.options.map((o) => ({ label: o }))], {
            title,
            placeHolder: parameter.description,
        });
        return !pick ? undefined : pick === clear ? CLEAR : parameter.kind === 'boolean' ? pick.label === 'true' : pick.label;
    }
    if (parameter.kind === 'enumList') {
        const selected = new Set(Array.isArray(current) ? (current as string[]) : []);
        const picks = await vscode.window.showQuickPick(
            parameter.options.map((o) => ({ label: o, picked: selected.has(o) })),
            { title, placeHolder: `${parameter.description} (none = all)`, canPickMany: true },
        );
        return !picks ? undefined : picks.length ? picks.map((p) => p.label) : CLEAR;
    }
    // Subscriptions and workspaces are addressed by id (the description); machines, tags, groups and timespans by label.
    const valueOf = (item: vscode.QuickPickItem) =>
        parameter.name === 'subscription_ids' || parameter.name === 'workspace_id' ? (item.description ?? item.label) : item.label;
    const typed: vscode.QuickPickItem = { label: '$(edit) Type a value…', alwaysShow: true };
    let picked: string[] = [];
    let failure: string | undefined;
    if (LISTED.has(parameter.name)) {
        const many = parameter.kind === 'stringList';
        const selected = new Set(Array.isArray(current) ? (current as string[]) : []);
        // The items as a promise: the quick pick opens at once and shows its progress bar until the list has loaded.
        const items = optionsFor(deps, parameter).then((options) =>
            many ? [typed, ...options.map((o) => ({ ...o, picked: selected.has(valueOf(o)) }))] : [clear, typed, ...options],
        );
        const placeHolder =
            parameter.name === 'tags'
                ? 'Machines that carry EVERY tag chosen (all must match, not any); none = all machines'
                : many
                  ? `${parameter.description} (none = all)`
                  : parameter.description;
        try {
            if (many) {
                const picks = await vscode.window.showQuickPick(items, {
                    title,
                    placeHolder,
                    canPickMany: true,
                    matchOnDescription: true,
                });
                if (!picks) {
                    return undefined;
                }
                picked = picks.filter((p) => p !== typed).map(valueOf);
                if (!picks.includes(typed)) {
                    return picked.length ? picked : CLEAR;
                }
            } else {
                const pick = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true });
                if (!pick) {
                    return undefined;
                }
                if (pick === clear) {
                    return CLEAR;
                }
                if (pick !== typed) {
                    return valueOf(pick);
                }
            }
        } catch (error) {
            const message = error instanceof Error ? error.message : String(error);
            deps.log.warn(`Could not list values for ${parameter.name}: ${message}`);
            failure = `Could not list the ${LISTED_WHAT[parameter.name] ?? 'values'} (${message}): type the value.`;
        }
    }
    const prompt = [
        failure,
        parameter.kind === 'stringList' ? `${parameter.description} Several values: separate them with commas.` : parameter.description,
        parameter.kind === 'number' && parameter.schema ? numberRule(parameter.schema) : undefined,
        picked.length ? `Added to: ${picked.join(', ')}` : undefined,
    ]
        .filter(Boolean)
        .join(' ');
    const text = await vscode.window.showInputBox({
        title,
        prompt,
        value: picked.length || current === undefined ? '' : Array.isArray(current) ? current.join(', ') : String(current),
        validateInput: (v) => (parameter.kind === 'number' ? checkNumber(v, parameter.schema) : undefined),
    });
    if (text === undefined) {
        return undefined;
    }
    if (!text.trim()) {
        return picked.length ? picked : CLEAR;
    }
    if (parameter.kind === 'number') {
        return Number(text);
    }
    return parameter.kind === 'stringList'
        ? [
              ...new Set([
                  ...picked,
                  ...text
                      .split(',')
                      .map((s) => s.trim())
                      .filter(Boolean),
              ]),
          ]
        : text.trim();
}
