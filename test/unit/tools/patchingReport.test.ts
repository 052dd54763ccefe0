import * as assert from 'node:assert/strict';
import { z } from 'zod';
import type { MissingPatch, PatchAssessment } from '../../../src/core/model';
import type { QueryResult } from '../../../src/core/source';
import { runTool } from '../../../src/tools';
import { getPatchingLevel } from '../../../src/tools/get-patching-level';
import { sampleSource } from '../../helpers/fixtures';

type Source = ReturnType<typeof sampleSource>;

interface PatchAnswer {
    /** The summary sentence: the line after the sample notice. */
    sentence: string;
    text: string;
    summary: Record<string, unknown>;
    machines: { machineName: string; state: string }[];
    structured: Record<string, unknown>;
}

async function patching(source: Source, args: Record<string, unknown>): Promise<PatchAnswer> {
    const result = await runTool('GetPatchingLevel', { source }, args);
    if (!result.ok) {
        assert.fail(`GetPatchingLevel ${JSON.stringify(args)} failed: ${result.message}`);
    }
    const structured = result.structured as { summary: Record<string, unknown>; machines: { machineName: string; state: string }[] };
    return {
        sentence: result.text.split('\n')[1],
        text: result.text,
        summary: structured.summary,
        machines: structured.machines,
        structured: result.structured,
    };
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The estate as the generator made it: machines, latest assessments, missing patches, and which machines are not assessed. */
async function truthOf(source: Source) {
    const subscriptionIds = (await source.listScopes()).subscriptions.map((s) => s.subscriptionId);
    const machines = (await source.getMachines({ subscriptionIds })).rows;
    const assessments = (await source.getPatchAssessments({ subscriptionIds })).rows;
    const patches = (await source.getMissingPatches({ subscriptionIds })).rows;
    const notAssessed = new Set(source.machinesNotAssessed());
    const assessed = assessments.filter((a) => !notAssessed.has(a.machineName));
    return { machines, assessments, patches, notAssessed, assessed };
}

/** The sample estate with its patch assessments (and their patches) narrowed to those `keep` accepts. */
function withAssessments(source: Source, keep: (a: PatchAssessment) => boolean): Source {
    const kept = async (query: Parameters<Source['getPatchAssessments']>[0]) => {
        const all = await source.getPatchAssessments(query);
        return { ...all, rows: all.rows.filter(keep) };
    };
    return Object.create(source, {
        getPatchAssessments: { value: kept },
        getMissingPatches: {
            value: async (query: Parameters<Source['getMissingPatches']>[0]): Promise<QueryResult<MissingPatch>> => {
                const ids = new Set((await kept(query)).rows.map((a) => a.machineId.toLowerCase()));
                const all = await source.getMissingPatches(query);
                return { ...all, rows: all.rows.filter((p) => ids.has(p.machineId.toLowerCase())) };
            },
        },
    }) as Source;
}

describe('GetPatchingLevel report: what a reader is told', () => {
    const source = sampleSource();

    it('counts as compliant every assessed machine missing no Critical or Security update, and says how many miss other updates', async () => {
        const truth = await truthOf(source);
        const classesOf = (name: string) => truth.patches.filter((p) => p.machineName === name).map((p) => p.classification);
        const urgent = truth.assessed.filter((a) => classesOf(a.machineName).some((c) => c === 'Critical' || c === 'Security'));
        const compliant = truth.assessed.filter((a) => !urgent.includes(a));
        const onlyOther = compliant.filter((a) => classesOf(a.machineName).length > 0);
        assert.ok(onlyOther.length > 0 && onlyOther.length < compliant.length, 'the sample has both kinds of compliant machine');

        const out = await patching(source, { max_results: 10_000 });
        assert.equal(out.summary.compliant, compliant.length);
        assert.equal(out.summary.compliantMissingOther, onlyOther.length);
        // The states add up to summary.compliant: "compliant" (nothing missing) and "missing-other".
        const count = (state: string) => out.machines.filter((m) => m.state === state).length;
        assert.equal(count('compliant'), compliant.length - onlyOther.length);
        assert.equal(count('missing-other'), onlyOther.length);
        assert.ok(
            out.sentence.includes(
                `% compliant: ${compliant.length} machines miss no Critical or Security update (${compliant.length - onlyOther.length} with nothing missing, ` +
                    `${onlyOther.length} missing only other updates) and ${urgent.length} miss Critical or Security updates; `,
            ),
            out.sentence,
        );

        // A model reading only the JSON learns the same from the output schema.
        const summaryShape = (getPatchingLevel.output as z.AnyZodObject).shape.summary as z.AnyZodObject;
        const machineShape = ((getPatchingLevel.output as z.AnyZodObject).shape.machines as z.ZodArray<z.AnyZodObject>).element;
        assert.match(
            summaryShape.shape.compliant.description ?? '',
            /state "compliant" \(nothing missing\) plus those of state\s+"missing-other"/,
        );
        assert.match(
            machineShape.shape.state.description ?? '',
            /missing-other: assessed, missing only updates classified neither Critical nor Security — still compliant/,
        );
    });

    it('says what a machine-level filter left out, with the machine’s value, instead of answering with zeros', async () => {
        const truth = await truthOf(source);
        const waiting = truth.assessed.find((a) => a.rebootPending);
        const notWaiting = truth.assessed.find((a) => !a.rebootPending);
        assert.ok(waiting && notWaiting, 'the sample has assessed machines waiting for a reboot and not');

        const excluded = await patching(source, { server_name: waiting.machineName, reboot_pending: false });
        assert.equal(excluded.sentence, `${waiting.machineName} is waiting for a reboot, so reboot_pending false leaves nothing.`);
        assert.equal(excluded.summary.machines, 0);
        assert.doesNotMatch(excluded.text, /0 of 0|missing patches|compliance unknown/);
        assert.equal(
            (await patching(source, { server_name: notWaiting.machineName, reboot_pending: true })).sentence,
            `${notWaiting.machineName} is not waiting for a reboot, so reboot_pending true leaves nothing.`,
        );

        // Of a machine not assessed, whether it waits is unknown: it is in neither answer, and the sentence says why.
        const failed = truth.assessments.find((a) => a.status === 'Failed' && truth.notAssessed.has(a.machineName));
        assert.ok(failed, 'the sample has a failed assessment');
        assert.match(
            (await patching(source, { server_name: failed.machineName, reboot_pending: true })).sentence,
            new RegExp(
                `^${escaped(failed.machineName)} is not assessed \\(the last assessment failed .+\\), so whether it waits for a reboot is unknown and reboot_pending true leaves nothing\\.$`,
            ),
        );

        // Several machines: a resource group none of whose assessed machines waits for a reboot.
        const groups = [...new Set(truth.machines.map((m) => m.resourceGroup))].sort();
        const inGroup = (group: string) => truth.assessments.filter((a) => a.resourceGroup === group);
        const group = groups.find(
            (g) =>
                inGroup(g).length >= 2 &&
                inGroup(g).length <= 5 &&
                inGroup(g).some((a) => truth.notAssessed.has(a.machineName)) &&
                inGroup(g).every((a) => truth.notAssessed.has(a.machineName) || !a.rebootPending),
        );
        assert.ok(group, 'a small resource group with no machine waiting for a reboot, one not assessed');
        const names = (rows: PatchAssessment[]) =>
            rows
                .map((a) => a.machineName)
                .sort()
                .join(', ');
        const known = inGroup(group).filter((a) => !truth.notAssessed.has(a.machineName));
        const unknown = inGroup(group).filter((a) => truth.notAssessed.has(a.machineName));
        const verb = (n: number) => (n === 1 ? 'is' : 'are');
        assert.equal(
            (await patching(source, { resource_group: [group], reboot_pending: true })).sentence,
            `Of the ${inGroup(group).length} machines matching resource_group "${group}", ` +
                `${known.length} ${verb(known.length)} not waiting for a reboot (${names(known)}) and ` +
                `${unknown.length} ${verb(unknown.length)} not assessed, whose reboot state is unknown (${names(unknown)}), so reboot_pending true leaves nothing.`,
        );
    });

    it('says which of tags or resource_group leaves out the machine server_name names, with its own values', async () => {
        const truth = await truthOf(source);
        const machine = truth.machines.find((m) => m.tags.environment !== undefined);
        assert.ok(machine, 'a machine with an environment tag');
        const otherGroup = truth.machines.map((m) => m.resourceGroup).find((g) => g !== machine.resourceGroup);
        const otherEnvironment = truth.machines
            .map((m) => m.tags.environment)
            .find((e) => e !== undefined && e !== machine.tags.environment);
        assert.ok(otherGroup && otherEnvironment);

        assert.equal(
            (await patching(source, { server_name: machine.name, resource_group: [otherGroup] })).sentence,
            `${machine.name} is in resource group ${machine.resourceGroup}, so resource_group "${otherGroup}" leaves nothing.`,
        );
        assert.equal(
            (await patching(source, { server_name: machine.name, tags: [`environment=${otherEnvironment}`] })).sentence,
            `${machine.name} carries environment=${machine.tags.environment}, so tag "environment=${otherEnvironment}" leaves nothing.`,
        );
        assert.equal(
            (
                await patching(source, {
                    server_name: machine.name,
                    resource_group: [otherGroup],
                    tags: [`environment=${otherEnvironment}`],
                })
            ).sentence,
            `${machine.name} is in resource group ${machine.resourceGroup} and carries environment=${machine.tags.environment}, ` +
                `so resource_group "${otherGroup}" and tag "environment=${otherEnvironment}" leave nothing.`,
        );
    });

    it('never gives a machine not assessed (a failed or missing assessment) zero patch counts, and says why it is not assessed', async () => {
        const truth = await truthOf(source);
        assert.ok(truth.notAssessed.size > 0);
        const failed = truth.assessments.filter((a) => a.status === 'Failed' && truth.notAssessed.has(a.machineName));
        assert.ok(failed.length > 0, 'the sample has a failed assessment');
        for (const name of truth.notAssessed) {
            // With a patch filter too: "Of the 0 missing patches, none is …" would be a zero count as well.
            for (const args of [{ server_name: name }, { server_name: name, classification: ['Critical'] }]) {
                const out = await patching(source, args);
                assert.match(
                    out.sentence,
                    new RegExp(
                        `^0 of 1 machine assessed in the last 7 days; compliance unknown: ${escaped(name)} is not assessed \\((.+)\\), so its missing patches and reboot state are unknown, not zero\\.$`,
                    ),
                );
                assert.doesNotMatch(out.sentence, /\b0 missing|by severity|waiting for a reboot|Of the /, out.sentence);
                assert.ok(!out.text.includes('Not assessed:'), 'the reason is said once, in the sentence');
            }
        }
        for (const a of failed) {
            assert.match(
                (await patching(source, { server_name: a.machineName })).sentence,
                / is not assessed \(the last assessment failed /,
            );
        }

        // An estate where nothing was assessed: every machine named with its reason, no count of patches.
        const none = await patching(
            withAssessments(source, (a) => truth.notAssessed.has(a.machineName)),
            { max_results: 10_000 },
        );
        assert.ok(
            none.sentence.startsWith(
                `0 of ${truth.notAssessed.size} machines assessed in the last 7 days; compliance unknown: none is assessed, so their missing patches and reboot state are unknown, not zero — `,
            ),
            none.sentence,
        );
        assert.doesNotMatch(none.sentence, /\b0 missing|by severity/);
        assert.equal(none.summary.compliancePercent, null);
    });

    it('counts the fleet’s missing patches on the assessed machines only, and says the others’ are unknown', async () => {
        const truth = await truthOf(source);
        const assessedNames = new Set(truth.assessed.map((a) => a.machineName));
        const missing = truth.patches.filter((p) => assessedNames.has(p.machineName)).length;
        const out = await patching(source, {});
        assert.equal(out.summary.missingPatches, missing);
        assert.ok(
            out.sentence.startsWith(`${truth.assessed.length} of ${truth.assessments.length} machines assessed in the last 7 days; `),
            out.sentence,
        );
        assert.ok(
            out.sentence.includes(`; ${missing} missing patches on the ${truth.assessed.length} assessed machines (by severity: `),
            out.sentence,
        );
        assert.ok(
            out.sentence.includes(
                `; ${truth.notAssessed.size} not assessed, whose missing patches and reboot state are unknown (why below).`,
            ),
            out.sentence,
        );
        assert.match(out.text, /^Not assessed: /m);
    });

    it('says a machine Azure Update Manager has no assessment of is unknown, not an empty answer', async () => {
        const truth = await truthOf(source);
        const machine = truth.assessed[0];
        const out = await patching(
            withAssessments(source, (a) => a.machineId !== machine.machineId),
            { server_name: machine.machineName },
        );
        assert.equal(
            out.sentence,
            `${machine.machineName} has no patch assessment in Azure Update Manager, so its missing patches are unknown, not zero — check that periodic assessment is enabled for it.`,
        );
    });
});

/** The machines' patch state as the estate holds it, ranked as a reader wants them: worst first. */
function rankedByTruth(truth: Awaited<ReturnType<typeof truthOf>>, names: readonly string[]): string[] {
    const urgentCount = (name: string) =>
        truth.patches.filter((p) => p.machineName === name && (p.classification === 'Critical' || p.classification === 'Security')).length;
    const anyMissing = (name: string) => truth.patches.some((p) => p.machineName === name);
    // Missing Critical or Security updates first, then missing only other updates, then nothing missing.
    const rank = (name: string) => (urgentCount(name) > 0 ? 0 : anyMissing(name) ? 1 : 2);
    return [...names].sort((a, b) => rank(a) - rank(b) || urgentCount(b) - urgentCount(a) || (a < b ? -1 : a > b ? 1 : 0));
}

/** The line naming the machines waiting for a reboot: the names it spells out, and how many more it counts. */
function waitingLine(text: string): { line: string; named: string[]; more: number } | undefined {
    const line = text.split('\n').find((l) => l.startsWith('Waiting for a reboot'));
    if (!line) {
        return undefined;
    }
    const match =
        /^Waiting for a reboot, those missing the most Critical or Security updates first: (.+?)(?: and (\d+) more)?(?: \(.+\))?\.$/.exec(
            line,
        );
    assert.ok(match, line);
    return { line, named: match[1].split(', '), more: Number(match[2] ?? 0) };
}

interface Structured {
    summary: { machines: number };
    items: { machineId: string; machineName: string }[];
    machines: { machineId: string; machineName: string; state: string }[];
    machinesTruncation: { shown: number; total: number };
}

describe('GetPatchingLevel report: the machines behind the patches', () => {
    const source = sampleSource();
    const large = sampleSource({ machines: 300 });

    it('names every machine waiting for a reboot, worst first, those without a missing patch too', async () => {
        const truth = await truthOf(source);
        const waiting = truth.assessed.filter((a) => a.rebootPending).map((a) => a.machineName);
        assert.ok(waiting.length > 1 && waiting.length <= 10, 'the sample has a few machines waiting for a reboot');
        const withNoPatch = waiting.filter((name) => !truth.patches.some((p) => p.machineName === name));
        assert.ok(withNoPatch.length > 0, 'the sample has a machine waiting for a reboot with nothing missing: no table row');

        for (const args of [{ reboot_pending: true }, {}]) {
            const out = await patching(source, args);
            const note = waitingLine(out.text);
            assert.ok(note, `${JSON.stringify(args)}: a line names the machines waiting\n${out.text}`);
            assert.deepEqual(note.named, rankedByTruth(truth, waiting), note.line);
            assert.equal(note.more, 0);
            assert.ok(out.sentence.includes(`${waiting.length} waiting for a reboot`), out.sentence);
        }
        for (const name of withNoPatch) {
            // Named in the text, though no patch row of it is shown.
            assert.ok(!(await patching(source, { reboot_pending: true })).text.includes(`| ${name} |`));
        }
        assert.equal(waitingLine((await patching(source, { reboot_pending: false })).text), undefined, 'none waits: no line');

        // A large estate: the first ten named, the rest counted, and where to find them.
        const big = await truthOf(large);
        const bigWaiting = rankedByTruth(
            big,
            big.assessed.filter((a) => a.rebootPending).map((a) => a.machineName),
        );
        assert.ok(bigWaiting.length > 10, 'the large sample has more machines waiting than a line names');
        const out = await patching(large, {});
        const note = waitingLine(out.text);
        assert.ok(note, out.text);
        assert.deepEqual(note.named, bigWaiting.slice(0, 10), note.line);
        assert.equal(note.more, bigWaiting.length - 10, note.line);
        const listedWaiting = out.machines.filter((m) => bigWaiting.includes(m.machineName)).length;
        assert.ok(listedWaiting < bigWaiting.length, 'the machines list, cut, holds only some of them');
        assert.ok(
            note.line.endsWith(
                ` and ${bigWaiting.length - 10} more (the machines list in structuredContent has ${listedWaiting} of them; reboot_pending true lists them).`,
            ),
            note.line,
        );
        const asked = await patching(large, { reboot_pending: true });
        assert.deepEqual(
            asked.machines.map((m) => m.machineName).sort(),
            [...bigWaiting].sort(),
            'reboot_pending true lists every machine waiting',
        );
        assert.ok(waitingLine(asked.text)?.line.endsWith(` and ${bigWaiting.length - 10} more.`), asked.text);
    });

    it('lists the state of every machine a listed patch is on, and says when the machines list is cut', async () => {
        const output = getPatchingLevel.output as z.AnyZodObject;
        assert.ok((output.shape.machinesTruncation as z.ZodTypeAny).description, 'described for a model');
        const truth = await truthOf(source);
        const big = await truthOf(large);
        const inSite = (site: string) => new Set(truth.machines.filter((m) => m.tags.site === site).map((m) => m.id.toLowerCase()));
        const fra = inSite('fra');
        const cases: { estate: Source; args: Record<string, unknown>; total: number; notAssessed: number }[] = [
            {
                estate: source,
                args: { tags: ['site=fra'], classification: ['Critical', 'Security'], max_results: 3 },
                total: truth.assessments.filter((a) => fra.has(a.machineId.toLowerCase())).length,
                notAssessed: truth.assessments.filter((a) => fra.has(a.machineId.toLowerCase()) && truth.notAssessed.has(a.machineName))
                    .length,
            },
            { estate: source, args: { max_results: 5 }, total: truth.assessments.length, notAssessed: truth.notAssessed.size },
            { estate: source, args: { max_results: 10_000 }, total: truth.assessments.length, notAssessed: truth.notAssessed.size },
            { estate: large, args: {}, total: big.assessments.length, notAssessed: big.notAssessed.size },
            {
                estate: large,
                // Critical patches are few: the machines they are on leave room for others.
                args: { classification: ['Critical'] },
                total: big.assessments.length,
                notAssessed: big.notAssessed.size,
            },
        ];
        let filledWithUnknown = false;
        for (const { estate, args, total, notAssessed } of cases) {
            const out = await patching(estate, args);
            const structured = output.parse(out.structured) as Structured;
            const what = JSON.stringify(args);
            const listed = new Set(structured.machines.map((m) => m.machineId.toLowerCase()));
            for (const p of structured.items) {
                assert.ok(listed.has(p.machineId.toLowerCase()), `${what}: ${p.machineName} has a patch listed and its state`);
            }
            const max = Number(args.max_results ?? 100);
            const withPatch = new Set(structured.items.map((p) => p.machineId.toLowerCase())).size;
            const shown = Math.min(total, Math.max(max, withPatch));
            assert.equal(structured.summary.machines, total, what);
            assert.deepEqual(structured.machinesTruncation, { shown, total }, what);
            assert.equal(structured.machines.length, shown, what);
            // Machines not assessed come right after those whose patches are listed: nothing else says which they are.
            const unknown = structured.machines.filter((m) => m.state === 'not-assessed');
            assert.equal(unknown.length, Math.min(notAssessed, shown - withPatch), what);
            const notice = `Per-machine state (machines in structuredContent) covers ${shown} of the ${total} machines: `;
            assert.equal(out.text.includes(notice), shown < total, `${what}: the text says the list is cut when it is\n${out.text}`);
            filledWithUnknown ||= shown < total && withPatch < shown && unknown.length > 0;
        }
        assert.ok(filledWithUnknown, 'a cut list with room after the machines of its patches, and machines not assessed to fill it');
    });
});
