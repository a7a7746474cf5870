"""Print the foundation figures: container start and end-to-end sync latency."""
from __future__ import annotations

import argparse

from bench import container_start, sync_latency
from bench.stats import table
from config import load_settings


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--flows", action="store_true", help="the flow figures instead (bench.flows)")
    args = parser.parse_args()
    if args.flows:
        from bench import flows
        return flows.main(["--runs", str(min(args.runs, 3))])
    settings = load_settings()
    baseline, samples = container_start.samples(settings, args.runs)
    samples += [sync_latency.sample("docker", args.runs), sync_latency.sample("local", args.runs)]
    print(f"\n{args.runs} runs each, baseline = {baseline.name}\n")
    print(table(samples, baseline))


if __name__ == "__main__":
    main()
