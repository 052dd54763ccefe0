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
}

async function patching(source: Source, args: Record<string, unknown>): Promise<PatchAnswer> {
    const result = await runTool('GetPatchingLevel', { source }, args);
    if (!result.ok) {
        assert.fail(`GetPatchingLevel ${JSON.stringify(args)} failed: ${result.message}`);
    }
    const structured = result.structured as { summary: Record<string, unknown>; machines: { machineName: string; state: string }[] };
    return { sentence: result.text.split('\n')[1], text: result.text, summary: structured.summary, machines: structured.machines };
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
