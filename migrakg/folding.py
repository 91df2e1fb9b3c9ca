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
"""

from __future__ import annotations

import functools
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
