"""Object fields guarded by the policy: a field an actor may not see answers null (or an
empty list), never an error that would tell the object exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension

from domain.actors import Actor


def guarded(rule: Callable[[Actor | None, Any], bool]) -> list[FieldExtension]:
    """Extensions for a field visible when `rule(actor, source)` holds, where `rule` is a
    function of `domain.policy` (applied to the object the field belongs to)."""

    class PolicyAllows(BasePermission):
        message = "Not visible to you."

        def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
            return rule(info.context.actor, source)

    return [
        PermissionExtension(permissions=[PolicyAllows()], fail_silently=True, use_directives=False)
    ]
