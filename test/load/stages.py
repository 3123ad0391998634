"""Prints, as a markdown row, the time a Veil spent per pipeline stage between two scrapes of its
/metrics (veil_pipeline_stage_duration_seconds): the mean and the p99 (the upper bound of the
histogram bucket holding it), in µs, for each direction and stage that was used.

    stages.py LABEL BEFORE AFTER
"""
import collections
import math
import sys

PREFIX = "veil_pipeline_stage_duration_seconds_"


def parse(path):
    sums, counts = {}, {}
    buckets = collections.defaultdict(dict)
    for line in open(path):
        if not line.startswith(PREFIX):
            continue
        name, value = line.rsplit(" ", 1)
        labels = dict(kv.split("=", 1) for kv in name[name.index("{") + 1:name.rindex("}")].replace('"', "").split(","))
        key = (labels["direction"], labels["stage"])
        if name.startswith(PREFIX + "sum"):
            sums[key] = float(value)
        elif name.startswith(PREFIX + "count"):
            counts[key] = float(value)
        elif name.startswith(PREFIX + "bucket"):
            buckets[key][float(labels["le"])] = float(value)
    return sums, counts, buckets


def main():
    label, before, after = sys.argv[1:4]
    s0, c0, b0 = parse(before)
    s1, c1, b1 = parse(after)
    cells = []
    for key in sorted(c1):
        n = c1[key] - c0.get(key, 0)
        if n <= 0:
            continue
        mean = (s1[key] - s0.get(key, 0)) / n
        p99 = math.inf
        for le in sorted(b1[key]):
            if b1[key][le] - b0.get(key, {}).get(le, 0) >= 0.99 * n:
                p99 = le
                break
        p99s = "> 1 s" if math.isinf(p99) else f"≤ {p99 * 1e6:.0f}"
        cells.append(f"{key[0]} {key[1]} {mean * 1e6:.0f} ({p99s})")
    print(f"| {label} | " + ", ".join(cells) + " |")


if __name__ == "__main__":
    main()
