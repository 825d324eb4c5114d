"""The served schema explains itself: every type, field, argument, input field and enum value
has a description, and the contract's own descriptions are served word for word."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    specified_scalar_types,
)

from schema.build import build_schema as served_schema
from tests.support import ROOT

CONTRACT = ROOT / "docs" / "contract" / "schema.graphql"


def descriptions(schema: GraphQLSchema) -> dict[str, str | None]:
    """Each element a client can introspect, by its coordinate (`Type.field(argument)`),
    with its description; GraphQL's own introspection types and scalars left out."""
    found: dict[str, str | None] = {}
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in specified_scalar_types:
            continue
        found[name] = kind.description
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in kind.fields.items():
                found[f"{name}.{field_name}"] = field.description
                for arg_name, arg in field.args.items():
                    found[f"{name}.{field_name}({arg_name})"] = arg.description
        elif isinstance(kind, GraphQLInputObjectType):
            for field_name, input_field in kind.fields.items():
                found[f"{name}.{field_name}"] = input_field.description
        elif isinstance(kind, GraphQLEnumType):
            for value_name, value in kind.values.items():
                found[f"{name}.{value_name}"] = value.description
    return found


def served() -> dict[str, str | None]:
    return descriptions(served_schema(production=False)._schema)


def test_every_type_field_argument_and_value_is_described() -> None:
    undescribed = [where for where, text in served().items() if not (text and text.strip())]

    assert undescribed == []


def test_every_description_of_the_contract_is_served_unchanged() -> None:
    contract = descriptions(build_schema(CONTRACT.read_text()))
    mine = served()

    changed = {
        where: (text, mine.get(where))
        for where, text in contract.items()
        if text and mine.get(where) != text
    }

    assert changed == {}
