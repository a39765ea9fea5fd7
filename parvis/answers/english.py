"""English questions: telling them apart cheaply, and the bridge to the site's French words.

The site is written in French; a visitor may ask in English ("how do I renew my identity
card", "town hall opening hours"). The question's language is told by its function words (a
few dozen words no French question uses), then its civic words are replaced by the French
ones the pages use ("identity card" → "carte identité"), so the French index answers it; the
answer card then shows the page's English translation where the editors made one, or says
that the answer is in French.
"""

from __future__ import annotations

# Words an English question uses and a French one does not (normalised: accentless, lower
# case). "a", "on", "me", "an", "son" are left out: they are French words too.
ENGLISH_WORDS = frozenset(
    """
    the how do does did i my what where when which who why can could should would will is are
    was to of for and with get your you it this that there from at near open opening hours
    hour please need want any some by about into our have has am be been being not no
    """.split()
)
# Function words of French questions (to weigh against the English ones).
FRENCH_WORDS = frozenset(
    """
    le la les de des du un une je j mon ma mes est et ou pour comment quand quel quelle quels
    quelles qui que quoi dans sur avec au aux ce cette il elle nous vous on faire faut peut
    puis mairie horaires carte
    """.split()
)

# English civic words → the French words the pages use. Phrases first (longest match wins);
# plurals in -s are recognised. Kept general (what any French town's site is about), not
# picked for one corpus.
GLOSSARY = {
    "identity card": "carte identite",
    "id card": "carte identite",
    "national identity card": "carte nationale identite",
    "town hall": "mairie",
    "city hall": "mairie",
    "opening hours": "horaires",
    "opening times": "horaires",
    "hours": "horaires",
    "open": "ouvert",
    "opened": "ouvert",
    "closed": "ferme",
    "swimming pool": "piscine",
    "pool": "piscine",
    "library": "mediatheque",
    "recycling centre": "decheterie",
    "recycling center": "decheterie",
    "waste": "dechets",
    "rubbish": "dechets",
    "garbage": "dechets",
    "trash": "dechets",
    "bin": "poubelle",
    "bulky items": "encombrants",
    "bulky waste": "encombrants",
    "passport": "passeport",
    "birth certificate": "acte naissance",
    "marriage": "mariage",
    "wedding": "mariage",
    "civil partnership": "pacs",
    "driving licence": "permis conduire",
    "driving license": "permis conduire",
    "car registration": "carte grise",
    "register": "inscrire",
    "registration": "inscription",
    "renew": "refaire renouveler",
    "renewal": "renouvellement",
    "lost": "perdu",
    "stolen": "vol",
    "school": "ecole",
    "nursery": "creche",
    "childcare": "garde enfant",
    "canteen": "cantine",
    "parking": "stationnement",
    "parking permit": "carte stationnement",
    "resident parking": "stationnement residentiel",
    "fine": "amende",
    "housing": "logement",
    "social housing": "logement social",
    "moving": "demenager",
    "move": "demenager",
    "new address": "changement adresse",
    "vote": "voter",
    "electoral roll": "liste electorale",
    "report": "signaler",
    "pothole": "nid poule voirie",
    "street light": "eclairage public",
    "noise": "bruit",
    "shop": "commerce",
    "business": "entreprise",
    "museum": "musee",
    "disabled": "handicap",
    "disability": "handicap",
    "elderly": "personnes agees",
    "senior": "personnes agees",
    "social services": "action sociale ccas",
    "help": "aide",
    "digital": "numerique",
    "computer": "ordinateur",
    "online": "en ligne",
    "settle": "installer",
    "settling": "installer",
    "visiting": "visiter",
    "tourist": "tourisme",
    "student": "etudiant",
    "tax": "taxe",
    "water": "eau",
    "cemetery": "cimetiere",
    "funeral": "deces obseques",
    "death": "deces",
    "birth": "naissance",
    "baby": "naissance",
    "appointment": "rendez vous",
    "card": "carte",
    "child": "enfant",
    "children": "enfants",
    "kid": "enfant",
    "married": "marier",
    "marry": "marier",
    "get married": "se marier",
    "polling station": "bureau vote",
    "neighbours": "voisinage",
    "neighbors": "voisinage",
    "noisy": "bruit",
    "price": "tarifs",
    "prices": "tarifs",
    "cost": "tarifs",
    "how much": "tarifs",
    "how long": "delais",
    "delay": "delais",
    "food aid": "aide alimentaire",
    "food bank": "aide alimentaire",
    "housing benefit": "aides logement",
    "yellow": "jaune",
    "collection": "collecte",
    "enrol": "inscrire",
    "enroll": "inscrire",
    "start": "creer",
    "create": "creer",
    "contest": "contester",
    "appeal": "contester",
    "permit": "carte",
    "get rid of": "jeter",
    "throw away": "jeter",
    "sunday": "dimanche",
    "monday": "lundi",
    "tuesday": "mardi",
    "wednesday": "mercredi",
    "thursday": "jeudi",
    "friday": "vendredi",
    "saturday": "samedi",
    "today": "aujourdhui",
    "tomorrow": "demain",
    "now": "maintenant",
    "tonight": "ce soir",
}
# Glossary words a French question may use too ("parking", "vote", "report"…): they translate
# an English question but do not tell one.
SHARED = frozenset({"parking", "vote", "fine", "report", "shop", "business", "help", "senior"})
# Dropped from an English question once translated: its function words and these.
DROPPED = ENGLISH_WORDS | {"a", "an", "on", "in", "me", "us", "as", "so", "then", "just"}
_PHRASES = sorted(
    ((tuple(key.split()), value.split()) for key, value in GLOSSARY.items()),
    key=lambda item: -len(item[0]),
)


def question_language(tokens: list[str]) -> str:
    """ "en" when the question's words are English: at least two English function words or
    glossary words, more than its French function words; or, in a question of at most four
    words with no French one, an English function word or glossary phrase ("birth
    certificate"). One glossary word alone ("obtenir passport") is a French typo."""
    function = sum(1 for t in tokens if t in ENGLISH_WORDS)
    french = sum(1 for t in tokens if t in FRENCH_WORDS)
    found = [
        phrase
        for phrase, _ in _PHRASES
        if phrase[0] not in ENGLISH_WORDS
        and (len(phrase) > 1 or phrase[0] not in SHARED)
        and _find(tokens, phrase) >= 0
    ]
    english = function + len(found)
    if english >= 2 and english > french:
        return "en"
    short = len(tokens) <= 4 and french == 0
    if short and (function >= 1 or any(len(phrase) > 1 for phrase in found)):
        return "en"
    return "fr"


def _matches(token: str, word: str) -> bool:
    return token == word or token == word + "s"


def _find(tokens: list[str], phrase: tuple[str, ...]) -> int:
    size = len(phrase)
    for start in range(len(tokens) - size + 1):
        if all(_matches(tokens[start + k], phrase[k]) for k in range(size)):
            return start
    return -1


def to_french(tokens: list[str]) -> list[str]:
    """An English question's words in the site's French words: glossary phrases replaced
    (longest first), English function words dropped, other words kept as typed."""
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase, french in _PHRASES:
            size = len(phrase)
            if i + size <= len(tokens) and all(
                _matches(tokens[i + k], phrase[k]) for k in range(size)
            ):
                out.extend(french)
                i += size
                break
        else:
            if tokens[i] not in DROPPED:
                out.append(tokens[i])
            i += 1
    return out
