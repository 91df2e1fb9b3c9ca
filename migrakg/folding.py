"""The one text folding of migrakg, shared by the search and the matcher (`migrakg link`, `/reconcile`):
two spellings people use for the same word fold to the same text.

- German umlauts and ß as they are written without them: ä → ae, ö → oe, ü → ue, ß → ss;
- every other accent dropped (é → e, ó → o, Ş → s), and letters that Unicode does not take apart
  written plainly (ł → l, ø → o, æ → ae, œ → oe, þ → th);
- case folded.

>>> fold("Schönfließer Straße"), fold("SprachCafé"), fold("Łódź Ørsted ŞİŞLİ")
('schoenfliesser strasse', 'sprachcafe', 'lodz orsted sisli')
>>> fold("Müller") == fold("Mueller") and fold("Straße") == fold("STRASSE")
True
>>> without_marks("Müller")
'muller'

The search also joins gender forms into one word and compares word stems (`gender_joined`, `stem`):

>>> fold(gender_joined("Integrationslots*innen, Migrant:innenorganisation, Berater_in, mailto:info"))
'integrationslotsinnen, migrantinnenorganisation, beraterin, mailto:info'
>>> [stem(w) for w in ("integrationslotsen", "integrationslotsinnen", "family", "families", "familie", "seniors", "culture")]
['integrationslots', 'integrationslots', 'famil', 'famil', 'famil', 'senior', 'cultur']
"""

from __future__ import annotations

import functools
import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ẞ": "SS"})


@functools.cache
def _marks() -> dict[int, str | None]:
    """str.translate table deleting every combining mark (built once, on first use)."""
    table: dict[int, str | None] = {code: None for code in range(0x30000) if unicodedata.combining(chr(code))}
    # letters NFKD does not take apart
    table.update(
        {
            ord(a): b
            for a, b in zip(
                "łŁøØđĐħĦıæÆœŒþÞ", ["l", "l", "o", "o", "d", "d", "h", "h", "i", "ae", "ae", "oe", "oe", "th", "th"], strict=True
            )
        }
    )
    return table


def fold(text: str) -> str:
    """Case-folded text with umlauts as ae/oe/ue, ß as ss and no other accents: the form both the search
    index and the matcher compare."""
    if text.isascii():
        return text.lower()
    return without_marks(text.translate(_UMLAUTS))


def without_marks(text: str) -> str:
    """Case-folded text with every accent dropped, umlauts included (ü → u): the spelling of people who
    leave the dots off. The search indexes this form beside `fold`'s, so "Muller" finds "Müller" too."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_marks()).casefold().replace("ß", "ss")


# a gender mark between a word and its feminine ending: Lots*innen, Lots:innen, Lots_innen, Lots·innen
_GENDER_MARK = re.compile(r"(?<=[^\W\d_])[*:_\u00b7](?=innen|in\b)")


def gender_joined(text: str) -> str:
    """Gender-inclusive spellings written as one word: "Lots*innen", "Lots:innen", "Lots_innen" → "Lotsinnen"
    (the Binnen-I, "LotsInnen", is the same word once case is folded). Without this the mark splits the word
    in two ("Lots", "innen")."""
    return _GENDER_MARK.sub("", text) if any(c in text for c in "*:_\u00b7") else text


#: endings `stem` takes off a folded word — German and English plurals, the feminine plural, a few
#: inflections — longest first; a stem keeps at least STEM_MIN letters
ENDINGS = ("innen", "ies", "ung", "ie", "en", "es", "s", "e", "y")
STEM_MIN = 4
#: stems that are not a matter of an ending ("children" → "child"); each is still the start of its word
IRREGULAR = {"children": "child"}


def stem(word: str) -> str:
    """The start every form of a folded *word* shares: one ending taken off (`ENDINGS`), so that
    "Integrationslotsen", "Integrationslotsinnen" → "integrationslots", "family", "families", "Familie" → "famil",
    "seniors" → "senior", "culture" → "cultur", "Begleitung" → "begleit". The stem is always the start of
    the word itself; the search looks for it at the start of words (and, from four letters on, inside them),
    so it finds every form written with that start: the index's words need no stemming of their own."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= STEM_MIN + (ending == "ung"):
            return word[: -len(ending)]
    return word
