"""moto's SQS costs that grow with the queue's depth, replaced by equivalents.

Profiling the load benchmark (docs/benchmarks.md, "Load") showed moto's SQS doing work per
message that grows with the queue's depth, which made draining a backlog O(n²):

- every message a receive hands out is checked against the queue's retention period through
  `get_queue_attributes`, which recomputes all the queue's attributes: three passes over every
  message, each asking the clock for the time per message;
- every message sent asks the queue's attributes for `ContentBasedDeduplication`, the same three
  passes, for counts the send never reads;
- every message deleted is looked for twice over the whole queue, which is then copied;
- moto reads the time as a naive `datetime` and subtracts the epoch (about 2 µs), once or twice
  per message per pass.

And per request, whatever the service, the dispatcher lists moto's package folder (`listdir` and
an `isdir` per entry, about 150 of them) to tell a service name from a host name, and the
response class lists its own methods with `inspect.getmembers` (about 7% of a DynamoDB
GetItem's time in the server).

`install()` replaces those with the same answers at a cost that does not grow with the queue:
the retention period read from the queue itself; no counts computed inside a send (in that
thread only: a concurrent `GetQueueAttributes` still counts); a delete that stops at the first
message with the handle (received messages sit near the front); the time from `time.time()`;
the folder and each response class's methods listed once. They are applied only in the
embedded AWS's server process; tests/unit/local/test_moto_fast.py holds each against moto's own
behaviour.

The per-call replacements (`_call_replacements`, bench/moto_calls.py) cut what moto's DynamoDB
spends on each of the consumer's writes: an item's size checked with a running total instead of
a re-sum per attribute; an update expression parsed once per server (moto parses it twice per
request), a condition once per request or less (once per expression, names and values); the
update validator's tree copy by pickling; and the two deep copies of the old item an UpdateItem
makes skipped where nothing reads them. tests/unit/local/test_moto_fast_calls.py holds each
against moto's own answers."""

from __future__ import annotations

import contextlib
import copy
import datetime
import functools
import pickle
import threading
import time
from collections.abc import Iterator
from typing import Any


def _unix_time(dt: datetime.datetime | None = None) -> float:
    if dt is None:
        return time.time()
    # moto's datetimes are naive UTC.
    return (dt - datetime.datetime(1970, 1, 1)).total_seconds()


def _unix_time_millis(dt: datetime.datetime | None = None) -> float:
    return _unix_time(dt) * 1000.0


def _visible_now(messages: list[Any]) -> list[Any]:
    now = time.time() * 1000.0
    return [m for m in messages if now > m.visible_at and not now < m.delayed_until]


_sending = threading.local()


def _delayed(messages: list[Any]) -> int:
    if getattr(_sending, "now", False):
        return 0  # a send reads only ContentBasedDeduplication from the attributes
    now = time.time() * 1000.0
    return sum(1 for m in messages if now < m.delayed_until)


def _not_visible(messages: list[Any]) -> int:
    if getattr(_sending, "now", False):
        return 0
    now = time.time() * 1000.0
    return sum(1 for m in messages if not now > m.visible_at)


def _visible_count(messages: list[Any]) -> int:
    if getattr(_sending, "now", False):
        return 0
    return len(_visible_now(messages))


def _delete(queue: Any, receipt_handle: str) -> None:
    if receipt_handle in queue.deleted_messages:
        return  # deleting again is not an error, as in moto
    for i, message in enumerate(queue._messages):
        if message.had_receipt_handle(receipt_handle):
            queue.pending_messages.discard(message)
            queue.deleted_messages.update(message.all_receipt_handles)
            # A new list, as moto assigns one: a receive iterating the old one is undisturbed.
            queue._messages = queue._messages[:i] + queue._messages[i + 1 :]
            return
    from moto.sqs.exceptions import ReceiptHandleIsInvalid

    raise ReceiptHandleIsInvalid()


def _counting_nothing(send: Any) -> Any:
    def send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
        _sending.now = True
        try:
            return send(self, *args, **kwargs)
        finally:
            _sending.now = False

    return send_message


def _retained(backend: Any, queue_name: str, message: Any) -> bool:
    period = backend.get_queue(queue_name).message_retention_period
    return bool(period + message.sent_timestamp / 1000 > time.time())


def _replacements() -> list[tuple[Any, str, Any]]:
    from moto import backends
    from moto.core import responses
    from moto.sqs import models

    modules = tuple(backends.list_of_moto_modules())
    listed = responses.__dict__["method_names_from_class"]
    methods = functools.cache(lambda cls: tuple(listed(cls)))
    return [
        (backends, "list_of_moto_modules", lambda: modules),
        (responses, "method_names_from_class", lambda cls: list(methods(cls))),
        (models, "unix_time", _unix_time),
        (models, "unix_time_millis", _unix_time_millis),
        (models.Queue, "messages", property(lambda q: _visible_now(q._messages))),
        (
            models.Queue,
            "approximate_number_of_messages",
            property(lambda q: _visible_count(q._messages)),
        ),
        (models.Queue, "delete_message", _delete),
        (
            models.SQSBackend,
            "send_message",
            _counting_nothing(models.SQSBackend.__dict__["send_message"]),
        ),
        (
            models.Queue,
            "approximate_number_of_messages_delayed",
            property(lambda q: _delayed(q._messages)),
        ),
        (
            models.Queue,
            "approximate_number_of_messages_not_visible",
            property(lambda q: _not_visible(q._messages)),
        ),
        (models.SQSBackend, "is_message_valid_based_on_retention_period", _retained),
    ]


# moto's limit on an item's size (LimitedSizeDict.__setitem__), in its units.
_ITEM_SIZE_LIMIT = 405000


def _item_init(self: Any, hash_key: Any, range_key: Any, attrs: dict[str, Any]) -> None:
    """moto's `Item.__init__` with the size check summed as it goes.

    moto inserts the attributes one by one into a `LimitedSizeDict`, whose `__setitem__` sums
    the size of every key and value already in before admitting the next (quadratic in the
    number of attributes). Here the keys are distinct and nothing but the conversion of the next
    value runs between insertions, so the sizes already summed cannot change: a running total is
    the same sum, compared with the same limit at the same insertion, and the first attribute
    that would take it over raises as moto's does (after the same `DynamoType` conversions)."""
    from moto.dynamodb.exceptions import ItemSizeTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, LimitedSizeDict
    from moto.dynamodb.models.utilities import bytesize

    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    total = 0
    for key, value in attrs.items():
        typed = DynamoType(value)
        # moto counts a key in as `bytesize(key)` and already in as `bytesize(str(key))`: the
        # same for the str keys a request's JSON gives.
        total += bytesize(key) + typed.size()
        if total > _ITEM_SIZE_LIMIT:
            raise ItemSizeTooLarge
        dict.__setitem__(self.attrs, key, typed)


# Bounds on the expression caches below: the stack sends a few dozen distinct expressions; the
# condition cache also holds each request's values, which change from call to call.
_CACHED_EXPRESSIONS = 512


def _scalars_only(values: Any) -> bool:
    """Whether every expression attribute value is a string, number, binary, bool or null
    (`{"S": "x"}`), none a list, map or set."""
    if not isinstance(values, dict):
        return not values
    return all(
        isinstance(value, dict) and all(isinstance(v, str | bytes | bool) for v in value.values())
        for value in values.values()
    )


def _condition_parse(parse: Any) -> Any:
    """moto's `ConditionExpressionParser.parse`, remembered for the same expression, names and
    values.

    moto parses each condition twice per request (the response validates it, the backend
    evaluates it), and the stack sends the same few. The answer depends only on those three
    inputs; the condition tree it returns (`Op`/`Func`/operands) is only evaluated afterwards,
    never changed, so the same tree can serve again. The names and values the parse found, which
    the response then checks, are recorded beside it and added to the parser as moto's parse
    adds them. A parse that raises is not remembered: it raises again the next time. Nor is one
    with a list, map or set among its values: the tree holds the request's own list or dict,
    which moto may hand to an item (`SET s = :v`) and change there later (`ADD s :w`), so a
    later request with the same text could meet a changed tree."""
    parsed: dict[tuple[Any, str, str], tuple[Any, tuple[str, ...], tuple[str, ...]]] = {}

    def run(self: Any) -> Any:
        # repr tells apart what JSON can hold (str from int, bytes from str, key order aside).
        key = (
            self.condition_expression,
            repr(self.expression_attribute_names),
            repr(self.expression_attribute_values),
        )
        hit = parsed.get(key)
        if hit is None:
            op = parse(self)
            if not _scalars_only(self.expression_attribute_values):
                return op
            if len(parsed) >= _CACHED_EXPRESSIONS:
                parsed.clear()
            found = (tuple(self.expr_attr_names_found), tuple(self.expr_attr_values_found))
            parsed[key] = (op, *found)
            return op
        op, names, values = hit
        self.expr_attr_names_found.extend(names)
        self.expr_attr_values_found.extend(values)
        return op

    return run


def _update_make(make: Any) -> Any:
    """moto's `UpdateExpressionParser.make`, a fresh copy of the tree parsed once per expression.

    moto parses an update expression twice per request, and its tree has nodes that point at
    their parents, which the validator mutates (on its own deep copy). Unpickling the tree kept
    as bytes gives a new, equal tree for each call (about 7 times cheaper than parsing the
    stack's five-SET expression), so no call sees another's. A parse that raises is not kept."""
    parsed: dict[str, bytes] = {}

    def run(expression: str) -> Any:
        blob = parsed.get(expression)
        if blob is None:
            tree = make(expression)
            if len(parsed) >= _CACHED_EXPRESSIONS:
                parsed.clear()
            parsed[expression] = pickle.dumps(tree, pickle.HIGHEST_PROTOCOL)
            return tree
        return pickle.loads(blob)  # noqa: S301 - bytes this process pickled itself

    return run


def _tree_copy(deepcopy: Any) -> Any:
    """The update validator's `deepcopy` of the expression tree, by pickling it: the same copy
    (the nodes hold strings, lists and each other; none defines its own copy or pickling) in
    about a third of the time. Anything else goes to `deepcopy`."""
    # moto's parsing modules are `# type: ignore` throughout: mypy sees no names in them.
    from moto.dynamodb.parsing.ast_nodes import UpdateExpression  # type: ignore[attr-defined]

    def run(value: Any, memo: Any = None) -> Any:
        if type(value) is UpdateExpression and memo is None:
            return pickle.loads(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))  # noqa: S301
        return deepcopy(value, memo)

    return run


_updating = threading.local()


class _CopySkipping:
    """`copy` as one of moto's DynamoDB modules sees it, minus one deep copy nothing reads.

    moto deep-copies the item an update is about to change twice: the response
    (`DynamoHandler.update_item`) to answer `ReturnValues` from the old attributes, the backend
    (`DynamoDBBackend.update_item`) to add a stream record. With `ReturnValues` NONE the old
    attributes only feed a set of changed names that is then dropped; on a table without a
    stream the backend's copy is never read. The two copies cost about a fifth of an update.
    Where the wrapper below has noted that (`flag` in this thread), the module's next deep copy,
    the update's, is the item itself; every other deep copy is `copy.deepcopy`'s (the only
    others in those modules are a transaction's snapshot of its tables)."""

    def __init__(self, flag: str) -> None:
        self._flag = flag

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if getattr(_updating, self._flag, False):
            setattr(_updating, self._flag, False)  # the update's deep copy only
            return value
        return copy.deepcopy(value, memo)


def _noting(method: Any, flag: str, unread: Any) -> Any:
    """`method` with `flag` set for its duration where `unread(self, *args, **kwargs)`."""

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        setattr(_updating, flag, unread(self, *args, **kwargs))
        try:
            return method(self, *args, **kwargs)
        finally:
            setattr(_updating, flag, False)

    return run


def _answers_nothing_old(handler: Any) -> bool:
    return bool(handler.body.get("ReturnValues", "NONE") == "NONE")


def _unstreamed(backend: Any, *args: Any, **kwargs: Any) -> bool:
    table = backend.tables.get(kwargs["table_name"] if "table_name" in kwargs else args[0])
    return table is not None and table.stream_shard is None  # by ARN: not found, so copied


def _call_replacements() -> list[tuple[Any, str, Any]]:
    from moto.dynamodb import comparisons, models, responses
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.parsing import expressions, validators

    condition = comparisons.ConditionExpressionParser
    update = expressions.UpdateExpressionParser  # type: ignore[attr-defined]
    backend = models.DynamoDBBackend
    return [
        (dynamo_type.Item, "__init__", _item_init),
        (condition, "parse", _condition_parse(condition.__dict__["parse"])),
        (update, "make", staticmethod(_update_make(update.make))),
        (validators, "deepcopy", _tree_copy(validators.__dict__["deepcopy"])),
        (models, "copy", _CopySkipping("unstreamed")),
        (
            backend,
            "update_item",
            _noting(backend.__dict__["update_item"], "unstreamed", _unstreamed),
        ),
        (responses, "copy", _CopySkipping("old_unread")),
        (
            responses.DynamoHandler,
            "update_item",
            _noting(
                responses.DynamoHandler.__dict__["update_item"], "old_unread", _answers_nothing_old
            ),
        ),
    ]


def _all_replacements(calls: bool) -> list[tuple[Any, str, Any]]:
    return _replacements() + (_call_replacements() if calls else [])


@contextlib.contextmanager
def patched(calls: bool = True) -> Iterator[None]:
    """moto with the replacements, restored on exit (for tests in a shared process); `calls`
    False leaves out the per-call ones (`_call_replacements`)."""
    saved = []
    for owner, name, value in _all_replacements(calls):
        saved.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def install(calls: bool = True) -> None:
    """Patch moto for the rest of this process's life: the embedded AWS server's. (Not
    `patched().__enter__()`: the context's generator, once collected, would undo it.) `calls`
    False leaves out the per-call replacements, for bench/moto_calls.py's side-by-side run."""
    for owner, name, value in _all_replacements(calls):
        setattr(owner, name, value)
