/** Inputs the anomaly tests, golden check and benchmarks share: a seeded generator, the NAB files, a synthetic fleet. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** mulberry32: a fixed-seed generator so every run sees the same noise. */
export function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export interface NabFile {
    /** `category/file.csv`, as the scorer names it. */
    key: string;
    stamps: string[];
    times: Float64Array;
    values: Float64Array;
}

/** Naive `YYYY-MM-DD HH:MM:SS` timestamps are UTC, as the scorer reads them. */
function parseStamp(stamp: string): number {
    return Date.parse(stamp.trim().replace(' ', 'T') + 'Z');
}

/** Every series of a folder in the NAB layout (`data/<category>/<file>.csv`), in a fixed order. */
export function readNab(dir: string): NabFile[] {
    const dataDir = path.join(dir, 'data');
    const files: NabFile[] = [];
    for (const category of fs.readdirSync(dataDir).sort()) {
        if (!fs.statSync(path.join(dataDir, category)).isDirectory()) {
            continue;
        }
        for (const name of fs.readdirSync(path.join(dataDir, category)).sort()) {
            if (!name.endsWith('.csv')) {
                continue;
            }
            const lines = fs
                .readFileSync(path.join(dataDir, category, name), 'utf8')
                .split(/\r?\n/)
                .filter((line) => line.length > 0)
                .slice(1);
            const stamps = lines.map((line) => line.slice(0, line.indexOf(',')));
            const times = Float64Array.from(stamps, parseStamp);
            const values = Float64Array.from(lines, (line) => Number(line.slice(line.indexOf(',') + 1)));
            files.push({ key: `${category}/${name}`, stamps, times, values });
        }
    }
    return files;
}

/** Hourly series of 30 days: a daily rhythm plus noise, and a spike in every tenth one. */
export function syntheticSeries(seriesCount = 10_000, length = 720): { times: Float64Array; all: Float64Array[] } {
    const rand = random(42);
    const start = Date.UTC(2026, 0, 5);
    const times = Float64Array.from({ length }, (_, i) => start + i * 3_600_000);
    const all: Float64Array[] = [];
    for (let s = 0; s < seriesCount; s++) {
        const base = 10 + 60 * rand();
        const amplitude = 20 * rand();
        const noise = 1 + 4 * rand();
        const values = new Float64Array(length);
        for (let i = 0; i < length; i++) {
            values[i] = base + amplitude * Math.sin((2 * Math.PI * (i % 24)) / 24) + noise * (rand() + rand() + rand() - 1.5);
        }
        if (s % 10 === 0) {
            values[600] += 15 * noise;
        }
        all.push(values);
    }
    return { times, all };
}
