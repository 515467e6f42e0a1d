"""The one country table: ISO code, the name alerts print, the words news uses, the forms the list uses.

Classification finds countries in text by ``words`` (lower case), alerts print ``name``, and the
Entity List parser reads country headings such as "CHINA, PEOPLE'S REPUBLIC OF" through ``forms``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    """One country as exportwatch reads and writes it."""

    code: str
    name: str
    words: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()


COUNTRIES: tuple[Country, ...] = (
    Country("CN", "China", ("china", "chinese", "people's republic of china", "prc", "beijing"),
            ("CHINA, PEOPLE'S REPUBLIC OF", "PEOPLE'S REPUBLIC OF CHINA")),
    Country("RU", "Russia", ("russia", "russian", "russian federation", "moscow"), ("RUSSIAN FEDERATION",)),
    Country("BY", "Belarus", ("belarus", "belarusian")),
    Country("IR", "Iran", ("iran", "iranian", "tehran"), ("IRAN, ISLAMIC REPUBLIC OF",)),
    Country("KP", "North Korea", ("north korea", "dprk"), ("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF", "KOREA, NORTH")),
    Country("HK", "Hong Kong", ("hong kong",)),
    Country("PK", "Pakistan", ("pakistan", "pakistani")),
    Country("AE", "United Arab Emirates", ("united arab emirates", "uae"), ("U.A.E.", "UAE")),
    Country("TR", "Turkey", ("turkey", "türkiye", "turkish"), ("TURKIYE", "TÜRKIYE")),
    Country("MM", "Burma", ("burma", "myanmar")),
    Country("SY", "Syria", ("syria", "syrian")),
    Country("VE", "Venezuela", ("venezuela", "venezuelan")),
    Country("CU", "Cuba", ("cuba", "cuban")),
    Country("IN", "India", ("india", "indian")),
    Country("SG", "Singapore", ("singapore",)),
    Country("TW", "Taiwan", ("taiwan",)),
    Country("UA", "Ukraine", ("ukraine", "ukrainian")),
    Country("KR", "South Korea", ("south korea", "korean"), ("KOREA, REPUBLIC OF", "REPUBLIC OF KOREA")),
    Country("JP", "Japan", ("japan", "japanese")),
    Country("NL", "Netherlands", ("netherlands", "dutch")),
    Country("GB", "United Kingdom", (), ("U.K.", "UK")),
    Country("US", "United States"),
)  # fmt: skip

BY_CODE = {country.code: country for country in COUNTRIES}
_BY_FORM = {form: country.name for country in COUNTRIES for form in (*country.forms, country.name.upper())}


def name_of(code: str) -> str:
    """The name an alert prints for an ISO code (the code itself when unknown)."""
    country = BY_CODE.get(code)
    return country.name if country else code


def name_of_form(heading: str) -> str | None:
    """The name for a country heading as the Entity List writes it, when the table knows the form."""
    return _BY_FORM.get(heading.upper())
