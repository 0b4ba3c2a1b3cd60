"""Render one touchpoint of one person as a lead record.

Each record is rendered on its own from the person's truth, the way that channel
distorts it: a webinar form is typed by the person (typos, caps, full-width digits,
half a name, kana in the name field), a trade-show badge is OCR'd (0/O, 1/l, rn/m,
mostly no e-mail), a business card is scanned (Japanese or English side, title
included), a CRM list is imported (upper case, trailing spaces, bare digits,
abbreviated companies) and a free-mail form carries a private address.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench import gen_heldout_vocab as jv
from bench import gen_heldout_vocab_west as wv
from bench.gen_heldout_company import Company
from bench.gen_heldout_names import case, jp_names, latin_names
from bench.gen_heldout_people import Job, Person
from bench.gen_heldout_places import Place, Weighted
from bench.gen_heldout_text import (
    Phone,
    fullwidth,
    fullwidth_digits,
    halfwidth_kana,
    ocr,
    render_phone,
    swap_chars,
    typo,
)

TOUCHPOINTS = ("webinar", "badge", "meishi", "crm_import", "freemail_form")
TOUCHPOINT_WEIGHTS = Weighted(
    (
        ("webinar", 34),
        ("badge", 20),
        ("meishi", 18),
        ("crm_import", 16),
        ("freemail_form", 12),
    )
)


@dataclass(frozen=True, slots=True)
class Force:
    """What a record must show so that a hard negative or a job change is visible."""

    email: str = ""
    phone: Phone | None = None
    mobile: bool = False
    free: bool = False
    clean_name: bool = False
    region: bool = False


NO_FORCE = Force()

# Chance each field is filled, by touchpoint.
_FILL = {
    "webinar": {
        "email": 0.97,
        "free": 0.1,
        "kana": 0.55,
        "title": 0.55,
        "dept": 0.55,
        "phone": 0.65,
        "mobile": 0.35,
        "country": 0.75,
        "region": 0.7,
        "city": 0.45,
        "post": 0.3,
        "en": 0.07,
    },
    "badge": {
        "email": 0.38,
        "free": 0.03,
        "kana": 0.1,
        "title": 0.4,
        "dept": 0.25,
        "phone": 0.3,
        "mobile": 0.1,
        "country": 0.7,
        "region": 0.4,
        "city": 0.2,
        "post": 0.05,
        "en": 0.4,
    },
    "meishi": {
        "email": 0.93,
        "free": 0.0,
        "kana": 0.5,
        "title": 0.95,
        "dept": 0.85,
        "phone": 0.85,
        "mobile": 0.45,
        "country": 0.6,
        "region": 0.9,
        "city": 0.9,
        "post": 0.85,
        "en": 0.3,
    },
    "crm_import": {
        "email": 0.85,
        "free": 0.1,
        "kana": 0.5,
        "title": 0.6,
        "dept": 0.5,
        "phone": 0.7,
        "mobile": 0.4,
        "country": 0.9,
        "region": 0.7,
        "city": 0.5,
        "post": 0.5,
        "en": 0.35,
    },
    "freemail_form": {
        "email": 1.0,
        "free": 1.0,
        "kana": 0.4,
        "title": 0.3,
        "dept": 0.3,
        "phone": 0.5,
        "mobile": 0.4,
        "country": 0.7,
        "region": 0.6,
        "city": 0.4,
        "post": 0.3,
        "en": 0.05,
    },
}
_HOW = {
    "webinar": "typed",
    "freemail_form": "typed",
    "badge": "printed",
    "meishi": "printed",
    "crm_import": "crm",
}
_COUNTRY_STYLE = {
    "webinar": (0, 1, 2),
    "freemail_form": (0, 1, 2),
    "badge": (0, 1),
    "meishi": (1, 2),
    "crm_import": (0, 3),
}
_CRM_ABBREV = (
    ("International", "Intl"),
    ("Group", "Grp"),
    ("Company", "Co"),
    ("Corporation", "Corp"),
    ("Technologies", "Tech"),
    ("Manufacturing", "Mfg"),
    ("Services", "Svcs"),
    ("Holdings", "Hldgs"),
    ("Trading", "Trdg"),
    ("Co., Ltd.", "Co Ltd"),
    ("Inc.", "Inc"),
    ("Pte. Ltd.", "Pte Ltd"),
)


def render(
    tp: str, p: Person, job: Job, rng: random.Random, force: Force = NO_FORCE
) -> tuple[str, ...]:
    """One record in ``COLUMNS`` order, without its record id and creation time."""
    fill = _FILL[tp]
    # A look-alike pair is shown in one script, so the likeness is plain to see.
    english = job.company.country != "JP" or (
        not force.clean_name and rng.random() < fill["en"]
    )
    if p.kind == "jp":
        last, first, lk, fk = jp_names(
            p, tp, english, fill["kana"], force.clean_name, rng
        )
    else:
        last, first = latin_names(p, tp, force.clean_name, rng)
        lk = fk = ""
    company = (
        _company(job.company, tp, english, rng)
        if rng.random() < _company_fill(tp)
        else ""
    )
    title, dept = _title(job, tp, english, rng)
    phone, mob = _phones(tp, p, job, rng, force)
    place, post = job.place, job.postcode
    if tp == "freemail_form" and p.home and not force.region:
        place, post = p.home, p.home_post
    country, region, city, post = _address(place, post, tp, english, rng, force.region)
    row: tuple[str, ...] = (
        p.eid,
        tp,
        _email(tp, p, job, rng, force),
        last,
        first,
        lk,
        fk,
        company,
        title,
        dept,
        phone,
        mob,
        country,
        region,
        city,
        post,
    )
    if tp == "crm_import":
        row = row[:2] + tuple(
            v + " " if v and rng.random() < 0.12 else v for v in row[2:]
        )
    return row


def _company_fill(tp: str) -> float:
    return {"freemail_form": 0.7, "badge": 0.97, "webinar": 0.93}.get(tp, 1.0)


def _legal_jp(c: Company, tp: str, rng: random.Random) -> str:
    full, abbrevs, _ = jv.JP_FORMS[c.form]
    stem = c.stem
    front = c.front
    r = rng.random()
    if tp == "meishi":
        style = "full"
    elif tp == "crm_import":
        style = "abbrev" if r < 0.55 else ("full" if r < 0.85 else "none")
    elif tp == "badge":
        style = "full" if r < 0.45 else ("abbrev" if r < 0.8 else "none")
    else:
        style = (
            "full"
            if r < 0.5
            else ("abbrev" if r < 0.65 else ("none" if r < 0.87 else "moved"))
        )
    if style == "none":
        name = stem
    elif style == "moved":
        name = stem + full[0] if front else full[0] + stem
    else:
        form = full[0] if style == "full" else rng.choice(abbrevs)
        gap = " " if style == "full" and tp == "webinar" and rng.random() < 0.08 else ""
        name = form + gap + stem if front else stem + gap + form
    if tp == "webinar" and rng.random() < 0.05:
        name = swap_chars(name, jv.KANJI_VARIANTS, rng)
        name = halfwidth_kana(name) if rng.random() < 0.4 else name
    if tp == "badge" and rng.random() < 0.08:
        name = swap_chars(name, jv.KANJI_OCR, rng)
    return name


def _company(c: Company, tp: str, english: bool, rng: random.Random) -> str:
    if c.country == "JP" and not english:
        return _legal_jp(c, tp, rng)
    if c.country == "JP":
        stem = c.stem_en if rng.random() < 0.8 else c.stem_alt
        forms: tuple[str, ...] = (c.en_form, *jv.JP_FORMS[c.form][2])
    else:
        stem = c.stem
        forms = wv.US_FORMS[c.form] if c.country == "US" else wv.APAC_FORMS[c.form]
    r = rng.random()
    if tp == "meishi":
        form = forms[0] if r < 0.85 else rng.choice(forms)
    elif tp == "badge":
        form = "" if r < 0.4 else forms[0]
    else:
        form = forms[0] if r < 0.45 else ("" if r < 0.65 else rng.choice(forms))
    name = (
        stem
        if not form
        else (stem + form if form.startswith(",") else f"{stem} {form}")
    )
    if tp == "crm_import":
        for long, short in _CRM_ABBREV:
            if long in name and rng.random() < 0.6:
                name = name.replace(long, short)
        return case(name, rng, 0.0, 0.6)
    if tp == "badge":
        name = name.upper() if rng.random() < 0.3 else name
        return ocr(name, rng) if rng.random() < 0.08 else name
    if tp in {"webinar", "freemail_form"}:
        r = rng.random()
        if r < 0.05:
            return typo(name, rng)
        if r < 0.1:
            return name.lower()
    return name


def _title(job: Job, tp: str, english: bool, rng: random.Random) -> tuple[str, str]:
    fill = _FILL[tp]
    jp = job.company.country == "JP" and not english
    title = (job.title if jp else job.title_en) if rng.random() < fill["title"] else ""
    dept = (job.dept if jp else job.dept_en) if rng.random() < fill["dept"] else ""
    if title and not jp and title in wv.TITLE_VARIANTS and rng.random() < 0.3:
        title = rng.choice(wv.TITLE_VARIANTS[title])
    if tp == "meishi" and jp and title and rng.random() < 0.15:
        title = f"{job.dept} {title}"
    if tp == "crm_import" and not jp:
        title = case(
            title.replace("Manager", "Mgr") if rng.random() < 0.2 else title,
            rng,
            0.0,
            0.4,
        )
    return title, dept


def _digit_typo(text: str, rng: random.Random) -> str:
    spots = [i for i, c in enumerate(text) if c.isdigit()]
    if len(spots) < 4:
        return text
    i = rng.choice(spots[2:])
    digit = str(rng.randrange(10))
    if text[i] > "9":  # a full-width digit stays full-width
        digit = fullwidth_digits(digit)
    return text[:i] + digit + text[i + 1 :]


def _phones(
    tp: str, p: Person, job: Job, rng: random.Random, force: Force
) -> tuple[str, str]:
    fill = _FILL[tp]
    how = _HOW[tp]
    number: Phone | None = force.phone
    if number is None and rng.random() < fill["phone"]:
        r = rng.random()
        if tp == "freemail_form" and r < 0.7:
            number = p.mobile if r < 0.5 or not p.home_phone else p.home_phone
        elif job.desk and r < 0.55:
            number = job.desk
        elif r < 0.85 or not p.mobile or tp in {"badge", "meishi"}:
            number = job.company.main
        else:
            number = p.mobile
    phone = render_phone(number, how, rng) if number else ""
    if phone and how == "typed" and force.phone is None and rng.random() < 0.02:
        phone = _digit_typo(phone, rng)
    mob = ""
    if p.mobile and (force.mobile or rng.random() < fill["mobile"]):
        mob = render_phone(p.mobile, how, rng)
    return phone, mob


def _address(
    place: Place,
    post: str,
    tp: str,
    english: bool,
    rng: random.Random,
    force_region: bool,
) -> tuple[str, str, str, str]:
    fill = _FILL[tp]
    names = wv.COUNTRY_NAMES[place.country]
    style = min(rng.choice(_COUNTRY_STYLE[tp]), len(names) - 1)
    country = names[style] if rng.random() < fill["country"] else ""
    if place.country == "JP" and english:
        country = "Japan" if country else ""
    region = city = ""
    if force_region or rng.random() < fill["region"]:
        if place.country == "JP" and not english:
            r = rng.random()
            short = place.region if place.region == "北海道" else place.region[:-1]
            region = (
                place.region if r < 0.75 else (short if r < 0.95 else place.region_en)
            )
        elif place.country == "US":
            region = place.region if rng.random() < 0.7 else place.region_en
        else:
            region = place.region_en
    if rng.random() < fill["city"]:
        city = place.city if place.country == "JP" and not english else place.city_en
    if rng.random() >= fill["post"]:
        return country, region, city, ""
    if place.country == "JP":
        r = rng.random()
        if tp == "crm_import" or r < 0.2:
            post = post.replace("-", "")
        elif tp in {"webinar", "freemail_form"} and r < 0.3:
            post = fullwidth(post)
        elif r < 0.4 and not english:
            post = "〒" + post
    if tp in {"webinar", "freemail_form"} and rng.random() < 0.03:
        post = fullwidth_digits(post)
    return country, region, city, post


def _email(tp: str, p: Person, job: Job, rng: random.Random, force: Force) -> str:
    if force.email or force.free:
        # Shown as it is, so the look-alike pair really shares the address.
        return force.email or p.free_email
    fill = _FILL[tp]
    if p.free_email and rng.random() < fill["free"]:
        address = p.free_email
    elif job.role_email and (not job.email or rng.random() < 0.7):
        address = job.role_email
    else:
        address = job.alt_email if job.alt_email and rng.random() < 0.15 else job.email
    if not address or rng.random() >= fill["email"]:
        return ""
    if tp == "badge":
        return ocr(address, rng) if rng.random() < 0.25 else address
    if tp == "meishi":
        return ocr(address, rng) if rng.random() < 0.05 else address
    if tp == "crm_import":
        address = address.upper() if rng.random() < 0.35 else address
        return address
    return _typed_email(address, rng)


def _typed_email(address: str, rng: random.Random) -> str:
    local, _, domain = address.partition("@")
    r = rng.random()
    if domain == "gmail.com" and r < 0.08:
        local = local.replace(".", "") if r < 0.05 else f"{local}+webinar"
        return f"{local}@{domain}"
    if r < 0.13:
        return (
            typo(local, rng) + "@" + domain
            if r < 0.11
            else local + "@" + typo(domain, rng)
        )
    if r < 0.17:
        return local.capitalize() + "@" + domain.capitalize()
    if r < 0.19:
        return address.upper()
    if r < 0.21:
        return f" {address} " if r < 0.2 else fullwidth(address)
    return address
