"""The database edge: where the research log lives (SQLite by default, or PostgreSQL).

Open a transaction on a migrated database and pass the connection to the log functions:

    from crossroads.store import transaction, add_conversation, list_conversations
    with transaction(None) as conn:          # --db / $CROSSROADS_DB / the default file
        log = list_conversations(conn)

* :mod:`~crossroads.store.engine`: URL resolution, engines, :class:`StoreError`;
* :mod:`~crossroads.store.schema`: tables and versioned migrations;
* :mod:`~crossroads.store.session`: :func:`transaction` on a migrated database;
* :mod:`~crossroads.store.research_log`: conversations in and out.
"""

from crossroads.store.engine import ENV_VAR, StoreError, open_engine, resolve_url
from crossroads.store.research_log import (
    ConversationNotFound,
    add_conversation,
    count_conversations,
    delete_conversation,
    get_conversation,
    import_conversations,
    list_conversations,
    update_conversation,
)
from crossroads.store.schema import SCHEMA_VERSION, SchemaError, current_version, migrate
from crossroads.store.session import transaction

__all__ = [
    "ENV_VAR",
    "SCHEMA_VERSION",
    "ConversationNotFound",
    "SchemaError",
    "StoreError",
    "add_conversation",
    "count_conversations",
    "current_version",
    "delete_conversation",
    "get_conversation",
    "import_conversations",
    "list_conversations",
    "migrate",
    "open_engine",
    "resolve_url",
    "transaction",
    "update_conversation",
]
