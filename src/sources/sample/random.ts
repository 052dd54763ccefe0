/**
 * Seeded randomness for the sample estate.
 *
 * Two kinds: a sequential generator for the cheap facts built eagerly in a fixed order, and stateless
 * hashing for the expensive facts built lazily per machine (software, findings, metric noise). Hashing keeps
 * a lazily built machine identical whatever order machines are asked for in, so same seed + same clock
 * gives byte-identical answers regardless of which query ran first.
 */

/** The murmur3 finaliser: cheap, and good enough that neighbouring inputs give unrelated outputs. */
export function mix32(value: number): number {
    let h = value | 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}

/** A 32-bit key from numbers and strings, used to seed one machine's (or one topic's) own stream. */
export function hashKey(...parts: (number | string)[]): number {
    let h = 0x811c9dc5;
    for (const part of parts) {
        if (typeof part === 'number') {
            h = mix32(h ^ mix32(part | 0) ^ mix32(Math.floor(part / 0x100000000)));
        } else {
            for (let i = 0; i < part.length; i++) {
                h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
            }
            h = mix32(h);
        }
    }
    return h >>> 0;
}

/**
 * Bounded standard noise at position `index` of the stream `key`: the sum of three uniforms (three 10-bit slices
 * of one hash), rescaled to variance 1. It can never exceed ±3, so normal data has no accidental outliers a detector
 * would rightly flag. One hash per sample because metric series are the estate's only bulk computation.
 */
export function boundedNoise(key: number, index: number): number {
    const h = mix32(key ^ Math.imul(index, 0x9e3779b1));
    const sum = (h & 1023) + ((h >>> 10) & 1023) + ((h >>> 20) & 1023) + 1.5;
    return (sum / 1024 - 1.5) * 2;
}

/** A small, fast seeded generator (mulberry32) with the helpers the generators need. */
export class Random {
    private state: number;

    constructor(seed: number) {
        this.state = mix32(seed ^ 0x2545f491) || 1;
    }

    /** Uniform in [0, 1). */
    next(): number {
        this.state = (this.state + 0x6d2b79f5) | 0;
        let t = this.state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** Integer in [min, max], both included. */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    /** Uniform in [min, max). */
    range(min: number, max: number): number {
        return min + this.next() * (max - min);
    }

    chance(probability: number): boolean {
        return this.next() < probability;
    }

    pick<T>(items: readonly T[]): T {
        return items[Math.floor(this.next() * items.length)];
    }

    /** Picks by weight; `items` pairs a value with its relative weight. */
    weighted<T>(items: readonly (readonly [T, number])[]): T {
        let total = 0;
        for (const [, weight] of items) {
            total += weight;
        }
        let roll = this.next() * total;
        for (const [value, weight] of items) {
            roll -= weight;
            if (roll < 0) {
                return value;
            }
        }
        return items[items.length - 1][0];
    }

    /** `count` distinct items in random order (all of them when count ≥ length). */
    sample<T>(items: readonly T[], count: number): T[] {
        const copy = [...items];
        const n = Math.min(count, copy.length);
        for (let i = 0; i < n; i++) {
            const j = i + Math.floor(this.next() * (copy.length - i));
            [copy[i], copy[j]] = [copy[j], copy[i]];
        }
        return copy.slice(0, n);
    }

    /** A random (version 4 shaped) GUID, lower case as Azure prints them. */
    guid(): string {
        const hex: string[] = [];
        for (let i = 0; i < 4; i++) {
            hex.push((Math.floor(this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0'));
        }
        const s = hex.join('');
        const variant = '89ab'[parseInt(s[16], 16) & 3];
        return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${variant}${s.slice(17, 20)}-${s.slice(20, 32)}`;
    }
}

/** A GUID that depends only on its key, for ids of lazily generated things (assessment runs). */
export function guidFor(...parts: (number | string)[]): string {
    return new Random(hashKey(...parts)).guid();
}

/** An ISO time to the whole second, as Azure prints most timestamps (and so JSON stays short). */
export function isoTime(ms: number): string {
    return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}

/**
 * One flat copy of a string built by concatenation. V8 keeps such strings as trees until something flattens them, and
 * ids used as map keys on every query would pay for that each time; Azure's JSON hands the tools flat strings.
 */
export function flat(text: string): string {
    return (JSON.parse(JSON.stringify(text)) as string).slice(0);
}
