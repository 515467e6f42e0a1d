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
    Country("KP", "North Korea", ("north korea", "north korean", "dprk"),
            ("KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF", "KOREA, NORTH")),
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
    Country("KR", "South Korea", ("south korea", "south korean", "korean"),
            ("KOREA, REPUBLIC OF", "REPUBLIC OF KOREA")),
    Country("JP", "Japan", ("japan", "japanese")),
    Country("NL", "Netherlands", ("netherlands", "dutch")),
    # Europe
    Country("DE", "Germany", ("germany", "german")),
    Country("FR", "France", ("france", "french")),
    Country("IT", "Italy", ("italy", "italian")),
    Country("ES", "Spain", ("spain", "spanish")),
    Country("PT", "Portugal", ("portugal", "portuguese")),
    Country("BE", "Belgium", ("belgium", "belgian")),
    Country("LU", "Luxembourg", ("luxembourg",)),
    Country("IE", "Ireland", ("ireland", "irish")),
    Country("CH", "Switzerland", ("switzerland", "swiss")),
    Country("AT", "Austria", ("austria", "austrian")),
    Country("LI", "Liechtenstein", ("liechtenstein",)),
    Country("MC", "Monaco", ("monaco",)),
    Country("DK", "Denmark", ("denmark", "danish")),
    Country("NO", "Norway", ("norway", "norwegian")),
    Country("SE", "Sweden", ("sweden", "swedish")),
    Country("FI", "Finland", ("finland", "finnish")),
    Country("IS", "Iceland", ("iceland", "icelandic")),
    Country("EE", "Estonia", ("estonia", "estonian")),
    Country("LV", "Latvia", ("latvia", "latvian")),
    Country("LT", "Lithuania", ("lithuania", "lithuanian")),
    Country("PL", "Poland", ("poland",)),
    Country("CZ", "Czech Republic", ("czech republic", "czechia", "czech"), ("CZECHIA",)),
    Country("SK", "Slovakia", ("slovakia", "slovak")),
    Country("HU", "Hungary", ("hungary", "hungarian")),
    Country("SI", "Slovenia", ("slovenia", "slovenian")),
    Country("HR", "Croatia", ("croatia", "croatian")),
    Country("BA", "Bosnia and Herzegovina", ("bosnia and herzegovina", "bosnia")),
    Country("RS", "Serbia", ("serbia", "serbian")),
    Country("ME", "Montenegro", ("montenegro",)),
    Country("MK", "North Macedonia", ("north macedonia",), ("MACEDONIA",)),
    Country("AL", "Albania", ("albania", "albanian")),
    Country("XK", "Kosovo", ("kosovo",)),
    Country("RO", "Romania", ("romania", "romanian")),
    Country("BG", "Bulgaria", ("bulgaria", "bulgarian")),
    Country("MD", "Moldova", ("moldova", "moldovan"), ("MOLDOVA, REPUBLIC OF",)),
    Country("GR", "Greece", ("greece", "greek")),
    Country("CY", "Cyprus", ("cyprus", "cypriot")),
    Country("MT", "Malta", ("malta", "maltese")),
    # The Caucasus and Central Asia
    Country("GE", "Georgia", ("georgia", "georgian")),
    Country("AM", "Armenia", ("armenia", "armenian")),
    Country("AZ", "Azerbaijan", ("azerbaijan", "azerbaijani")),
    Country("KZ", "Kazakhstan", ("kazakhstan", "kazakh")),
    Country("KG", "Kyrgyzstan", ("kyrgyzstan", "kyrgyz"), ("KYRGYZ REPUBLIC",)),
    Country("UZ", "Uzbekistan", ("uzbekistan", "uzbek")),
    Country("TJ", "Tajikistan", ("tajikistan",)),
    Country("TM", "Turkmenistan", ("turkmenistan",)),
    Country("AF", "Afghanistan", ("afghanistan", "afghan")),
    Country("MN", "Mongolia", ("mongolia", "mongolian")),
    # Asia and the Pacific
    Country("MO", "Macau", ("macau", "macao"), ("MACAO",)),
    Country("MY", "Malaysia", ("malaysia", "malaysian")),
    Country("TH", "Thailand", ("thailand", "thai")),
    Country("VN", "Vietnam", ("vietnam", "vietnamese", "viet nam"), ("VIET NAM",)),
    Country("LA", "Laos", ("laos", "lao pdr"), ("LAO PEOPLE'S DEMOCRATIC REPUBLIC",)),
    Country("KH", "Cambodia", ("cambodia", "cambodian")),
    Country("ID", "Indonesia", ("indonesia", "indonesian")),
    Country("PH", "Philippines", ("philippines", "philippine", "filipino")),
    Country("BN", "Brunei", ("brunei",)),
    Country("BD", "Bangladesh", ("bangladesh", "bangladeshi")),
    Country("LK", "Sri Lanka", ("sri lanka", "sri lankan")),
    Country("NP", "Nepal", ("nepal", "nepalese")),
    Country("MV", "Maldives", ("maldives",)),
    Country("AU", "Australia", ("australia", "australian")),
    Country("NZ", "New Zealand", ("new zealand",)),
    # The Middle East and North Africa
    Country("IL", "Israel", ("israel", "israeli")),
    Country("LB", "Lebanon", ("lebanon", "lebanese")),
    Country("JO", "Jordan", ("jordanian",)),  # "Jordan" alone is as often a surname
    Country("IQ", "Iraq", ("iraq", "iraqi")),
    Country("SA", "Saudi Arabia", ("saudi arabia", "saudi")),
    Country("KW", "Kuwait", ("kuwait", "kuwaiti")),
    Country("BH", "Bahrain", ("bahrain", "bahraini")),
    Country("QA", "Qatar", ("qatar", "qatari")),
    Country("OM", "Oman", ("oman", "omani")),
    Country("YE", "Yemen", ("yemen", "yemeni")),
    Country("EG", "Egypt", ("egypt", "egyptian")),
    Country("LY", "Libya", ("libya", "libyan")),
    Country("TN", "Tunisia", ("tunisia", "tunisian")),
    Country("DZ", "Algeria", ("algeria", "algerian")),
    Country("MA", "Morocco", ("morocco", "moroccan")),
    # Sub-Saharan Africa
    Country("SD", "Sudan", ("sudan", "sudanese")),
    Country("SS", "South Sudan", ("south sudan",)),
    Country("ET", "Ethiopia", ("ethiopia", "ethiopian")),
    Country("ER", "Eritrea", ("eritrea", "eritrean")),
    Country("SO", "Somalia", ("somalia", "somali")),
    Country("KE", "Kenya", ("kenya", "kenyan")),
    Country("UG", "Uganda", ("uganda", "ugandan")),
    Country("TZ", "Tanzania", ("tanzania", "tanzanian")),
    Country("NG", "Nigeria", ("nigeria", "nigerian")),
    Country("GH", "Ghana", ("ghana", "ghanaian")),
    Country("SN", "Senegal", ("senegal", "senegalese")),
    Country("ML", "Mali", ("mali", "malian")),
    Country("CF", "Central African Republic", ("central african republic",)),
    Country("CD", "Democratic Republic of the Congo", ("democratic republic of the congo",),
            ("CONGO, DEMOCRATIC REPUBLIC OF THE",)),
    Country("AO", "Angola", ("angola", "angolan")),
    Country("ZW", "Zimbabwe", ("zimbabwe", "zimbabwean")),
    Country("MZ", "Mozambique", ("mozambique",)),
    Country("NA", "Namibia", ("namibia", "namibian")),
    Country("ZA", "South Africa", ("south africa", "south african")),
    Country("MG", "Madagascar", ("madagascar",)),
    Country("MU", "Mauritius", ("mauritius",)),
    Country("SC", "Seychelles", ("seychelles",)),
    Country("LR", "Liberia", ("liberia", "liberian")),
    # The Americas
    Country("CA", "Canada", ("canada", "canadian")),
    Country("MX", "Mexico", ("mexico", "mexican")),
    Country("BZ", "Belize", ("belize",)),
    Country("GT", "Guatemala", ("guatemala",)),
    Country("HN", "Honduras", ("honduras",)),
    Country("SV", "El Salvador", ("el salvador",)),
    Country("NI", "Nicaragua", ("nicaragua", "nicaraguan")),
    Country("CR", "Costa Rica", ("costa rica",)),
    Country("PA", "Panama", ("panama", "panamanian")),
    Country("JM", "Jamaica", ("jamaica", "jamaican")),
    Country("DO", "Dominican Republic", ("dominican republic",)),
    Country("BS", "Bahamas", ("bahamas",)),
    Country("CO", "Colombia", ("colombia", "colombian")),
    Country("EC", "Ecuador", ("ecuador",)),
    Country("PE", "Peru", ("peru", "peruvian")),
    Country("BO", "Bolivia", ("bolivia", "bolivian")),
    Country("BR", "Brazil", ("brazil", "brazilian")),
    Country("PY", "Paraguay", ("paraguay",)),
    Country("UY", "Uruguay", ("uruguay",)),
    Country("AR", "Argentina", ("argentina", "argentine", "argentinian")),
    Country("CL", "Chile", ("chile", "chilean")),
    # Offshore registries where listed parties keep shell companies and flag vessels
    Country("VG", "British Virgin Islands", ("british virgin islands",), ("VIRGIN ISLANDS, BRITISH",)),
    Country("KY", "Cayman Islands", ("cayman islands",)),
    Country("MH", "Marshall Islands", ("marshall islands",)),
    Country("GB", "United Kingdom", (), ("U.K.", "UK")),
    Country("US", "United States"),
)  # fmt: skip

# Phrases that hold a country's word and name no country: matched first (the longest wins), then dropped.
NOT_COUNTRIES = (
    "australia group",  # the chemical and biological export-control regime
    "new mexico", "georgia tech", "georgia institute of technology",  # a US state, a US university
    # Georgia the US state, where the text says so: a city before it, "state of", a state body or company
    "atlanta, georgia", "savannah, georgia", "augusta, georgia", "columbus, georgia", "macon, georgia",
    "norcross, georgia", "alpharetta, georgia", "marietta, georgia", "state of georgia", "georgia state",
    "university of georgia", "georgia power", "georgia-pacific", "georgia ports", "georgia's governor",
    "georgia governor", "georgia department", "northern district of georgia", "southern district of georgia",
    "middle district of georgia",
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
