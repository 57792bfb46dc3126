/**
 * The AWS Regions and the availability zone names each offers, so that a zone a Region lacks, a
 * zone count it cannot meet, or a misspelt Region is refused before anything is planned. Sources:
 * AWS's "Regions and Availability Zones" pages (docs.aws.amazon.com/global-infrastructure) and the
 * EC2 `DescribeAvailabilityZones` output of new accounts. Reviewed 2026-11; add a Region when AWS
 * opens one (a Region missing here is refused by the offline plan, never silently guessed).
 *
 * Zone *names* are mapped per account (us-east-1a in one account is not us-east-1a in another),
 * and a few Regions give each account only some of their names: `names` lists every name an
 * account can see, `count` how many one account gets. An account's own names come from
 * `aws ec2 describe-availability-zones`, which is what the network checks again at deploy time.
 */
import { editDistance } from "../text";
export interface RegionZones {
    /** Every zone name the Region's accounts can see, in the order a new account lists them. */
    readonly names: readonly string[];
    /** How many zones one account gets. */
    readonly count: number;
}

const abc = ["a", "b", "c"];
const zones = (letters: readonly string[], count = letters.length): RegionZones => ({
    names: letters,
    count,
});

const TABLE: Record<string, RegionZones> = {
    "us-east-1": zones(["a", "b", "c", "d", "e", "f"]),
    "us-east-2": zones(abc),
    // Each account gets two of the three.
    "us-west-1": zones(["a", "b", "c"], 2),
    "us-west-2": zones(["a", "b", "c", "d"]),
    "af-south-1": zones(abc),
    "ap-east-1": zones(abc),
    "ap-east-2": zones(abc),
    "ap-south-1": zones(abc),
    "ap-south-2": zones(abc),
    "ap-southeast-1": zones(abc),
    "ap-southeast-2": zones(abc),
    "ap-southeast-3": zones(abc),
    "ap-southeast-4": zones(abc),
    "ap-southeast-5": zones(abc),
    "ap-southeast-6": zones(abc),
    "ap-southeast-7": zones(abc),
    // ap-northeast-1b exists only in accounts created before 2013; new accounts see a, c and d.
    "ap-northeast-1": zones(["a", "c", "d", "b"], 3),
    "ap-northeast-2": zones(["a", "b", "c", "d"]),
    "ap-northeast-3": zones(abc),
    "ca-central-1": zones(["a", "b", "d"]),
    "ca-west-1": zones(abc),
    "eu-central-1": zones(abc),
    "eu-central-2": zones(abc),
    "eu-north-1": zones(abc),
    "eu-south-1": zones(abc),
    "eu-south-2": zones(abc),
    "eu-west-1": zones(abc),
    "eu-west-2": zones(abc),
    "eu-west-3": zones(abc),
    "il-central-1": zones(abc),
    "me-central-1": zones(abc),
    "me-south-1": zones(abc),
    "mx-central-1": zones(abc),
    "sa-east-1": zones(abc),
    "us-gov-east-1": zones(abc),
    "us-gov-west-1": zones(abc),
    "cn-north-1": zones(["a", "b", "d"]),
    "cn-northwest-1": zones(abc),
};

/** The Region names this table knows, sorted. */
export const KNOWN_REGIONS: readonly string[] = Object.keys(TABLE).sort();

/** The Region's zones (full names, such as us-east-1a), or undefined for a Region this table lacks. */
export function regionZones(region: string): { names: string[]; count: number } | undefined {
    const entry = TABLE[region];
    return entry && { names: entry.names.map((z) => `${region}${z}`), count: entry.count };
}

/** The zones a new account in the Region lists, in order: the first `count` names. */
export function defaultZones(region: string): string[] | undefined {
    const entry = regionZones(region);
    return entry?.names.slice(0, entry.count);
}

/** The known Regions closest to a misspelt one (same prefix, or one edit away), for a "did you mean". */
export function similarRegions(region: string): string[] {
    const near = KNOWN_REGIONS.filter((r) => editDistance(r, region) <= 2);
    return near.length > 0
        ? near
        : KNOWN_REGIONS.filter((r) => r.split("-")[0] === region.split("-")[0]);
}
