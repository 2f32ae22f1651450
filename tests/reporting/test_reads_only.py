"""Reporting only reads the tables of procedures and interconnect: their writers (procedures.bulk, interconnect.bulk,
the services) write them, and no line of reporting does (a static check of its source)."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps

import reporting

# The models whose tables reporting reads and must not write.
FOREIGN = {
    model.__name__: model for app in ("procedures", "interconnect") for model in apps.get_app_config(app).get_models()
}
WRITES = {"create", "bulk_create", "update", "bulk_update", "delete", "save", "get_or_create", "update_or_create"}
# Handing a model class to these is not writing it (a check of type, a relation of reporting's own models).
HARMLESS = {"isinstance", "issubclass", "ForeignKey", "OneToOneField", "ManyToManyField"}
SQL_WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE)\s+\"?(\w+)", re.IGNORECASE)


def _root(node: ast.expr) -> tuple[str | None, list[str]]:
    """The name a chain of attributes and calls starts from (`Dossier` in `Dossier.objects.filter().update`) and the
    attribute names along it."""
    names = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            return (node.id if isinstance(node, ast.Name) else None), names[::-1]


def writes_to_foreign(source: str) -> list[str]:
    """Where `source` writes a table of procedures or interconnect: a write method on a chain from `Model.objects`
    (directly or through a name it was assigned to), a model class handed to another function (a bulk insert), or
    SQL that writes one of their tables."""
    tree = ast.parse(source)
    tables = {model._meta.db_table for model in FOREIGN.values()}
    querysets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            root, names = _root(node.value)
            if root in FOREIGN and names[:1] == ["objects"]:
                querysets |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            root, names = _root(node.func)
            from_foreign = (root in FOREIGN and names[:1] == ["objects"]) or root in querysets
            if from_foreign and WRITES & set(names):
                found.append(f"line {node.lineno}: {root}.{'.'.join(names)}()")
            called = ast.unparse(node.func).rsplit(".", 1)[-1]
            for argument in node.args:
                if isinstance(argument, ast.Name) and argument.id in FOREIGN and called not in HARMLESS:
                    found.append(f"line {node.lineno}: {argument.id} handed to {ast.unparse(node.func)}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in SQL_WRITE.finditer(node.value):
                if match[2] in tables:
                    found.append(f"line {node.lineno}: SQL {match[1]} {match[2]}")
    return found


def test_no_module_of_reporting_writes_a_table_of_procedures_or_interconnect():
    package = Path(reporting.__file__).parent
    found = {
        str(path.relative_to(package)): writes
        for path in sorted(package.rglob("*.py"))
        if "migrations" not in path.parts and (writes := writes_to_foreign(path.read_text()))
    }
    assert found == {}


@pytest.mark.parametrize(
    "source",
    [
        "Dossier.objects.create(code='x')",
        "DossierEvent.objects.bulk_create(rows)",
        "Dossier.objects.filter(pk=1).update(status='received')",
        "LinkedRecord.objects.filter(dossier_id=1).delete()",
        "RegisterEntry.objects.get_or_create(number=1)",
        "counters = DossierCodeCounter.objects.filter(day=day)\ncounters.update(last=3)",
        "rows_insert(Dossier, COLUMNS, rows)",
        "ids = ids_reserve(LinkedRecord, 10)",
        "cursor.execute('INSERT INTO procedures_dossier (code) VALUES (%s)', ['x'])",
        "cursor.execute('UPDATE interconnect_linkedrecord SET status = %s', ['completed'])",
    ],
)
def test_the_check_sees_every_kind_of_write(source):
    assert writes_to_foreign(source)


@pytest.mark.parametrize(
    "source",
    [
        "Dossier.objects.filter(unit=unit).values_list('pk', flat=True)",
        "existing.update(Dossier.objects.filter(code__in=codes).values_list('code', 'pk'))",
        "DossierFact.objects.filter(dossier_id__in=ids).delete()",
        "isinstance(row, Dossier)",
        "dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE)",
        "cursor.execute('SELECT id FROM procedures_dossier')",
    ],
)
def test_the_check_lets_reads_and_reportings_own_writes_through(source):
    assert writes_to_foreign(source) == []
