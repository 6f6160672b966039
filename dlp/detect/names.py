"""Names the small NER model misses: runs of proper nouns shaped like a person's name.

`en_core_web_sm` labels "Luca Ferretti-Amsel" an organisation, "Chidera" a
place and "Matías Quispe Huanca" an organisation, while its tagger marks every
one of those words a proper noun.  This recognizer reads the tagger's output
(already computed alongside NER) and reports two to four capitalised proper
nouns in a row as a name candidate when at least one word is a known given
name or surname (the US Census name lists shipped by the `names` package) and
none is a structural word ("Special Education", "Government Code").  A
candidate only matters where classification finds a role word and
confidential information next to it.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import metadata, resources

import msgpack
import regex
from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lang.es.stop_words import STOP_WORDS as SPANISH_STOP_WORDS
from spacy.tokens import Doc, Token

from dlp import usercache

NAME_CANDIDATE = "NAME_CANDIDATE"
NER_RECOGNIZER = "SpacyRecognizer"  # the recognizer name Presidio gives spaCy's NER findings
SCORE = 0.6
_PROPER = {"NNP", "NNPS"}
_DATA = re.compile(r"\d{3}|@")
_STATE_AFTER = re.compile(r",?\s*(?:[A-Z]{2}\b|California|Calif\.)")
_JOINERS = {"-", "'", "’"}  # inside hyphenated or O'Brien-style surnames
_PARTICLES = {"de", "del", "la", "van", "von", "da", "di", "le", "bin", "al"}
_NOT_NAMES = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan", "feb", "apr", "aug", "sept", "oct", "nov", "dec",
    "preliminary", "consolidated", "schools", "school", "elementary", "middle", "high", "district",
    "academy", "university", "college", "center", "office", "room", "road", "street",
    "avenue", "drive", "unit", "grade", "math", "science", "english", "history", "reading",
    "dear", "hello", "hi", "thanks", "thank", "regards", "re", "fwd", "fw", "subject",
    "iep", "sped", "ela", "ap", "gpa", "pe", "sst", "team", "plan", "report", "program",
    "teacher", "principal", "counselor", "nurse", "director", "manager", "specialist",
    "coordinator", "assistant", "technician", "clerk", "aide", "coach", "superintendent",
    "board", "county", "state", "california", "west", "usd", "estimada", "estimado",
    "sra", "sr", "srta", "mr", "mrs", "ms", "dr", "inc", "llc", "co", "corp", "trustee",
    "trustees", "official", "chief", "education", "special", "human", "resources", "code",
    "government", "local", "control", "business", "services", "department", "public",
    "main", "north", "south", "east", "lake", "field", "hill", "valley", "river", "hall",
    "library", "city", "church", "bank", "company", "group", "club",
    "association", "foundation", "council", "committee", "meeting", "agenda", "minutes",
    "policy", "title", "section", "chapter", "goal", "progress", "summer", "winter", "spring",
    "fall", "new", "old", "great", "first", "second", "third", "happy", "good", "best",
    "bilingual", "spanish", "french", "chinese", "vietnamese", "instructional",
    "support", "student", "students", "family", "families", "parent", "parents", "staff",
    "technology", "tier", "level", "ticket", "form", "letter", "notice", "request",
    "executive", "president", "vice", "heritage", "month", "week", "day", "year", "hispanic",
    "salary", "schedule", "honor", "roll", "hs", "es", "elem", "jr", "iii",
    "annual", "notes", "summary", "update", "data", "results", "review",
    "national", "american", "awareness", "appreciation", "san", "santa", "los", "las",
    "fort", "mount", "saint", "port", "grove", "creek", "ridge", "heights", "oaks", "meadows",
    "vista", "canyon", "springs", "harbor", "glen", "pines", "orchard", "rio", "río", "colonia",
    "barrio", "plaza", "pharmacy", "hospital", "medical", "market", "store", "wildlife", "refuge",
    # forms and products: "Social Security Number", "IEP Writer Pro", "504 Tracker module"
    "social", "security", "pro", "plus", "suite", "software", "module", "tracker", "edition",
    # shops, venues and agenda items: "Hong Phat Supermarket", "Expulsion Matters"
    "supermarket", "supermercado", "aquarium", "museum", "zoo", "farmacia", "tienda",
    "restaurant", "bakery", "grill", "cafe", "café", "express", "matters", "expulsion",
    "dismissal", "corner", "counseling", "bilingüe", "bilingue", "instrucción", "instruccion",
    "exhibit", "appendix", "our", "your", "their", "uniformes", "recursos", "humanos",
    # events: "Report Card Night", "Book Fair"
    "night", "fair", "festival", "carnival", "gala", "concert", "showcase", "expo",
    "united", "nations", "states", "kingdom", "republic", "union", "federal",
    "record", "league", "professor", "arabia", "congressional", "senator", "governor",
    # Spanish and Vietnamese places and bodies: "Escuela Primaria Roosevelt", "Trường Tiểu học"
    "escuela", "primaria", "secundaria", "preparatoria", "colegio", "distrito", "biblioteca",
    "oficina", "centro", "instituto", "universidad", "departamento", "calle", "avenida",
    "programa", "educación", "educacion", "especial", "reunión", "reunion", "estimados",
    "estimadas", "querida", "querido", "trường", "truong", "phòng", "phong",
    "lớp", "lop", "kính", "kinh", "gửi", "gui", "thưa", "thua", "phụ", "huynh", "học", "hoc",
    "sinh",
    # services and helplines in resource lists: "Sierra Mesa Youth Line", "Family Crisis Clinic"
    "youth", "hotline", "helpline", "crisis", "clinic", "clinics", "shelter", "pantry",
    "outreach", "coalition", "alliance", "ministries", "institute", "society",
    # state names that are nobody's given name: "Arizona Cross-Categorical certificate"
    "arizona", "texas", "nevada", "oregon", "ohio", "utah", "idaho", "iowa", "kansas",
    "alaska", "colorado", "michigan", "minnesota", "wisconsin", "illinois", "nebraska",
    "oklahoma", "arkansas", "kentucky", "tennessee", "mississippi", "missouri", "louisiana",
    "alabama", "connecticut", "massachusetts", "maryland", "delaware", "vermont", "wyoming",
}  # fmt: skip
# "Kaiser Silver plan", "Delta Dental PPO", "Sierra Mesa Youth Line": a product or a service
_PRODUCT_AFTER = re.compile(
    r"[ \t]+(?:(?i:plans?|PPO|HMO|EPO|network|coverage|card|fund|app)|Youth|Line|Hotline|"
    r"Helpline|Crisis|Clinic|Shelter|Pantry|Outreach|Coalition|Alliance|Institute|Society|"
    r"Ministries|Health|Services|Foundation|Project|Partners|Supermarket|Market|Pharmacy|"
    r"Aquarium|Museum|Zoo|Restaurant|Bakery|Grill|Cafe|Café|Express|Plaza|Store|Corner)\b"
)
# Letters only Vietnamese writes: a run with them is a Vietnamese name only family name first
_VIETNAMESE_LETTERS = re.compile("[đĐơƠưƯăĂạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
VIETNAMESE_FAMILY = {
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "dinh", "truong", "lam", "dao", "luu", "chau", "quach", "thai",
    "ta", "cao", "mai", "ha", "to", "la", "trinh", "doan", "vuong", "kieu", "tong", "thach",
}  # fmt: skip
# Common unaccented Vietnamese syllables: text full of them is Vietnamese typed without
# diacritics, where lower-case "theo ke" is "theo kế (hoạch)", not a name.
_VIETNAMESE_WORDS = {
    "cua", "va", "cac", "duoc", "khong", "nhung", "trong", "voi", "cho", "nay", "se", "da",
    "hoc", "sinh", "phu", "huynh", "ngay", "lop", "truong", "kinh", "gui", "em", "chau",
    "xin", "cam", "thi", "lich", "nghi", "thong", "bao", "gia", "dinh", "mot", "hai", "ba",
    "hoi", "thao", "ve", "tieng", "viet", "bang", "moi", "quy", "vi", "buoi", "luc", "gio",
    "sang", "tai", "noi", "dung", "cach", "ho", "so", "hop", "con", "toi", "chung",
}  # fmt: skip


@cache
def _census(*files: str) -> frozenset[str]:
    """Names from the US Census lists shipped in the `names` package, lower-case."""
    out: set[str] = set()
    folder = resources.files("names")
    for file in files:
        text = folder.joinpath(file).read_bytes().decode("ascii", errors="ignore")
        out.update(line.split(" ", 1)[0].lower() for line in text.splitlines() if line)
    return frozenset(out)


@cache
def _listed(file: str) -> frozenset[str]:
    """Our own name lists (dlp/detect/data): recent, Hispanic and Vietnamese names."""
    text = resources.files("dlp.detect").joinpath("data", file).read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and w[0] != "#")


@cache
def _given() -> frozenset[str]:
    return _census("dist.male.first", "dist.female.first") | _listed("given_names.txt")


@cache
def _surnames() -> frozenset[str]:
    return _census("dist.all.last") | _listed("surnames.txt")


@cache
def _common_surnames() -> frozenset[str]:
    """The census's 5,000 most frequent surnames ("Mendoza", "Hunter"), in rank order."""
    text = resources.files("names").joinpath("dist.all.last").read_text(encoding="ascii")
    return frozenset(line.split(" ", 1)[0].lower() for line in text.splitlines()[:5000])


# Zipf frequency (log10 per billion words): 3.9 is "deputy" or "feria" territory, while
# given names a list may lack ("Idris" 3.1, "Ravi" 3.3, "Lainey" 2.1) stay below it
COMMON_WORD_ZIPF = 3.9


def reads_as_a_word(word: str) -> bool:
    """'Gulf', 'Deputy', 'Feria', 'Window': an everyday English or Spanish word, not a name.

    What the given-name and frequent-surname lists vouch for is a name ("Hunter",
    "Mendoza", "Grace"); initials are too short to judge.  The word frequencies come from
    `wordfreq`, read on the first question, which only name-shaped phrases found by
    guessing ever ask.
    """
    folded = _fold(word)
    if len(folded) < 3 or folded in _given() or folded in VIETNAMESE_FAMILY:
        return False
    if folded in _common_surnames():
        return False
    return folded in _everyday_words()


@cache
def _everyday_words() -> frozenset[str]:
    """English and Spanish words at COMMON_WORD_ZIPF or above, from wordfreq's lists.

    Kept in the user's cache (`dlp.usercache`) once read: reading them from wordfreq
    costs 0.12 s, in every process that asks, and the cached copy a hundredth of that.
    """
    key = f"{metadata.version('wordfreq')}-{COMMON_WORD_ZIPF}.txt"
    cached = usercache.read("everyday-words", key)
    if cached is not None:
        try:
            return frozenset(cached.decode("utf-8").split("\n"))
        except UnicodeDecodeError:
            pass
    words = _read_wordfreq()
    if not any("\n" in w for w in words):
        usercache.write("everyday-words", key, "\n".join(sorted(words)).encode("utf-8"))
    return words


def _read_wordfreq() -> frozenset[str]:
    """The lists are read bucket by bucket, most frequent first, and only down to the
    threshold (about 16,000 words, a few MB): `wordfreq.zipf_frequency` would keep both
    whole lists in memory, some 70 MB in every scanning process."""
    last = round((9 - COMMON_WORD_ZIPF) * 100)  # bucket i holds words at 10^(-i/100)
    words: set[str] = set()
    for language in ("en", "es"):
        path = resources.files("wordfreq").joinpath("data", f"large_{language}.msgpack.gz")
        with path.open("rb") as raw, gzip.open(raw) as data:
            unpacker = msgpack.Unpacker(data, raw=False)
            buckets = unpacker.read_array_header() - 1
            unpacker.skip()  # the header: {"format": "cB", "version": 1}
            for _ in range(min(buckets, last + 1)):
                words.update(unpacker.unpack())
    return frozenset(words)


def _known_name(words: list[str]) -> bool:
    """A known given name first, or a known surname after it ("Luca Ferretti-Amsel")."""
    given = _given()
    surnames = _surnames()
    return _fold(words[0]) in given or any(_fold(w) in surnames for w in words[1:])


_TITLES = {"mr", "mrs", "ms", "miss", "dr", "prof", "sr", "sra", "srta"}


def known_name(words: list[str]) -> bool:
    """A display name ("Patricia Oyelaran-Hughes") that reads as a person's, not a desk's."""
    words = [w.strip(".,\"'") for w in words if w.strip(".,\"'")]
    words = [w for w in words if w.lower() not in _TITLES]
    return len(words) >= 2 and _known_name(words)


def surname(word: str) -> bool:
    """Anyone's surname in the census or the shipped lists, accents folded."""
    return _fold(word) in _surnames()


def given_name(word: str) -> bool:
    """A listed given name (census and the shipped lists), accents folded."""
    return _fold(word) in _given()


def _given_and_surname(words: list[str]) -> bool:
    """'Asthma Action Plan - Ethan Whitaker': a name inside a Title Case heading."""
    return _fold(words[0]) in _given() and _fold(words[-1]).split("-")[0] in _surnames()


def listed_full_name(words: list[str]) -> bool:
    """A listed given name then a listed surname, or a Vietnamese family name first."""
    return len(words) >= 2 and (_given_and_surname(words) or _fold(words[0]) in VIETNAMESE_FAMILY)


def _heading_or_place(text: str, start: int, end: int) -> bool:
    """Title Case headings ("Lesson 3: Gut Checks") and city names before a state code."""
    if _STATE_AFTER.match(text, end):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else None]
    if _DATA.search(line):  # "Paul Van der Berg  412 Sycamore St, CA 95691" is a row, not a title
        return False
    words = [w for w in line.split() if w.isalpha()]
    capitalised = sum(w[0].isupper() for w in words)
    return len(words) >= 4 and capitalised >= 0.8 * len(words)


def vietnamese_order(words: list[str]) -> bool:
    """'Đêm Văn (nghệ)' is a heading: Vietnamese words name a person family name first."""
    if not any(_VIETNAMESE_LETTERS.search(w) for w in words):
        return True
    return _fold(words[0]).replace("đ", "d") in VIETNAMESE_FAMILY


def _vietnamese_prose(text: str) -> bool:
    """Vietnamese prose, typed with or without diacritics: its lower-case words are not names
    ("theo toa" is "by prescription")."""
    if len(_VIETNAMESE_LETTERS.findall(text)) >= 8:
        return True
    words = set(re.findall(r"[a-z]+", text.lower()))
    common = len(words & _VIETNAMESE_WORDS)
    return common >= 6 or (common >= 3 and common * 3 >= len(words))  # a subject line


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def structural_word(word: str) -> bool:
    """Words that make a capitalised phrase a title or place, not a person's name."""
    return word.lower().strip(".,") in _NOT_NAMES


def _word_ok(token: Token) -> bool:
    text = token.text
    return (
        token.tag_ in _PROPER
        and text[:1].isupper()
        and text.isalpha()
        and len(text) > 1
        and not text.isupper()
        and text.lower() not in STOP_WORDS
        and text.lower() not in _SPANISH_WORDS  # "Para Kevin Josué Mejía Alvarado el bus ..."
        and text.lower() not in _NOT_NAMES
    )


def _wrapped(doc: Doc, i: int) -> bool:
    """True when token i ends a line of prose (lower-case words before it on its line)."""
    k = i - 1
    while k >= 0 and "\n" not in doc[k].text:
        if doc[k].text[:1].islower():
            return True
        k -= 1
    return False


# what encloses another name between a given name and the surname
_ENCLOSING = {"(": ")", '"': '"', "“": "”", "'": "'"}


def _bracketed_name(doc: Doc, j: int) -> bool:
    """'(Robert)' between a nickname and the surname, or a nickname in quotes:
    'Addison "Addie" Vromans'."""
    return (
        j + 3 < len(doc)
        and doc[j].text in _ENCLOSING
        and _word_ok(doc[j + 1])
        and doc[j + 2].text == _ENCLOSING[doc[j].text]
        and doc[j + 3].text.istitle()
        and doc[j + 3].text.isalpha()
        and doc[j + 3].text.lower() not in _NOT_NAMES
    )


def _runs(doc: Doc) -> Iterable[tuple[int, int, int]]:
    """(start char, end char, words) of each proper-noun run, joiners and one line break allowed."""
    text = doc.text  # built from every token on each access: once per document
    i = 0
    while i < len(doc):
        if not _word_ok(doc[i]):
            i += 1
            continue
        start, words, j = doc[i].idx, 1, i + 1
        end = doc[i].idx + len(doc[i].text)
        parts = [doc[i].text]
        while j < len(doc):
            tok = doc[j]
            if (
                tok.text in _JOINERS
                and not doc[j - 1].whitespace_  # "Eze-Williams", not "Report - Amara"
                and not tok.whitespace_
                and j + 1 < len(doc)
                and _word_ok(doc[j + 1])
            ):
                end = doc[j + 1].idx + len(doc[j + 1].text)
                parts.append(doc[j + 1].text)
                j += 2
            elif tok.is_space and tok.text.count("\n") == 1 and words == 1 and _wrapped(doc, i):
                j += 1  # a hard-wrapped line: "... the goals in Chidera\nEze-Williams's IEP"
            elif words == 1 and _bracketed_name(doc, j):
                # "Bobby (Robert) Fairbanks": the formal given name in brackets, then the surname
                words += 1
                end = doc[j + 3].idx + len(doc[j + 3].text)
                parts.append(doc[j + 3].text)
                j += 4
            elif tok.text.lower() in _PARTICLES and j + 1 < len(doc) and _word_ok(doc[j + 1]):
                j += 1
            elif _word_ok(tok):
                words += 1
                end = tok.idx + len(tok.text)
                parts.append(tok.text)
                j += 1
            else:
                break
        heading = _heading_or_place(text, start, end)
        if (
            2 <= words <= 4
            and _known_name(parts)
            and (not heading or _given_and_surname(parts))
            and not _PRODUCT_AFTER.match(text, end)
            and vietnamese_order(parts)
        ):
            yield start, end, words
        i = max(j, i + 1)


# Given names that are everyday English words: in lower case they are words, not names.
_WORD_NAMES = {
    "will", "may", "mark", "bill", "rose", "grace", "hope", "faith", "joy", "june", "april",
    "art", "max", "don", "jack", "frank", "sue", "pat", "rich", "guy", "ray", "dean", "gene",
    "dawn", "summer", "autumn", "page", "lane", "long", "young", "white", "green", "brown",
    "black", "king", "hill", "wood", "stone", "day", "price", "rice", "sky", "star", "sunny",
    "chase", "hunter", "miles", "rob", "sandy", "bob", "rusty", "penny", "ruby", "crystal",
    "amber", "ivy", "holly", "lily", "daisy", "iris", "violet", "pearl", "jewel", "angel",
    "christian", "august", "major", "precious", "royal", "lord", "deal", "carol", "harmony",
    "destiny", "justice", "trinity", "honey", "sugar", "cash", "buck", "bud", "doc", "kit",
    "tom", "mac", "van", "job", "love", "lucky", "golden", "early", "north", "west", "south",
    "east", "an", "son", "bee", "ever", "even", "else", "case", "more", "many", "said", "lou",
    "ed", "al", "jan", "sol", "dan", "ben", "len", "les", "lee", "roy", "mo", "jo",
    "tony", "bo", "ali", "noble", "sage", "reed", "wolf", "fox", "pink", "gray", "grey", "blue",
}  # fmt: skip
# Spanish function words that the name lists also hold ("esta vacante" is no Esta Vacante);
# "mia" and "ella" stay names
_SPANISH_WORDS = frozenset(SPANISH_STOP_WORDS - {"mia", "ella", "sean", "dan"})
# Vietnamese typed without accents: "bai tap tuan nay" is this week's homework
_VIETNAMESE_PLAIN_WORDS = {"nay", "nao", "roi", "thi", "cua", "cho", "voi", "nhe", "nha", "oi"}
_LOWER_CASE_WORDS = frozenset(
    _WORD_NAMES | STOP_WORDS | _SPANISH_WORDS | _NOT_NAMES | _VIETNAMESE_PLAIN_WORDS
)
_LOWER_RUN = regex.compile(
    r"(?<![\w@.'’-])([a-z]{3,})[ \t]+([a-z]{2,}(?:-[a-z]{2,})?)(?![\w@-]|['’](?!s\b)|\.\w)"
)
# "hi mrs oyelaran ... marcus oyelaran has 7 absences": the family the message writes to
_FAMILY_ADDRESSED = regex.compile(r"\b(?i:mr|mrs|ms|miss|sr|sra)\.?[ \t]+(\p{L}[\p{Ll}'’-]{1,})")
_CAPS_RUN = regex.compile(r"(?<![\w@.'’-])([A-Z]{2,})[ \t]+([A-Z]{2,}(?:-[A-Z]{2,})?)(?![\w@'’-])")


# "Hinojosa, Kevin - ISS 3 days", "Ibarra Solís, Joaquín Andrés (7.º)": a list of people
# written surname first, one per line
_LAST_FIRST_LINE = regex.compile(
    r"^[ \t>*•-]*(\p{Lu}[\p{Ll}'’-]+(?:[ \t]\p{Lu}[\p{Ll}'’-]+)?),[ \t]+"
    r"(\p{Lu}[\p{Ll}'’-]+(?:[ \t]\p{Lu}[\p{Ll}'’-]+)?)(?=[ \t]*(?:[-–—:(|,]|$))",
    regex.M,
)


# "NGUYEN, KEVIN (ID 318842, grade 10)", "McGAHEE, Brantley": a form's capitals, anywhere
# also copied into a sentence, accents and particles kept: "la evaluación con DE JESÚS,
# ALEXANDRA después de ..."
_CAPS_LAST_FIRST = regex.compile(
    r"(?<![\w,])((?:(?:DE LA|DE LOS|DEL|DE|VAN|VON|DA|DI|LE|LA)[ \t]+)?(?:Mc|Mac|O['’])?"
    r"\p{Lu}{2,}(?:[ -]\p{Lu}{2,})?),[ \t]+(\p{Lu}{2,}|\p{Lu}\p{Ll}+)(?![\w])"
)
_SURNAME_PARTICLES = _PARTICLES | {"los"}  # "DE LOS SANTOS, ANA"
# "the ARD for Kincaid, Aubrey (ID 2417850)", "amendment for Lujan, Tessa (RPMS, 7th grade)":
# surname first inside a sentence, then the record's details in brackets
_LAST_FIRST_BRACKETED = regex.compile(
    r"(?<![\w,])(\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?),[ \t]+(\p{Lu}\p{Ll}+)(?=[ \t]*\()"
)


# "Elig question - Boudreaux, Trey": surname first, ending a line after a dash or a colon,
# as subjects name whom the message is about
_LAST_FIRST_ENDING = regex.compile(
    r"[-–—:|][ \t]+(\p{Lu}[\p{Ll}'’-]+),[ \t]+(\p{Lu}[\p{Ll}'’-]+)[ \t]*$", regex.M
)


def _last_first_lines(text: str) -> Iterable[tuple[int, int]]:
    given = _given()
    surnames = _surnames()
    found = (_LAST_FIRST_LINE, _CAPS_LAST_FIRST, _LAST_FIRST_BRACKETED, _LAST_FIRST_ENDING)
    for m in [m for rx in found for m in rx.finditer(text)]:
        words = m.group(1).split()
        family = _fold(next((w for w in words if w.lower() not in _SURNAME_PARTICLES), words[0]))
        family = family.split("-")[0]
        first = _fold(m.group(2).split()[0])  # "Ibarra Solís, Joaquín Andrés": two given names
        if first in given and family in surnames and family not in _NOT_NAMES:
            yield m.start(1), m.end(2)


def addressed_families(texts: Iterable[str]) -> frozenset[str]:
    """Surnames a message greets or mentions with a title ("Ms. Lirette,"), lower-case."""
    return frozenset(_fold(m.group(1)) for t in texts for m in _FAMILY_ADDRESSED.finditer(t))


def _cased_runs(text: str, families: frozenset[str] = frozenset()) -> Iterable[tuple[int, int]]:
    """'owen castellano' and 'JAYDEN MOORE': a known given name then a known surname, as
    hurried mail and capitals-only forms write them, where the tagger sees no proper noun.
    `families`: surnames the rest of the message addresses ("brody lirette" in the subject
    of a letter to "Ms. Lirette")."""
    given = _given()
    surnames = _surnames()
    vietnamese = _vietnamese_prose(text)
    family = families | addressed_families([text])
    for rx in (_LOWER_RUN, _CAPS_RUN):
        if vietnamese and rx is _LOWER_RUN:
            continue
        for m in rx.finditer(text, overlapped=True):
            first, last = m.group(1).lower(), m.group(2).lower().split("-")[0]
            if rx is _LOWER_RUN and _fold(last) in family and _could_be_given(first, given):
                yield m.start(), m.end()  # the addressed family's child, whatever the surname
                continue
            if {first, last} & _LOWER_CASE_WORDS and not (
                rx is _LOWER_RUN and _double_surname(m.group(2), surnames) and first in given
            ):
                continue  # "lily chen-garcia" is a name though "lily pads" are not
            if first in given and last in surnames and (rx is _LOWER_RUN or _mixed_line(text, m)):
                yield m.start(), m.end()


def _could_be_given(word: str, given: frozenset[str]) -> bool:
    """A listed given name, or a word that is no everyday word ("brody" before the
    addressed family's surname); never a function word ("the lirette")."""
    if word in STOP_WORDS or word in _NOT_NAMES:
        return False
    return word in given or (word not in _LOWER_CASE_WORDS and not reads_as_a_word(word))


def _double_surname(word: str, surnames: frozenset[str]) -> bool:
    parts = word.lower().split("-")
    return len(parts) == 2 and all(p in surnames for p in parts)


def _mixed_line(text: str, m: regex.Match[str]) -> bool:
    """Capitals inside a line that also has lower case: not a shouted heading."""
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    return any(ch.islower() for ch in text[start : end if end >= 0 else len(text)])


class ProperNameRecognizer(LocalRecognizer):
    """Reports runs of two to four proper nouns as NAME_CANDIDATE (role person_name)."""

    RECOGNIZER_NAME = "proper_noun_names"

    def __init__(self) -> None:
        super().__init__(
            supported_entities=[NAME_CANDIDATE],
            name=self.RECOGNIZER_NAME,
            supported_language="en",
        )
        # the surnames the message being scanned addresses, in any of its parts: set by the
        # detector for each message, since Presidio gives a recognizer one text at a time
        self.families: frozenset[str] = frozenset()

    def load(self) -> None:
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        doc = getattr(nlp_artifacts, "tokens", None)
        if not isinstance(doc, Doc) or not doc.has_annotation("TAG"):
            return []
        return [
            RecognizerResult(
                NAME_CANDIDATE,
                start,
                end,
                SCORE,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.RECOGNIZER_NAME,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for start, end in [(a, b) for a, b, _ in _runs(doc)]
            + list(_cased_runs(doc.text, self.families))
            + list(_last_first_lines(doc.text))
        ]
