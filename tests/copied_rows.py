"""Data that is expensive to write, written once per test session and copied into each test
that asks for it.

Loading the demo plan (demo/loading.py) takes most of a second: it parses the YAML file, finds
every row by its natural key and writes the audit trail. `CopiedRows.of(write)` runs `write`
once, in a transaction that is rolled back, and keeps the rows it added exactly as the database
held them; `insert()` then writes those rows again, a few milliseconds' work, inside the test's
own transaction (rolled back after the test) or, in a transactional test, before the database is
emptied at its end. Each test that asks gets the data, and no other test sees it.

Rows that `write` refers to but did not make (the role groups and completion statuses the
migrations seed) are found again by a unique field when inserting, since a transactional test
puts them back under new ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, transaction

# On SQLite the ids a rolled-back transaction used are handed out again, so the copied rows are
# given ids from here on, well above those of the rows a test makes before inserting them.
# (PostgreSQL's sequences never go back, so its ids cannot collide.)
FIRST_COPIED_ID = 1_000_000


@dataclass
class Reference:
    """A foreign key column of copied rows that points at rows `write` did not make."""

    column: int  # its index in the copied rows
    table: str
    pk_column: str
    key_column: str  # a unique column of `table`, by which the row is found again
    keys: dict  # the referenced row's id when copied -> its key


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[tuple]
    references: list[Reference] = field(default_factory=list)


class CopiedRows:
    """The rows one call of a function added to the database, ready to be inserted again."""

    def __init__(self, tables: list[Table], made=None):
        self.tables = tables
        self.made = made  # what `write` returned: the ids of what it made, say

    @classmethod
    def of(cls, write) -> CopiedRows:
        """Run `write()` in a transaction that is rolled back, and copy the rows it added.

        Call it before the test's own rows exist (from a session-scoped fixture), so that only
        what `write` makes is copied; rows it changes or deletes cannot be copied and are refused.
        """
        models = _models_by_table()
        with transaction.atomic():
            _hand_out_high_ids(models)
            before = {table: _rows(table, model) for table, model in models.items()}
            made = write()
            after = {table: _rows(table, model) for table, model in models.items()}
            transaction.set_rollback(True)
        tables = []
        for table, model in models.items():
            pk = model._meta.pk.column
            old = {row[pk]: row for row in before[table]}
            new = {row[pk]: row for row in after[table]}
            changed = [key for key, row in old.items() if new.get(key) != row]
            if changed:
                raise AssertionError(
                    f"{write.__name__} changed or deleted rows of {table} ({changed[:5]}) that "
                    "were there before it: only rows it adds can be copied"
                )
            added = [row for key, row in new.items() if key not in old]
            if added:
                columns = list(added[0])
                tables.append(
                    Table(
                        table,
                        columns,
                        [tuple(row.values()) for row in added],
                        _references(model, columns, models, before),
                    )
                )
        return cls(tables, made)

    def insert(self):
        """Write the copied rows into the database, in one transaction."""
        quote = connection.ops.quote_name
        ids_now = {}  # (table, key column) -> {key: id}, read once per insert
        with transaction.atomic(), connection.cursor() as cursor:
            for table in self.tables:
                rows = table.rows
                for reference in table.references:
                    rows = _pointed_again(cursor, reference, rows, ids_now)
                cursor.executemany(
                    f"INSERT INTO {quote(table.name)} "  # noqa: S608 (names from the models)
                    f"({', '.join(quote(column) for column in table.columns)}) "
                    f"VALUES ({', '.join(['%s'] * len(table.columns))})",
                    rows,
                )


def _models_by_table() -> dict:
    """{table: model} of every table of the project, many-to-many tables included."""
    models = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            models.setdefault(model._meta.db_table, model)
    return models


def _rows(table, model) -> list[dict]:
    """Every row of the table as the database holds it, {column: value}."""
    quote = connection.ops.quote_name
    columns = [f.column for f in model._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)}"  # noqa: S608
        )
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _hand_out_high_ids(models):
    """On SQLite, make the tables' next ids FIRST_COPIED_ID or more (see FIRST_COPIED_ID)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_sequence")
        counted = {name for (name,) in cursor.fetchall()}
        for table in models:
            if table in counted:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                    [FIRST_COPIED_ID, table],
                )
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                    [table, FIRST_COPIED_ID],
                )


def _references(model, columns, models, before) -> list[Reference]:
    """The foreign keys of the model's copied rows that point at rows that were there before."""
    references = []
    for field_ in model._meta.concrete_fields:
        if not field_.is_relation:
            continue
        target = field_.related_model
        existing = before.get(target._meta.db_table)
        if not existing:
            continue
        key = next(
            (f.column for f in target._meta.concrete_fields if f.unique and not f.primary_key),
            None,
        )
        if key is None:
            raise AssertionError(
                f"{model._meta.label}.{field_.name} points at {target._meta.label}, which has "
                "no unique field to find its rows again by"
            )
        pk = target._meta.pk.column
        references.append(
            Reference(
                columns.index(field_.column),
                target._meta.db_table,
                pk,
                key,
                {row[pk]: row[key] for row in existing},
            )
        )
    return references


def _pointed_again(cursor, reference, rows, ids_now) -> list[tuple]:
    """The rows with the reference's ids replaced by those its rows have now."""
    quote = connection.ops.quote_name
    found = (reference.table, reference.key_column)
    if found not in ids_now:
        cursor.execute(
            f"SELECT {quote(reference.key_column)}, {quote(reference.pk_column)} "  # noqa: S608
            f"FROM {quote(reference.table)}"
        )
        ids_now[found] = dict(cursor.fetchall())
    now = ids_now[found]
    again = []
    for row in rows:
        old = row[reference.column]
        if old in reference.keys:
            key = reference.keys[old]
            if key not in now:
                raise AssertionError(
                    f"The copied rows point at the row of {reference.table} whose "
                    f"{reference.key_column} is {key!r}, which the database no longer has"
                )
            row = list(row)
            row[reference.column] = now[key]
            row = tuple(row)
        again.append(row)
    return again
