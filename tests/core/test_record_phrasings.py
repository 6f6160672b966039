"""More ways staff write records, and the look-alikes next to them.

Each case is a kind of phrasing: a title that belongs to the person addressed
("Coach Mia, Jordan ..."), an event's presenter, a child typed in lower case
with the surname of the parent the message greets, Vietnamese family names and
test scores, tables whose columns are headed in Vietnamese or only "ID", a
"SID" beside record words; and aggregate counts and job postings whose
capitalised words are not people.
"""

from __future__ import annotations

from collections.abc import Callable

from dlp.extract.table import render_table
from dlp.pipeline import ScanResult

Scan = Callable[..., ScanResult]
TRAINER = "Rob Ellison <rellison@westpark.k12.ca.us>"


def _mention_roles(result: ScanResult) -> dict[str, str]:
    from dlp.decide.people import find_mentions

    mentions = find_mentions(result.extraction, result.findings, ())
    return {m.key: m.role for m in mentions}


def test_a_title_before_the_person_addressed_is_not_the_next_names_title(scan: Scan) -> None:
    body = (
        "Coach Mia, Jordan Pierce fractured his wrist at Thursday's practice and has a "
        "physician's note keeping him off the court for six weeks. Please sit him out of "
        "the tournament.\n\nRob\n\n--\nRob Ellison, ATC\nAthletic Trainer\n"
        "Westpark High School\n"
    )
    result = scan(body, to="coachmia.club@gmail.com", sender=TRAINER, subject="Jordan")
    assert _mention_roles(result).get("jordan pierce") != "staff"
    assert "student_record" in result.categories, result.classification.notes


def test_the_presenter_of_a_training_is_not_a_staff_member_discussed(scan: Scan) -> None:
    body = (
        "Good morning,\n\nHuman Resources will hold a workshop for site supervisors on "
        "FMLA, pregnancy disability leave and workers' compensation, and on keeping medical "
        "records out of the personnel file.\n\n"
        "Presenter: Gloria Stanwick, Stanwick Employment Law\n"
        "When: November 9, 2:00 p.m., Board Room\n"
    )
    to = "All Supervisors <supervisors@westpark.k12.ca.us>, gstanwick@stanwicklaw.com"
    result = scan(body, to=to, sender="Dana Whitlock <dwhitlock@westpark.k12.ca.us>")
    assert "staff_record" not in result.categories, result.classification.notes


def test_a_lower_case_child_with_the_greeted_parents_surname_is_found(scan: Scan) -> None:
    body = (
        "hi mrs adeyemi\n\nthis is the attendance office. daniel adeyemi has 6 unexcused "
        "absences this month, mostly 3rd period. at 8 we have to send the truancy letter.\n\n"
        "front office\n"
    )
    result = scan(body, to="f.adeyemi@yahoo.com", subject="absences")
    assert "student_record" in result.categories, result.classification.notes


def test_a_lower_case_possessive_name_in_a_quoted_reply_is_found(scan: Scan) -> None:
    body = (
        "ok, thursday at 3:15 works.\n\n"
        "On Tue, Ms. Ortega <aortega@westpark.k12.ca.us> wrote:\n"
        "> Mrs. Whitfield asked about grace whitfield's chemistry grade (61%, she failed "
        "the last two labs). Can you meet with them?\n>\n> Ana Ortega\n"
        "> School Counselor, Westpark High School\n"
    )
    result = scan(body, to="whitfield.home@gmail.com", subject="Re: chemistry")
    assert "student_record" in result.categories, result.classification.notes


def test_vietnamese_family_names_beyond_the_commonest_are_names(scan: Scan) -> None:
    body = (
        "Chào anh chị,\n\nThầy Trịnh Văn Long (lớp 5) sẽ nghỉ phép y tế từ 2/12 đến hết "
        "tháng 1. Xin tìm giúp giáo viên thay thế.\n\nHiệu trưởng\n"
    )
    result = scan(body, to="booking@subagency.example", subject="Cần giáo viên thay thế")
    assert "staff_record" in result.categories, result.classification.notes


def test_a_vietnamese_test_score_in_hundreds_is_a_mark(scan: Scan) -> None:
    body = (
        "Chào chị Lan,\n\nEm Lê Hoàng Nam lớp 3 làm bài kiểm tra toán được 385 điểm, "
        "dưới mức chuẩn của lớp. Cô giáo đề nghị em học thêm buổi chiều.\n"
    )
    result = scan(body, to="lanle.home@gmail.com", subject="Tin nhắn từ trường")
    assert "student_record" in result.categories, result.classification.notes


def test_vietnamese_name_columns_are_joined_family_name_first() -> None:
    text = render_table(
        [("Họ", "Tên", "Mã HS", "Lớp"), ("Trương", "Gia Huy", "3051177", "4")]
    ).splitlines()
    assert text[1] == "Name: Trương Gia Huy | Mã HS: 3051177 | Lớp: 4"
    whole = render_table([("Họ và tên", "Lớp"), ("Đỗ Minh Châu", "2"), ("Lý Anh Thư", "3")])
    assert whole.splitlines()[1] == "Name: Đỗ Minh Châu | Lớp: 2"


def _id_table(rows: int) -> str:
    names = [
        "Harper Quinlan", "Mason Treadwell", "Ava Kincaid", "Elijah Marsh", "Nora Pettigrew",
        "Caleb Fairbanks", "Stella Ruiz", "Owen Castellanos", "Lucy Abernathy", "Miles Okafor",
        "Ruby Halvorsen",
    ]  # fmt: skip
    cells = "".join(
        f"<tr><td>{4051200 + i * 37}</td><td>{names[i]}</td><td>{70 + i}</td></tr>"
        for i in range(rows)
    )
    return f"<table><tr><th>ID</th><th>Name</th><th>Score</th></tr>{cells}</table>"


def test_a_table_of_names_with_an_id_column_counts_as_a_roster(scan: Scan) -> None:
    result = scan(
        "Here is the list for Saturday.",
        html=f"<p>Here is the list for Saturday.</p>{_id_table(11)}",
        to="volunteer.pat@gmail.com",
    )
    assert "bulk_roster" in result.categories, result.classification.notes
    assert (
        "bulk_roster"
        not in scan("Here is the list.", html=_id_table(4), to="volunteer.pat@gmail.com").categories
    )


def test_a_sid_beside_record_words_is_a_student_id_and_alone_is_not(scan: Scan) -> None:
    record = scan(
        "SID 3049921 has an active IEP with a behavior plan; restrained once on 10/14.",
        to="compliance@westpark-k12.org",
    )
    assert "student_record" in record.categories, record.classification.notes
    plain = scan("Ticket closed: SID 3049921 expired and was reissued.", to="it@vendor.com")
    assert "student_record" not in plain.categories


def test_aggregate_counts_and_job_postings_name_nobody(scan: Scan) -> None:
    counts = scan(
        "Preliminary Dec 1 special education counts (district totals only):\n"
        "Autism 61, Speech/Language 118, Emotional Disturbance 14.\n",
        to="audit@sped-consulting.example",
    )
    assert counts.categories == [], counts.classification.notes
    posting = scan(
        "Oakridge Consolidated Schools busca Asistente de Instrucción Bilingüe.\n"
        "Sueldo: $19.40 a $24.10 por hora. Solicitar antes del 20 de noviembre.\n",
        to="empleos@trabajos.example",
    )
    assert posting.categories == [], posting.classification.notes


def test_a_day_first_birth_date_is_a_date_of_birth(scan: Scan) -> None:
    from dlp.detect.validators import birth_date

    assert birth_date("22/09/2014") and birth_date("09/22/2014")
    assert not birth_date("31/31/2014")
    body = (
        "Lic. Garza, le paso los datos: la niña se llama Ximena Robles Peña, fecha de "
        "nacimiento 22/09/2014. ¿Puede ayudar a la familia?\n"
    )
    result = scan(body, to="abogado.garza@gmail.com", subject="familia")
    assert "student_record" in result.categories, result.classification.notes


def test_spanish_street_forms_are_addresses_and_a_time_is_not_a_house_number(
    scan: Scan,
) -> None:
    home = scan("La familia vive en 1190 Calle Los Pinos desde octubre.", to="x@gmail.com")
    assert any(f.role == "home_address" for f in home.findings)
    stops = scan("AM pickup\n7:05 Cedar Ave & 3rd St\n7:12 Mesquite Rd\n", to="x@gmail.com")
    streets = [f for f in stops.findings if f.role in ("street_address", "home_address")]
    assert all(not stops.extraction.chunks[f.chunk].text[f.start].isdigit() for f in streets)


def test_a_list_written_surname_first_with_discipline_is_a_student_record(scan: Scan) -> None:
    body = (
        "Officer Baines,\n\nGarza, Victor - OSS 2 days (fight, 11/04)\n"
        "Delgado, Marisol - ISS 1 day (vape)\n\nPlease keep them off campus until Monday.\n\n"
        "--\nTere Salinas\nAttendance & Discipline Clerk, Westpark High School\n"
    )
    result = scan(body, to="tbaines@cityofwestpark.gov", subject="suspensions this week")
    assert "student_record" in result.categories, result.classification.notes


def test_student_used_as_an_attribute_does_not_make_a_teacher_a_student(scan: Scan) -> None:
    body = (
        "Forwarding what I received.\n\n"
        "Marisa Holloway, Biology: Overall rating Developing. Managing Student Behavior - "
        "Improvement Needed.\n"
    )
    result = scan(body, to="union.rep.dana@gmail.com", subject="Fwd: summative")
    assert _mention_roles(result).get("marisa holloway") == "staff"
    assert "staff_record" in result.categories, result.classification.notes


def test_marks_in_a_table_are_a_gradebook_about_the_names_on_their_rows(scan: Scan) -> None:
    rows = "".join(
        f"<tr><td>{name}</td><td>Geometry - 3rd</td><td>{avg}</td></tr>"
        for name, avg in (("Lucas Ybarra", 58), ("Sienna Carrow", 61), ("Mateo Quiroga", 55))
    )
    head = "<tr><th>Name</th><th>Class</th><th>Quiz avg</th></tr>"
    html = f"<p>List for Saturday:</p><table>{head}{rows}</table>"
    result = scan("List for Saturday.", html=html, to="intake@tutoring.example")
    assert "student_record" in result.categories, result.classification.notes


def test_places_festivals_firms_forms_and_products_are_not_people(scan: Scan) -> None:
    bodies = [
        "Maria G. scored a 98 on her essay about the Rio Grande valley. Proud of her!",
        "Report Card Night is Thursday. Book fair sponsored by Barnes & Noble Harlingen; "
        "Walgreens will take back unused prescriptions.",
        "Lễ hội Tết Trung Thu tại trường thứ Sáu. Đêm Phiếu Điểm thứ Năm. Nhà thuốc nhận "
        "thuốc theo toa hết hạn.",
        "Renewal quote for IEP Writer Pro: 1,950 active IEPs at $7.80 per IEP.",
        "Attached is the blank enrollment form: Student name, Social Security Number "
        "(optional), allergies, 504 plan, special education services.",
    ]
    for body in bodies:
        result = scan(body, to="community-list@googlegroups.com")
        assert result.categories == [], (body, result.classification.notes)


def test_suspension_codes_count_in_capitals_with_days_only(scan: Scan) -> None:
    body = (
        "Officer Ames,\n\nPeralta, Diego - ISS 2 days (vape)\n\nPlease keep him off campus.\n\n"
        "--\nRuth Sosa\nAttendance & Discipline Clerk, Westpark High School\n"
    )
    result = scan(body, to="rames@cityofwestpark.gov", subject="this week")
    assert "student_record" in result.categories, result.classification.notes
    tech = scan(
        "The oss driver (2.4.18) still crackles for Eric Lindqvist after 3 days; the oss "
        "mixer needs the patch. Room 12 lab, fall semester.",
        to="dev-list@lists.example.org",
    )
    assert tech.categories == [], tech.classification.notes


def test_a_mark_written_as_a_percentage_beside_a_class_period(scan: Scan) -> None:
    body = (
        "note to self:\n\np3 - Marisol Quintero 48% on the first try\n"
        "p5 - Tobias Fenwick, whose grade is currently 57%\n"
    )
    result = scan(body, to="me.personal@gmail.com", subject="weekend grading")
    assert "student_record" in result.categories, result.classification.notes


def test_a_letter_greeting_the_parent_by_title_alone_names_their_child(scan: Scan) -> None:
    body = (
        "Sra. Villalobos,\n\nLe aviso que Emiliano Ruiz Villalobos vino a la enfermería hoy con "
        "dificultad para respirar; le dimos su albuterol según su plan de asma.\n\n"
        "Enfermería escolar\n"
    )
    result = scan(body, to="villalobos.casa@hotmail.com", subject="enfermería")
    assert "student_record" in result.categories, result.classification.notes


def test_a_teacher_of_theirs_makes_mail_about_a_person_school_mail(scan: Scan) -> None:
    body = (
        "Dr. Okafor,\n\nBefore Priya Raman's appointment Thursday: her PE teacher saw new "
        "cuts on her arm this week, and she stopped taking the fluoxetine.\n\n"
        "Lena Ortiz, counselor\n"
    )
    result = scan(body, to="dr.okafor@private-practice.example", subject="update")
    assert "student_record" in result.categories, result.classification.notes


def test_a_letter_to_an_address_without_a_display_name_is_about_its_reader(
    scan: Scan,
) -> None:
    body = (
        "Nati,\n\nAprobamos tu permiso médico del 2 de diciembre al 20 de enero. "
        "Tu sueldo sigue con el banco de días de enfermedad.\n\nDirector\n"
    )
    result = scan(body, to="nati.cardenas.77@gmail.com", subject="Tu permiso")
    assert "staff_record" in result.categories, result.classification.notes


def test_a_signature_without_diacritics_is_the_author_with_them(scan: Scan) -> None:
    body = (
        "Kinh gui quy phu huynh,\n\nHoi thao ve IEP va ke hoach 504 cho phu huynh hoc sinh "
        "vao thu Bay luc 10 gio sang.\n\nDo Minh Chau, tro giang Giao duc Dac biet\n"
    )
    sender = "Đỗ Minh Châu <mchau@westpark.k12.ca.us>"
    result = scan(body, to="families@lists.example.org", sender=sender, subject="Hoi thao IEP")
    assert result.categories == [], result.classification.notes


def test_shops_venues_agenda_items_and_job_titles_are_not_people(scan: Scan) -> None:
    bodies = [
        "Report Card Night is Thursday; Saigon Phat Supermarket and the Transcript Cafe "
        "sponsor the book fair. Bring your prescription card to the Walgreens clinic.",
        "Hola Sra. Ruiz, los uniformes se venden en Uniformes La Estrella, al lado de la "
        "Farmacia Prescripciones Lupita. La boleta de calificaciones sale el viernes.",
        "Closed session: Student Expulsion Matters - 2 cases (Ed. Code 48918); Public "
        "Employee Discipline/Dismissal.",
        "Dear Room 4 families, the permission slip for the Monterey Bay Aquarium trip is "
        "attached. If your child needs medication on the trip, talk to the nurse.",
    ]
    for body in bodies:
        result = scan(body, to="community-list@googlegroups.com")
        assert result.categories == [], (body, result.classification.notes)


def test_a_report_of_percentages_with_letter_grades_is_a_record(scan: Scan) -> None:
    body = (
        "Sra. Benavides:\n\nLe comparto las calificaciones de Julián Benavides:\n"
        "  Matemáticas: 61% (D-)\n  Ciencias: 73% (C)\n\nProfa. Inés Duarte\n"
    )
    result = scan(body, to="mbenavides@hotmail.com", subject="Calificaciones")
    assert "student_record" in result.categories, result.classification.notes


def test_a_grade_abbreviated_after_a_school_code_presents_a_student(scan: Scan) -> None:
    body = "Referral: Connor Vail (WHS gr 9) - diagnosed anxiety, 14 absences.\n\nDana Roos, LCSW\n"
    result = scan(body, to="intake@youth-services.example", subject="referral")
    assert _mention_roles(result).get("connor vail") == "student"
    assert "student_record" in result.categories, result.classification.notes


def test_weekdays_and_streets_are_not_people(scan: Scan) -> None:
    bodies = [
        "Kinh gui quy phu huynh,\n\nChuc mung em Khoa va em Vy! Thu Sau nay cac em se mang "
        "phieu diem ve nha.\n",
        "Report cards are in Family Access on the 24th. Walgreens on DeKalb Ave gives free "
        "flu shots; bring your child's prescription card.",
    ]
    for body in bodies:
        result = scan(body, to="families@lists.example.org")
        assert result.categories == [], (body, result.classification.notes)
