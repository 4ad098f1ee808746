import { minimumDaysSetting, resourceRule } from "../../../lib/rule";

interface Config {
  minimumRetentionDays: number;
}

const DAY = 86400;

export const gcsBucketSoftDelete = () =>
  resourceRule<Config>({
    file: __filename,
    clouds: ["gcp"],
    resourceTypes: ["gcp:storage/bucket:Bucket"],
    summary:
      "A Cloud Storage bucket keeps deleted objects too briefly (or not at all), so deletes cannot be undone.",
    description:
      "The Cloud Storage bucket's soft delete retention (softDeletePolicy.retentionDurationSeconds, 7 days by " +
      "default) is below the configured minimum or turned off with 0, and no retention policy makes up for it. A " +
      "mass delete by a bug or an attacker is then unrecoverable after that window.",
    remediation:
      "Leave soft delete at its default or set softDeletePolicy.retentionDurationSeconds to at least the minimum; " +
      "for WORM data add a retentionPolicy.",
    enforcementLevel: "mandatory",
    severity: "medium",
    config: minimumDaysSetting(
      "Fewest days deleted objects must stay restorable (soft delete allows 7 to 90).",
      { minimum: 1, maximum: 90, default: 7 },
    ),
    check: (props, { config }) => {
      const minimum = config.minimumRetentionDays * DAY;
      const retention = Number(props.retentionPolicy?.retentionPeriod ?? 0);
      if (retention >= minimum) return undefined;
      const observed: unknown = props.softDeletePolicy?.retentionDurationSeconds;
      const soft = Number(observed ?? 7 * DAY);
      if (soft >= minimum) return undefined;
      const path = "softDeletePolicy.retentionDurationSeconds";
      return soft === 0
        ? { message: "soft delete is off (retentionDurationSeconds 0)", path, value: observed }
        : {
            message: `soft delete keeps deleted objects ${soft / DAY} day(s); at least ${config.minimumRetentionDays} required`,
            path,
            value: observed,
          };
    },
  });
