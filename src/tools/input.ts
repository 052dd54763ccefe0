/**
 * How every caller's arguments reach a tool (the MCP server, the CLI, the command palette): checked strictly against
 * the tool's schema, but forgiving the slips language models make most — a listed value in another case (`"critical"`),
 * one value where the schema wants a list (`"severity": "High"`), a list written as one text (`"Critical,Security"`,
 * when each part is a valid value and the whole is not), a boolean or a number written as text (`"true"`,
 * `"25"`) — and naming the nearest known
 * parameters when one is unknown. The schema stays a ZodObject with the same shape, so the JSON schema a client lists,
 * the CLI's flags and the pickers are unchanged.
 */
import { z } from 'zod';
import { nearestNames } from './common';

/** The schema under optional / default / nullable / effects wrappers. */
export function unwrapped(schema: z.ZodTypeAny): z.ZodTypeAny {
    let inner = schema;
    for (;;) {
        if (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) {
            inner = inner.unwrap() as z.ZodTypeAny;
        } else if (inner instanceof z.ZodDefault) {
            inner = inner._def.innerType as z.ZodTypeAny;
        } else if (inner instanceof z.ZodEffects) {
            inner = inner.innerType() as z.ZodTypeAny;
        } else {
            return inner;
        }
    }
}

/** The value as the schema wants it when it is an unambiguous slip; anything else unchanged (the schema then says why). */
function forgive(value: unknown, schema: z.ZodTypeAny): unknown {
    const inner = unwrapped(schema);
    if (inner instanceof z.ZodArray) {
        const element = inner.element as z.ZodTypeAny;
        if (typeof value === 'string' && value.includes(',') && !element.safeParse(forgive(value, element)).success) {
            // A list written as one text ("Critical,Security", "guid1, guid2"): split, when the whole is no valid value
            // and every part is one — so a value that may hold a comma (a tag, a name) is never cut.
            const parts = value.split(',').map((part) => forgive(part.trim(), element));
            if (parts.every((part) => element.safeParse(part).success)) {
                return parts;
            }
        }
        if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
            return [forgive(value, element)];
        }
        if (Array.isArray(value)) {
            let copy: unknown[] | undefined;
            for (let i = 0; i < value.length; i++) {
                const forgiven = forgive(value[i], element);
                if (forgiven !== value[i]) {
                    copy ??= [...value];
                    copy[i] = forgiven;
                }
            }
            return copy ?? value;
        }
        return value;
    }
    if (typeof value !== 'string') {
        return value;
    }
    if (inner instanceof z.ZodEnum) {
        // A listed value in any case or with stray spaces ("critical", " Linux ") is the declared spelling.
        const wanted = value.trim().toLowerCase();
        return (inner.options as string[]).find((option) => option.toLowerCase() === wanted) ?? value;
    }
    if (inner instanceof z.ZodBoolean) {
        const text = value.trim().toLowerCase();
        return text === 'true' ? true : text === 'false' ? false : value;
    }
    if (inner instanceof z.ZodNumber && value.length <= 40 && value.trim() !== '') {
        const n = Number(value);
        return Number.isFinite(n) ? n : value;
    }
    return value;
}

/** A tool's input object that forgives the slips above before its own strict parse. */
class ForgivingObject<T extends z.ZodRawShape> extends z.ZodObject<T, 'strict'> {
    override _parse(input: z.ParseInput): z.ParseReturnType<this['_output']> {
        const data: unknown = input.data;
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
            const shape = this.shape;
            let copy: Record<string, unknown> | undefined;
            for (const [key, value] of Object.entries(data)) {
                if (!Object.hasOwn(shape, key)) {
                    continue; // unknown: the strict parse names it
                }
                const forgiven = forgive(value, shape[key]);
                if (forgiven !== value) {
                    copy ??= { ...(data as Record<string, unknown>) };
                    copy[key] = forgiven;
                }
            }
            if (copy) {
                return super._parse({ ...input, data: copy });
            }
        }
        return super._parse(input);
    }
}

/** "unknown parameter "serverName" (did you mean ServerName or server_name?)" for each unknown key. */
export function unknownParameters(keys: readonly string[], known: readonly string[]): string {
    return keys
        .map((key) => {
            const near = nearestNames(key.replace(/-/g, '_'), known, 2);
            return `unknown parameter ${JSON.stringify(key.slice(0, 80))}${near.length ? ` (did you mean ${near.join(' or ')}?)` : ''}`;
        })
        .join('; ');
}

/** The tool input schema `schema`, forgiving and with named unknown parameters; any other schema is returned as is. */
export function forgivingInput<In extends z.ZodTypeAny>(schema: In): In {
    if (!(schema instanceof z.ZodObject) || schema instanceof ForgivingObject) {
        return schema;
    }
    const known = Object.keys(schema.shape as z.ZodRawShape);
    const errorMap: z.ZodErrorMap = (issue, context) =>
        issue.code === 'unrecognized_keys' ? { message: unknownParameters(issue.keys, known) } : { message: context.defaultError };
    return new ForgivingObject({ ...(schema._def as z.ZodObjectDef<z.ZodRawShape, 'strict'>), errorMap }) as unknown as In;
}
