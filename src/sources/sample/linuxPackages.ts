import type { FleetMachine, PatchProfile, Role } from './fleet';
import { hashKey, Random } from './random';

/** The Linux distributions of the sample, and the releases of each that its machines run. */
type Family = 'ubuntu' | 'rhel' | 'sles';
type ReleaseKey = 'ubuntu20' | 'ubuntu22' | 'ubuntu24' | 'rhel8' | 'rhel9' | 'sles15sp5' | 'sles15sp6';
/** A value per release, or per distribution for every release of it that has no value of its own. */
type ByRelease<T> = Partial<Record<Family | ReleaseKey, T>>;

interface LinuxRelease {
    key: ReleaseKey;
    family: Family;
    /** What the `{name}` placeholders of version templates stand for on this release. */
    vars: Readonly<Record<string, string>>;
}

/** By the short product name of the machine's image (`OsImage.product`). */
const RELEASES: Readonly<Record<string, LinuxRelease>> = {
    'Ubuntu 20.04': { key: 'ubuntu20', family: 'ubuntu', vars: { u: '20.04', cn: 'focal' } },
    'Ubuntu 22.04': { key: 'ubuntu22', family: 'ubuntu', vars: { u: '22.04', cn: 'jammy' } },
    'Ubuntu 24.04': { key: 'ubuntu24', family: 'ubuntu', vars: { u: '24.04', cn: 'noble' } },
    'RHEL 8': { key: 'rhel8', family: 'rhel', vars: { el: 'el8', major: '8' } },
    'RHEL 9': { key: 'rhel9', family: 'rhel', vars: { el: 'el9', major: '9' } },
    'SLES 15 SP5': { key: 'sles15sp5', family: 'sles', vars: { sp: '150500' } },
    'SLES 15 SP6': { key: 'sles15sp6', family: 'sles', vars: { sp: '150600' } },
};

/** The Linux releases the sample knows, by product name; machines of other images get no packages. */
export const LINUX_PRODUCTS: readonly string[] = Object.keys(RELEASES);

/** Who publishes what a distribution itself ships, as its package metadata names it. */
const DISTRIBUTION_PUBLISHERS: Readonly<Record<Family, string>> = {
    ubuntu: 'Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>',
    rhel: 'Red Hat, Inc.',
    sles: 'SUSE LLC <https://www.suse.com/>',
};

const MS = 'Microsoft Corporation';
const DOCKER = 'Docker Inc.';
const PGDG = 'PostgreSQL Global Development Group';
const KUBERNETES = 'The Kubernetes Authors';
/** EPEL packages on Red Hat Enterprise Linux. */
const FEDORA = 'Fedora Project';

interface PackageSpec {
    /** The name on Ubuntu, and everywhere else unless `names` says otherwise. */
    name: string;
    names?: ByRelease<string>;
    /**
     * Version templates in each distribution's own scheme; a release with none does not have the package. `{12}` is a
     * revision counter: the package's versions count up from it (12, 13, …), so every update is a higher version of the
     * same upstream line. `{u}` `{cn}` (Ubuntu release and code name), `{el}` `{major}` (RHEL) and `{sp}` (the SUSE code
     * stream of the service pack) are the release's own markers.
     */
    versions: ByRelease<string>;
    /** Who publishes it when not the distribution: a vendor's own repository. */
    publisher?: string | ByRelease<string>;
    /** Its updates fix vulnerabilities (Update Manager classifies them Security). */
    security?: boolean;
    /** Updating it needs a reboot. */
    kernel?: boolean;
    /** Only on machines of these roles; everywhere when absent. */
    roles?: readonly Role[];
    /** An Azure agent: its version is what the machine's agent facts say, and its updates come from Azure, not patching. */
    agent?: boolean;
}

/**
 * Versions per release of source packages that build several binary packages (the tool and its library, server and
 * client): every binary package of one source carries the same version.
 */
const SOURCE_VERSIONS: Readonly<Record<'openssl' | 'openssh' | 'curl', ByRelease<string>>> = {
    openssl: {
        ubuntu20: '1.1.1f-1ubuntu2.{20}',
        ubuntu22: '3.0.2-0ubuntu1.{15}',
        ubuntu24: '3.0.13-0ubuntu3.{1}',
        rhel8: '1:1.1.1k-{12}.el8_9',
        rhel9: '1:3.0.7-{25}.el9',
        sles: '3.0.8-150500.5.{36}.1',
    },
    openssh: {
        ubuntu20: '1:8.2p1-4ubuntu0.{9}',
        ubuntu22: '1:8.9p1-3ubuntu0.{7}',
        ubuntu24: '1:9.6p1-3ubuntu13.{4}',
        rhel8: '8.0p1-{19}.el8_9',
        rhel9: '8.7p1-{38}.el9',
        sles: '8.4p1-150300.3.{30}.1',
    },
    curl: {
        ubuntu20: '7.68.0-1ubuntu2.{21}',
        ubuntu22: '7.81.0-1ubuntu1.{15}',
        ubuntu24: '8.5.0-2ubuntu10.{4}',
        rhel8: '7.61.1-{34}.el8',
        rhel9: '7.76.1-{29}.el9',
        sles: '8.0.1-150400.5.{44}.1',
    },
};

/**
 * The packages of the sample's Linux machines: real package names with plausible, invented versions in each
 * distribution's scheme and of the upstream line each release carries.
 */
const PACKAGES: readonly PackageSpec[] = [
    {
        name: 'linux-image-generic',
        names: { rhel: 'kernel', sles: 'kernel-default' },
        versions: {
            ubuntu20: '5.4.0.{200}.{196}',
            ubuntu22: '5.15.0.{125}.{123}',
            ubuntu24: '6.8.0.{49}.{49}',
            rhel8: '4.18.0-553.{27}.1.el8_10',
            rhel9: '5.14.0-427.{42}.1.el9_4',
            sles15sp5: '5.14.21-150500.55.{83}.1',
            sles15sp6: '6.4.0-150600.23.{25}.1',
        },
        security: true,
        kernel: true,
    },
    {
        name: 'bash',
        versions: {
            ubuntu20: '5.0-6ubuntu1.{2}',
            ubuntu22: '5.1-6ubuntu1.{1}',
            ubuntu24: '5.2.21-2ubuntu{4}',
            rhel8: '4.4.20-{4}.el8_6',
            rhel9: '5.1.8-{6}.el9_1',
            sles: '4.4-150400.27.{3}.2',
        },
    },
    {
        name: 'coreutils',
        versions: {
            ubuntu20: '8.30-3ubuntu{2}',
            ubuntu22: '8.32-4.1ubuntu1.{1}',
            ubuntu24: '9.4-3ubuntu{6}',
            rhel8: '8.30-{13}.el8',
            rhel9: '8.32-{34}.el9',
            sles: '8.32-150400.9.{3}.1',
        },
    },
    {
        name: 'openssl',
        versions: SOURCE_VERSIONS.openssl,
        security: true,
    },
    {
        name: 'libssl3',
        names: { ubuntu20: 'libssl1.1', rhel: 'openssl-libs', sles: 'libopenssl3' },
        versions: SOURCE_VERSIONS.openssl,
        security: true,
    },
    {
        name: 'openssh-server',
        versions: SOURCE_VERSIONS.openssh,
        security: true,
    },
    {
        name: 'openssh-client',
        names: { rhel: 'openssh-clients', sles: 'openssh-clients' },
        versions: SOURCE_VERSIONS.openssh,
        security: true,
    },
    {
        name: 'curl',
        versions: SOURCE_VERSIONS.curl,
        security: true,
    },
    {
        name: 'libcurl4',
        names: { rhel: 'libcurl' },
        versions: SOURCE_VERSIONS.curl,
        security: true,
    },
    {
        name: 'sudo',
        versions: {
            ubuntu20: '1.8.31-1ubuntu1.{4}',
            ubuntu22: '1.9.9-1ubuntu2.{2}',
            ubuntu24: '1.9.15p5-3ubuntu5.{1}',
            rhel8: '1.9.5p2-{1}.el8_9',
            rhel9: '1.9.5p2-{10}.el9',
            sles: '1.9.12p1-150500.7.{10}.1',
        },
        security: true,
    },
    {
        name: 'systemd',
        versions: {
            ubuntu20: '245.4-4ubuntu3.{21}',
            ubuntu22: '249.11-0ubuntu3.{10}',
            ubuntu24: '255.4-1ubuntu8.{2}',
            rhel8: '239-{78}.el8',
            rhel9: '252-{32}.el9',
            sles: '249.17-150400.8.{40}.1',
        },
    },
    {
        name: 'rsyslog',
        versions: {
            ubuntu20: '8.2001.0-1ubuntu1.{3}',
            ubuntu22: '8.2112.0-2ubuntu2.{2}',
            ubuntu24: '8.2312.0-3ubuntu{9}',
            rhel8: '8.2102.0-{15}.el8',
            rhel9: '8.2310.0-{4}.el9',
            sles: '8.2306.0-150400.5.{27}.1',
        },
    },
    {
        name: 'cron',
        names: { rhel: 'cronie', sles: 'cronie' },
        versions: {
            ubuntu20: '3.0pl1-136ubuntu{1}',
            ubuntu22: '3.0pl1-137ubuntu{3}',
            ubuntu24: '3.0pl1-184ubuntu{2}',
            rhel8: '1.5.2-{8}.el8',
            rhel9: '1.5.7-{10}.el9',
            sles: '1.5.7-150400.84.{3}.1',
        },
    },
    {
        name: 'ca-certificates',
        names: { sles: 'ca-certificates-mozilla' },
        versions: { ubuntu: '20240203~{u}.{1}', rhel: '2024.2.69_v8.0.303-{80}.0.{el}', sles: '2.68-150200.{33}.1' },
    },
    {
        name: 'tzdata',
        names: { sles: 'timezone' },
        versions: { ubuntu: '2024a-0ubuntu0.{u}.{1}', rhel: '2024a-{1}.{el}', sles: '2024a-150000.75.{25}.1' },
    },
    {
        name: 'python3',
        names: { rhel8: 'platform-python' },
        versions: {
            ubuntu20: '3.8.2-0ubuntu{2}',
            ubuntu22: '3.10.6-1~22.04.{1}',
            ubuntu24: '3.12.3-0ubuntu{2}',
            rhel8: '3.6.8-{56}.el8_9',
            rhel9: '3.9.18-{3}.el9',
            sles: '3.6.15-150300.10.{60}.1',
        },
        security: true,
    },
    {
        name: 'python3-urllib3',
        versions: {
            ubuntu20: '1.25.8-2ubuntu0.{3}',
            ubuntu22: '1.26.5-1~exp1ubuntu0.{1}',
            ubuntu24: '2.0.7-1ubuntu0.{1}',
            rhel8: '1.24.2-{5}.el8',
            rhel9: '1.26.5-{5}.el9',
            sles: '1.25.10-150300.4.{9}.1',
        },
        security: true,
    },
    {
        name: 'python3-requests',
        versions: {
            ubuntu20: '2.22.0-2ubuntu1.{1}',
            ubuntu22: '2.25.1+dfsg-2ubuntu0.{1}',
            ubuntu24: '2.31.0+dfsg-1ubuntu1.{1}',
            rhel8: '2.20.0-{4}.el8',
            rhel9: '2.25.1-{8}.el9',
            sles: '2.25.1-150300.3.{6}.1',
        },
        security: true,
    },
    {
        name: 'vim',
        names: { rhel: 'vim-enhanced' },
        versions: {
            ubuntu20: '2:8.1.2269-1ubuntu5.{21}',
            ubuntu22: '2:8.2.3995-1ubuntu2.{17}',
            ubuntu24: '2:9.1.0016-1ubuntu7.{3}',
            rhel8: '2:8.0.1763-{19}.el8_6',
            rhel9: '2:8.2.2637-{20}.el9_1',
            sles: '9.1.0330-150500.20.{9}.1',
        },
        security: true,
    },
    {
        name: 'less',
        versions: {
            ubuntu20: '551-1ubuntu0.{1}',
            ubuntu22: '590-1ubuntu0.22.04.{1}',
            ubuntu24: '590-2ubuntu2.{1}',
            rhel8: '530-{1}.el8',
            rhel9: '590-{2}.el9',
            sles: '590-150400.3.{6}.1',
        },
    },
    {
        name: 'tar',
        versions: {
            ubuntu20: '1.30+dfsg-7ubuntu0.20.04.{3}',
            ubuntu22: '1.34+dfsg-1ubuntu0.1.22.04.{1}',
            ubuntu24: '1.35+dfsg-3build{1}',
            rhel8: '2:1.30-{9}.el8',
            rhel9: '2:1.34-{6}.el9_1',
            sles: '1.34-150000.3.{31}.1',
        },
    },
    {
        name: 'gzip',
        versions: {
            ubuntu20: '1.10-0ubuntu4.{1}',
            ubuntu22: '1.10-4ubuntu4.{1}',
            ubuntu24: '1.12-1ubuntu{3}',
            rhel8: '1.9-{13}.el8_5',
            rhel9: '1.12-{1}.el9',
            sles: '1.12-150400.3.{3}.1',
        },
    },
    {
        name: 'libc6',
        names: { rhel: 'glibc', sles: 'glibc' },
        versions: {
            ubuntu20: '2.31-0ubuntu9.{14}',
            ubuntu22: '2.35-0ubuntu3.{6}',
            ubuntu24: '2.39-0ubuntu8.{2}',
            rhel8: '2.28-{236}.el8',
            rhel9: '2.34-{100}.el9',
            sles: '2.31-150300.{83}.1',
        },
        security: true,
    },
    {
        name: 'zlib1g',
        names: { rhel: 'zlib', sles: 'libz1' },
        versions: {
            ubuntu20: '1:1.2.11.dfsg-2ubuntu1.{5}',
            ubuntu22: '1:1.2.11.dfsg-2ubuntu9.{2}',
            ubuntu24: '1:1.3.dfsg-3.1ubuntu{2}',
            rhel8: '1.2.11-{25}.el8',
            rhel9: '1.2.11-{40}.el9',
            sles: '1.2.13-150500.4.{3}.1',
        },
        security: true,
    },
    {
        name: 'libxml2',
        names: { sles: 'libxml2-2' },
        versions: {
            ubuntu20: '2.9.10+dfsg-5ubuntu0.20.04.{7}',
            ubuntu22: '2.9.13+dfsg-1ubuntu0.{4}',
            ubuntu24: '2.9.14+dfsg-1.3ubuntu3.{1}',
            rhel8: '2.9.7-{18}.el8_10',
            rhel9: '2.9.13-{6}.el9_4',
            sles: '2.10.3-150500.5.{17}.1',
        },
        security: true,
    },
    {
        name: 'libexpat1',
        names: { rhel: 'expat' },
        versions: {
            ubuntu20: '2.2.9-1ubuntu0.{7}',
            ubuntu22: '2.4.7-1ubuntu0.{3}',
            ubuntu24: '2.6.1-2ubuntu0.{1}',
            rhel8: '2.2.5-{13}.el8',
            rhel9: '2.5.0-{2}.el9',
            sles: '2.4.4-150400.3.{17}.1',
        },
        security: true,
    },
    {
        name: 'chrony',
        versions: {
            ubuntu20: '3.5-6ubuntu6.{2}',
            ubuntu22: '4.2-2ubuntu{2}',
            ubuntu24: '4.5-1ubuntu{4}',
            rhel8: '4.5-{1}.el8',
            rhel9: '4.5-{1}.el9',
            sles: '4.1-150400.21.{5}.1',
        },
    },
    {
        name: 'logrotate',
        versions: {
            ubuntu20: '3.14.0-4ubuntu{3}',
            ubuntu22: '3.19.0-1ubuntu1.{1}',
            ubuntu24: '3.21.0-2build{1}',
            rhel8: '3.14.0-{6}.el8',
            rhel9: '3.18.0-{8}.el9',
            sles: '3.18.1-150400.3.{7}.1',
        },
    },
    {
        name: 'iproute2',
        names: { rhel: 'iproute' },
        versions: {
            ubuntu20: '5.5.0-1ubuntu{1}',
            ubuntu22: '5.15.0-1ubuntu{2}',
            ubuntu24: '6.1.0-1ubuntu{6}',
            rhel8: '6.2.0-{5}.el8_9',
            rhel9: '6.2.0-{5}.el9',
            sles: '5.14-150400.1.{8}.1',
        },
    },
    {
        name: 'net-tools',
        versions: {
            ubuntu20: '1.60+git20180626.aebd88e-1ubuntu{1}',
            ubuntu22: '1.60+git20181103.0eebece-1ubuntu{5}',
            ubuntu24: '2.10-0.1ubuntu{4}',
            rhel8: '2.0-0.{52}.20160912git.el8',
            rhel9: '2.0-0.{62}.20160912git.el9',
            sles: '2.0+git20170221.479bb4a-5.{3}.1',
        },
    },
    {
        name: 'apt',
        names: { rhel: 'dnf', sles: 'zypper' },
        versions: {
            ubuntu20: '2.0.{10}',
            ubuntu22: '2.4.{11}',
            ubuntu24: '2.7.{14}',
            rhel8: '4.7.0-{19}.el8',
            rhel9: '4.14.0-{9}.el9',
            sles: '1.14.68-150400.3.{49}.1',
        },
    },
    {
        name: 'dpkg',
        names: { rhel: 'rpm', sles: 'rpm' },
        versions: {
            ubuntu20: '1.19.7ubuntu3.{2}',
            ubuntu22: '1.21.1ubuntu2.{2}',
            ubuntu24: '1.22.6ubuntu6.{1}',
            rhel8: '4.14.3-{28}.el8_9',
            rhel9: '4.16.1-{29}.el9',
            sles: '4.14.3-150400.59.{13}.1',
        },
    },
    {
        name: 'git',
        versions: {
            ubuntu20: '1:2.25.1-1ubuntu3.{11}',
            ubuntu22: '1:2.34.1-1ubuntu1.{9}',
            ubuntu24: '1:2.43.0-1ubuntu7.{1}',
            rhel8: '2.43.0-{1}.el8',
            rhel9: '2.43.0-{1}.el9',
            sles: '2.43.0-150500.4.{3}.1',
        },
        security: true,
    },
    {
        name: 'jq',
        versions: {
            ubuntu20: '1.6-1ubuntu0.20.04.{1}',
            ubuntu22: '1.6-2.1ubuntu3.{1}',
            ubuntu24: '1.7.1-3build{1}',
            rhel8: '1.6-{8}.el8',
            rhel9: '1.6-{15}.el9',
            sles: '1.6-3.{3}.1',
        },
    },
    {
        name: 'unzip',
        versions: {
            ubuntu20: '6.0-25ubuntu1.{1}',
            ubuntu22: '6.0-26ubuntu3.{1}',
            ubuntu24: '6.0-28ubuntu{4}',
            rhel8: '6.0-{46}.el8',
            rhel9: '6.0-{56}.el9',
            sles: '6.00-150000.4.{8}.1',
        },
    },
    {
        name: 'htop',
        versions: {
            ubuntu20: '2.2.0-2build{1}',
            ubuntu22: '3.0.5-7build{2}',
            ubuntu24: '3.3.0-4build{1}',
            rhel8: '3.2.1-{1}.el8',
            rhel9: '3.3.0-{1}.el9',
        },
        publisher: { rhel: FEDORA },
    },
    {
        name: 'auditd',
        names: { rhel: 'audit', sles: 'audit' },
        versions: {
            ubuntu20: '1:2.8.5-2ubuntu{6}',
            ubuntu22: '1:3.0.7-1build{1}',
            ubuntu24: '1:3.1.2-2.1build{1}',
            rhel8: '3.1.2-{1}.el8',
            rhel9: '3.1.2-{2}.el9',
            sles: '3.0.6-150400.4.{16}.1',
        },
    },
    {
        name: 'cloud-init',
        versions: { ubuntu: '24.{1}.3-0ubuntu0~{u}.1', rhel: '23.4-{7}.{el}', sles: '23.3-150100.8.{79}.1' },
    },
    { name: 'snapd', versions: { ubuntu: '2.{63}+{u}' } },
    { name: 'ubuntu-pro-client', versions: { ubuntu: '{32}~{u}' } },
    { name: 'NetworkManager', versions: { rhel8: '1:1.40.16-{15}.el8', rhel9: '1:1.46.0-{19}.el9' } },
    { name: 'selinux-policy', versions: { rhel8: '3.14.3-{139}.el8', rhel9: '38.1.35-{2}.el9' } },
    { name: 'krb5-libs', versions: { rhel8: '1.18.2-{27}.el8', rhel9: '1.21.1-{1}.el9' }, security: true },
    { name: 'insights-client', versions: { rhel: '3.2.{2}-1.{el}' } },
    { name: 'suseconnect-ng', versions: { sles: '1.{10}.0-150000.3.{80}.1' } },
    {
        name: 'prometheus-node-exporter',
        names: { sles: 'golang-github-prometheus-node_exporter' },
        versions: {
            ubuntu20: '0.18.1+ds-2ubuntu0.{1}',
            ubuntu22: '1.3.1-1ubuntu0.22.04.{1}',
            ubuntu24: '1.7.0-1ubuntu0.{3}',
            sles: '1.7.0-150100.3.{26}.1',
        },
    },
    // The Azure agents: their versions are the machine's agent facts (see agreeWithMachine in software.ts).
    { name: 'azcmagent', versions: { ubuntu: '1.58.{3228}', rhel: '1.58.{3228}-1', sles: '1.58.{3228}-1' }, publisher: MS, agent: true },
    { name: 'azuremonitoragent', versions: { ubuntu: '1.32.{2}', rhel: '1.32.{2}-1', sles: '1.32.{2}-1' }, publisher: MS, agent: true },
    // Vendors' own repositories (fictional vendors included): they publish their packages, not the distribution.
    {
        name: 'fabrikam-backup-agent',
        versions: { ubuntu: '12.5.{1188}-1', rhel: '12.5.{1188}-1.{el}', sles: '12.5.{1188}-1.sles15' },
        publisher: 'Fabrikam, Inc.',
    },
    {
        name: 'tailspin-edr-sensor',
        versions: { ubuntu: '5.9.{104}-1', rhel: '5.9.{104}-1.{el}', sles: '5.9.{104}-1.sles15' },
        publisher: 'Tailspin Toys Security',
        security: true,
    },
    {
        name: 'nginx',
        versions: {
            ubuntu20: '1.18.0-0ubuntu1.{4}',
            ubuntu22: '1.18.0-6ubuntu14.{4}',
            ubuntu24: '1.24.0-2ubuntu7.{1}',
            rhel: '1:1.20.1-{14}.{el}',
            sles: '1.21.5-150400.3.{3}.1',
        },
        security: true,
        roles: ['web', 'proxy'],
    },
    {
        name: 'haproxy',
        versions: {
            ubuntu20: '2.0.33-0ubuntu0.{1}',
            ubuntu22: '2.4.24-0ubuntu0.22.04.{1}',
            ubuntu24: '2.8.5-1ubuntu3.{1}',
            rhel8: '1.8.27-{5}.el8',
            rhel9: '2.4.22-{1}.el9',
            sles: '2.8.3-{sp}.3.{3}.1',
        },
        security: true,
        roles: ['proxy', 'web'],
    },
    {
        name: 'certbot',
        versions: {
            ubuntu20: '0.40.0-1ubuntu0.{1}',
            ubuntu22: '1.21.0-1build{1}',
            ubuntu24: '2.9.0-1ubuntu{1}',
            rhel8: '1.22.0-{1}.el8',
            rhel9: '2.11.0-{1}.el9',
        },
        publisher: { rhel: FEDORA },
        roles: ['web', 'proxy'],
    },
    {
        name: 'squid',
        versions: {
            ubuntu20: '4.10-1ubuntu1.{12}',
            ubuntu22: '5.9-0ubuntu0.22.04.{1}',
            ubuntu24: '6.6-1ubuntu5.{1}',
            rhel8: '7:4.15-{7}.el8_9',
            rhel9: '7:5.5-{10}.el9',
            sles: '5.7-150400.3.{23}.1',
        },
        security: true,
        roles: ['proxy'],
    },
    {
        name: 'openjdk-17-jre-headless',
        names: { rhel: 'java-17-openjdk-headless', sles: 'java-17-openjdk-headless' },
        versions: {
            ubuntu: '17.0.{12}+7-1ubuntu2~{u}',
            rhel: '1:17.0.{12}.0.7-2.{el}',
            sles: '17.0.{12}.0-150400.3.{45}.1',
        },
        security: true,
        roles: ['app'],
    },
    {
        name: 'tomcat9',
        names: { ubuntu24: 'tomcat10', sles: 'tomcat' },
        versions: {
            ubuntu20: '9.0.31-1ubuntu0.{5}',
            ubuntu22: '9.0.58-1ubuntu0.{1}',
            ubuntu24: '10.1.16-1ubuntu0.{1}',
            sles: '9.0.85-150200.{57}.1',
        },
        security: true,
        roles: ['app'],
    },
    {
        name: 'contoso-orders-api',
        versions: { ubuntu: '3.{14}.0', rhel: '3.{14}.0-1.{el}', sles: '3.{14}.0-1.sles15' },
        publisher: 'Contoso Ltd.',
        roles: ['app'],
    },
    {
        name: 'docker-ce',
        versions: { ubuntu: '5:27.{1}.1-1~ubuntu.{u}~{cn}', rhel: '3:27.{1}.1-1.{el}' },
        publisher: DOCKER,
        roles: ['app', 'mon'],
    },
    {
        name: 'postgresql-16',
        names: { rhel: 'postgresql16-server', sles: 'postgresql16-server' },
        versions: { ubuntu: '16.{3}-1.pgdg{u}+1', rhel: '16.{3}-1PGDG.rhel{major}', sles: '16.{3}-1PGDG.sles15' },
        publisher: PGDG,
        security: true,
        roles: ['pg'],
    },
    {
        name: 'postgresql-client-16',
        names: { rhel: 'postgresql16', sles: 'postgresql16' },
        versions: { ubuntu: '16.{3}-1.pgdg{u}+1', rhel: '16.{3}-1PGDG.rhel{major}', sles: '16.{3}-1PGDG.sles15' },
        publisher: PGDG,
        security: true,
        roles: ['pg'],
    },
    {
        name: 'pgbackrest',
        versions: { ubuntu: '2.{51}-1.pgdg{u}+1', rhel: '2.{51}-1PGDG.rhel{major}', sles: '2.{51}-1PGDG.sles15' },
        publisher: PGDG,
        roles: ['pg'],
    },
    {
        name: 'pgbouncer',
        versions: { ubuntu: '1.{21}.0-1.pgdg{u}+1', rhel: '1.{21}.0-1PGDG.rhel{major}', sles: '1.{21}.0-1PGDG.sles15' },
        publisher: PGDG,
        roles: ['pg'],
    },
    { name: 'containerd.io', versions: { ubuntu: '1.7.{20}-1', rhel: '1.7.{20}-3.1.{el}' }, publisher: DOCKER, roles: ['k8s'] },
    { name: 'kubelet', versions: { ubuntu: '1.30.{5}-1.1', rhel: '1.30.{5}-150500.1.1' }, publisher: KUBERNETES, roles: ['k8s'] },
    { name: 'kubeadm', versions: { ubuntu: '1.30.{5}-1.1', rhel: '1.30.{5}-150500.1.1' }, publisher: KUBERNETES, roles: ['k8s'] },
    { name: 'kubectl', versions: { ubuntu: '1.30.{5}-1.1', rhel: '1.30.{5}-150500.1.1' }, publisher: KUBERNETES, roles: ['k8s'] },
    { name: 'cri-tools', versions: { ubuntu: '1.30.{1}-1.1', rhel: '1.30.{1}-150500.1.1' }, publisher: KUBERNETES, roles: ['k8s'] },
    {
        name: 'prometheus',
        names: { sles: 'golang-github-prometheus-prometheus' },
        versions: {
            ubuntu20: '2.15.2+ds-2ubuntu0.{1}',
            ubuntu22: '2.31.2+ds1-1ubuntu1.{1}',
            ubuntu24: '2.45.3+ds-2ubuntu0.{1}',
            sles: '2.45.6-150100.4.{20}.1',
        },
        roles: ['mon'],
    },
    {
        name: 'grafana',
        versions: { ubuntu: '11.{2}.0', rhel: '11.{2}.0-1', sles: '11.{2}.0-1' },
        publisher: 'Grafana Labs',
        security: true,
        roles: ['mon'],
    },
];

/** Versions per package: the installable ones and, last, the newest published. */
const VERSION_COUNT = 4;
/** Index of the newest published version of every package. */
export const NEWEST = VERSION_COUNT - 1;

/** A package as one release ships it. */
export interface LinuxPackage {
    name: string;
    publisher: string;
    /** Oldest first, rising, the last the newest published. */
    versions: readonly string[];
    security: boolean;
    kernel: boolean;
    agent: boolean;
}

function byRelease<T>(values: ByRelease<T> | undefined, release: LinuxRelease): T | undefined {
    return values?.[release.key] ?? values?.[release.family];
}

/** One version of a template: every counter moved on by `step`, every release marker filled in. */
function expand(template: string, release: LinuxRelease, step: number): string {
    return template.replace(/\{(\w+)\}/g, (_whole, key: string) => {
        if (/^\d+$/.test(key)) {
            return String(Number(key) + step);
        }
        const value = release.vars[key];
        if (value === undefined) {
            throw new Error(`Version template ${template} uses {${key}}, which ${release.key} does not define.`);
        }
        return value;
    });
}

const catalogues = new Map<string, LinuxPackage[]>();

/** The packages a release ships for a role, worked out once per release and role; [] for a release the sample does not know. */
export function linuxCatalogue(product: string, role: Role): readonly LinuxPackage[] {
    const key = `${product}\u0000${role}`;
    let packages = catalogues.get(key);
    if (!packages) {
        const release = RELEASES[product];
        packages = [];
        for (const spec of release ? PACKAGES : []) {
            const template = byRelease(spec.versions, release);
            if (template === undefined || (spec.roles && !spec.roles.includes(role))) {
                continue;
            }
            const publisher = typeof spec.publisher === 'string' ? spec.publisher : byRelease(spec.publisher, release);
            packages.push({
                name: byRelease(spec.names, release) ?? spec.name,
                publisher: publisher ?? DISTRIBUTION_PUBLISHERS[release.family],
                versions: Array.from({ length: VERSION_COUNT }, (_, step) => expand(template, release, step)),
                security: spec.security === true,
                kernel: spec.kernel === true,
                agent: spec.agent === true,
            });
        }
        catalogues.set(key, packages);
    }
    return packages;
}

/** How many packages a machine has an update waiting for, by how well it is kept up to date. */
const BEHIND_COUNTS: Readonly<Record<PatchProfile, readonly [number, number]>> = {
    'fully-patched': [0, 0],
    current: [1, 3],
    lagging: [3, 9],
    neglected: [8, 16],
};

/** A package on a machine: the index of its installed version in `pkg.versions`. */
export interface InstalledPackage {
    pkg: LinuxPackage;
    at: number;
}

/**
 * The packages of a Linux machine and the version each is at, from the machine's own streams: what its inventory lists
 * and what its patch assessment finds missing, so the two agree. A package is at the newest published version unless
 * the machine is behind on it (how many, its patch profile says); then it is one or two versions older, and the
 * newest is the update it waits for. The agents are never behind: Azure updates them, not the package manager.
 */
export function linuxPackagesOf(fm: FleetMachine): readonly InstalledPackage[] {
    // The inventory, the assessment and the patch runs all read them; the fleet is rebuilt (new objects) each hour.
    let packages = packagesByMachine.get(fm);
    if (!packages) {
        packages = drawPackages(fm);
        packagesByMachine.set(fm, packages);
    }
    return packages;
}

const packagesByMachine = new WeakMap<FleetMachine, readonly InstalledPackage[]>();

function drawPackages(fm: FleetMachine): InstalledPackage[] {
    const random = new Random(hashKey(fm.key, 'linux packages'));
    const eligible = linuxCatalogue(fm.os.product, fm.role);
    // The agents are always there (the machine's agent facts then keep or drop them); the rest is drawn.
    const others = eligible.filter((p) => !p.agent);
    const chosen = [...eligible.filter((p) => p.agent), ...random.sample(others, Math.min(others.length, random.int(40, 80)))];
    const [fewest, most] = BEHIND_COUNTS[fm.patchProfile];
    const behind = new Set(
        random.sample(
            chosen.filter((p) => !p.agent),
            random.int(fewest, most),
        ),
    );
    return chosen.map((pkg) => ({ pkg, at: behind.has(pkg) ? NEWEST - random.int(1, 2) : NEWEST }));
}
