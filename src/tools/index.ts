import type { z } from 'zod';
import { SourceError, UserError } from '../core/source';
import { getAnomalies } from './get-anomalies';
import { getPatchingLevel } from './get-patching-level';
import { getServerMetadata } from './get-server-metadata';
import { getSqlBpAssessment } from './get-sql-bp-assessment';
import { getSqlMetadata } from './get-sql-metadata';
import { getSwChangesList } from './get-sw-changes-list';
import { getSwConfig } from './get-sw-config';
import { getWinBpAssessment } from './get-win-bp-assessment';
import { listScopes } from './list-scopes';
import type { ToolContext, ToolDefinition } from './types';

export type { ToolContext, ToolDefinition, ToolOutput } from './types';

/** Every tool, in the order a person reads them. */
export const allTools: readonly ToolDefinition[] = [
    getServerMetadata,
    getSqlMetadata,
    getPatchingLevel,
    getSqlBpAssessment,
    getWinBpAssessment,
    getSwConfig,
    getSwChangesList,
    getAnomalies,
    listScopes,
] as unknown as ToolDefinition[];

export function findTool(name: string): ToolDefinition | undefined {
    return allTools.find((t) => t.name === name) ?? allTools.find((t) => t.name.toLowerCase() === name.toLowerCase());
}

/** The outcome of a run outside MCP (CLI, trees, tables): the answer, or the one message to show. */
export type ToolRun =
    | { ok: true; structured: Record<string, unknown>; text: string }
    | { ok: false; message: string; kind: 'input' | 'source' | 'cancelled' | 'internal' };

/**
 * Runs a tool by name with unvalidated arguments, the same way the MCP server does:
 * input validated by the tool's schema, caller mistakes and source failures turned into messages.
 */
export async function runTool(name: string, context: ToolContext, args: unknown): Promise<ToolRun> {
    const tool = findTool(name);
    if (!tool) {
        return {
            ok: false,
            kind: 'input',
            message: `Unknown tool ${JSON.stringify(name.slice(0, 80))}. Tools: ${allTools.map((t) => t.name).join(', ')}.`,
        };
    }
    const parsed = tool.input.safeParse(args ?? {});
    if (!parsed.success) {
        return { ok: false, kind: 'input', message: describeInputError(tool.name, parsed.error) };
    }
    try {
        const output = await tool.run(context, parsed.data);
        return { ok: true, structured: output.structured as Record<string, unknown>, text: output.text };
    } catch (error) {
        return { ok: false, ...describeFailure(error, context.signal) };
    }
}

/** Turns a zod error into "param: problem" sentences (an unknown parameter is named with the nearest known ones: input.ts). */
export function describeInputError(toolName: string, error: z.ZodError): string {
    const problems = error.issues.map((issue) => {
        if (issue.code === 'unrecognized_keys') {
            return issue.message;
        }
        if (issue.code === 'invalid_type' && issue.expected === 'number' && (issue.received === 'nan' || issue.received === 'string')) {
            return `${issue.path.join('.')}: expected a number`;
        }
        return `${issue.path.join('.') || 'arguments'}: ${issue.message}`;
    });
    return `Invalid arguments for ${toolName}: ${problems.join('; ')}.`;
}

/** Classifies a thrown error: the caller's mistake, the source's, a cancellation, or a bug. */
export function describeFailure(
    error: unknown,
    signal?: AbortSignal,
): { message: string; kind: 'input' | 'source' | 'cancelled' | 'internal' } {
    // By name as well as class: the Azure source is a separate bundle (dist/azure.js) with its own copy of the classes.
    const isA = (cls: typeof UserError | typeof SourceError) => error instanceof cls || (error instanceof Error && error.name === cls.name);
    if (isA(UserError)) {
        return { kind: 'input', message: (error as Error).message };
    }
    if (signal?.aborted || (isA(SourceError) && (error as SourceError).code === 'cancelled')) {
        return { kind: 'cancelled', message: 'The request was cancelled.' };
    }
    if (isA(SourceError)) {
        return { kind: 'source', message: (error as Error).message };
    }
    return { kind: 'internal', message: `Internal error: ${error instanceof Error ? error.message : String(error)}` };
}
