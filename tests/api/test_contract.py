"""The served schema keeps every name of the public contract (docs/contract/schema.graphql)."""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    print_ast,
)

from schema.build import build_schema as served_schema
from tests.support import ROOT

CONTRACT = ROOT / "docs" / "contract" / "schema.graphql"


def default(arg: GraphQLArgument) -> str | None:
    """An argument's default as written in SDL (build_schema keeps it only on the AST);
    `= null` on a nullable argument means the same as no default."""
    node = arg.ast_node.default_value if arg.ast_node else None
    written = print_ast(node) if node else None
    return None if written == "null" else written


def differences(contract: GraphQLSchema, served: GraphQLSchema) -> list[str]:
    found = []
    for name, wanted in contract.type_map.items():
        if name.startswith("__"):
            continue
        have = served.type_map.get(name)
        if have is None or type(have) is not type(wanted):
            found.append(f"type {name} missing or of another kind")
            continue
        if isinstance(wanted, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            assert isinstance(
                have, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
            )
            for field_name, field in wanted.fields.items():
                mine = have.fields.get(field_name)
                if mine is None or str(mine.type) != str(field.type):
                    found.append(f"field {name}.{field_name}")
                    continue
                for arg_name, arg in getattr(field, "args", {}).items():
                    my_arg = getattr(mine, "args", {}).get(arg_name)
                    if (
                        my_arg is None
                        or str(my_arg.type) != str(arg.type)
                        or default(my_arg) != default(arg)
                    ):
                        found.append(f"argument {name}.{field_name}({arg_name})")
        if isinstance(wanted, GraphQLEnumType) and set(wanted.values) != set(have.values):  # type: ignore[attr-defined]
            found.append(f"enum {name}")
        # A union may gain a problem (listed in docs/decisions.md), never lose a member.
        if isinstance(wanted, GraphQLUnionType) and not {t.name for t in wanted.types} <= {
            t.name
            for t in have.types  # type: ignore[attr-defined]
        }:
            found.append(f"union {name}")
    return found


def test_every_type_field_argument_and_default_of_the_contract_is_served_as_written() -> None:
    contract = build_schema(CONTRACT.read_text())
    served = build_schema(str(served_schema(production=False)))
    assert differences(contract, served) == []
