"""The Beanie document base every collection uses.

Kept by hand: Beanie types `Document.id` as optional because an unsaved document has none, yet
every document this API hands around has been read from or written to MongoDB. For the type checker
only, the id is declared present, so services need no `assert doc.id is not None` at each use; at
run time this is Beanie's own `Document`, unchanged.
"""

from typing import TYPE_CHECKING

import beanie
from beanie import PydanticObjectId

if TYPE_CHECKING:

    class Document(beanie.Document):
        id: PydanticObjectId

else:
    Document = beanie.Document

__all__ = ["Document"]
