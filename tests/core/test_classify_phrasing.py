"""Records as staff write them without role words, and look-alikes that name nobody.

Each case is a kind of phrasing rather than one message: a notice written to
the employee it is about, a list introduced as home addresses, a pay register,
a coach's or kitchen's list, discipline written as a referral, Vietnamese typed
without diacritics; and general notices, newsletters and resource lists.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from dlp.extract.table import relabel_text_tables
from dlp.pipeline import ScanResult

Scan = Callable[..., ScanResult]
HR = "Dana Whitlock <dwhitlock@westpark.k12.ca.us>"


def test_a_notice_written_to_the_employee_it_is_about_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Mr. Delaney,\n\nThis letter confirms that you are placed on paid administrative leave "
        "pending an administrative investigation into the events of March 3. You may bring a "
        "representative to the investigatory meeting on March 12.\n\nDana Whitlock\n"
    )
    to = "Marcus Delaney <mdelaney@westpark.k12.ca.us>, rep@teachers-union.org"
    result = scan(body, to=to, sender=HR, subject="Notice")
    assert "staff_record" in result.categories, result.classification.notes
    assert any("letter to Marcus Delaney" in n for n in result.classification.notes)


def test_a_coaching_memo_greeting_by_first_name_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Renata,\n\nThis memo summarizes our conference of May 2. This is a coaching memo and "
        "will go in your personnel file if the concerns continue.\n"
    )
    to = "Renata Oduya <roduya@westpark.k12.ca.us>, renata.o@gmail.com"
    assert "staff_record" in scan(body, to=to, sender=HR).categories


@pytest.mark.parametrize(
    ("to", "body"),
    [
        # a general notice to everyone, naming nobody
        (
            "All Staff <allstaff@westpark.k12.ca.us>, events@credit-union.org",
            "Hello everyone,\n\nIf you take a leave of absence (FMLA) your coverage continues; "
            "the Kaiser Silver plan employee premium drops to $0.\n",
        ),
        # an enrollment reminder naming the person to ask
        (
            "All Staff <allstaff@westpark.k12.ca.us>, events@credit-union.org",
            "Open enrollment closes Friday. Questions about FMLA, maternity leave or workers' "
            "comp? Email Janet Cole in Benefits.",
        ),
        # greeted by name, but the personnel words are about someone else and not to the reader
        (
            "Shannon Fuller <sfuller@board-member.org>",
            "Hi Shannon,\n\nThe draft minutes are attached for your review.\n\n"
            "Closed session: public employee performance evaluation (superintendent).\n",
        ),
    ],
)
def test_general_hr_notices_and_minutes_are_not_staff_records(
    scan: Scan, to: str, body: str
) -> None:
    result = scan(body, to=to, sender=HR)
    assert "staff_record" not in result.categories, result.classification.notes


def test_a_list_introduced_as_home_addresses_of_named_adults_is_a_staff_record(
    scan: Scan,
) -> None:
    body = (
        "As requested, here are the home addresses for the retirement dinner invitations:\n\n"
        "Karen Whitlow - 88 Birchwood Lane, Fresno CA 93711\n"
        "Tomas Ferreira - 1412 Olive Ave, Clovis CA 93612\n"
    )
    assert "staff_record" in scan(body, sender=HR).categories


def test_a_pay_register_pasted_as_a_table_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Rates for January:\n\nEmpID\tName\tCurrent rate\tNew rate\n"
        "E-220101\tKaren Whitlow\t21.50\t22.60\nE-220109\tTomas Ferreira\t22.10\t23.20\n"
        "E-220117\tAnh Lam\t22.40\t23.50\n"
    )
    assert "staff_record" in scan(body, sender=HR).categories


def test_a_spanish_note_on_a_colleagues_medical_leave_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Le aviso que Marisol Peña Treviño (empleada E-220914) estará incapacitada del 3 al 20 "
        "de marzo por una cirugía de rodilla.\n"
    )
    assert "staff_record" in scan(body, sender=HR).categories


STUDENT_RECORDS = [
    # a teacher to a counselor: no student word, only "my class" and the nurse
    "Marcus, Jaylen Ortiz told me he has been having panic attacks and his grades dropped "
    "from a B to a D- in my class. The nurse saw him at lunch.\nKim",
    # a kitchen's allergy list for a school event, signed with the department's title
    "For the field day box lunches please label separate boxes:\n\nRowan Kessler - tree nut, "
    "anaphylactic\nMaya Lindqvist - celiac\n\nTeresa Alvarez\nNutrition Services Manager",
    # discipline written as a referral and days of a bus suspension
    "Dispatch says Tobias Grant shoved another rider at the stop. I'm writing Tobias a conduct "
    "referral and a 2-day bus suspension.\nEarl",
    # Vietnamese typed without diacritics, the student ID in Vietnamese words
    "Kinh gui ba Le,\n\nEm Le Hoang Nam (ma so hoc sinh 40021877) duoc an trua mien phi tu "
    "ngay 5/1.\n\nPhong Dinh duong",
    # Vietnamese: "bé", "em", "cháu" before a name is a child
    "Chào chị,\n\nBé Trần Ngọc Hân hôm nay bị sốt 39 độ, cô y tá đã cho bé nằm nghỉ.",
    "Em Vo Thanh Tam nghi hoc 9 ngay thang nay khong phep.",
    # health only in the quoted part of a reply: a seizure action plan is a nurse's record
    "Thanks, we'll watch for it.\n\n> On Mon, Kelly Dunn wrote:\n> Aiden Brooks had a seizure "
    "in PE today; his seizure action plan is attached.\n",
    # two forwards down, suspended for a number of days
    "FYI\n\n---------- Forwarded message ---------\nFrom: Bo <bo@westpark.k12.ca.us>\n\n"
    "Noah Whitfield was suspended for 3 days for vaping in the bathroom.",
    # Spanish two surnames, suspended for a number of days
    "Carlos Méndez Ríos fue suspendido por 3 días por pelear en el recreo.",
    # Vietnamese without diacritics: a mark several words after "diem"
    "Diem Toan cua em Pham Gia Bao la 3.5, em can hoc them.",
    # the contact is the student's parent, not the student
    "Please call Jayden Brooks's mom today: he was sent to the office for vaping and is "
    "suspended for 2 days.",
    # a tutoring group: reading below a grade level
    "Here are the kids for Tuesday group: Mason Reilly (dyslexia, reads at a 1st grade level).",
]


@pytest.mark.parametrize("body", STUDENT_RECORDS)
def test_students_written_about_without_role_words_are_student_records(
    scan: Scan, body: str
) -> None:
    result = scan(body)
    assert "student_record" in result.categories, result.classification.notes


def test_a_space_aligned_roster_pasted_in_mail_is_a_student_record(scan: Scan) -> None:
    body = (
        "Please set these up:\n\n"
        "ID        Last, First             Grade  DOB\n"
        "40058001  Acosta Ruiz, Valeria    6      03/14/2015\n"
        "40058002  Lam, Anh                6      11/02/2014\n"
        "40058003  Keller, Diego           7      07/19/2014\n"
    )
    assert "student_record" in scan(body, subject="new accounts").categories


def test_space_aligned_columns_become_labelled_rows_with_last_first_names() -> None:
    text = (
        "ID        Last, First             Grade\n"
        "40058001  Acosta Ruiz, Valeria    6\n"
        "40058002  Lam, Anh                6\n"
        "40058003  Keller, Diego           7\n"
    )
    rows = relabel_text_tables(text).split("\n")
    assert rows[1] == "Name: Valeria Acosta Ruiz | ID: 40058001 | Grade: 6"


@pytest.mark.parametrize("text", ["One line.  Two spaces.", "Hi  there\n\nBye  now\n", "a  b  c"])
def test_a_lone_line_with_double_spaces_is_left_as_it_is(text: str) -> None:
    assert relabel_text_tables(text) == text


def test_sentences_after_a_double_space_are_not_a_table() -> None:
    text = "We met today.  It went well.  Good.\nThanks.  See you.  Bye.\nBye.  Later.  Now.\n" * 2
    assert relabel_text_tables(text) == text


NOT_RECORDS = [
    # a Vietnamese newsletter: an evening show, schools closed, free breakfast for all
    "Kính gửi quý phụ huynh,\n\nĐêm Văn nghệ của học sinh sẽ diễn ra thứ Sáu. Các trường nghỉ "
    "học ngày 11/11. Tất cả học sinh được ăn sáng miễn phí.\n",
    # Vietnamese without diacritics, lower case: "theo ke hoach" is not a name
    "Kinh gui phu huynh hoc sinh lop 8,\n\nLich thi hoc ky 1 theo ke hoach cua truong: Toan "
    "14/12, Van 15/12. Hoc sinh co IEP xin goi cho truong.\n",
    # a resource list: helplines, not people
    "Student Services resources:\nValley Teen Crisis Line (805) 555-0300 - free counseling "
    "24/7\nSierra Mesa Youth Line (805) 555-0311\n",
    # a training reminder naming the person to ask
    "Reminder: all staff must complete the suicide prevention and mandated reporter training "
    "by Friday. Questions? Contact Ana Reyes, Student Services.",
    "Thông báo: Học sinh bị sốt không nên đến trường. Liên hệ y tá Lê Thị Hoa nếu có câu hỏi.",
    "Kinh gui phu huynh,\n\nTruong se nghi hoc ngay 11/11. Hoc sinh co the an trua mien phi "
    "tai thu vien. Lien he co Tran Thi Mai.\n",
]


@pytest.mark.parametrize("body", NOT_RECORDS)
def test_newsletters_schedules_and_resource_lists_name_no_student(scan: Scan, body: str) -> None:
    result = scan(body)
    assert "student_record" not in result.categories, result.classification.notes
