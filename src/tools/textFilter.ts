/**
 * A "text contained" filter as a caller writes it (software_name, publisher, focus_area, os_name): case-insensitive,
 * with `*` matching any characters. Models write `*openssl*` or `Microsoft*` because server_name takes wildcards; a
 * leading or trailing star adds nothing to "contains", and inner stars require the parts in order ("windows*2012"
 * matches "Windows Server 2012 R2").
 */
export interface TextFilter {
    /**
     * The longest part without a star, as written: what a source may narrow its rows by with a plain "contains" (the
     * sources quote it into KQL, so it must never carry the pattern itself). Every text the filter matches contains it.
     */
    readonly sourceText: string;
    /** Whether a text matches the whole pattern. */
    matches(text: string): boolean;
}

/**
 * The filter a caller's value asks for, or undefined when it asks for none: no value, a blank one, or only stars.
 * Each distinct text is judged once: inventories repeat the same few hundred names and publishers on every machine.
 */
export function textFilter(value: string | undefined): TextFilter | undefined {
    const parts = (value ?? '')
        .trim()
        .split('*')
        .filter((part) => part !== '');
    if (parts.length === 0) {
        return undefined;
    }
    const sourceText = parts.reduce((longest, part) => (part.length > longest.length ? part : longest));
    const wanted = parts.map((part) => part.toLowerCase());
    const judged = new Map<string, boolean>();
    return {
        sourceText,
        matches(text) {
            let verdict = judged.get(text);
            if (verdict === undefined) {
                verdict = containsInOrder(text.toLowerCase(), wanted);
                judged.set(text, verdict);
            }
            return verdict;
        },
    };
}

/** Whether `text` holds every part, each after the one before: taking each part's first place leaves the most room for the next. */
function containsInOrder(text: string, parts: readonly string[]): boolean {
    let from = 0;
    for (const part of parts) {
        const at = text.indexOf(part, from);
        if (at < 0) {
            return false;
        }
        from = at + part.length;
    }
    return true;
}
