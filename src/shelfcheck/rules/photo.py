"""RULEBOOK §5 Photos — reason `photo`, doubt on the seller's side.

Every rule reads ``facts.photos`` (one :class:`~shelfcheck.photos.PhotoFacts`
per photo, measured once and cached by content hash) and names the photo it
judges (``photos[2]``) with what was seen: the text and its box, the measured
margin, the sharpness against its threshold, the duplicate's index. A photo
that cannot be read is a PHOTO-8 finding on that photo, never a silent pass.
"""

from __future__ import annotations

import re

from collections.abc import Iterator
from dataclasses import replace

from shelfcheck.analysis.language import detect_language
from shelfcheck.analysis.platforms import find_platform_mentions
from shelfcheck.facts import Facts
from shelfcheck.model import Doubt, Reason
from shelfcheck.photos import PhotoFacts
from shelfcheck.photos import text as photo_text
from shelfcheck.photos.claims import same_picture_groups
from shelfcheck.policy import Platforms, Policy
from shelfcheck.rule import Hit, Rule, rule


def _readable(facts: Facts) -> Iterator[tuple[int, PhotoFacts]]:
    """(index, facts) of each photo that was decoded."""
    for i, photo in enumerate(facts.photos):
        if photo.ok:
            yield i, photo


def _blank(photo: PhotoFacts, policy: Policy) -> bool:
    t = policy.photo.thresholds
    return photo.flat_std <= t.blank_max_std and photo.edge_share <= t.blank_max_edge_share


@rule("PHOTO-3", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_text_not_english(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """Text on the photo is not in English: translate it, or add the English next to it.

    ## What it checks
    The text read on each photo: lines in Chinese, Japanese, Korean, Cyrillic or
    another non-Latin script (a detected line the recogniser cannot read is in a
    script other than Latin), and Latin-script lines the language detectors judge
    foreign. Example: "热销新款", "Высокое качество" or "Livraison gratuite" on a photo
    fails; "Dishwasher Safe / 洗碗机适用" passes (English next to another language).

    ## Why
    RULEBOOK PHOTO-3: text on photos is English only; text duplicated in English
    alongside another language passes.

    ## Doubt
    Seller side: a little foreign text next to as much English passes.
    """
    t = policy.photo.thresholds
    own = photo_text.own_words(facts.title.clean, facts.listing.brand or "")
    for i, photo in _readable(facts):
        seen = photo_text.scripts(
            photo, t, policy.photo.ocr.min_score, policy.language.ideograph_weight
        )
        if seen.foreign_weight < 2 * t.min_line_chars:
            latin = photo_text.latin_text(photo, policy.photo.ocr.min_score, own)
            letters = sum(c.isalpha() for c in latin)
            result = (
                detect_language(latin, policy.language, facts.tools)
                if letters >= policy.language.min_letters else None
            )
            if result is not None and (result.is_foreign or _detectors_sure(result, policy)):
                yield Hit(
                    field=f"photos[{i}]",
                    evidence=f"{latin[:120]!r} reads as {result.language} ({result.method})",
                    confidence=0.85,
                    message=f"photos[{i}] carries text that is not English: translate it",
                )
            continue
        if seen.english_letters >= t.bilingual_min_share * seen.foreign_weight:
            continue
        lines = [f"{b.text.strip()!r} at {list(b.box)}" for b in seen.foreign_lines[:3]]
        lines += [f"an unreadable non-Latin line at {list(b.box)}" for b in seen.unread_lines[:3]]
        yield Hit(
            field=f"photos[{i}]",
            evidence="; ".join(lines),
            confidence=0.9,
            message=f"photos[{i}] carries text that is not English: translate it into English",
        )


def _detectors_sure(result, policy: Policy) -> bool:
    """Both language detectors name the same other language with high confidence.

    The text analysis stays unsure there on purpose (brand and model names in a
    title); a photo's overlay is a few words with the listing's own title and brand
    words already left out, so the detectors' firm agreement is enough
    ("Hochwertiges Material / Pflegeleicht")."""
    if result.is_english is not None or not result.votes:
        return False
    t = policy.photo.thresholds
    langs = {code for code, _ in result.votes.values()}
    scores = [score for _, score in result.votes.values()]
    return (
        len(langs) == 1
        and not langs & set(policy.language.allowed)
        and len(scores) >= 2
        and min(scores) >= t.detectors_sure_min
    )


@rule("PHOTO-4", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_product_tiny(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The product is tiny in the frame: crop the margins so the product fills the photo.

    ## What it checks
    The box around everything that differs from the background, against the
    frame. Example: a mug pasted at 15 % of a large white canvas fails; a
    product at 60-75 % of the frame with modest white margins passes.

    ## Why
    RULEBOOK PHOTO-4: extreme margins or frames that make the product tiny.

    ## Doubt
    Seller side: only a product under ``photo.thresholds.min_product_share``
    of the frame's width and height is flagged.
    """
    limit = policy.photo.thresholds.min_product_share
    for i, photo in _readable(facts):
        if _blank(photo, policy) or photo.product_share <= 0:
            continue
        if photo.product_share < limit:
            yield Hit(
                field=f"photos[{i}]",
                evidence=(
                    f"the product spans {photo.product_share:.0%} of the frame "
                    f"(box {list(photo.product_box)}), under {limit:.0%}"
                ),
                confidence=0.9,
                message=f"photos[{i}]: the product is tiny in a large margin; crop the photo",
            )


@rule("PHOTO-5", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_blank(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photo is a blank square with no product: replace it with a photo of the product.

    ## What it checks
    Grey-level spread and edges of each photo. Example: a plain white, black or
    grey square fails; a white product on a white background (it has edges) passes.

    ## Why
    RULEBOOK PHOTO-5: reject a blank square (white / black / any flat colour).

    ## Doubt
    Seller side; a flat photo has no product on it, so the finding is clear.
    """
    for i, photo in _readable(facts):
        if _blank(photo, policy):
            yield Hit(
                field=f"photos[{i}]",
                evidence=(
                    f"one flat colour {photo.background}: grey-level spread "
                    f"{photo.flat_std}, edges on {photo.edge_share:.2%} of the pixels"
                ),
                confidence=1.0,
                message=f"photos[{i}] is a blank square; show the product",
            )


def _variant_colours(facts: Facts) -> dict[int, str]:
    """Index of each main photo that is a variant's photo -> that variant's colour."""
    by_ref: dict[str, set[str]] = {}
    for v in facts.listing.variants:
        if v.photo and v.color and v.color.strip():
            by_ref.setdefault(v.photo, set()).add(v.color.strip().lower())
    return {
        i: next(iter(names))
        for i, ref in enumerate(facts.listing.photos)
        if len(names := by_ref.get(ref, set())) == 1
    }


@rule("PHOTO-6", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_repeated(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The same photo is repeated many times: keep one copy and add other views.

    ## What it checks
    PDQ hashes of the photos: photos within ``identical_distance`` bits are the
    same picture. Example: one photo uploaded 8 times fails; a full view and a
    close-up crop pass, and so do two copies.

    ## Why
    RULEBOOK PHOTO-6: reject excessive repetition of identical photos.

    ## Doubt
    Seller side: more than ``max_identical`` copies of one picture.
    """
    t = policy.photo.thresholds
    photos = [(i, p) for i, p in _readable(facts) if p.pdq and not _blank(p, policy)]
    colours = _variant_colours(facts)
    for group in same_picture_groups(photos, t.identical_distance):
        i = group[0]
        # photos of variants of different colours (a recoloured copy per colour) are
        # the variants' pictures, not repeats: each colour counts once
        named = {colours[j] for j in group if j in colours}
        copies = len(group) - max(0, len(named) - 1)
        if copies > t.max_identical:
            names = ", ".join(f"photos[{j}]" for j in group[1:])
            yield Hit(
                field=f"photos[{group[1]}]",
                evidence=f"{names} repeat photos[{i}] ({len(group)} copies of one picture)",
                confidence=0.9,
                message=f"photos[{i}] is repeated {len(group)} times; keep one and add other views",
            )


#: A lower-case run of three letters followed by a capitalised word: 'AmazonBestseller'.
_CAMEL_JOIN = re.compile(r"(?<=[a-z]{3})(?=[A-Z][a-z])")


def _platform_mentions(text: str, platforms: Platforms) -> list[str]:
    """Platform names in a line read on a photo; the OCR often drops the space between
    words of a slogan ('AmazonBestseller'), so a line with words run together in
    camel case is read both as it is and split."""
    found = find_platform_mentions(text, platforms)
    split = _CAMEL_JOIN.sub(" ", text)
    if not found and split != text:
        found = find_platform_mentions(split, platforms)
    return [m.text for m in found]


@rule("PHOTO-7", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_link_platform_watermark(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photo carries a link, another platform's name or a watermark: remove it.

    ## What it checks
    The text read on each photo: web addresses, names of other marketplaces
    (the ``platforms`` list), watermark words ("©", "SAMPLE", "Shot on"), and
    overlays laid diagonally or tiled across the photo. Example: "www.shop.com",
    "Also on AliExpress", a diagonal "HomeDeco Store" fail; a brand printed on
    the product, "Case for Amazon Kindle" pass.

    ## Why
    RULEBOOK PHOTO-7: reject links to other resources, mentions of other
    platforms, watermarks (§14: a brand printed on the product is not one).

    ## Doubt
    Seller side: a single tilted line (a print on the product) is not a watermark;
    two or more lines laid across the photo, or one text tiled four times, are.
    """
    p = policy.photo
    score = p.ocr.min_score
    own = photo_text.own_words(facts.title.clean, facts.listing.brand or "")
    for i, photo in _readable(facts):
        field = f"photos[{i}]"
        links = photo_text.find(photo, p.patterns.link, score)
        if links:
            yield Hit(field, f"a link: {links[0].evidence()}", confidence=0.9,
                      message=f"{field} shows a link; remove it from the photo")
            continue
        found = next(
            (
                (name, box)
                for box in photo_text.readable_lines(photo, score)
                for name in _platform_mentions(box.text, policy.platforms)
            ),
            None,
        )
        if found:
            name, box = found
            yield Hit(field, f"another platform {name!r} in {box.text.strip()!r} at {list(box.box)}",
                      confidence=0.9, message=f"{field} names another platform; remove it")
            continue
        marks = photo_text.find(photo, p.patterns.watermark, score)
        tilted = photo_text.parallel(photo_text.tilted(photo, p.thresholds, score))
        tiled = photo_text.repeated(photo, p.thresholds, score, own)
        if marks:
            evidence = f"a watermark: {marks[0].evidence()}"
        elif tiled:
            evidence = f"{tiled[0].text.strip()!r} repeated {len(tiled)} times across the photo"
        elif len(tilted) >= 2:
            box = tilted[0]
            evidence = f"text laid across the photo at {box.angle:.0f}°: {box.text.strip()!r} at {list(box.box)}"
        else:
            continue
        yield Hit(field, evidence, confidence=0.85,
                  message=f"{field} carries a watermark; upload the photo without it")


@rule("PHOTO-8", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_unusable(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photo is unreadable, extremely blurry or tiny: upload a sharp, readable photo.

    ## What it checks
    Each photo can be read (file, URL, format, size limits), is not extremely
    blurry (sharpness at a fixed working size against ``min_sharpness``) and is
    not tiny. Example: a photo blurred beyond recognition, a text file named
    .jpg, a truncated JPEG, a URL that does not answer fail; a mildly soft photo passes.

    ## Why
    RULEBOOK PHOTO-8: reject extremely blurry or low-quality photos ("only when
    it is as bad as it can get"); an unreadable photo cannot be shown at all.

    ## Doubt
    Seller side: soft photos pass; only extreme blur rejects.
    """
    t = policy.photo.thresholds
    for i, photo in enumerate(facts.photos):
        field = f"photos[{i}]"
        if not photo.ok:
            sure = photo.error_kind != "not_fetched"
            yield Hit(field, f"{photo.error_kind}: {photo.error}", confidence=1.0 if sure else 0.3,
                      message=f"{field} cannot be read ({photo.error}); upload a JPEG or PNG file")
            continue
        if _blank(photo, policy):
            continue
        if min(photo.width, photo.height) < t.min_side:
            yield Hit(field, f"{photo.width}x{photo.height} pixels, under {t.min_side} a side",
                      confidence=0.9, message=f"{field} is too small to show the product")
        elif photo.sharpness < t.min_sharpness:
            yield Hit(field, f"sharpness {photo.sharpness:.3f}, under {t.min_sharpness}",
                      confidence=0.9, message=f"{field} is extremely blurry; upload a sharp photo")


@rule("PHOTO-9", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_warranty(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photo promises a warranty or service life: remove the text from the photo.

    ## What it checks
    The text read on each photo against ``photo.patterns.warranty``. Example:
    "2 YEARS WARRANTY", "LIFETIME GUARANTEE" fail; "Money-back guarantee",
    "Premium Quality" pass.

    ## Why
    RULEBOOK PHOTO-9 (and §14 "Warranty").

    ## Doubt
    Seller side; the words are explicit.
    """
    p = policy.photo
    for i, photo in _readable(facts):
        seen = photo_text.find(photo, p.patterns.warranty, p.ocr.min_score,
                               exclude=p.patterns.warranty_exceptions)
        if seen:
            yield Hit(f"photos[{i}]", f"warranty text: {seen[0].evidence()}", confidence=0.9,
                      message=f"photos[{i}] promises a warranty; remove the text")


@rule("PHOTO-10", reason=Reason.PHOTO, doubt=Doubt.SELLER, needs_photos=True)
def photo_price(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photo shows a price or a discount: remove it from the photo.

    ## What it checks
    The text read on each photo against ``photo.patterns.price`` and
    ``discount``. Example: "$9.99", "SALE 70% OFF", "-50%", "BUY 1 GET 1 FREE"
    fail; "100% Cotton", "Size 40 x 40 cm" pass.

    ## Why
    RULEBOOK PHOTO-10: reject discounts and prices on photos.

    ## Doubt
    Seller side; a percentage alone ("100% Cotton") is not a discount.
    """
    p = policy.photo
    for i, photo in _readable(facts):
        seen = photo_text.find(photo, p.patterns.price, p.ocr.min_score)
        kind = "a price"
        if not seen:
            seen = photo_text.find(photo, p.patterns.discount, p.ocr.min_score)
            kind = "a discount"
        if seen:
            yield Hit(f"photos[{i}]", f"{kind}: {seen[0].evidence()}", confidence=0.9,
                      message=f"photos[{i}] shows {kind}; remove it from the photo")


@rule("PHOTO-Q", reason=Reason.PHOTO, doubt=Doubt.SELLER, kind="quality", needs_photos=True)
def photo_quality(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photos could do better: white background, several angles, 1:1, 800×800, a short video.

    ## What it checks
    The main photo's background (its border), aspect and size; the number of
    photos; a video of at most ``max_video_s`` seconds. Example: a 500×500 main
    photo on a grey background is a warning, never a rejection.

    ## Why
    RULEBOOK PHOTO-Q (the article's quality score; warnings, not rejections).

    ## Doubt
    Quality hints only: they take points off the quality score.
    """
    q = policy.photo.quality
    points = q.points
    photos = facts.photos
    main = photos[0] if photos else None
    if main is not None and main.ok:
        white = min(main.background) >= q.white_min and main.border_uniformity >= q.white_min_uniformity
        if not white:
            yield Hit("photos[0]", f"border colour {main.background}",
                      message="photos[0]: use a pure white background for the main photo",
                      points=points.get("background", 0))
        if abs(main.aspect - 1) > q.square_tolerance:
            yield Hit("photos[0]", f"{main.width}x{main.height}",
                      message="photos[0]: use a square (1:1) main photo",
                      points=points.get("square", 0))
        if min(main.width, main.height) < q.min_side:
            yield Hit("photos[0]", f"{main.width}x{main.height}",
                      message=f"photos[0]: use at least {q.min_side}x{q.min_side} pixels",
                      points=points.get("size", 0))
    distinct = {p.pdq for p in photos if p.ok}
    if len(distinct) < q.min_photos:
        yield Hit("photos", f"{len(distinct)} distinct photo(s)",
                  message="add photos of the product from several angles",
                  points=points.get("angles", 0))
    video = facts.listing.video
    if video is None or not video.url or (video.duration_s or 0) > q.max_video_s:
        yield Hit("video", "no video" if video is None else f"video of {video.duration_s} s",
                  message=f"add a short video (at most {q.max_video_s:.0f} s) of the product in use",
                  points=points.get("video", 0))


def _photo_nudity(facts: Facts, policy: Policy) -> Iterator[Hit]:
    """The photo shows nudity: sexually explicit photos are not allowed.

    ## What it checks
    The optional nudity detector's (nudenet) scores on each photo for the
    explicit classes of ``photo.nudity.labels``. Example: an exposed-genitalia
    detection at 0.9 rejects; at 0.5 it goes to human review; a swimsuit passes.
    Without nudenet installed the check does not run (``photos.nudity_available``).

    ## Why
    RULEBOOK OFFENSIVE-1: pornographic / sexually explicit images.

    ## Doubt
    Platform side: an unsure detection goes to human review.
    """
    cfg = policy.photo.nudity
    for i, photo in _readable(facts):
        if photo.nudity is None or photo.nudity < cfg.review_score:
            continue
        confidence = 0.9 if photo.nudity >= cfg.reject_score else 0.5
        yield Hit(
            field=f"photos[{i}]",
            evidence=f"{photo.nudity_label} detected with score {photo.nudity:.2f}",
            confidence=confidence,
            message=f"photos[{i}] appears sexually explicit",
        )


#: OFFENSIVE-1 on photos: its own ID (the text check holds OFFENSIVE-1), found by either.
photo_nudity = replace(
    rule("OFFENSIVE-1-PHOTO", reason=Reason.OFFENSIVE, doubt=Doubt.PLATFORM, needs_photos=True)(
        _photo_nudity
    ),
    aliases=("OFFENSIVE-1",),
)


RULES: tuple[Rule, ...] = (
    photo_nudity,
    photo_text_not_english,
    photo_product_tiny,
    photo_blank,
    photo_repeated,
    photo_link_platform_watermark,
    photo_unusable,
    photo_warranty,
    photo_price,
    photo_quality,
)
