"""Photo review speed (issue 4): 800x800 JPEGs generated on the fly, one core.

Prints: ms per photo for every fact but OCR, median ms per photo with OCR, a
5-photo listing end to end, the speed-up of a re-review served from the
photo-facts cache, and the process's peak memory with all models loaded.
Run: ``python bench/bench_photos.py [--photos 40] [--photo-dir DIR]``. Not a test: no asserts.

The generated photos (a coloured square, circles, one short line of text on half
of them) are lighter than real product photos, which carry more text: packaging,
labels, banners. ``--photo-dir`` adds a line for the JPEGs under a folder of real
photos (as they are, not resized), so the two can be compared; the figures above
it stay those of the generated photos.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

from PIL import Image, ImageDraw, ImageFont

from shelfcheck.model import Listing
from shelfcheck.photos import photo_facts
from shelfcheck.photos.analysis import analyse
from shelfcheck.photos.loading import LoadSettings
from shelfcheck.policy import load_policy
from shelfcheck.review import review
from shelfcheck.tools import Tools

from bench_text import reference_loop

WORDS = ["SALE 50% OFF", "Waterproof", "USB-C", "Pure Brass", "www.shop.com", "2 YEAR WARRANTY"]


def make_photo(seed: int) -> bytes:
    rnd = random.Random(seed)
    image = Image.new("RGB", (800, 800), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    side = rnd.randint(300, 700)
    x0 = (800 - side) // 2
    colour = tuple(rnd.randint(0, 255) for _ in range(3))
    draw.rounded_rectangle([x0, x0, x0 + side, x0 + side], 40, fill=colour)
    for _ in range(30):
        x, y = rnd.randint(x0, x0 + side), rnd.randint(x0, x0 + side)
        draw.ellipse([x, y, x + 30, y + 30], outline=(0, 0, 0), width=3)
    if seed % 2:
        draw.text((40, 40), rnd.choice(WORDS), fill=(200, 0, 0), font=ImageFont.load_default(size=60))
    out = BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--photo-dir", help="also time OCR facts on the JPEGs under this folder")
    args = parser.parse_args()
    policy = load_policy()
    settings = LoadSettings()
    photos = [make_photo(i) for i in range(args.photos)]

    tools = Tools()
    start = time.perf_counter()
    tools.warm_up()
    print(f"models loaded in {time.perf_counter() - start:.2f} s")
    cyrillic = getattr(tools.ocr, "cyrillic", None)
    print("Cyrillic reader: " + ("tesseract rus+eng" if cyrillic is not None
                                 else f"none ({getattr(tools.ocr, 'cyrillic_missing', '')})"))

    times, cpu = [], []
    for data in photos:
        start, start_cpu = time.perf_counter(), time.process_time()
        analyse(data, settings)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(f"facts without OCR: median {statistics.median(times):.1f} ms/photo wall, "
          f"{statistics.median(cpu):.1f} ms CPU")

    times, cpu = [], []
    for data in photos:
        start, start_cpu = time.perf_counter(), time.process_time()
        analyse(data, settings, tools.ocr, det_side=policy.photo.ocr.det_side)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(f"facts with OCR:    median {statistics.median(times):.1f} ms/photo wall "
          f"(p90 {sorted(times)[int(len(times) * 0.9)]:.1f}), {statistics.median(cpu):.1f} ms CPU")

    if args.photo_dir:
        real_photos(args.photo_dir, settings, tools, policy.photo.ocr.det_side)

    with tempfile.TemporaryDirectory() as folder:
        listings = []
        for n in range(0, len(photos) - 4, 5):
            paths = []
            for k in range(5):
                path = Path(folder) / f"p{n + k}.jpg"
                path.write_bytes(photos[n + k])
                paths.append(str(path))
            listings.append(Listing.model_validate({
                "id": f"b{n}", "title": "Ceramic Coffee Mug 350 ml",
                "description": "Material: ceramic. Size: 9 cm x 8 cm. 1 mug.", "photos": paths,
            }))
        review(listings[0], policy=policy, tools=Tools())  # imports and lazy setup
        cold_tools = Tools()
        cold_tools.warm_up()
        start, start_cpu = time.perf_counter(), time.process_time()
        for listing in listings:
            review(listing, policy=policy, tools=cold_tools)
        cold = (time.perf_counter() - start) / len(listings)
        cold_cpu = (time.process_time() - start_cpu) / len(listings)
        start, start_cpu = time.perf_counter(), time.process_time()
        for listing in listings:
            review(listing, policy=policy, tools=cold_tools)
        warm = (time.perf_counter() - start) / len(listings)
        warm_cpu = (time.process_time() - start_cpu) / len(listings)
        print(f"5-photo listing end to end: {cold * 1000:.0f} ms wall, "
              f"{cold_cpu * 1000:.0f} ms CPU (first review)")
        print(f"re-review from the photo-facts cache: {warm * 1000:.1f} ms wall, "
              f"{warm_cpu * 1000:.1f} ms CPU -> {cold / warm:.0f}x faster")
        assert photo_facts(listings[0].photos[0], policy=policy, tools=cold_tools).ok

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (all models loaded): {peak:.0f} MiB")
    print(f"reference loop: {reference_loop():.2f} CPU s (bench_text.py's; read the figures "
          f"above against it)")


def real_photos(folder: str, settings: LoadSettings, tools: Tools, det_side: int) -> None:
    """OCR facts on every JPEG under ``folder``: CPU median, p90 and mean (the tail is
    photos with many text lines, each one read by the recogniser)."""
    files = sorted(p for p in Path(folder).rglob("*") if p.suffix.lower() in {".jpg", ".jpeg"})
    if not files:
        print(f"no JPEGs under {folder}")
        return
    cpu = []
    for path in files:
        data = path.read_bytes()
        start_cpu = time.process_time()
        analyse(data, settings, tools.ocr, det_side=det_side)
        cpu.append((time.process_time() - start_cpu) * 1000)
    print(f"facts with OCR, {len(files)} real photos: median {statistics.median(cpu):.1f} ms CPU "
          f"(p90 {sorted(cpu)[int(len(cpu) * 0.9)]:.1f}, mean {statistics.mean(cpu):.1f})")


if __name__ == "__main__":
    main()
