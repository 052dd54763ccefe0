import type { MachineExtension } from '../../core/model';
import type { Fleet, FleetMachine } from './fleet';
import { HOSTILE_STRINGS } from './hostile';
import { hashKey, Random } from './random';

/** About one machine in this many has an extension other than its monitoring agent stuck in the Failed state. */
const FAILED_EXTENSION_ONE_IN = 40;

/**
 * A machine's extensions as the sources return them: its monitoring agents, whatever their state, and any other extension
 * that is not in the Succeeded state (healthy ones of other kinds are left out, as the Azure query leaves them out).
 * `agentFailed`: the machine stopped reporting while still connected — its Azure Monitor Agent failed an update, which is
 * why. Everything else is drawn from the machine's own stream.
 */
export function machineExtensions(fleet: Fleet, fm: FleetMachine, agentFailed: boolean): MachineExtension[] {
    const random = new Random(hashKey(fm.key, 'extensions'));
    const windows = fm.machine.osType === 'windows';
    const extensions: MachineExtension[] = [];
    const add = (name: string, publisher: string, version: string, failure?: string) => {
        const extension: MachineExtension = {
            machineId: fm.machine.id,
            name,
            type: name,
            publisher,
            version,
            state: failure === undefined ? 'Succeeded' : 'Failed',
        };
        if (failure !== undefined) {
            extension.message = failure;
        }
        extensions.push(extension);
    };
    if (fm.monitoring === 'ama' || fm.monitoring === 'both') {
        const version = windows ? random.pick(['1.29.0.0', '1.30.0.0', '1.31.0.0']) : random.pick(['1.32.5', '1.33.1', '1.33.2']);
        add(
            windows ? 'AzureMonitorWindowsAgent' : 'AzureMonitorLinuxAgent',
            'Microsoft.Azure.Monitor',
            version,
            agentFailed
                ? `The update to a newer version failed and the agent service did not start again (exit code ${random.pick([1, 3, 52])}); no data has been sent since.`
                : undefined,
        );
    }
    if (fm.monitoring === 'legacy' || fm.monitoring === 'both') {
        add(
            windows ? 'MicrosoftMonitoringAgent' : 'OmsAgentForLinux',
            'Microsoft.EnterpriseCloud.Monitoring',
            windows ? '1.0.18069.0' : '1.19.0',
        );
    }
    const hostileFailure = fleet.hostile && fm.index === 1;
    if (hostileFailure || (fm.index !== 0 && random.chance(1 / FAILED_EXTENSION_ONE_IN))) {
        const message = hostileFailure ? HOSTILE_STRINGS.join(' ') : undefined;
        if (fm.sqlInstances !== undefined && random.chance(0.5)) {
            add(
                'WindowsAgent.SqlServer',
                'Microsoft.AzureData',
                '1.1.2859.223',
                message ??
                    'The extension could not connect to the SQL Server instance to collect its inventory (login failed for the service account).',
            );
        } else {
            add(
                windows ? 'MDE.Windows' : 'MDE.Linux',
                'Microsoft.Azure.AzureDefenderForServers',
                windows ? '1.0.9.7' : '1.0.5.2',
                message ??
                    'Onboarding to Microsoft Defender for Endpoint failed: the machine could not reach the onboarding service through its proxy.',
            );
        }
    }
    return extensions;
}
