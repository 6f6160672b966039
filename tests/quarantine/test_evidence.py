"""Findings told in words: grouped evidence, students identified for the record of
disclosures, masked subjects, and a bounce that speaks like a teacher."""

from __future__ import annotations

from dlp.act.bounce import BounceInfo, explanation
from dlp.extract.mime import walk
from dlp.quarantine import HeldFinding
from dlp.quarantine.disclosures import students
from dlp.quarantine.evidence import groups, masked_subject, place
from dlp.report import mask
from quarantine.helpers import mail, student_findings


def test_a_roster_is_one_group_counted_in_words() -> None:
    rows = "Name,ID,DOB\n" + "".join(
        f"{first} Lopez,S10020{n},2011-04-0{n + 1}\n"
        for n, first in enumerate(["Ana", "Bea", "Cruz", "Dora", "Eva"])
    )
    raw = mail(body="Roster attached.", attach=("roster-period3.csv", rows))
    chunks = walk(raw).chunks
    [group] = groups(chunks, student_findings(raw))
    assert group.sentence == (
        "5 student IDs, 5 birth dates and 5 student names in roster-period3.csv"
    )
    assert len(group.numbers) == 15 and group.person == ""


def test_a_note_about_two_students_groups_by_person_and_keeps_words_unrevealable() -> None:
    raw = mail(body="Ana Ruiz S100377 has an IEP.\nLeo Chen S100378 born 2011-02-02.")
    chunks = walk(raw).chunks
    found = student_findings(raw)
    body = next(f for f in found if f.where == "body")
    at = chunks[body.chunk].text.index("IEP")
    term = HeldFinding("STUDENT_RECORD_TERM", "body", body.chunk, at, at + 3, 0.9,
                       "student_record_doc", "IEP")  # fmt: skip
    out = groups(chunks, (*found, term))
    assert [g.sentence for g in out] == [
        "A. R.: a student ID and a student's name in the message body",
        "L. C.: a student ID, a birth date and a student's name in the message body",
    ]
    assert out[0].terms == ("IEP",) and len(out[0].numbers) == 2  # a word, never revealed


def test_students_are_their_roster_ids_else_their_names() -> None:
    raw = mail(body="Ana Ruiz S100377 moved.\nLeo Chen also moved.\nAna Ruiz again.")
    chunks = walk(raw).chunks
    assert students(chunks, student_findings(raw)) == [("S100377", "roster id"),
                                                       ("Leo Chen", "name")]  # fmt: skip


def test_the_subject_is_masked_where_its_findings_are() -> None:
    subject = "Forms for SSN 123-45-6789 and 987-65-4321"
    found = tuple(
        HeldFinding("US_SSN", "subject", 0, s, s + 11, 0.9, "high_risk_id",
                    mask(subject[s : s + 11], "high_risk_id"))
        for s in (subject.index("123"), subject.index("987"))
    )  # fmt: skip
    assert masked_subject(subject, found) == "Forms for SSN ***-**-6789 and ***-**-4321"
    assert masked_subject("changed subject", found) == "changed subject"


def test_places_read_like_file_names() -> None:
    assert place("attachment:roster-period3.xlsx#Period 3") == "roster-period3.xlsx, sheet Period 3"
    assert place("body") == "the message body"


def test_the_bounce_notice_names_findings_in_words() -> None:
    found = [("NAME_CANDIDATE", "J. M."), ("US_SSN", "***-**-6789")]
    reasons = [("r", "E.2", "student records")]
    info = BounceInfo("t@westpark.k12.ca.us", ["p@gmail.com"], [None], None, found, reasons,
                      "[secure]", "s1", "mta", "West Park")  # fmt: skip
    text = explanation(info)
    assert "Name: J. M." in text and "Social Security number: ***-**-6789" in text
    assert "NAME_CANDIDATE" not in text and "US_SSN" not in text
