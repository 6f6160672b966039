"""SIS exports → the hashed roster store (`dlp roster import`).

Reads the students and/or staff export, normalises every value, hashes it
with the site key and replaces the store atomically.  A population not given
on this import (say, staff) is carried over from the current store when it
was built with the same key, so that the nightly student import does not drop
the staff roster.  Nothing in plaintext ever reaches the disk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dlp.config import RosterSection
from dlp.roster import records
from dlp.roster.records import Columns, Person, Problem, RowReader
from dlp.roster.sources import open_sheet
from dlp.roster.store import (
    GUARDIAN,
    STAFF_CONTACT,
    STAFF_ID,
    STAFF_NAME,
    STAFF_TABLES,
    STUDENT_DOB,
    STUDENT_ID,
    STUDENT_NAME,
    STUDENT_TABLES,
    Hasher,
    RosterData,
    RosterError,
    Table,
    key_check,
    load_key,
    read_store,
    write_store,
)

Progress = Callable[[str, int], None]
PROGRESS_EVERY = 1000  # rows between progress updates
RowParser = Callable[[RowReader, int, list[object]], Person | None]


@dataclass
class Population:
    """The people read from one export, deduplicated, with what went wrong on the way."""

    file: str
    people: list[Person] = field(default_factory=list)
    rows: int = 0
    duplicates: int = 0
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ImportSummary:
    store: Path
    key_created: bool
    students: Population | None
    staff: Population | None
    counts: dict[str, int]
    store_bytes: int
    seconds: float
    shared_version: str | None = None  # the roster version published to the shared database

    def problems(self) -> list[Problem]:
        return [p for pop in (self.students, self.staff) if pop for p in pop.problems]


def read_population(
    path: Path, aliases: dict[str, tuple[str, ...]], parse: RowParser, progress: Progress
) -> Population:
    """Every row of one export, parsed, checked and merged by identity."""
    sheet = open_sheet(path)
    columns = Columns(sheet.header, aliases)
    found = set(columns.found())
    if not found & {"first", "last", "name", "student_id", "ssid", "employee_id"}:
        raise RosterError(
            f"{path}: no name or ID column in the header row {sheet.header_row} "
            f"(add the header names under roster.columns in the config)"
        )
    reader = RowReader(path.name, columns)
    population = Population(path.name)
    by_identity: dict[tuple[str, ...], Person] = {}
    for number, cells in sheet.rows:
        if not any(str(c or "").strip() for c in cells):
            continue
        population.rows += 1
        if population.rows % PROGRESS_EVERY == 0:
            progress(path.name, population.rows)
        person = parse(reader, number, cells)
        if person is None:
            continue
        first = by_identity.get(person.identity())
        if first is None:
            by_identity[person.identity()] = person
            population.people.append(person)
        else:
            first.merge(person)
            population.duplicates += 1
            reader.report(number, "", f"duplicate of row {first.row}", "merged")
    progress(path.name, population.rows)
    population.problems = reader.problems
    return population


def student_tables(people: list[Person], hasher: Hasher) -> dict[str, Table]:
    names: list[tuple[int, int]] = []
    ids: list[tuple[int, int]] = []
    dobs: list[tuple[int, int]] = []
    guardians: list[tuple[int, int]] = []
    for owner, person in enumerate(people):
        names.extend((hasher("name", key), owner) for key in person.names)
        ids.extend((hasher("id", value), owner) for value in person.ids)
        dobs.extend((hasher.pair("dob", owner, iso), 0) for iso in person.dobs)
        guardians.extend((hasher.pair("guardian", owner, e), 0) for e in person.emails)
    return {
        STUDENT_NAME: Table.build(names),
        STUDENT_ID: Table.build(ids),
        STUDENT_DOB: Table.build(dobs),
        GUARDIAN: Table.build(guardians),
    }


def staff_tables(people: list[Person], hasher: Hasher) -> dict[str, Table]:
    names: list[tuple[int, int]] = []
    ids: list[tuple[int, int]] = []
    contacts: list[tuple[int, int]] = []
    for owner, person in enumerate(people):
        names.extend((hasher("name", key), owner) for key in person.names)
        ids.extend((hasher("id", value), owner) for value in person.ids)
        contacts.extend((hasher("email", e), owner) for e in person.emails)
        contacts.extend((hasher("phone", p), owner) for p in person.phones)
    return {
        STAFF_NAME: Table.build(names),
        STAFF_ID: Table.build(ids),
        STAFF_CONTACT: Table.build(contacts),
    }


def _carried_over(
    store: Path, check: str, names: tuple[str, ...], population: str
) -> tuple[dict[str, Table], int]:
    """Tables (and head count) of a population not imported this time, from the current store."""
    if not names or not store.exists():
        return {}, 0
    try:
        old = read_store(store)
    except RosterError:
        return {}, 0
    if old.meta.get("key_check") != check:
        return {}, 0  # built with another key: its hashes would never match
    return {n: old.tables[n] for n in names if n in old.tables}, int(old.meta.get(population, 0))


def _hash_all(
    pupils: Population | None, workers: Population | None, store: Path, hasher: Hasher, check: str
) -> tuple[dict[str, Table], dict[str, int]]:
    """Every table of the new store, and how many students and staff it lists."""
    tables: dict[str, Table] = {}
    counts: dict[str, int] = {}
    if pupils is not None:
        tables.update(student_tables(pupils.people, hasher))
        counts["students"] = len(pupils.people)
    else:
        old, counts["students"] = _carried_over(store, check, STUDENT_TABLES, "students")
        tables.update(old)
    if workers is not None:
        tables.update(staff_tables(workers.people, hasher))
        counts["staff"] = len(workers.people)
    else:
        old, counts["staff"] = _carried_over(store, check, STAFF_TABLES, "staff")
        tables.update(old)
    return tables, counts


def run_import(
    section: RosterSection,
    students: Path | None,
    staff: Path | None,
    progress: Progress = lambda _file, _rows: None,
) -> ImportSummary:
    """Read the exports, hash, and replace the store; RosterError if a file is unusable."""
    if students is None and staff is None:
        raise RosterError("nothing to import: give --students FILE and/or --staff FILE")
    started = time.monotonic()
    key_path, store = section.key_path(), section.store_path()
    key_created = not key_path.exists()
    key = load_key(key_path, create=True)
    cols = section.columns
    pupils = workers = None
    if students is not None:
        pupils = read_population(students, cols.students.model_dump(), records.student, progress)
    if staff is not None:
        workers = read_population(staff, cols.staff.model_dump(), records.staff, progress)
    check = key_check(key)
    tables, counts = _hash_all(pupils, workers, store, Hasher(key), check)
    meta = {"key_check": check, **{k: str(v) for k, v in counts.items()}}
    write_store(store, RosterData(tables, meta))
    return ImportSummary(
        store, key_created, pupils, workers, counts, store.stat().st_size,
        time.monotonic() - started,
    )  # fmt: skip
