import * as assert from 'node:assert/strict';
import { describeSupport, osSupport, sqlSupport } from '../../../src/core/lifecycle';

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
        assert.equal(sqlSupport('SQL Server 2016', on('2026-11-26'))?.status, 'ended');
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
        assert.equal(describeSupport(sqlSupport('SQL Server 2014', on('2026-11-26'))!), 'extended support ended 2024-07-09');
    });
});
