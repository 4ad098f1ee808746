import fc from "fast-check";
import { bitsFor, formatCidr, kafkaPorts, parseCidr, subnetCidrs } from "../../components/aws/networkPlan";

describe("kafkaPorts", () => {
  it("opens only the IAM port for IAM clients", () => {
    expect(kafkaPorts(["iam"])).toEqual([9098]);
  });

  it("opens the SCRAM port for SCRAM clients and the TLS port for mutual-TLS clients", () => {
    expect(kafkaPorts(["scram"])).toEqual([9096]);
    expect(kafkaPorts(["tls", "iam", "tls"])).toEqual([9094, 9098]);
  });
});

describe("parseCidr", () => {
  it("parses a network address and rejects host bits, bad octets and bad prefixes", () => {
    expect(parseCidr("10.0.0.0/16")).toEqual({ address: 0x0a000000, prefixLength: 16 });
    expect(parseCidr("10.0.0.1/16")).toBeUndefined();
    expect(parseCidr("10.0.256.0/24")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0")).toBeUndefined();
  });
});

describe("subnetCidrs", () => {
  it("carves consecutive /20s out of a /16", () => {
    expect(subnetCidrs("10.0.0.0/16", 3, 20)).toEqual(["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/20"]);
  });

  it("fails when the subnets do not fit", () => {
    expect(() => subnetCidrs("10.0.0.0/24", 3, 25)).toThrow("3 subnets of /25 do not fit in 10.0.0.0/24");
  });

  it("returns distinct, non-overlapping subnets inside the VPC for any block that fits", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 16, max: 24 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        (a, b, vpcPrefix, count, extra) => {
          const vpc = parseCidr(formatCidr({ address: ((a << 24) | (b << 16)) >>> 0, prefixLength: 16 }))!;
          const masked = { address: vpc.address, prefixLength: vpcPrefix };
          const subnetPrefix = Math.min(28, vpcPrefix + bitsFor(count) + extra);
          const cidrs = subnetCidrs(formatCidr(masked), count, subnetPrefix);
          expect(cidrs).toHaveLength(count);
          const size = 2 ** (32 - subnetPrefix);
          const starts = cidrs.map((c) => parseCidr(c)!.address);
          const vpcEnd = vpc.address + 2 ** (32 - vpcPrefix);
          starts.forEach((s, i) => {
            expect(s).toBeGreaterThanOrEqual(vpc.address);
            expect(s + size).toBeLessThanOrEqual(vpcEnd);
            if (i > 0) expect(s).toBe(starts[i - 1] + size);
          });
        },
      ),
    );
  });
});
