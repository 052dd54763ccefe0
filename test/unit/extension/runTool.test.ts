/**
 * "Run Tool…" parameter steps with `vscode` stood in for (see ./fakeVscode.ts): lists of values load with the picker
 * open and busy, a list that cannot load says so, several values can be typed, the tags step says every tag must match,
 * and a number the tool would refuse is refused in the input box.
 */
import { fake, Uri, type InputBoxOptions } from './fakeVscode';
import * as assert from 'node:assert/strict';
import type { InfraSource } from '../../../src/core/source';
import { runToolCommand, type RunToolDeps } from '../../../src/extension/runTool';
import { sampleSource } from '../../helpers/fixtures';

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function depsWith(getSource: () => Promise<InfraSource>) {
    const warnings: string[] = [];
    const deps: RunToolDeps = {
        extensionUri: Uri.file('/ext') as never,
        getSource,
        onDidChangeSource: () => ({ dispose: () => undefined }),
        log: { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined },
    };
    return { deps, warnings };
}

interface Item {
    label: string;
    description?: string;
    [key: string]: unknown;
}

/**
 * Answers the Run Tool steps: the parameter list picks `parameter` the first time and Escape the next, after keeping
 * the description the list then shows for it (the value set); `values` answers the step of that parameter.
 */
function answering(parameter: string, values: (items: Item[]) => unknown) {
    let lists = 0;
    const result = { setTo: undefined as string | undefined };
    fake.answers.quickPick = (items) => {
        const shown = items as Item[];
        if (shown[0]?.label === '$(play) Run') {
            lists++;
            if (lists === 1) {
                return shown.find((i) => i.label === parameter);
            }
            result.setTo = shown.find((i) => i.label === parameter)?.description;
            return undefined;
        }
        return values(shown);
    };
    return result;
}

describe('Run Tool… parameter steps', () => {
    beforeEach(() => fake.reset());

    it('opens the machine list at once, busy while the machines load, then lists them', async () => {
        let release: (source: InfraSource) => void = () => undefined;
        const loaded = new Promise<InfraSource>((resolve) => (release = resolve));
        const { deps } = depsWith(() => loaded);
        const result = answering('server_name', (items) => items.find((i) => !i.label.startsWith('$(')));
        const done = runToolCommand(deps, { tool: 'GetServerMetadata' });
        await tick();
        assert.equal(fake.quickPicks.length, 2, 'the values step is open while the machines load');
        assert.equal(fake.quickPicks[1].openedLoading, true, 'and shows its progress bar');
        release(sampleSource());
        assert.equal(await done, undefined);
        const machines = fake.quickPicks[1].items.filter((i) => !i.label.startsWith('$('));
        assert.equal(machines.length, 60);
        assert.equal(result.setTo, JSON.stringify(machines[0].label));
    });

    it('says when the list could not be loaded, and takes a typed value instead', async () => {
        const { deps, warnings } = depsWith(async () => {
            throw new Error('Resource Graph is throttling requests.');
        });
        const result = answering('server_name', () => assert.fail('no list to pick from'));
        fake.answers.inputBox = () => 'web-01';
        await runToolCommand(deps, { tool: 'GetServerMetadata' });
        assert.match(
            fake.inputBoxes[0].prompt ?? '',
            /^Could not list the machines \(Resource Graph is throttling requests\.\): type the value\. /,
        );
        assert.equal(result.setTo, '"web-01"');
        assert.equal(warnings.length, 1);
    });

    it('multi-value lists offer "Type a value…", added to the values picked', async () => {
        const { deps } = depsWith(async () => sampleSource());
        for (const parameter of ['tags', 'resource_group', 'subscription_ids']) {
            fake.reset();
            let firstPicked = '';
            let offered = false;
            const result = answering(parameter, (items) => {
                const first = items.find((i) => !i.label.startsWith('$('));
                firstPicked = parameter === 'subscription_ids' ? String(first?.description) : String(first?.label);
                const typed = items.find((i) => i.label === '$(edit) Type a value…');
                offered = typed !== undefined;
                return typed ? [first, typed] : [first];
            });
            fake.answers.inputBox = () => ' typed-one, typed-two ';
            await runToolCommand(deps, { tool: 'GetServerMetadata' });
            assert.equal((fake.quickPicks[1].options as { canPickMany?: boolean }).canPickMany, true, parameter);
            assert.ok(offered, `${parameter}: "Type a value…" offered`);
            assert.equal(result.setTo, JSON.stringify([firstPicked, 'typed-one', 'typed-two']), parameter);
        }
    });

    it('the tags step says that a machine must carry every tag chosen', async () => {
        const { deps } = depsWith(async () => sampleSource());
        answering('tags', () => undefined);
        await runToolCommand(deps, { tool: 'GetPatchingLevel' });
        const placeHolder = String((fake.quickPicks[1].options as { placeHolder?: string }).placeHolder);
        assert.match(placeHolder, /EVERY tag chosen \(all must match, not any\)/);
    });

    for (const [tool, parameter, refused, taken, rule] of [
        ['GetPatchingLevel', 'older_than_days', ['2.5', '-1', '3651', 'soon'], ['0', '30', '3650'], 'A whole number from 0 to 3650.'],
        ['GetWinBpAssessment', 'min_weight', ['-0.5', '101', 'high'], ['0', '12.5', '100'], 'A number from 0 to 100.'],
        ['GetAnomalies', 'low_free_space', ['0', '100.5', '-3'], ['0.5', '10', '100'], 'A number, more than 0 and at most 100.'],
    ] as const) {
        it(`${tool} ${parameter}: the input box refuses a value out of the tool's limits`, async () => {
            const { deps } = depsWith(async () => sampleSource());
            const result = answering(parameter, () => assert.fail('a number is typed'));
            let box: InputBoxOptions | undefined;
            fake.answers.inputBox = (options) => {
                box = options;
                return taken[1];
            };
            await runToolCommand(deps, { tool });
            assert.ok(box?.validateInput);
            for (const value of refused) {
                assert.equal(await box.validateInput(value), rule, value);
            }
            for (const value of [...taken, '']) {
                assert.equal(await box.validateInput(value), undefined, value);
            }
            assert.ok(box.prompt?.endsWith(rule), box.prompt);
            assert.equal(result.setTo, taken[1]);
        });
    }
});
