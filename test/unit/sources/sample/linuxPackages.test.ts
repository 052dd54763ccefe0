import * as assert from 'node:assert/strict';
import type { Role } from '../../../../src/sources/sample/fleet';
import { LINUX_PRODUCTS, linuxCatalogue, NEWEST } from '../../../../src/sources/sample/linuxPackages';
import { compareVersions, foreignToRelease, type LinuxRelease } from './versions';

const LINUX_ROLES: readonly Role[] = ['web', 'app', 'k8s', 'pg', 'mon', 'proxy'];

/** The release a product name of the sample's images denotes: `Ubuntu 22.04`, `RHEL 8`, `SLES 15 SP5`. */
function releaseOf(product: string): LinuxRelease {
    const [name, version, sp] = product.split(' ');
    return name === 'Ubuntu'
        ? { distribution: 'ubuntu', release: version }
        : name === 'RHEL'
          ? { distribution: 'rhel', release: version }
          : { distribution: 'sles', release: sp.replace('SP', '') };
}

const DISTRIBUTION: Record<LinuxRelease['distribution'], RegExp> = {
    ubuntu: /^Ubuntu Developers/,
    rhel: /^Red Hat, Inc\.$/,
    sles: /^SUSE LLC/,
};

describe('the sample’s Linux package catalogue', () => {
    it('knows the seven Linux releases the sample’s images run', () => {
        assert.deepEqual([...LINUX_PRODUCTS].sort(), [
            'RHEL 8',
            'RHEL 9',
            'SLES 15 SP5',
            'SLES 15 SP6',
            'Ubuntu 20.04',
            'Ubuntu 22.04',
            'Ubuntu 24.04',
        ]);
        assert.deepEqual(linuxCatalogue('Debian 12', 'web'), []);
    });

    for (const product of LINUX_PRODUCTS) {
        it(`ships ${product} packages in its own scheme and major release, each package’s versions rising`, () => {
            const release = releaseOf(product);
            for (const role of LINUX_ROLES) {
                const packages = linuxCatalogue(product, role);
                assert.ok(packages.length >= 40, `${product} ${role}: ${packages.length} packages`);
                const names = packages.map((p) => p.name);
                assert.equal(new Set(names).size, names.length, `${product} ${role} lists a package twice`);
                for (const p of packages) {
                    assert.equal(p.versions.length, NEWEST + 1, p.name);
                    for (let i = 1; i < p.versions.length; i++) {
                        assert.ok(compareVersions(p.versions[i - 1], p.versions[i]) < 0, `${product} ${p.name}: ${p.versions.join(' → ')}`);
                    }
                    for (const version of p.versions) {
                        assert.equal(foreignToRelease(release, version), undefined, `${product} ${p.name} ${version}`);
                    }
                }
            }
        });

        it(`names ${product}’s own packages’ publisher the distribution, and a vendor’s packages the vendor`, () => {
            const release = releaseOf(product);
            const vendors = new Map<string, string>();
            for (const role of LINUX_ROLES) {
                for (const p of linuxCatalogue(product, role)) {
                    const vendor =
                        /^(docker-ce|containerd\.io|postgresql|pgbackrest|pgbouncer|fabrikam-|tailspin-|grafana|kube|cri-tools|contoso-|azcmagent|azuremonitoragent)/.test(
                            p.name,
                        );
                    if (vendor) {
                        assert.doesNotMatch(p.publisher, DISTRIBUTION[release.distribution], `${p.name}: ${p.publisher}`);
                        vendors.set(p.name, p.publisher);
                    } else if (!(release.distribution === 'rhel' && (p.name === 'htop' || p.name === 'certbot'))) {
                        assert.match(p.publisher, DISTRIBUTION[release.distribution], `${p.name}: ${p.publisher}`);
                    }
                }
            }
            assert.equal(vendors.get('fabrikam-backup-agent'), 'Fabrikam, Inc.');
            assert.equal(vendors.get('azcmagent'), 'Microsoft Corporation');
            if (vendors.has('postgresql-16') || vendors.has('postgresql16-server')) {
                assert.equal(vendors.get('postgresql-16') ?? vendors.get('postgresql16-server'), 'PostgreSQL Global Development Group');
            }
        });
    }
});
