/**
 * Pure placement logic of a Cloud Storage bucket: where a single-region, predefined dual-region or
 * configurable dual-region bucket lives, which regions hold its data, and where its Cloud KMS key
 * must be. No Pulumi here.
 */

/** Google's predefined dual-regions and the two regions each is made of. */
export const PREDEFINED_DUAL_REGIONS: Record<string, [string, string]> = {
  ASIA1: ["asia-northeast1", "asia-northeast2"],
  EUR4: ["europe-north1", "europe-west4"],
  NAM4: ["us-central1", "us-east1"],
};

/** The multi-region a region belongs to, for configurable dual-regions (same continent only). */
export function multiRegionOf(region: string): "US" | "EU" | "ASIA" | undefined {
  if (/^(us|northamerica)-/.test(region)) return "US";
  if (/^europe-/.test(region)) return "EU";
  if (/^asia-/.test(region)) return "ASIA";
  return undefined;
}

/** Where a bucket lives. */
export interface Placement {
  /** The bucket's `location`: a region, a predefined dual-region or a multi-region (upper case). */
  location: string;
  /** `customPlacementConfig.dataLocations` of a configurable dual-region. */
  dataLocations?: string[];
  /** The location the bucket's Cloud KMS key must be in (lower case). */
  keyLocation: string;
  /** The region the bucket's data is primarily written to, and the other one when dual-region. */
  region: string;
  replicaRegion?: string;
}

/**
 * The placement of a bucket in `region`, optionally dual-region with `replicaRegion` (a configurable
 * dual-region) or in a predefined dual-region. A Cloud KMS key protecting a bucket must be in the
 * bucket's location: the region, the predefined dual-region (`eur4`, `nam4`, `asia1`), or for a
 * configurable dual-region the multi-region that contains it (`eu`, `us`, `asia`).
 * See https://cloud.google.com/storage/docs/encryption/customer-managed-keys#restrictions
 * Returns `undefined` when the regions cannot form a dual-region (validation reports why).
 */
export function placement(
  region: string,
  dual?: { replicaRegion: string } | { predefined: string },
): Placement | undefined {
  if (!dual) return { location: region.toUpperCase(), keyLocation: region, region };
  if ("predefined" in dual) {
    const pair = PREDEFINED_DUAL_REGIONS[dual.predefined];
    if (!pair || !pair.includes(region)) return undefined;
    return {
      location: dual.predefined,
      keyLocation: dual.predefined.toLowerCase(),
      region,
      replicaRegion: pair.find((r) => r !== region),
    };
  }
  const multi = multiRegionOf(region);
  if (!multi || multi !== multiRegionOf(dual.replicaRegion) || region === dual.replicaRegion)
    return undefined;
  return {
    location: multi,
    dataLocations: [region.toUpperCase(), dual.replicaRegion.toUpperCase()],
    keyLocation: multi.toLowerCase(),
    region,
    replicaRegion: dual.replicaRegion,
  };
}
