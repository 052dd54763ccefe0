import * as assert from 'node:assert/strict';
import { arcAgentSupport, arcAgentVersionAt, describeSupport, osSupport, sqlSupport } from '../../../src/core/lifecycle';

const on = (date: string) => new Date(`${date}T12:00:00Z`);

describe('where a Windows Server or SQL Server release stands in its lifecycle', () => {
    it('reads the release from the names inventories use, R2 apart from the release before it', () => {
        for (const name of [
            'Windows Server 2012 R2 Standard',
            'WindowsServer 2012-R2-Datacenter',
            'Microsoft Windows Server 2012 R2 Datacenter',
        ]) {
            assert.equal(osSupport(name, on('2026-11-26'))?.product, 'Windows Server 2012 R2', name);
        }
        assert.equal(osSupport('Windows Server 2012 Datacenter', on('2026-11-26'))?.product, 'Windows Server 2012');
        assert.equal(osSupport('WindowsServer 2019-Datacenter-gensecond', on('2026-11-26'))?.product, 'Windows Server 2019');
        assert.equal(osSupport('windows server 2025 datacenter: azure edition', on('2026-11-26'))?.product, 'Windows Server 2025');
        for (const name of ['Ubuntu 22.04.5 LTS', 'Red Hat Enterprise Linux 8.10 (Ootpa)', 'Windows Server 2003', 'Windows', '']) {
            assert.equal(osSupport(name, on('2026-11-26')), undefined, name);
        }
        assert.equal(sqlSupport('SQL Server 2019', on('2026-11-26'))?.product, 'SQL Server 2019');
        assert.equal(sqlSupport('SQL Server 2008 R2', on('2026-11-26'))?.product, 'SQL Server 2008 R2');
        assert.equal(sqlSupport('SQL Server 2025', on('2026-11-26')), undefined, 'a release not in the table is not guessed');
    });

    it('moves from supported to ending 180 days before the end of extended support, then to ESU, then out of support', () => {
        const status = (name: string, date: string) => osSupport(name, on(date))?.status;
        // Windows Server 2016: extended support until 2027-01-12, no ESU dates fixed.
        assert.equal(status('Windows Server 2016 Datacenter', '2026-07-14'), 'supported', '182 days before');
        assert.equal(status('Windows Server 2016 Datacenter', '2026-07-17'), 'ending', '179 days before');
        assert.equal(status('Windows Server 2016 Datacenter', '2027-01-12'), 'ending', 'its last day');
        assert.equal(status('Windows Server 2016 Datacenter', '2027-01-13'), 'ended');
        // Windows Server 2012 R2: extended support until 2023-10-10, Extended Security Updates until 2026-10-13.
        assert.equal(status('Windows Server 2012 R2 Standard', '2023-10-10'), 'ending');
        assert.equal(status('Windows Server 2012 R2 Standard', '2023-10-11'), 'esu');
        assert.equal(status('Windows Server 2012 R2 Standard', '2026-10-13'), 'esu');
        assert.equal(status('Windows Server 2012 R2 Standard', '2026-10-14'), 'ended');
        // SQL Server 2016: extended support until 2026-07-14, then up to three years of Extended Security Updates.
        assert.equal(sqlSupport('SQL Server 2016', on('2026-07-14'))?.status, 'ending');
        assert.equal(sqlSupport('SQL Server 2016', on('2026-11-26'))?.status, 'esu');
        assert.equal(sqlSupport('SQL Server 2016', on('2029-07-11'))?.status, 'ended');
        assert.equal(sqlSupport('SQL Server 2017', on('2026-11-26'))?.status, 'supported');
        assert.equal(sqlSupport('SQL Server 2017', on('2027-06-01'))?.status, 'ending');
    });

    it('says it in one phrase', () => {
        assert.equal(
            describeSupport(osSupport('Windows Server 2012 R2 Standard', on('2025-01-01'))!),
            'extended support ended 2023-10-10, security updates only with Extended Security Updates until 2026-10-13',
        );
        assert.equal(
            describeSupport(osSupport('Windows Server 2012 R2 Standard', on('2026-11-26'))!),
            'extended support ended 2023-10-10, Extended Security Updates ended 2026-10-13',
        );
        assert.equal(describeSupport(osSupport('Windows Server 2016 Standard', on('2026-11-26'))!), 'extended support ends 2027-01-12');
        assert.equal(describeSupport(osSupport('Windows Server 2022 Standard', on('2026-11-26'))!), 'supported until 2031-10-14');
        assert.equal(
            describeSupport(sqlSupport('SQL Server 2014', on('2026-11-26'))!),
            'extended support ended 2024-07-09, security updates only with Extended Security Updates until 2027-07-12',
        );
        assert.equal(sqlSupport('SQL Server 2014', on('2027-07-13'))?.status, 'ended', 'the last ESU year ends 2027-07-12');
        assert.equal(
            describeSupport(sqlSupport('SQL Server 2012', on('2026-11-26'))!),
            'extended support ended 2022-07-12, Extended Security Updates ended 2025-07-08',
        );
    });
});

describe('whether an Arc agent version is within the year Microsoft supports', () => {
    const status = (version: string, date: string) => arcAgentSupport(version, on(date))?.status;

    it('counts a year from the end of the release month, so a version is called unsupported only when it surely is', () => {
        // 1.58 came out in November 2025: supported through 30 November 2026, whichever day of November it was.
        assert.deepEqual(arcAgentSupport('1.58.03228.700', on('2026-11-30')), {
            version: '1.58',
            status: 'supported',
            released: '2025-11',
            supportedUntil: '2026-11-30',
        });
        assert.equal(status('1.58.03228.700', '2026-12-01'), 'unsupported');
        assert.equal(status('1.59', '2026-12-07'), 'supported');
        assert.equal(status('1.43.02800.1', '2026-12-07'), 'unsupported');
    });

    it('bounds a version the release notes do not date by the next one they do, and never guesses the other way', () => {
        // 1.50 to 1.53 are not dated: they came out no later than 1.54 (July 2025).
        assert.equal(status('1.52.03000.1', '2026-07-31'), 'unknown', 'it may have come out in July 2025');
        assert.deepEqual(arcAgentSupport('1.52.03000.1', on('2026-08-01')), {
            version: '1.52',
            status: 'unsupported',
            supportedUntil: '2026-07-31',
        });
        // Older than every dated version, it is older than the oldest.
        assert.equal(status('1.10.21239.009', '2026-01-01'), 'unsupported');
        // Newer than every dated version (1.66, July 2026): supported for at least a year after that month, then unknown.
        assert.equal(status('1.70.1.1', '2027-07-31'), 'supported');
        assert.equal(status('1.70.1.1', '2027-08-01'), 'unknown');
        assert.equal(status('2.0.0.1', '2026-12-07'), 'supported');
        for (const version of ['', 'latest', 'v1.58']) {
            assert.equal(arcAgentSupport(version, on('2026-12-07')), undefined, version);
        }
    });

    it('gives the version that was current some months back, one a month past the dated list', () => {
        assert.equal(arcAgentVersionAt(on('2026-07-15'), 0), 66);
        assert.equal(arcAgentVersionAt(on('2026-12-07'), 12), 59);
        assert.equal(arcAgentVersionAt(on('2026-12-07'), 0), 71);
        assert.equal(arcAgentVersionAt(on('2025-06-07'), 0), 49, 'the newest dated one before an undated gap');
        assert.equal(arcAgentVersionAt(on('2020-01-01'), 0), 43, 'never older than the oldest dated');
    });
});
