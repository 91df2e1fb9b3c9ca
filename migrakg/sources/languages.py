"""Language names as people write them → ISO 639-3 → the project's language codes.

Every ISO 639-3 language is known by its English name and its German name (pycountry: the ISO 639-3
table and its German gettext catalogue), by its name in itself where CLDR has one (Babel: "العربية",
"українська", "Türkçe"), and by its ISO 639-1/-2/-3 codes. The project's codes are those of the EU
language authority (vocab/language.ttl: ISO 639-2/T style, upper case). A language of a macrolanguage
(Kurmanji, Sorani → Kurdish; Levantine Arabic → Arabic; Dari has its own code PRS) counts as its macrolanguage when
only that is in the vocabulary (membership from SIL's ISO 639-3 macrolanguage mappings, for the
macrolanguages the vocabulary has). A language that is read but is not in the vocabulary is reported
(decision: docs/koordination.md, "Sprachen") — it is not an error, and it is not silently dropped.

>>> lookup("Arabisch").iso
'ara'
>>> lookup("Kurmancî").eu_code({"KUR"})
'KUR'
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache

from ..linking.normalise import fold

#: ISO 639-3 individual language → macrolanguage (SIL iso-639-3-macrolanguages.tab), for the
#: macrolanguages in vocab/language.ttl
MACROLANGUAGE: dict[str, str] = {
    **dict.fromkeys(("kmr", "ckb", "sdh"), "kur"),
    **dict.fromkeys(("pes", "prs"), "fas"),
    **dict.fromkeys(("pbu", "pbt", "pst"), "pus"),
    **dict.fromkeys(("als", "aln", "aae", "aat"), "sqi"),
    **dict.fromkeys(("swh", "swc"), "swa"),
    **dict.fromkeys(("cmn", "yue", "wuu", "nan", "hak", "gan", "hsn", "cjy", "cdo", "cpx", "czh", "czo", "mnp", "lzh"), "zho"),
    **dict.fromkeys(
        (
            "arb", "apc", "ajp", "arz", "acm", "ary", "aeb", "arq", "afb", "apd", "ars", "acq", "ayl", "ayn",
            "ayp", "aao", "abh", "abv", "acw", "acx", "adf", "aec", "auz", "avl", "ayh", "pga", "shu", "ssh",
        ),
        "ara",
    ),
    **dict.fromkeys(("ekk", "vro"), "est"),
    **dict.fromkeys(("lvs", "ltg"), "lav"),
}  # fmt: skip

#: everyday names that neither table has (with the ISO 639-3 code they mean)
EVERYDAY_NAMES: dict[str, str] = {
    "farsi": "fas",
    "kurmandschi": "kmr",
    "kurmanci": "kmr",
    "kurmanji": "kmr",
    "sorani": "ckb",
    "badini": "kmr",
    "mandarin": "cmn",
    "kantonesisch": "yue",
    "cantonese": "yue",
    "tigrinisch": "tir",
    "tigrinya": "tir",
    "paschtu": "pus",
    "pashtu": "pus",
    "suaheli": "swa",
    "gebaerdensprache": "gsg",
    "deutsche gebaerdensprache": "gsg",
    "dgs": "gsg",
    "leichte sprache": "deu",
}


@dataclass(frozen=True)
class Language:
    """One ISO 639-3 language."""

    iso: str  # ISO 639-3
    name_en: str
    name_de: str

    def eu_code(self, known: set[str] | frozenset[str]) -> str | None:
        """The project's code (vocab/language.ttl) for this language, its macrolanguage's, or None."""
        for code in (self.iso, MACROLANGUAGE.get(self.iso, "")):
            if code and code.upper() in known:
                return code.upper()
        return None


def key(text: str) -> str:
    """Folded, letters and digits of any script, single spaces: "Swahili (macrolanguage)" → "swahili macrolanguage"."""
    return " ".join(re.sub(r"[\W_]+", " ", fold(text)).split())


def _plain(name: str) -> str:
    """The name without a bracketed qualifier: "Swahili (Makrosprache)" → "Swahili"."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name).strip()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, Language], dict[str, str]]:
    """(ISO 639-3 → Language, name or code key → ISO 639-3). Built once (about a second)."""
    import pycountry

    german = gettext.translation("iso639-3", pycountry.LOCALES_DIR, languages=["de"], fallback=True)
    languages: dict[str, Language] = {}
    ranked: dict[str, tuple[int, str]] = {}

    def add(name: str, iso: str, rank: int) -> None:
        for variant in {name, _plain(name)}:
            k = key(variant)
            if k and (k not in ranked or rank < ranked[k][0]):
                ranked[k] = (rank, iso)

    by_alpha2: dict[str, str] = {}
    for record in pycountry.languages:
        iso = record.alpha_3
        name_de = german.gettext(record.name)
        languages[iso] = Language(iso, record.name, name_de)
        alpha2 = getattr(record, "alpha_2", None)
        # languages that have an ISO 639-1 code (the widely used ones) win a name shared with a rarer one
        rank = 1 if alpha2 or iso in MACROLANGUAGE else 3
        for name in (record.name, getattr(record, "common_name", None), getattr(record, "inverted_name", None), name_de):
            if name:
                add(name, iso, rank)
        add(iso, iso, 0)
        if alpha2:
            by_alpha2[alpha2] = iso
            add(alpha2, iso, 0)
        if getattr(record, "bibliographic", None):
            add(record.bibliographic, iso, 0)
    _add_cldr_names(add, by_alpha2, languages)
    for name, iso in EVERYDAY_NAMES.items():
        add(name, iso, 0)
    return languages, {k: iso for k, (_rank, iso) in ranked.items()}


def _add_cldr_names(add, by_alpha2: dict[str, str], languages: dict[str, Language]) -> None:
    """Names from CLDR: English, German, and each language's name in itself (endonym)."""
    from babel import Locale, UnknownLocaleError
    from babel.localedata import locale_identifiers

    for display in ("en", "de"):
        for code, name in Locale(display).languages.items():
            iso = by_alpha2.get(code) or (code if code in languages else None)
            if iso:
                add(name, iso, 2)
    for identifier in locale_identifiers():
        if "_" in identifier:
            continue
        iso = by_alpha2.get(identifier) or (identifier if identifier in languages else None)
        if not iso:
            continue
        try:
            native = Locale.parse(identifier).get_display_name(identifier)
        except (UnknownLocaleError, ValueError):
            continue
        if native:
            add(native, iso, 1)


def lookup(text: str) -> Language | None:
    """The language *text* names (German, English or native name, or an ISO 639 code), else None."""
    languages, names = _tables()
    iso = names.get(key(text))
    return languages.get(iso) if iso else None


def language(iso: str) -> Language | None:
    """The language with this ISO 639-3 code."""
    return _tables()[0].get(iso)
