"""What the test scans say: records that must be caught and notices that must pass."""

from __future__ import annotations

IEP = [
    "Individualized Education Program",
    "Student: Jacob Martinez      Grade: 4",
    "Student ID: 4829173",
    "Date of Birth: 03/14/2015",
    "Disability: Specific Learning Disability",
    "Services: Resource room 5 hours weekly",
]
REPORT_CARD = [
    "Report Card - Spring Term",
    "Student Name: Emily Chen",
    "Student ID: 5012846",
    "Reading: C-    Math: D+    Science: B",
    "Absences: 14",
    "Teacher comment: failing math, needs support",
]
TRANSCRIPT = [
    "Official Transcript",
    "Student: Marcus Johnson",
    "SSN: 523-71-4498",
    "Student ID: 3381920",
    "GPA 2.1   Credits 18",
]
CLASS_LIST = [
    "Class List - Room 12",
    "Student ID  Name  Date of Birth",
    *(f"{4100231 + 17 * n}  {name}  0{1 + n % 9}/1{n % 10}/2014" for n, name in enumerate(
        ["Ava Brooks", "Liam Ortiz", "Mia Nguyen", "Noah Patel", "Zoe Kim", "Ethan Ross",
         "Lily Park", "Owen Diaz", "Ella Reed", "Jack Shaw", "Ruby Lane", "Finn Cole"])),
]  # fmt: skip
DIRECT_DEPOSIT = [
    "Direct Deposit Authorization",
    "Employee: Sandra Lopez",
    "Social Security Number: 614-28-7730",
    "Bank routing number: 121000358",
    "Account number: 004417829356",
]
NURSE_ES = [
    "Nota de la enfermería escolar",
    "Alumno: Diego Ramírez",
    "Número de estudiante: 4471029",
    "Fecha de nacimiento: 22/07/2016",
    "Diagnóstico: asma; medicamento: albuterol",
]
LETTER_VI = [
    "Thông báo của nhà trường",
    "Học sinh: Nguyễn Văn An",
    "Mã số học sinh (Student ID): 4719302",
    "Số An Sinh Xã Hội (SSN): 541-82-6637",
    "Kết quả học tập: cần hỗ trợ môn toán",
]
FLYER = [
    "Spring Bake Sale!",
    "Friday, May 9 at 3:00 pm",
    "West Park Elementary front lawn",
    "Cookies, cupcakes and lemonade",
    "All proceeds support the library",
]
MENU = [
    "Lunch Menu - Week of March 3",
    "Monday: chicken tacos, corn, apple slices",
    "Tuesday: pasta with marinara, salad",
    "Wednesday: turkey sandwich, carrots",
    "Thursday: cheese pizza, green beans",
    "Friday: fish sticks, rice, orange",
]
WHITEBOARD = ["Homework", "Read chapter 5", "Math page 112", "Quiz Friday"]
