"""setMyLanguage: which of the clinic's languages the user reads."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain.requirements import SIGNED_IN_PERSON
from resolvers.accounts import my_language
from schema.accounts.types import User, UserResult
from schema.core.context import Info
from schema.core.outcomes import runs


@strawberry.type
class LanguageMutation:
    @strawberry.mutation(
        description="The language of the signed-in user's emails and pages: one the clinic speaks (en, de), or null to follow the clinic's."
    )
    @runs(my_language.set_my_language, User.from_row, requires=SIGNED_IN_PERSON)
    async def set_my_language(
        self,
        info: Info,
        language: Annotated[
            str | None, strawberry.argument(description="en or de; null for the clinic's.")
        ],
    ) -> UserResult: ...
