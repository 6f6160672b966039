"""How staff tell a reader that someone is a pupil without saying "student".

A parenthesis after the name ("(my room 22)", "(3rd per)", "(8.º)"), the
child's parent ("Kaylee's dad", "la mamá de ..."), a list of names each with
an allergy, a teacher's shorthand ("i called mom", "4th hr"), a record word in
the subject of a list of labelled names.  And the capitalised words that are
not people: the district's own name, holidays, a menu's weekdays, and a title
that ends the sentence before a name.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

from dlp import config
from dlp.model import Extraction, Finding, TextChunk
from dlp.pipeline import Scanner, ScanResult
from tests.conftest import ROOT, WESTPARK_CONFIG, make_message

Scan = Callable[..., ScanResult]
TEACHER = "Dana Whitfield <dwhitfield@westpark.k12.ca.us>"


def _roles(result: ScanResult) -> dict[str, str]:
    from dlp.decide.people import find_mentions

    return {m.key: m.role for m in find_mentions(result.extraction, result.findings, ())}


def test_a_pupil_placed_in_a_class_is_not_the_person_to_contact(scan: Scan) -> None:
    body = (
        "Hi Rhea, could you see Octavia Lindqvist (my room 14) this week? She has been "
        "crying at lunch and her grades dropped from a B to a 61 in science.\n\nDana\n"
    )
    result = scan(body, to="rhea.counsel@outlook.com", sender=TEACHER, subject="referral")
    assert _roles(result)["octavia lindqvist"] == "student"
    assert "student_record" in result.categories, result.classification.notes


def test_someone_whose_dad_is_mentioned_is_a_child(scan: Scan) -> None:
    body = (
        "Team - Bryce Kowalczyk's dad passed away over the weekend. I'm seeing him for "
        "grief counseling daily; please excuse late work this week.\n\nMarta\n"
    )
    result = scan(body, to="team8@gmail.com", sender=TEACHER, subject="Bryce")
    assert _roles(result)["bryce kowalczyk"] == "student"
    assert "student_record" in result.categories, result.classification.notes


def test_the_child_of_a_mother_named_in_spanish_is_a_student(scan: Scan) -> None:
    body = (
        "Hablé con la mamá de Emiliano Fajardo Ruiz sobre la suspensión de tres días por la "
        "pelea en el patio. Pide que le manden las tareas.\n\nLeticia\n"
    )
    result = scan(body, to="lfajardo.casa@gmail.com", sender=TEACHER, subject="suspensión")
    assert "student_record" in result.categories, result.classification.notes


def test_a_class_hour_is_not_human_resources(scan: Scan) -> None:
    body = (
        "5th hr rm 118 - dominic hargreaves threw a chair and swore at the sub, wrote him up, "
        "referral is in the system. second one this month.\n-KP\n"
    )
    result = scan(body, to="kp.coach@gmail.com", sender=TEACHER, subject="5th hr")
    assert _roles(result).get("dominic hargreaves") != "staff"
    assert "student_record" in result.categories, result.classification.notes


def test_a_lower_case_double_surname_makes_a_word_like_given_name_a_name(scan: Scan) -> None:
    body = (
        "rose okafor-lindgren pushed two kids off the slide at recess, 3rd referral. "
        "i called mom. nurse looked at the scrape.\n-m\n"
    )
    result = scan(body, to="m.sub.teacher@gmail.com", sender=TEACHER, subject="again")
    assert "student_record" in result.categories, result.classification.notes


def test_a_vietnamese_child_typed_in_lower_case_without_accents_is_named(scan: Scan) -> None:
    body = (
        "co oi, em pham gia huy phong 12 bi sot cao tu sang, me em noi em dang uong thuoc "
        "khang sinh. em co the nghi o nha khong? thanh\n"
    )
    result = scan(body, to="co.lan.nguyen@gmail.com", sender=TEACHER, subject="em huy")
    assert "pham gia huy" in _roles(result)
    assert "student_record" in result.categories, result.classification.notes


def test_a_list_of_names_each_with_an_allergy_is_a_list_of_pupils(scan: Scan) -> None:
    body = (
        "hi, allergies for thursday's trip:\n"
        "marisol quintero - peanuts (epipen in my bag)\n"
        "jonah feldman - dairy\n"
        "priya raman - celiac, nothing with gluten\n"
        "thanks\n"
    )
    result = scan(body, to="groups@orchardtours.com", sender=TEACHER, subject="lunch order")
    assert result.decision.verdict.value == "quarantine"
    assert "student_record" in result.categories, result.classification.notes


def test_the_districts_own_name_is_not_a_person(tmp_path: Path) -> None:
    # districts are often named after people: "Lewis Palmer School District"
    path = tmp_path / "config.yaml"
    path.write_text(
        WESTPARK_CONFIG.replace("West Park School District", "Lewis Palmer School District")
        + f"patterns: {ROOT / 'patterns'}\n"
    )
    body = (
        "Dear families,\n\nLewis Palmer Special Services invites every parent to our fall "
        "night on IEPs and 504 plans. We will walk through a sample IEP; no child's records "
        "are discussed.\n\nRSVP to the front office.\n"
    )
    raw = make_message(body, to="pta.president@gmail.com", subject="IEP night")
    result = Scanner(config.load(path)).scan(raw)
    assert result.categories == [], result.classification.notes


def test_thanksgiving_in_spanish_and_vietnamese_is_not_a_person(scan: Scan) -> None:
    body = (
        "Felicitamos a los alumnos del cuadro de honor: Daniela R., Tomás G. y Ana P.\n"
        "Próximas fechas: boletas de calificaciones el 14; vacaciones de Acción de Gracias "
        "del 25 al 29.\nLịch: 14/11 phát phiếu điểm; 25–29/11 nghỉ lễ Tạ Ơn.\n"
    )
    result = scan(body, to="redaccion@lavozlocal.com", subject="Boletín")
    roles = _roles(result)
    assert not any("gracias" in key or key == "ta on" for key in roles), roles
    assert result.categories == [], result.classification.notes


def test_a_menus_weekday_is_not_a_person() -> None:
    from dlp.decide.people import find_mentions

    text = "Lunch Menu - Week of Nov 11\nMON Chicken tenders, green beans, roll\n"
    start = text.index("MON")
    # the small NER model reads a menu line's "MON Chicken" as a person
    person = Finding("PERSON", 0.85, 0, start, start + len("MON Chicken"), role="person_name")
    extraction = Extraction((TextChunk("attachment:menu.pdf", text),))
    assert find_mentions(extraction, [person], ()) == []


def test_a_title_that_ends_a_sentence_is_not_the_next_names_title(scan: Scan) -> None:
    body = (
        "Mr. Adeyemi,\n\nYour registrar asked me to send this to you as the counselor. "
        "Tobias Grünewald (DOB 03/11/2009) has a 504 plan for ADHD: extended time and "
        "preferential seating.\n\nRegistrar, West Park High School\n"
    )
    result = scan(body, to="counselor@otherdistrict.org", subject="504 for Tobias")
    assert _roles(result)["tobias grunewald"] == "student"
    assert "staff_record" not in result.categories, result.classification.notes
    assert "student_record" in result.categories, result.classification.notes


def test_a_title_addressing_the_reader_is_not_the_next_names_title(scan: Scan) -> None:
    body = (
        "fyi for the weekend\n\n> Coach, for Saturday's meet in Fresno: Lucinda Abernethy "
        "(type 1 diabetes) wears an insulin pump. If she reads under 70 give juice and "
        "recheck. Her mom's cell is (559) 555-0142.\n>\n> Nurse Kim\n"
    )
    result = scan(body, to="coach.t@gmail.com", sender=TEACHER, subject="Fwd: meet")
    assert _roles(result)["lucinda abernethy"] != "staff"
    assert "student_record" in result.categories, result.classification.notes
    assert "staff_record" not in result.categories, result.classification.notes


def test_a_record_word_in_the_subject_covers_the_labelled_names_listed(scan: Scan) -> None:
    body = (
        "Maurice,\n\nHere's the export you asked for:\n\n"
        "ID: 5521034 | Name: Okonjo, Felicity | Course: CHEM-02 | Old: 52 | New: 78\n"
        "ID: 5523391 | Name: Brandvold, Ingrid | Course: ENG-04 | Old: 64 | New: 71\n\n"
        "Lorna\n"
    )
    result = scan(body, to="maurice@gradevault.co", subject="Grade change audit")
    assert "student_record" in result.categories, result.classification.notes


def test_a_spanish_ordinal_grade_after_last_first_names_a_pupil(scan: Scan) -> None:
    body = (
        "Les mando las notas para la junta:\n\n"
        "Ibarra Solís, Joaquín Andrés (7.º): Inglés 52, Matemáticas 58, Ciencias 44.\n\n"
        "Rubén\n"
    )
    result = scan(body, to="junta@westpark-k12.ca.us", subject="Notas - Ibarra Solís")
    assert "student_record" in result.categories, result.classification.notes


def test_a_birth_date_written_nacida_el_is_a_date_of_birth(scan: Scan) -> None:
    body = (
        "Buenas,\n\nLes reenvío los datos para la inscripción: Renata Ochoa Villegas, nacida "
        "el 09/05/2017, viene de Chihuahua.\n\nYesenia\n"
    )
    result = scan(body, to="inscripciones@gmail.com", subject="inscripción")
    assert any(f.role == "date_of_birth" for f in result.findings)
    assert "student_record" in result.categories, result.classification.notes


def test_a_team_greeted_by_name_is_not_a_student(scan: Scan) -> None:
    body = (
        "Hi Voces del Valle team,\n\nWe need a Spanish interpreter for an IEP meeting on "
        "Thursday at 3:30 in the Ridgeview conference room; it includes an evaluation "
        "review.\n\nPlease bill PO 25-00871.\n"
    )
    result = scan(body, to="scheduling@vocesdelvalle.com", subject="interpreter request")
    assert result.categories == [], result.classification.notes


def test_a_job_posting_sent_to_a_priest_names_no_employee(scan: Scan) -> None:
    body = (
        "Hola Padre Ignacio,\n\n¿Nos ayuda a anunciar esta vacante en el boletín?\n\n"
        "SE BUSCA: ASISTENTE DE INSTRUCCIÓN BILINGÜE\nSueldo: $22.40 a $27.15 por hora\n"
        "Solicitar en la oficina de Recursos Humanos.\n\nGracias,\nMarisela\n"
    )
    result = scan(body, to="parroquia.sanjose@gmail.com", subject="vacante")
    assert "staff_record" not in result.categories, result.classification.notes


def test_a_liaisons_title_is_neither_a_name_nor_a_student(scan: Scan) -> None:
    body = (
        "Families in temporary housing can enroll right away, even without records. Ask for "
        "the McKinney-Vento liaison, Odalys Ferreira, 530-555-0131. Bring any current IEP or "
        "504 plan so services start on day one.\n\n"
        "Odalys Ferreira\nMcKinney-Vento Liaison / Family Support\n"
    )
    result = scan(body, to="shelter.director@gmail.com", subject="enrollment flyer")
    assert result.categories == [], result.classification.notes


def test_an_employee_number_outweighs_the_grade_the_teacher_teaches(scan: Scan) -> None:
    body = (
        "Paul,\n\nSummative evaluation for Tristan Okoro-Lindahl (Emp. 40318, provisional, "
        "grade 7 math) is done: Basic overall, Unsatisfactory on criterion 3. I am "
        "recommending a plan of improvement.\n\nKaren\n"
    )
    result = scan(body, to="paul@westpark.k12.ca.org", subject="summative")
    assert "staff_record" in result.categories, result.classification.notes
    assert "student_record" not in result.categories, result.classification.notes


def test_a_name_after_a_spaced_dash_is_read_on_its_own(scan: Scan) -> None:
    body = (
        "Hi Beth,\n\nIEP Progress Report - Chidera Okonkwo, Gr. 3\n"
        "Goal: Reading fluency | Baseline: 38 | Q2: 57 | Status: Progressing\n"
        "Eligibility: Specific Learning Disability + ADHD. Accommodations: breaks.\n\nTanya\n"
    )
    result = scan(body, to="beth@westpark-k12.ca.us", subject="Q2 progress")
    assert "student_record" in result.categories, result.classification.notes


def test_a_passport_number_of_another_country_is_a_high_risk_id(scan: Scan) -> None:
    body = (
        "Estimada Lic. Arriaga:\n\nPara la extensión de la visa J-1 le envío los datos:\n"
        "Pasaporte español n.º PXK418203, expedido en Sevilla, vence 11/2029\n"
    )
    result = scan(body, to="visas@intercambio.org", subject="J-1")
    assert "high_risk_id" in result.categories, result.classification.notes


def test_a_pupil_named_only_in_the_subject_is_the_subject_of_the_body(scan: Scan) -> None:
    body = (
        "Hi Mrs. Ferrante,\n\nQuick summary since the meeting:\n"
        "- the plan still gives her extended time on tests\n"
        "- math is sitting at a D, her quiz scores are 60-70%\n"
        "- the counselor is checking in Mondays\n\nHollie\n2nd grade, Oakmoor Elementary\n"
    )
    result = scan(body, to="tutor.ferrante@gmail.com", subject="Re: Marisol Brandt - 504 follow up")
    assert "student_record" in result.categories, result.classification.notes


def test_a_newsletters_title_in_the_subject_is_not_a_pupil(scan: Scan) -> None:
    body = (
        "Dear families,\n\nReport Card Night is Thursday. Teachers will be in their rooms "
        "from 5 to 7.\n\nPrincipal Ramon Cisneros\n"
    )
    result = scan(body, to="pta.news@gmail.com", subject="Toro Talk - November newsletter")
    assert result.categories == [], result.classification.notes


def test_mail_wrapped_wider_than_usual_keeps_its_paragraphs(scan: Scan) -> None:
    lines = [  # a client that wraps near 110 columns: the name and the record are lines apart
        "Con permiso de su hermana le explico lo que paso esta semana: a Octavio Ramírez Pineda",
        "lo mandaron a la casa tres dias (del 13 al 17 de marzo) por pelear en el "
        "estacionamiento con otro",
        "muchacho de noveno. El subdirector dijo que si vuelve a pasar lo pueden mandar a una "
        "audiencia de",
        "expulsion, y tambien que esta reprobando Algebra y Quimica desde enero, segun su "
        "maestra de ciencias.",
    ]
    body = "Buenas noches Sr. Ramírez,\n\n" + "\n".join(lines) + "\n\nLuz\n"
    assert 100 < max(len(x) for x in lines) <= 132
    result = scan(body, to="tio.octavio@hotmail.com", subject="Re: lo que paso")
    assert "student_record" in result.categories, result.classification.notes


def test_a_school_named_after_its_kind_is_a_place(scan: Scan) -> None:
    body = (
        "Estimadas familias:\n\nLos invitamos a un taller en la biblioteca de la\n"
        "Escuela Secundaria Sandhill Crane.\n\nTemas:\n  • ¿Qué es un IEP y quién tiene derecho "
        "a uno?\n  • Planes 504 y sus derechos bajo FERPA\n"
    )
    result = scan(body, to="familias.lista@gmail.com", subject="taller")
    assert result.categories == [], result.classification.notes


def test_an_unaccented_be_before_a_vietnamese_family_name_is_a_child(scan: Scan) -> None:
    body = (
        "Chao chi Hoa,\n\nEm la thay Tuan o truong. Hom qua CPS da den nha be Duong Phuong "
        "Uyen vi truong co mandated report ve vet bam tren tay be.\n\nThay Tuan\n"
    )
    result = scan(body, to="di.hoa@icloud.com", subject="chuyen cua be")
    assert "student_record" in result.categories, result.classification.notes


def test_a_number_right_after_the_word_student_is_a_student_id(scan: Scan) -> None:
    body = "Same issue for student 3188042 (Riley Okafor): Algebra I S1 grade 49 will not post.\n"
    result = scan(body, to="support@gradebookpro.com", subject="Ticket 55190 follow-up")
    assert any(f.role == "student_id" for f in result.findings)
    assert "student_record" in result.categories, result.classification.notes


def test_a_spanish_list_with_student_numbers_and_birth_dates_is_a_roster(
    scanner: Scanner,
) -> None:
    names = [
        ("Aguilar Ríos", "Fernanda"), ("Bautista Cruz", "Diego"), ("Castillo Mejía", "Brayan"),
        ("Domínguez Pérez", "Valeria"), ("Escobar Luna", "Ana Sofía"), ("Flores Tzul", "Kevin"),
        ("García Xol", "Yesenia"), ("Hernández Soto", "José Luis"), ("Ixcoy Ramos", "Marvin"),
        ("Juárez Solís", "Daniela"), ("López Cano", "Emily"),
    ]  # fmt: skip
    rows = [
        f"{last},{first},31{i:05d},{10 + i}/0{1 + i % 9}/2012,3.{i}"
        for i, (last, first) in enumerate(names)
    ]
    csv = "Apellidos,Nombre,No. estudiante,Fecha nac. (dd/mm/aaaa),Nivel ACCESS\n" + "\n".join(rows)
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = TEACHER, "datos@accesslist.org", "Lista ACCESS"
    msg.set_content("Aquí está la lista que pidió.\n")
    msg.add_attachment(csv.encode(), maintype="text", subtype="csv", filename="lista.csv")
    result = scanner.scan(msg.as_bytes())
    assert {"bulk_roster", "student_record"} <= set(result.categories), result.classification.notes


def test_a_surname_in_capitals_with_mc_before_the_given_name_is_a_name(scan: Scan) -> None:
    body = (
        "Re: McGAHEE, Brantley (2nd grade, Mrs. Lott)\n\nMr. McGahee, Brantley came to see me "
        "twice today wheezing after PE. His inhaler in the clinic is empty; please bring a new "
        "one.\n\nRenata Oyelaran, RN\nSchool Nurse\n"
    )
    result = scan(body, to="b.mcgahee@yahoo.com", subject="Clinic note")
    assert "student_record" in result.categories, result.classification.notes


def test_a_vietnamese_name_in_capitals_with_accents_is_a_name(scan: Scan) -> None:
    body = (
        "Anh Khoa, tuần này nhờ nhóm tình nguyện kèm các em: BÙI NGỌC HÂN (lớp 6) đang rớt môn "
        "Toán (49) và có kế hoạch 504 vì ADHD.\n\nLinh\n"
    )
    result = scan(body, to="nhom.tinh.nguyen@gmail.com", subject="Danh sách em cần kèm")
    assert "student_record" in result.categories, result.classification.notes


def test_a_child_who_does_not_want_to_live_is_a_health_record(scan: Scan) -> None:
    body = (
        "Mandy, em Lê Tường Vy (7th) wrote in her journal that she 'không muốn sống nữa' - "
        "doesn't want to live anymore. Please see her this morning.\n\nLinh\n"
    )
    result = scan(body, to="mandy.counsel@gmail.com", subject="urgent")
    assert "student_record" in result.categories, result.classification.notes


def test_the_pupils_of_a_named_school_are_not_a_named_pupil(scan: Scan) -> None:
    body = (
        "Para su segmento comunitario: desayuno y almuerzo gratis para todos los alumnos de "
        "Satilla Bend y Brantley Oaks. Si su hijo tiene alergias, comuníquese con la enfermera.\n"
    )
    result = scan(body, to="radio@lavozcostera.com", subject="Menú escolar")
    assert result.categories == [], result.classification.notes


def test_a_father_barred_from_pickup_by_a_judge_is_a_custody_record(scan: Scan) -> None:
    body = (
        "Para el programa después de clases: la mamá trajo la orden del juez. El papá NO puede "
        "recoger a Mateo Salgado Quiroz (1er grado). Solo la mamá y la abuela.\n"
    )
    result = scan(body, to="guarderia.estrellita@gmail.com", subject="Quién puede recoger")
    assert "student_record" in result.categories, result.classification.notes


def test_a_vietnamese_greeting_is_not_part_of_a_name(scan: Scan) -> None:
    body = (
        "Chao anh Hung,\n\nNam hoc nay hoc khu co 194 hoc sinh noi tieng Viet o nha; 38 em co "
        "ke hoach 504 hoac IEP. Chung toi khong cung cap so lieu cho nhom duoi 10 em.\n"
    )
    result = scan(body, to="toasoan@nguoiviet.com", subject="so lieu hoc sinh")
    assert result.categories == [], result.classification.notes


def test_an_acronym_ending_a_sentence_ends_its_title(scan: Scan) -> None:
    body = (
        "Sra. Mondragón: recibimos la orden de protección. La niña está en cuidado temporal "
        "con usted según la trabajadora social de DHS. Lucía Mondragón Pérez ya no puede irse "
        "con el papá.\n"
    )
    result = scan(body, to="abuela.mondragon@gmail.com", subject="quién puede recoger")
    assert "student_record" in result.categories, result.classification.notes


def test_a_failing_mark_written_in_vietnamese_is_a_record(scan: Scan) -> None:
    body = (
        "Chào chị Lan, em Linh đang bị điểm F môn Đại số 1 và thiếu bài tập.\n\n"
        "> Thưa thầy, tôi là mẹ của Nguyễn Thị Linh lớp 9. Xin thầy cho biết điểm của cháu.\n"
    )
    result = scan(body, to="lan.nguyen.me@gmail.com", subject="Re: hỏi về điểm của cháu")
    assert "student_record" in result.categories, result.classification.notes


def test_a_state_student_id_in_a_help_ticket_identifies_the_student(scan: Scan) -> None:
    body = (
        "Support,\n\nThe accommodations tab errors out for SASID 2093317405 (gr 6, Oak Street). "
        "Her plan lists extended time and a reader for dyslexia; the team meets Friday.\n"
    )
    result = scan(body, to="help@iep-portal.example", subject="tab error")
    assert "student_record" in result.categories, result.classification.notes


def test_a_child_labelled_with_a_nickname_in_quotes_is_named(scan: Scan) -> None:
    body = (
        'Child: Tobias "Toby" Marchetti-Ruiz, age 8, grade 3\n'
        "He told the nurse he was hit with a cord at home. He has an IEP for autism.\n"
    )
    result = scan(body, to="hotline.intake@gmail.com", subject="follow-up")
    assert "student_record" in result.categories, result.classification.notes


def test_a_student_named_in_a_lower_case_subject_is_its_subject(scan: Scan) -> None:
    body = (
        "Sending what we have before the move: WISC-V FSIQ 79, working memory 71. "
        "She qualified under specific learning disability in math last spring.\n"
    )
    result = scan(body, to="psych.office@gmail.com", subject="testing for emma kowalski")
    assert "student_record" in result.categories, result.classification.notes


def test_a_vietnamese_teaching_assistants_warning_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Anh Tuan oi, co Le Ngoc Han (tro giang lop 2 o truong Oak) vua bi thu canh cao vi "
        "nghi nhieu, va bi giu luong mot thang. Dung noi voi ai nhe.\n"
    )
    result = scan(body, to="tuan.family@gmail.com", subject="chuyen truong")
    assert "staff_record" in result.categories, result.classification.notes


def test_a_school_named_after_the_land_is_not_a_pupil(scan: Scan) -> None:
    body = (
        "Board members,\n\nPercent proficient by school:\n"
        "  Cedar Hollow   41%   (gr 5)\n  Oak Bluff      37%   (gr 8)\n\n"
        "These are the public figures the state will post next week.\n"
    )
    result = scan(body, to="board.member3@gmail.com", subject="assessment results summary")
    assert result.categories == [], result.classification.notes


def test_a_letter_greeting_a_nun_names_no_staff_member(scan: Scan) -> None:
    body = (
        "Hermana Lucía:\n\nLe mando la solicitud de evaluación en blanco para las familias "
        "de la parroquia.\n\nSaludos,\nInés\n"
    )
    result = scan(body, to="parroquia.sanjose@gmail.com", subject="solicitud de evaluación")
    assert result.categories == [], result.classification.notes


def test_a_note_that_a_w2_reprint_is_ready_is_not_a_personnel_record(scan: Scan) -> None:
    body = (
        "Hi Renata,\n\nYour W-2 reprint is at the payroll window; bring a photo ID. "
        "Please don't email your SSN.\n\nPayroll\n"
    )
    result = scan(body, to="renata.home@yahoo.com", subject="W-2 reprint")
    assert result.categories == [], result.classification.notes


def test_a_surname_first_in_capitals_inside_a_sentence_names_the_student(scan: Scan) -> None:
    body = (
        "Equipo: hoy hice la evaluación de riesgo con DE LA ROSA, VALENTINA después de lo que "
        "dijo en clase. Ideación pasiva, sin plan. Plan de seguridad firmado con la mamá.\n"
    )
    result = scan(body, to="equipo.apoyo@gmail.com", subject="seguimiento (gr 8)")
    assert result.categories == ["student_record"], result.classification.notes


def test_a_particle_alone_before_a_comma_in_capitals_is_read_without_error(scan: Scan) -> None:
    body = "Apoyo del IEP para padres, aula LA, MARTES y JUEVES a las 3. Traigan preguntas.\n"
    result = scan(body, to="padres.club@gmail.com", subject="taller IEP")
    assert result.categories == [], result.classification.notes


def test_a_name_with_a_generation_suffix_in_capitals_is_still_a_name(scan: Scan) -> None:
    body = (
        "Court update:\n\nRAMOS JR, DANIEL  DOB 02/14/2010  Gr 9\n"
        "- 3 unexcused absences since the hearing, 1 tardy\n\nRecommend continuance.\n"
    )
    result = scan(body, to="clerk.jp3@gmail.com", subject="30-day update")
    assert "student_record" in result.categories, result.classification.notes


def test_a_teachers_summative_evaluation_sent_to_them_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Marisa,\n\nHere is your T-TESS summative as we discussed:\n"
        "Domain 2 Instruction: Developing\nDomain 3 Learning Environment: Proficient\n"
        "You will be on a professional growth plan through March.\n\nDr. Okafor, Principal\n"
    )
    result = scan(body, to="Marisa Delgado <marisa.delgado77@gmail.com>", subject="your copy")
    assert "staff_record" in result.categories, result.classification.notes


def test_a_vietnamese_month_is_not_a_person(scan: Scan) -> None:
    body = (
        "Bản tin Tháng Chín: chúc mừng các em học sinh đi học đầy đủ: Bảo N., Vy T., Khang L. "
        "Em nào bị bệnh xin phụ huynh gọi văn phòng.\n"
    )
    result = scan(body, to="phuhuynh.lop5@gmail.com", subject="bản tin")
    assert result.categories == [], result.classification.notes


def test_a_spanish_office_name_is_not_a_person() -> None:
    from dlp.decide.people import find_mentions

    text = "Alumno: (nombre)\nPrecio reducido: 40 centavos\n\nOficina de Nutrición Infantil\n"
    start = text.index("Nutrición")
    # the small NER model reads an office named in Spanish as a person
    person = Finding(
        "PERSON", 0.85, 0, start, start + len("Nutrición Infantil"), role="person_name"
    )
    extraction = Extraction((TextChunk("body", text),))
    assert find_mentions(extraction, [person], ()) == []


def test_a_job_title_after_a_labelled_name_is_not_part_of_it(scan: Scan) -> None:
    body = (
        "Registration for the attendance conference:\n"
        "- Name: Doan Van Tien, Attendance Officer, Oakridge ISD\n"
        "- Session: McKinney-Vento and truancy prevention\n"
    )
    result = scan(
        body,
        to="register@attendance-conf.example",
        sender="Doan Van Tien <dtien@westpark.k12.ca.us>",
        subject="registration",
    )
    assert result.categories == [], result.classification.notes


def test_a_title_after_our_later_in_the_sentence_is_someone_elses(scan: Scan) -> None:
    body = (
        "Mrs. Ortega,\n\nLiam Ortega (#12) was checked by our athletic trainer on Saturday and "
        "diagnosed with a concussion. He sits out until a physician clears him.\n\nCoach Reyes\n"
    )
    result = scan(body, to="ortega.family@yahoo.com", subject="Liam - return to play")
    assert _roles(result)["liam ortega"] != "staff"
    assert "student_record" in result.categories, result.classification.notes


def test_a_title_and_surname_later_in_the_message_are_the_person_named_in_full(
    scan: Scan,
) -> None:
    body = (
        "Hi Pat,\n\nMs. Whitcomb-Reyes worked for us as a library aide from 2019 to 2024. "
        "Her last evaluation was Needs Improvement and she received a written reprimand.\n"
    )
    result = scan(
        body, to="hr@otherdistrict.example", subject="RE: reference - Dana Whitcomb-Reyes"
    )
    assert "staff_record" in result.categories, result.classification.notes


def test_a_surname_first_name_with_details_in_brackets_is_a_name(scan: Scan) -> None:
    body = (
        "Summary of the amendment agreed on 10/3 for Castillo, Noemi (6th grade): speech "
        "services increased to 90 minutes a month and oral administration of tests.\n"
    )
    result = scan(body, to="records@county-ed.example", subject="amendment summary")
    assert "student_record" in result.categories, result.classification.notes


def test_a_presenter_in_brackets_on_an_agenda_line_is_not_a_pupil(scan: Scan) -> None:
    body = (
        "Agenda for the refresher:\n"
        " 9:00  Section 504 eligibility and accommodation plans\n"
        "10:15  Dyslexia screening basics (Harriet Okonkwo)\n"
        "10:45  Case studies with fictional students\n"
    )
    result = scan(body, to="staff.list@gmail.com", subject="agenda")
    assert result.categories == [], result.classification.notes


def test_a_name_in_a_quoted_spanish_header_is_not_a_pupil(scan: Scan) -> None:
    body = (
        "Traiga el acta de nacimiento y la cartilla de vacunas; no pedimos estatus migratorio.\n\n"
        "-----Mensaje original-----\nDe: Marta Ruiz Ochoa\nEnviado: martes\n"
        "Asunto: inscribir a mi hijo\nQuiero inscribir a mi hijo en 5º grado.\n"
    )
    result = scan(body, to="marta.ruiz.o@gmail.com", subject="RE: inscribir a mi hijo")
    assert result.categories == [], result.classification.notes


def test_places_events_and_deputies_are_not_people(scan: Scan) -> None:
    body = (
        "Student drills this spring: Deputy Nguyen will run the lockdown drill in 2nd period. "
        "Grades are not affected. Families from the Gulf Coast Feria de Empleo and from Viet Nam "
        "are welcome at the student showcase.\n"
    )
    result = scan(body, to="families.news@gmail.com", subject="spring drills")
    assert result.categories == [], result.classification.notes


def test_a_capitalised_phrase_that_starts_with_an_everyday_word_names_nobody(
    scan: Scan,
) -> None:
    drill = (
        "Student drills this spring: Window Rock will host the lockdown drill in 2nd period. "
        "Grades are not affected.\n"
    )
    showcase = (
        "Student showcase: Summit Trail welcomes families; report cards and grades come home "
        "next week.\n"
    )
    for body in (drill, showcase):
        result = scan(body, to="families.news@gmail.com", subject="news")
        assert result.categories == [], result.classification.notes
    # given names no list holds are still names: "Idris", "Pasang" are not everyday words,
    # and word names given to children since 2000 ("Journey") are listed as names
    for pupil in (
        "Idris Fofanah (gr 1) missed 9 days this month and has a behaviour plan.\n",
        "Pasang Sherpa has a D in English and a behaviour plan.\n",
        "Journey Whitfield has a D in English and a behaviour plan.\n",
    ):
        result = scan(pupil, to="tutor.help@gmail.com", subject="kids")
        assert "student_record" in result.categories, (pupil, result.classification.notes)


def test_a_pay_notice_greeting_a_shortened_first_name_is_about_its_reader(scan: Scan) -> None:
    body = (
        "hi kimberly,\nper our phone call your verified years only support step 5, so you were "
        "overpaid $1,412.60 over the last three checks. your new annual salary is $54,980.\n\n"
        "lupita\npayroll tech\n"
    )
    result = scan(body, to="kim nez <kimnez_teach@yahoo.com>", subject="overpayment")
    assert "staff_record" in result.categories, result.classification.notes


def test_the_number_of_a_regulation_is_not_an_employee_id(scan: Scan) -> None:
    body = (
        "Resumen de los cambios al Reglamento 4310:\n- El empleado con licencia médica aprobada "
        "puede usar sus días de enfermedad.\n- La nota de regreso no debe decir el diagnóstico.\n"
    )
    result = scan(body, to="info@casa-comunitaria.example", subject="Reglamento 4310")
    assert result.categories == [], result.classification.notes


def test_a_newsletters_reminder_section_is_not_about_the_honorees_above(scan: Scan) -> None:
    body = (
        "HR CONNECTION - March\n\nCONGRATULATIONS\n* Priya Raghunathan (chemistry, Ridge HS) is "
        "our Teacher of the Year!\n* Congratulations to bus driver Lorraine Baptiste on 1,000 "
        "accident-free routes.\n\nREMINDERS\n* Medical leave: employees requesting medical leave "
        "of more than 3 days must submit a provider certification.\n\nShared with our partners "
        "at the Springfield Courier for the community page.\n"
    )
    result = scan(body, to="community@springfield-courier.example", subject="HR Connection")
    assert result.categories == [], result.classification.notes


def test_vietnamese_uncles_countries_and_festivals_are_not_people(scan: Scan) -> None:
    form = (
        "Chú Hùng, con gửi chú mẫu đơn nghỉ phép còn trống. Chú điền phần đầu, bác sĩ điền "
        "phần III.\n\nThùy Linh\n"
    )
    training = (
        "Lich tap huan tro giang:\n16/4 - Ky luat hoc sinh khuyet tat\n23/4 - FERPA: khong noi "
        "chuyen ve hoc sinh\n\nCo phien dich tieng Viet va tieng Tay Ban Nha.\n"
    )
    menu = (
        "Thu Hai: ga nuong, com\nThu Tu: pho ga (mon dac biet Tet Hoa Binh)\n\nBua sang mien "
        "phi cho tat ca hoc sinh. Dang ky an trua mien phi tren cong thong tin.\n"
    )
    for body in (form, training, menu):
        result = scan(
            body,
            to="phuhuynh.list@gmail.com",
            sender="Vo Thuy-Linh <thuylinh.vo@westpark.k12.ca.us>",
            subject="thong bao",
        )
        assert result.categories == [], (body[:20], result.classification.notes)


def test_a_name_after_a_capitalised_spanish_word_is_still_found(scan: Scan) -> None:
    body = (
        "Hola Génesis,\n\nComo ahora están en el albergue (9155 Richmond Hwy, Fort Belvoir VA "
        "22060) sus hijos siguen en sus escuelas. Para Kevin Josué Mejía Alvarado el bus pasa "
        "por el albergue a las 6:52.\n\nYesenia\n"
    )
    result = scan(body, to="genesis.alvarado.m@gmail.com", subject="RE: los niños y la escuela")
    assert "student_record" in result.categories, result.classification.notes


def test_a_teachers_home_address_block_under_her_name_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Hi! Could you deliver the spring arrangement ($65) to one of my teachers who just had "
        "surgery? She's home recovering so please leave it on the porch if no answer.\n"
        "Yvette Delacroix\n9013 Sidney Rd, Springfield VA 22152\nher cell 703-555-0163\n"
        "Thanks, Harriet\n"
    )
    result = scan(
        body,
        to="orders@petalandstem.example",
        sender="Harriet Pellegrino <hpellegrino@westpark.k12.ca.us>",
        subject="delivery for Friday",
    )
    assert "staff_record" in result.categories, result.classification.notes


def test_pay_on_a_line_with_an_employee_number_is_personnel_information(scan: Scan) -> None:
    body = (
        "These four have identical seniority dates:\n\n"
        "Linh Tran-Haskins, EE 31190, hire 08/22/2016, $68,420, ESL\n"
        "Corbin Weatherly, EE 31244, hire 08/22/2016, $64,980, ESL\n\nDesmond\n"
    )
    result = scan(body, to="jmercer@harrowgate-law.example", subject="RIF seniority ties")
    assert "staff_record" in result.categories, result.classification.notes


def test_a_birth_date_in_mail_about_new_hires_belongs_to_an_employee(scan: Scan) -> None:
    body = (
        "Please run the transportation package on these new hires, start date 3/3:\n\n"
        "1) Darnell Voss - DOB 08/02/1988 - 4417 Pohick Rd, Lorton VA 22079\n"
        "2) Sheree Oyelaran - DOB 11/23/1979 - 7711 Rolling Rd, Springfield VA 22153\n\nDesmond\n"
    )
    result = scan(body, to="orders@screening.example", subject="2 new bus drivers")
    assert "staff_record" in result.categories, result.classification.notes
    assert "student_record" not in result.categories, result.classification.notes
    # a nurse's own title under her name does not make her pupils' list mail about staff
    roster = (
        "Hi, these need the recheck on 11/17:\nBryant, Leah - DOB 12/21/2017\n\n"
        "Megan Oleary\nDistrict School Nurse\nHealth Services\n"
    )
    result = scan(
        roster, to="screening@health.example", sender="Megan Oleary <mo@westpark.k12.ca.us>"
    )
    assert "staff_record" not in result.categories, result.classification.notes


def test_a_title_ending_the_line_above_or_naming_a_note_is_not_the_pupils(scan: Scan) -> None:
    statement = (
        "Written statement - Renata Kowalczyk, substitute, 02/26/2025\n"
        "I asked Jayden Whitcombe to sit down several times. I did not know he had an IEP or "
        "a behavior plan.\n"
        "School nurse note: Jayden Whitcombe, DOB 06/11/2017. Redness left forearm, ice pack.\n"
    )
    result = scan(statement, to="intake@law-firm.example", subject="statement + nurse note")
    assert "student_record" in result.categories, result.classification.notes


def test_an_adults_birth_date_does_not_make_a_pupil(scan: Scan) -> None:
    body = (
        "Volunteer chaperone forms for the museum trip:\n"
        "Dolores Fairweather - DOB 04/09/1971 - cleared\n"
        "Agustin Bellamy - DOB 12/30/1984 - cleared\n"
    )
    result = scan(body, to="trips@museum-tours.example", subject="chaperones")
    assert "student_record" not in result.categories, result.classification.notes


def test_a_lower_case_name_in_the_subject_with_the_addressed_familys_surname_is_a_name(
    scan: Scan,
) -> None:
    body = (
        "Ms. Lirette,\n\nFollowing up on our phone call. Your son will serve out-of-school "
        "suspension Tuesday through Thursday for the vape incident on Monday.\n\nDwayne\n"
    )
    result = scan(body, to="lirette.shanna@yahoo.com", subject="brody lirette - suspension 3/4")
    assert "student_record" in result.categories, result.classification.notes


def test_a_menu_day_a_nickname_in_quotes_and_a_grouped_licence_number(scan: Scan) -> None:
    menu = (
        "ESY Week 1 Menu (all ESY students eat free this summer - no application needed)\n\n"
        " Mon  Breakfast: yogurt parfait | Lunch: turkey wrap, carrots, apple\n"
        " Tue  Breakfast: whole-grain waffle | Lunch: chicken tacos, black beans\n"
        " Wed  Breakfast: egg & cheese muffin | Lunch: pasta with meat sauce, salad\n"
        " Thu  Breakfast: cereal & banana | Lunch: walleye sandwich (Bay Gull Co-op)\n\n"
        "Nut-free kitchen. "
        "If your child has a food allergy or a dietary order from a doctor, please send the "
        "form to the nurse.\n"
    )
    result = scan(menu, to="ram.family@gmail.com", subject="ESY menu")
    assert result.categories == [], result.classification.notes
    disclosure = (
        "Enclosed are the documents we intend to rely on:\n\n"
        ' 1. IEP dated 9/17/2024 (Addison "Addie" Vromans, Emotional Impairment, 150 min/week '
        "social work)\n 2. Semester 1 grades: Algebra I - F (48%)\n"
    )
    result = scan(disclosure, to="jsheridan@law-firm.example", subject="disclosure")
    assert "student_record" in result.categories, result.classification.notes
    driver = (
        "Our driver will be Russ Heikkinen.\n  Michigan CDL number: H 524 118 907 335, class B\n"
    )
    result = scan(driver, to="transport@other-district.example", subject="driver info")
    assert "high_risk_id" in result.categories, result.classification.notes


def test_a_name_run_into_the_next_label_is_still_the_name(scan: Scan) -> None:
    body = (
        "To the parent/guardian of: Marcus Thibodeaux-Grant Date of birth: 06/21/2009\n"
        "Your child has been absent without a valid excuse for 7 days this semester.\n"
    )
    result = scan(body, to="parent.home@gmail.com", subject="attendance letter")
    assert "student_record" in result.categories, result.classification.notes


def test_a_coach_signing_with_a_short_name_is_the_author_and_the_subject_names_the_player(
    scan: Scan,
) -> None:
    body = (
        "Mr. Hebert,\n\nOur starting QB finished S1 with a 1.86 GPA (F in Algebra II, D in "
        "English III) and is below the 2.0 for second semester. Does the recalculated 2.05 "
        "count for eligibility?\n\nThanks,\nCoach Rey Batiste\nAthletic Director\n"
    )
    result = scan(
        body,
        to="eligibility@hsaa.example",
        sender="Reynaldo Batiste <reynaldo.batiste@westpark.k12.ca.us>",
        subject="Elig question - Boudreaux, Trey",
    )
    assert "student_record" in result.categories, result.classification.notes
    assert not any("batiste" in note.lower() for note in result.classification.notes)


def test_a_lower_case_subject_name_matches_the_accented_family_greeted(scan: Scan) -> None:
    body = (
        "Sr. Rodríguez:\n\nComo hablamos por teléfono, su hijo tendrá 2 días de suspensión "
        "fuera de la escuela por la pelea en el autobús.\n\nDwayne\n"
    )
    result = scan(body, to="yoelrp.papa@yahoo.com", subject="yoel rodriguez pupo - suspensión")
    assert "student_record" in result.categories, result.classification.notes


def test_pay_on_rows_opening_with_employee_numbers_is_a_staff_record(scan: Scan) -> None:
    body = (
        "Three new hires for the HR module test load:\n"
        "E12044 Caleb Ingram, Step 2 BA, $49,660\n"
        "E12045 Mai Lương, Step 1 MA, $53,570\n\n--\nBrian\n"
    )
    result = scan(body, to="imports@sis-vendor.example", subject="HR module import - new hires")
    assert "staff_record" in result.categories, result.classification.notes
    assert "student_record" not in result.categories, result.classification.notes


def test_the_author_signing_with_a_nickname_or_credentials_is_not_the_subject(scan: Scan) -> None:
    body = (
        "Hello,\n\nPer the family's request, the OT summary for Easton Yoder (age 7): significant "
        "delays in fine motor skills. School-based OT 30 min/week under his IEP.\n\n"
        "-- \nMegan Hale, OTR/L\nOccupational Therapist\n"
    )
    result = scan(
        body,
        to="referrals@therapy.example",
        sender='"Megan Hale", OTR/L <mhale@westpark.k12.ca.us>',
        subject="OT evaluation summary",
    )
    assert "staff_record" not in result.categories, result.classification.notes
    assert "student_record" in result.categories, result.classification.notes


def test_a_lower_case_pupil_with_a_given_name_popular_since_2000_is_named(scan: Scan) -> None:
    body = (
        "Agree we need more data before we write the BIP.\n\n"
        "> tucker lindahl had 3 more incidents this week. Principal gave 2 days OSS for "
        "Tuesday. Mom says he stopped his Focalin over break.\n"
    )
    result = scan(body, to="private.therapist@gmail.com", subject="Re: FBA - 7th gr")
    assert "student_record" in result.categories, result.classification.notes
