"""Benchmark: text review throughput on a generated catalog (issue: <= 1 ms per listing).

    python bench/bench_text.py [--listings 10000] [--seed 7]

Generates a catalog of text listings (no photos) from templates with a realistic mix
of clean listings and violations, then reports, on one core:

* the one-time start-up (policy load + language models), apart;
* throughput (listings/s) and per-listing latency (mean, p50, p99) of ``review()``;
* the ratio to the target of 1,000 listings/s;
* the peak resident memory of the process.

Prints figures only; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from shelfcheck import gate
from shelfcheck.model import Listing
from shelfcheck.policy import load_policy
from shelfcheck.review import review
from shelfcheck.tools import Tools

PRODUCTS = [
    ("Ceramic Coffee Mug {n} ml", "Home & Kitchen > Mugs", "Material: ceramic. Capacity: {n} ml."),
    ("Women's Floral Summer Dress", "Women's Clothing > Dresses",
     "Material: 100% polyester. Size chart (cm): S bust 86 waist 68; M bust 90 waist 72."),
    ("Wireless Bluetooth Earbuds {n}h Playtime", "Electronics > Headphones",
     "Bluetooth 5.3, battery 300 mAh, USB-C charging. Package includes: 2 x earbuds, 1 x case."),
    ("USB Flash Drive {n}GB Metal", "Computers > USB Flash Drives",
     "USB 3.0 interface, zinc alloy shell. Package includes: 1 x flash drive."),
    ("Power Bank {n}0mAh Fast Charging", "Electronics > Power Banks",
     "Input USB-C 5V/3A, output 22.5W. Dimensions: 14 x 7 x 2.8 cm."),
    ("Men's Leather Belt {n} cm", "Men's Accessories > Belts", "Genuine leather, alloy buckle."),
    ("Silicone Baking Mat Set {n} pcs", "Home & Kitchen > Bakeware",
     "Food-grade silicone, sizes 42 x 29.5 cm. Package includes: {n} x mat."),
    ("Robe d'été femme à fleurs", "Women's Clothing > Dresses", "Robe légère en coton."),
    ("HOODED RAIN JACKET WATERPROOF", "Men's Clothing > Jackets", "Material: nylon."),
]
EXTRAS = [
    "",
    "\nContact us on WhatsApp +86 138 1234 5678 for wholesale.",
    "\nShips within 24 hours, arrives in 7-15 days.",
    "\n1 year warranty.",
    "\nFollow our store for new arrivals!",
    "\nAlso available on Amazon and eBay.",
    "\nVisit www.example-shop.com for more.",
    "\nDimensions: 120x80 cm, weight 2.5 kg, model XK-2000.",
]
COLOURS = ["Black", "White", "Red", "Blue", "Green"]
SIZES = ["S", "M", "L", "XL"]


def generate(count: int, seed: int) -> list[Listing]:
    rng = random.Random(seed)
    listings = []
    for i in range(count):
        title, category, desc = rng.choice(PRODUCTS)
        n = rng.choice([2, 4, 16, 32, 64, 128, 350, 512, 2000, 5000])
        variants = [
            {"id": f"v{j}", "color": rng.choice(COLOURS), "size": rng.choice(SIZES)}
            for j in range(rng.choice([0, 0, 1, 3, 6]))
        ]
        listings.append(
            Listing(
                id=f"bench-{i}",
                title=title.format(n=n),
                description=desc.format(n=n) + rng.choice(EXTRAS) * rng.choice([1, 1, 2]),
                category=category,
                variants=variants,  # type: ignore[arg-type]
                price=round(rng.uniform(2, 80), 2),
            )
        )
    return listings


def reference_loop() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine's core is today
    (a typical current x86 core runs it in about 0.4-0.5 s), to read the figures against."""
    t0 = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    policy = load_policy()
    tools = Tools()
    tools.warm_up()
    startup = time.perf_counter() - t0

    listings = generate(args.listings, args.seed)
    # one warm-up listing so lazily compiled paths are not counted as steady state
    review(listings[0], policy=policy, tools=tools)

    latencies = []
    decisions: dict[str, int] = {}
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for listing in listings:
        # the generated texts repeat across listings far more than a real catalog's do:
        # each listing is measured as new, without the literals seen in earlier ones
        gate.clear_cache()
        s = time.perf_counter()
        d = review(listing, policy=policy, tools=tools)
        latencies.append(time.perf_counter() - s)
        decisions[d.decision] = decisions.get(d.decision, 0) + 1
    total = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    latencies.sort()
    rate = len(listings) / total
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"start-up (policy + language models): {startup * 1000:.0f} ms (one time)")
    print(f"listings reviewed:   {len(listings)} on one core in {total:.2f} s")
    print(f"throughput:          {rate:,.0f} listings/s  (target 1,000/s: ratio {rate / 1000:.2f}x)")
    print(f"latency per listing: mean {statistics.fmean(latencies) * 1000:.3f} ms, "
          f"p50 {latencies[len(latencies) // 2] * 1000:.3f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99)] * 1000:.3f} ms")
    print(f"CPU per listing:     {cpu / len(listings) * 1000:.3f} ms "
          f"({len(listings) / cpu:,.0f} listings per CPU-second; wall figures above suffer "
          f"when other processes share the core)")
    print(f"decisions:           {decisions}")
    print(f"peak memory (RSS):   {peak_mb:.0f} MB")
    print(f"reference loop:      {reference_loop():.2f} CPU s (10M additions; ~0.45 s on a "
          f"typical current core: scale the figures above by it)")


if __name__ == "__main__":
    main()
