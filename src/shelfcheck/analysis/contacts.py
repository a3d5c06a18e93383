"""Phone numbers, e-mail addresses and calls to contact the seller (RULEBOOK §7 DESC-4,
DESC-5, §14).

Phones: a cheap scan finds digit runs long enough to be a phone number; only
those windows go to phonenumbers' ``PhoneNumberMatcher`` at ``STRICT_GROUPING``
leniency over the policy's regions ("+86 138 0013 8000", "(212) 555-0147",
"0812-3456-7890"). A run announced by a cue ("Tel:", "Call", "WhatsApp:") is
also tried with its separators removed, so obfuscated forms ("1 3 8 - 0 0 1 3 -
8 0 0 0", "WhatsApp: 8613812345678") are caught; a contact cue earlier in the same
sentence counts too ("Add my WhatsApp for bulk price 8613812345678"). Not phones: a run after a label
such as "Model No." or "EAN", a run followed by a unit ("50000 mAh"), a run
joined to letters ("SJ4000"), sizes and resolutions ("120x80 cm", "1920x1080":
the "x" breaks the run), and an unseparated run with no cue and no "+" (it may
be a code; the doubt goes the seller's way).

E-mails: "name@shop.com" and the spelled-out forms "name [at] shop (dot) com", "name at
gmail.com" and "name at shop dot com" (a bare "at" only before a mail provider or a domain
spelled with "dot").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher

from shelfcheck.gate import Alternatives
from shelfcheck.policy import ContactPolicy, PhonePolicy, TermSet, per_object

# A run of digits with the separators phone numbers are written with.
_DIGIT_RUN = re.compile(r"(?<![\w+])(?:\+\s?)?\(?\d(?:[ \-.()\u2013/]{0,3}\d)+(?![\w])")
_DIGIT = re.compile(r"\d")
# A cheap first look: nine characters of digits and separators (no phone is shorter).
_LONG_RUN = re.compile(r"\d[\d \-.()\u2013/]{7,}\d")
_SPACED = re.compile(r"^(?:\+\s?)?\d(?:\s*[\-.]?\s+\d|\s*-\s*\d)+$")
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]{1,64}@[^\W_][\w\-]*(?:\.[\w\-]+)*\.[a-z]{2,24}\b", re.IGNORECASE)
_AT = r"\s*(?:\[\s*at\s*\]|\(\s*at\s*\)|\{\s*at\s*\}|<\s*at\s*>)\s*"
_DOT = r"(?:\s*(?:\[\s*dot\s*\]|\(\s*dot\s*\)|\{\s*dot\s*\}|<\s*dot\s*>)\s*|\s+dot\s+|\.)"
_EMAIL_SPELLED = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]{{1,64}}{_AT}[^\W_][\w\-]*(?:{_DOT}[\w\-]+)*{_DOT}[a-z]{{2,24}}\b",
    re.IGNORECASE,
)
_SPELLED_AT = re.compile(r"[\[({<]\s*at\s*[\])}>]", re.IGNORECASE)
# "name at gmail.com", "support at shop dot com": a bare "at" counts only before a mail
# provider's domain or a domain spelled with "dot" ("made at home.com" is no address).
_MAIL_PROVIDERS = ("gmail", "yahoo", "hotmail", "outlook", "icloud", "aol", "qq", "163", "126",
                   "protonmail", "proton", "yandex", "mail", "live", "msn", "gmx", "zoho")
# a spaced address counts with a spaced dot ("gmail . com") or a mail provider after the "@"
# ("name @ gmail.com"); "buy online @ Flipkart.com" uses "@" for "at"
_SPACED_DOT = re.compile(r"\s\.|\.\s")
_PROVIDER_AFTER_AT = re.compile(rf"@\s*(?:{'|'.join(_MAIL_PROVIDERS)})\s*\.", re.IGNORECASE)
_DOT_WORD = r"(?:\s+dot\s+|\s*[\[({<]\s*dot\s*[\])}>]\s*)"
_EMAIL_BARE_AT = re.compile(
    rf"(?<![\w.+\-])[\w.+\-]{{2,64}}\s+at\s+(?:"
    rf"(?:{'|'.join(_MAIL_PROVIDERS)})(?:\.|{_DOT_WORD})[a-z]{{2,6}}"
    rf"|(?!(?:the|a|an|this|that|our|your|my|its|their)\b)[^\W_][\w\-]*{_DOT_WORD}"
    rf"(?:com|net|org|cn|co|us|uk|shop|store|online|info)"
    rf")\b",
    re.IGNORECASE,
)
_CUE_GAP = re.compile(
    r"[\s:：=.\-#(）)/]*(?:(?:on|at|via|no|number|num|nr)[\s:：=.\-#(）)/]*)?$", re.IGNORECASE
)
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-\u2013/]\s*(?:19|20)\d\d$")
_GROUPS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?;。！？](?:\s|$)|\n")
# A phone number spelled out in words ("one three eight zero zero ..."): nine or more digit
# words in a row. No product text spells nine digits one word at a time.
_DIGIT_WORDS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_DIGIT_WORD = rf"(?:{'|'.join(_DIGIT_WORDS)}|double\s+\w+|triple\s+\w+)"
_SPELLED_PHONE = re.compile(
    rf"(?<![\w-])(?:plus\s+)?{_DIGIT_WORD}(?:[\s,\-]+{_DIGIT_WORD}){{6,}}(?![\w-])", re.IGNORECASE
)
# An address written with spaces around "@" and its dots ("name @ gmail . com"): the domain
# ends with a common mail suffix, so prose with an "@" ("2 @ 5.99") is no address.
_EMAIL_SPACED = re.compile(
    r"(?<![\w.+\-])[\w.+\-]{1,64}\s*@\s*[^\W_][\w\-]*(?:\s*\.\s*[^\W\d_][\w\-]*)*"
    r"\s*\.\s*(?:com|net|org|cn|co|us|uk|ru|in|id|my|vn|ph|th|br|de|fr|info|shop|store|online)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Phone:
    """A phone number found in a text."""

    text: str
    span: tuple[int, int]
    #: The number in E.164 form ("+8613800138000").
    number: str
    #: The cue word right before it ("call", "whatsapp", "tel"), lower case, or "".
    cue: str
    #: False for a number with no cue, no "+" and only two groups ("027-1838200"):
    #: it may be a part number.
    sure: bool = True


@dataclass(frozen=True, slots=True)
class Email:
    text: str
    span: tuple[int, int]


@dataclass(frozen=True, slots=True)
class ContactCall:
    """A call to contact the seller: a phrase ("contact us") or a messenger channel in use."""

    text: str
    span: tuple[int, int]
    kind: str  # "phrase" or "messenger"


def find_phones(text: str, policy: PhonePolicy) -> tuple[Phone, ...]:
    """The phone numbers in ``text`` (see the module docstring for what is not one)."""
    out: list[Phone] = _spelled_phones(text, policy) if "e" in text else []
    if not _LONG_RUN.search(text):
        return tuple(out)
    for m in _DIGIT_RUN.finditer(text):
        raw = m.group(0).rstrip(" -.(/")
        digits = _DIGIT.findall(raw)
        if len(digits) < policy.min_digits_after_cue:
            continue
        start = m.start()
        before = text[max(0, start - 40) : start]
        cue = _ends_with(before, policy.cues)
        if len(digits) < policy.min_digits and not (
            cue and " " in raw.strip() and min(map(len, _GROUPS.findall(raw))) >= 3
        ):
            continue  # eight digits only right after "Tel:" / "Hotline:", in groups
        if not cue and _ends_with(before, policy.not_phone_labels):
            continue
        if not cue:
            cue = _sentence_cue(before, policy.contact_cues)
        after = text[m.start() + len(raw) : m.start() + len(raw) + 8]
        unit = policy.not_phone_units.search(after)
        if unit and unit.start() <= 1:
            continue
        if not cue and ("." in raw and " " in raw or _YEAR_RANGE.search(raw)):
            continue  # "61701 13.53": a code and a price; "155 2021 - 2024": years
        phone = _parse(raw, "".join(digits), cue, policy)
        if phone:
            sure = bool(cue) or raw.startswith("+") or "(" in raw or len(_GROUPS.findall(raw)) >= 3
            out.append(Phone(raw, (start, start + len(raw)), phone, cue.lower(), sure))
    return tuple(out)


def _spelled_phones(text: str, policy: PhonePolicy) -> list[Phone]:
    """Phone numbers spelled out in digit words ("Call: one three eight zero zero ...")."""
    out: list[Phone] = []
    lowered = text.lower()
    if not any(w in lowered for w in _DIGIT_WORDS if w != "oh"):
        return out
    for m in _SPELLED_PHONE.finditer(text):
        digits = ""
        repeat = 1
        for word in re.findall(r"[a-z]+", m.group(0).lower()):
            if word == "plus":
                continue
            if word in ("double", "triple"):
                repeat = 2 if word == "double" else 3
                continue
            if word not in _DIGIT_WORDS:
                digits = ""
                break
            digits += _DIGIT_WORDS[word] * repeat
            repeat = 1
        if not (policy.min_digits <= len(digits) <= policy.max_digits):
            continue
        if "12345" in digits or "01234" in digits or "54321" in digits:
            continue  # counting ("learn to count one two three four five ...") is no number
        before = text[max(0, m.start() - 40) : m.start()]
        cue = _ends_with(before, policy.cues) or _sentence_cue(before, policy.contact_cues)
        out.append(Phone(m.group(0), m.span(), "+" + digits, cue.lower(), True))
    return out


def _ends_with(before: str, terms: TermSet) -> str:
    """The term of ``terms`` that ``before`` ends with (punctuation allowed after it), or ""."""
    tail = before[-30:]
    found = ""
    for m in terms.finditer(tail):
        if _CUE_GAP.fullmatch(tail[m.end() :]):
            found = m.group(0)
    return found


def _sentence_cue(before: str, terms: TermSet) -> str:
    """A contact cue earlier in the same sentence ("Add my WhatsApp for bulk price 86138..."),
    or ""."""
    sentence = _SENTENCE_END.split(before)[-1]
    found = ""
    for m in terms.finditer(sentence):
        found = m.group(0)
    return found


def _parse(raw: str, digits: str, cue: str, policy: PhonePolicy) -> str:
    """The E.164 number if ``raw`` is a phone number, else ""."""
    if len(digits) > policy.max_digits:
        return ""
    international = raw.lstrip("(").startswith("+")
    grouped = not raw.isdigit()
    if not (cue or international or grouped):
        return ""  # a bare digit run with no cue: a code as likely as a phone
    for region in policy.regions:
        for match in PhoneNumberMatcher(raw, region, leniency=Leniency.STRICT_GROUPING):
            if len(_DIGIT.findall(match.raw_string)) >= policy.min_digits:
                return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
            break
        if international:
            break
    if cue or _SPACED.match(raw):
        return _valid_anywhere(digits, policy)
    return ""


def _valid_anywhere(digits: str, policy: PhonePolicy) -> str:
    """``digits`` as a valid number of some region (or with a country code), else ""."""
    tries: list[tuple[str, str | None]] = [("+" + digits, None)]
    tries += [(digits, region) for region in policy.regions]
    for number, region in tries:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return ""


def find_emails(text: str) -> tuple[Email, ...]:
    """E-mail addresses, plain and spelled out ("name [at] shop (dot) com")."""
    found = [Email(m.group(0), m.span()) for m in _EMAIL.finditer(text)] if "@" in text else []
    if "@" in text and not found:
        found = [
            Email(m.group(0), m.span())
            for m in _EMAIL_SPACED.finditer(text)
            if _SPACED_DOT.search(m.group(0)) or _PROVIDER_AFTER_AT.search(m.group(0))
        ]
    spelled = [_EMAIL_SPELLED] if _SPELLED_AT.search(text) else []
    if " at " in text.lower() and _bare_at_possible(text.lower()):
        spelled.append(_EMAIL_BARE_AT)
    if not spelled:
        return tuple(found)
    for pattern in spelled:
        for m in pattern.finditer(text):
            if not any(m.start() < e.span[1] and e.span[0] < m.end() for e in found):
                found.append(Email(m.group(0), m.span()))
    return tuple(sorted(found, key=lambda e: e.span))


def _bare_at_possible(lowered: str) -> bool:
    """The text holds a "dot" spelling or a mail provider's name (cheap checks first)."""
    return "dot" in lowered or any(p in lowered for p in _MAIL_PROVIDERS)


def find_contact_calls(text: str, policy: ContactPolicy) -> tuple[ContactCall, ...]:
    """Calls to contact the seller: phrases ("contact us", "DM me") and messenger channels
    given as a way to reach the seller ("WhatsApp: ...", "Telegram @shop", "add us on
    WeChat"). A messenger named as a product feature ("shows WhatsApp notifications") and
    the allowed invitations ("follow our store", "rate us") are not calls."""
    found = [(m, "phrase") for m in policy.calls.finditer(text)]
    # the call patterns whose literals the text holds (see gate.Alternatives)
    patterns = _alternatives(policy.call_patterns).pattern_for(text)
    found += [(m, "phrase") for m in patterns.finditer(text)] if patterns else []
    for m in policy.messengers.finditer(text):
        # short snippets: their regexes run directly (a gate pass would cost more)
        after = text[m.end() : m.end() + 30]
        before = text[max(0, m.start() - 40) : m.start()]
        if policy.messenger_after.pattern.search(after) or policy.messenger_before.pattern.search(
            before
        ):
            found.append((m, "messenger"))
    if not found:
        return ()
    allowed = [m.span() for m in policy.allowed.finditer(text)]
    allowed += [m.span() for m in policy.not_calls.finditer(text)]
    out: list[ContactCall] = []
    for m, kind in found:
        s, e = m.span()
        if any(s < ae and as_ < e for as_, ae in allowed):
            continue
        if kind == "phrase" and _printed_slogan(text, s, e):
            continue
        if any(s < c.span[1] and c.span[0] < e for c in out):
            continue
        out.append(ContactCall(m.group(0), (s, e), kind))
    return tuple(sorted(out, key=lambda c: c.span))


_QUOTES = "\"'“”‘’«»"
# words that introduce what is printed on the product: "the mug says 'Text me when ...'"
_SLOGAN_CUE = re.compile(
    r"\b(?:says?|saying|reads?|reading|print(?:ed)?|slogan|quote|lettering|text\s+on|words?|"
    r"phrase|inscription|engraved|embroidered)\b[^.!?\n]{0,30}$",
    re.IGNORECASE,
)


def _quote_marks(text: str) -> list[int]:
    """Where quotation marks stand in ``text`` (an apostrophe inside a word is none)."""
    return [
        i
        for i, c in enumerate(text)
        if c in _QUOTES
        and not (0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha())
    ]


def _printed_slogan(text: str, start: int, end: int) -> bool:
    """The phrase is a slogan printed on the product: inside quotes that open after a
    slogan word ("the mug says 'Call me maybe'", "Printed quote: \"Text me when you get
    home\"")."""
    line_start = max(text.rfind("\n", 0, start), -1) + 1
    before = text[line_start:start]
    opened = _quote_marks(before)
    if not opened or len(opened) % 2 == 0:
        return False
    closes = bool(_quote_marks(text[end : end + 80].split("\n", 1)[0]))
    return closes and _SLOGAN_CUE.search(before[: opened[-1]]) is not None


@per_object
def _alternatives(patterns: TermSet) -> Alternatives:
    return Alternatives(patterns.terms, patterns.pattern)


def phone_is_contact_call(phone: Phone, policy: PhonePolicy) -> bool:
    """The number is announced with a call to use it ("Call", "WhatsApp", "Viber")."""
    return bool(phone.cue) and any(
        m.group(0).lower() == phone.cue for m in policy.contact_cues.finditer(phone.cue)
    )
