"""Finding the token a request presents, with its user, agency and roles, in two plain statements.

Every API call starts here, so the ORM's query building (about a millisecond on this hardware for the token
with its user and agency, then the roles) is replaced by SQL built once per process; the rows go through the
same field converters the ORM applies and become ordinary model instances.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.db import connection, models

from lockstep.accounts.models import ApiToken
from lockstep.directory.models import Agency, RoleGrant, User

MODELS: tuple[type[models.Model], ...] = (ApiToken, User, Agency)
Converter = Callable[[Any], Any]


def _converter(field: models.Field[Any, Any]) -> Converter:
    column = field.get_col(field.model._meta.db_table)
    steps = connection.ops.get_db_converters(column) + field.get_db_converters(connection)

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert


@cache
def _plan(vendor: str) -> tuple[str, list[tuple[type[models.Model], list[str], list[Converter]]]]:
    """The statement and, per model, its attribute names and converters (built once per database kind)."""
    quote = connection.ops.quote_name
    plan = []
    selected = []
    for alias, model in zip(("t", "u", "a"), MODELS, strict=True):
        fields = list(model._meta.concrete_fields)
        selected += [f"{alias}.{quote(str(field.column))}" for field in fields]
        plan.append((model, [field.attname for field in fields], [_converter(field) for field in fields]))
    sql = (
        f"SELECT {', '.join(selected)} FROM {ApiToken._meta.db_table} t"  # noqa: S608 - names only
        f" JOIN {User._meta.db_table} u ON u.id = t.user_id"
        f" JOIN {Agency._meta.db_table} a ON a.id = u.agency_id"
        " WHERE t.digest = %s"
    )
    return sql, plan


def _instances(row: Sequence[Any], vendor: str) -> list[models.Model]:
    out: list[models.Model] = []
    start = 0
    for model, names, converters in _plan(vendor)[1]:
        values = [
            convert(value) for convert, value in zip(converters, row[start : start + len(names)], strict=True)
        ]
        out.append(model.from_db(connection.alias, names, values))
        start += len(names)
    return out


def token_by_digest(value: str) -> ApiToken | None:
    """The token whose digest is ``value``, its ``user`` (with ``agency`` and ``roles``) loaded, or None."""
    with connection.cursor() as cursor:
        cursor.execute(_plan(connection.vendor)[0], [value])
        row = cursor.fetchone()
        if row is None:
            return None
        token, user, agency = _instances(row, connection.vendor)
        cursor.execute(f"SELECT role FROM {RoleGrant._meta.db_table} WHERE user_id = %s", [user.pk])  # noqa: S608
        user.__dict__["roles"] = frozenset(role for (role,) in cursor.fetchall())  # the cached property
    assert isinstance(token, ApiToken) and isinstance(user, User) and isinstance(agency, Agency)
    user.agency = agency
    token.user = user
    return token
