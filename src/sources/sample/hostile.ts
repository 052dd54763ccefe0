/**
 * Values an attacker can put into Azure (resource names, tag values, software names, database names) and that
 * every layer must carry as inert text. The hostile variant of the sample estate plants them; tests check they come
 * back byte-identical and never become markup, queries or terminal control.
 */

/** A string long enough to break layouts, logs and naive size limits. */
const LONG = `long-${'0123456789abcdef'.repeat(313)}`.slice(0, 5000);

/** Every planted string, exactly as planted. */
export const HOSTILE_STRINGS: readonly string[] = Object.freeze([
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    'o\'brien\\"; drop',
    "x' or 1==1 //",
    // A right-to-left override makes "invoice\u202Efdp.exe" read as "invoiceexe.pdf".
    'invoice\u202Efdp.exe',
    LONG,
    'first line\nsecond line',
    '=HYPERLINK("http://example.invalid","click")',
    '${process.exit(1)} {{constructor.constructor("alert(1)")()}}',
]);

/** A link a webview must never follow as script. */
export const HOSTILE_LINK = 'javascript:alert(1)';

/** The planted string number `index`, cycling, so generators can spread them over many fields. */
export function hostileString(index: number): string {
    return HOSTILE_STRINGS[((index % HOSTILE_STRINGS.length) + HOSTILE_STRINGS.length) % HOSTILE_STRINGS.length];
}
