import { forgivingInput } from './input';
import type { z } from 'zod';
import type { InfraSource } from '../core/source';

/** What a tool run gets besides its input: the data source, a cancellation signal, and where to say how far it got. */
export interface ToolContext {
    source: InfraSource;
    signal?: AbortSignal;
    /** Told what a long run is doing now (the MCP server turns it into progress notifications when the client asks). */
    progress?: (message: string) => void;
}

/** The MCP tool annotations; every tool here is read-only, idempotent and reaches out to Azure (or the sample). */
export interface ToolAnnotations {
    readOnlyHint: boolean;
    destructiveHint: boolean;
    idempotentHint: boolean;
    openWorldHint: boolean;
}

/** A tool's answer: `structured` matches its output schema; `text` is the short version a model reads first. */
export interface ToolOutput<S> {
    structured: S;
    text: string;
}

/**
 * A tool, declared once and used by the MCP server, the CLI, the command palette, the trees and the tables.
 * `input` is a strict zod object so an unknown parameter is an error rather than silently ignored.
 */
export interface ToolDefinition<In extends z.ZodTypeAny = z.ZodTypeAny, Out extends z.ZodTypeAny = z.ZodTypeAny> {
    name: string;
    title: string;
    /** Written for a language model: what it answers, what the parameters mean, what comes back. */
    description: string;
    input: In;
    output: Out;
    annotations: ToolAnnotations;
    run(context: ToolContext, input: z.output<In>): Promise<ToolOutput<z.output<Out>>>;
}

export const READ_ONLY: ToolAnnotations = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };

/**
 * Declares a tool with its input and output types inferred from the schemas. Its input schema forgives the usual slips
 * of a caller (a single value for a list, "true" for true) and names the nearest parameters to an unknown one (input.ts).
 */
export function defineTool<In extends z.ZodTypeAny, Out extends z.ZodTypeAny>(
    definition: ToolDefinition<In, Out>,
): ToolDefinition<In, Out> {
    return { ...definition, input: forgivingInput(definition.input) };
}

/**
 * A progress reporter that passes on at most one message per `intervalMs` and drops the ones in between: a progress
 * message only says where a run is now, and a fleet scan produces one every few milliseconds.
 */
export function throttledProgress(
    report: (message: string) => void,
    intervalMs: number,
    now: () => number = Date.now,
): (message: string) => void {
    let last = -Infinity;
    return (message) => {
        const at = now();
        if (at - last >= intervalMs) {
            last = at;
            report(message);
        }
    };
}
