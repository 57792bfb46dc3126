/** Arguments both network patterns take. */
export interface NetworkArgs {
    /** The VPC's IPv4 block, /16 to /28. @default "10.0.0.0/16" */
    cidrBlock?: string;
    /** How many zones, taken in the region's order. Exclusive with `availabilityZones`. @default 2 */
    azCount?: number;
    /** Zone names to use, in order. Exclusive with `azCount`. */
    availabilityZones?: string[];
    /** Tags for every child; `Name` is always set from the child's name. @default {} */
    tags?: Record<string, string>;
}
