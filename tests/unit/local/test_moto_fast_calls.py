"""moto_fast's per-call replacements give moto's own answers: the same items stored, the same
size limit, the same condition and update trees, the same errors for invalid expressions, and
the same outcomes through the DynamoDB API. Each is held against moto's code on the same inputs
(`moto_fast.patched()` swaps them in and out in this process)."""

from __future__ import annotations

import copy
from typing import Any

import boto3
import pytest
from moto import mock_aws
from moto.dynamodb.comparisons import ConditionExpressionParser
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.parsing import validators

# moto's parsing modules are `# type: ignore` throughout: mypy sees no names in them.
from moto.dynamodb.parsing.ast_nodes import Node  # type: ignore[attr-defined]
from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

from uppsikt.local import moto_fast

REGION = "eu-north-1"
ACCOUNT = "123456789012"
LIMIT = 405000  # moto's, in its units (LimitedSizeDict.__setitem__)

# --- Item construction and its size limit ---------------------------------------------------


def _record(n: int = 21) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "event_id": {"S": "e-1"},
        "score": {"N": "0.0132"},
        "flag": {"BOOL": True},
        "none": {"NULL": True},
        "blob": {"B": b"\x00\x01binary"},
        "tags": {"SS": ["a", "bb", "ccc"]},
        "nums": {"NS": ["1", "22.5"]},
        "labels": {"L": [{"S": "x"}, {"N": "3"}, {"M": {"k": {"S": "v"}}}]},
        "scores": {"M": {"toxicity": {"N": "0.5"}, "nested": {"L": [{"S": "å"}]}}},
        "text": {"S": "Hej! Tack för att ni svarade så snabbt. " * 3},
    }
    for i in range(n - len(attrs)):
        attrs[f"attr_{i}"] = {"S": f"value {i}"}
    return attrs


def _build(attrs: dict[str, Any]) -> Any:
    """The item moto builds from `attrs`, or the exception it raises."""
    try:
        item = Item(DynamoType({"S": "hash"}), DynamoType({"N": "7"}), attrs)
    except Exception as exc:  # the outcome compared
        return ("raised", type(exc), str(exc))
    return (
        type(item.attrs),
        item.hash_key,
        item.range_key,
        [(k, type(v), v.type, v.to_json()) for k, v in item.attrs.items()],
    )


def _sizes() -> list[dict[str, Any]]:
    """Items around the limit: at it, one over, over by many small attributes, over by the
    first of two big ones, and a big one after an attribute moto cannot convert."""
    at_limit = {"k": {"S": "x" * (LIMIT - 1)}}  # key 1 + value 404,999
    over = {"k": {"S": "x" * LIMIT}}
    many = {f"a{i:03d}": {"S": "y" * 996} for i in range(405)}  # 1,000 each: over at the 406th?
    two_big = {"first": {"S": "z" * 300_000}, "second": {"S": "z" * 200_000}, "bad": {}}
    bad_late = {"first": {"S": "z" * 500_000}, "bad": {}}
    return [at_limit, over, many, {**many, "more": {"S": "y" * 996}}, two_big, bad_late]


@pytest.mark.parametrize(
    "attrs", [{}, _record(1), _record(21), _record(200), *_sizes()], ids=lambda a: str(len(a))
)
def test_an_item_is_built_as_moto_builds_it(attrs: dict[str, Any]) -> None:
    moto_s = _build(copy.deepcopy(attrs))
    with moto_fast.patched():
        ours = _build(copy.deepcopy(attrs))
    assert ours == moto_s


def test_the_size_limit_is_moto_s() -> None:
    with moto_fast.patched():
        at, over, many, many_more, two_big, bad_late = (_build(a) for a in _sizes())
    assert at[0] is not str
    assert over[:2] == ("raised", ItemSizeTooLarge)
    assert many[0] is not str  # 405 x 1,000 = 405,000: at the limit
    assert many_more[:2] == ("raised", ItemSizeTooLarge)
    # The second big attribute raises before the unconvertible third is reached, as in moto.
    assert two_big[:2] == ("raised", ItemSizeTooLarge)
    assert bad_late[:2] == ("raised", ItemSizeTooLarge)


def test_each_value_is_sized_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The quadratic re-sum is gone: 200 attributes, 200 sizes (moto's sums 20,100)."""
    sized = 0
    real = DynamoType.size

    def counted(value: DynamoType) -> int:
        nonlocal sized
        sized += 1
        return real(value)

    monkeypatch.setattr(DynamoType, "size", counted)
    attrs = {f"a{i}": {"S": "v"} for i in range(200)}
    with moto_fast.patched():
        Item(DynamoType({"S": "h"}), None, attrs)
    assert sized == 200


# --- condition expressions ----------------------------------------------------------------

IDEMPOTENCY_NAMES = {
    "#id": "id",
    "#expiry": "expiration",
    "#in_progress_expiry": "in_progress_expiration",
    "#status": "status",
}
CONDITIONS: list[tuple[str | None, dict[str, str], dict[str, Any]]] = [
    (None, {}, {}),
    ("attribute_not_exists(event_id)", {}, {}),
    ("attribute_exists(event_id)", {}, {}),
    ("attribute_not_exists(pk)", {}, {}),
    ("attribute_not_exists(sk)", {}, {}),
    (
        "attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND "
        "attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)",
        IDEMPOTENCY_NAMES,
        {
            ":now": {"N": "1764676800"},
            ":now_in_millis": {"N": "1764676800000"},
            ":inprogress": {"S": "INPROGRESS"},
        },
    ),
    ("attribute_not_exists(last_reply_at) OR last_reply_at < :at", {}, {":at": {"S": "2026-12"}}),
    ("attribute_not_exists(seen) OR NOT contains(seen, :eid)", {}, {":eid": {"S": "e-1"}}),
    (
        "verdict IN (:clean, :restricted)",
        {},
        {":clean": {"S": "clean"}, ":restricted": {"S": "restricted"}},
    ),
    ("expires_at = :none", {}, {":none": {"S": "none"}}),
    ("size(#t) BETWEEN :lo AND :hi", {"#t": "text"}, {":lo": {"N": "1"}, ":hi": {"N": "500"}}),
    ("begins_with(sk, :p) AND attribute_type(n, :t)", {}, {":p": {"S": "a"}, ":t": {"S": "N"}}),
    # The same expression with other values must not get the first one's tree.
    ("expires_at = :none", {}, {":none": {"S": "2027-01-01"}}),
    ("expires_at = :none", {}, {":none": {"N": "5"}}),
    ("#e = :none", {"#e": "expires_at"}, {":none": {"S": "none"}}),
    ("#e = :none", {"#e": "verdict"}, {":none": {"S": "none"}}),
]
INVALID: list[tuple[str | None, dict[str, str], dict[str, Any]]] = [
    ("attribute_not_exists(#missing)", {}, {}),
    ("a = :missing", {}, {}),
    ("a = = b", {}, {}),
    ("(a = :v", {}, {":v": {"S": "x"}}),
    ("unknown_function(a)", {}, {}),
    ("((a = :v))", {}, {":v": {"S": "x"}}),
]


def _items() -> list[Item | None]:
    return [
        None,
        Item(DynamoType({"S": "e-1"}), None, {"event_id": {"S": "e-1"}}),
        Item(
            DynamoType({"S": "k"}),
            None,
            {
                "id": {"S": "k"},
                "pk": {"S": "p"},
                "sk": {"S": "abc"},
                "n": {"N": "3"},
                "expiration": {"N": "1764670000"},
                "status": {"S": "INPROGRESS"},
                "in_progress_expiration": {"N": "1764676000000"},
                "last_reply_at": {"S": "2026-11"},
                "seen": {"SS": ["e-2"]},
                "verdict": {"S": "restricted"},
                "expires_at": {"S": "none"},
                "text": {"S": "hello"},
            },
        ),
    ]


def _evaluate(op: Any, item: Item | None) -> Any:
    try:
        return op.expr(item)
    except Exception as exc:  # moto's size() of a missing attribute raises
        return (type(exc), str(exc))


def _parse(expression: str | None, names: dict[str, str], values: dict[str, Any]) -> Any:
    parser = ConditionExpressionParser(expression, names, values)
    try:
        op = parser.parse()
    except Exception as exc:  # the outcome compared
        return ("raised", type(exc), str(exc))
    evaluated = [_evaluate(op, item) for item in _items()]
    return (repr(op), evaluated, parser.expr_attr_names_found, parser.expr_attr_values_found)


@pytest.mark.parametrize("condition", CONDITIONS + INVALID, ids=lambda c: str(c[0]))
def test_a_condition_parses_and_evaluates_as_moto_s(condition: Any) -> None:
    moto_s = _parse(*copy.deepcopy(condition))
    with moto_fast.patched():
        first = _parse(*copy.deepcopy(condition))
        again = _parse(*copy.deepcopy(condition))  # the remembered one
    assert first == moto_s
    assert again == moto_s


def test_conditions_parsed_one_after_another_are_moto_s() -> None:
    """In one server's life: the same expression with other names or values is parsed anew."""
    spread = CONDITIONS + INVALID + CONDITIONS[::-1]
    moto_s = [_parse(*copy.deepcopy(c)) for c in spread]
    with moto_fast.patched():
        ours = [_parse(*copy.deepcopy(c)) for c in spread]
    assert ours == moto_s


def test_the_conditions_evaluate_both_ways() -> None:
    """The spread is not trivial: the conditions tell the items apart in several ways, and
    each invalid one raises."""
    with moto_fast.patched():
        outcomes = [_parse(*c) for c in CONDITIONS[1:]]
        invalid = [_parse(*c) for c in INVALID]
    assert len({repr(o[1]) for o in outcomes}) >= 5, outcomes
    assert all(o[0] == "raised" for o in invalid)


def test_a_parse_reports_what_it_found_each_time() -> None:
    expression, names, values = CONDITIONS[5]
    with moto_fast.patched():
        for _ in range(3):
            parser = ConditionExpressionParser(expression, names, values)
            parser.parse()
            assert set(parser.expr_attr_names_found) == set(IDEMPOTENCY_NAMES)
            assert set(parser.expr_attr_values_found) == set(values)


# --- update expressions -------------------------------------------------------------------

UPDATES = [
    "SET notification_id = :m",
    "SET #response_data = :response_data, #expiry = :expiry, #status = :status, "
    "#rc = :retention_class, #ea = :expires_at",
    "SET reconciled_by = if_not_exists(reconciled_by, :by), "
    "reconciled_at = if_not_exists(reconciled_at, :at)",
    "SET expires_at = :now, handed_over_at = :now",
    "ADD questions :q SET a = :a, b = :b",
    "SET last_reply_at = :at, c = :c",
    "SET seen = list_append(if_not_exists(seen, :empty), :eid) REMOVE gone, l[2], l[0]",
    "SET a.b[1].c = :v + :w DELETE s :x",
]
INVALID_UPDATES = ["SET", "SET a = ", "REMOVE a SET b = :b REMOVE c", "SET a = :v,", "DROP a"]


def _tree(node: Any, parent: Any = None) -> Any:
    """A node as nested data: its class, its fields, and whether it points at its parent."""
    if not isinstance(node, Node):
        return repr(node)
    fields = {k: v for k, v in vars(node).items() if k not in ("children", "parent")}
    return (
        type(node).__name__,
        sorted((k, repr(v)) for k, v in fields.items()),
        node.parent is parent,
        [_tree(c, node) for c in node.children or []],
    )


def _make(expression: str) -> Any:
    try:
        return _tree(UpdateExpressionParser.make(expression))
    except Exception as exc:  # the outcome compared
        return ("raised", type(exc), str(exc))


@pytest.mark.parametrize("expression", UPDATES + INVALID_UPDATES)
def test_an_update_expression_parses_as_moto_s(expression: str) -> None:
    moto_s = _make(expression)
    with moto_fast.patched():
        assert _make(expression) == moto_s
        assert _make(expression) == moto_s  # from the kept tree


def test_each_update_parse_is_a_tree_of_its_own() -> None:
    with moto_fast.patched():
        first = UpdateExpressionParser.make(UPDATES[1])
        first.children = []  # as a validator's normalize() would change its copy
        second = UpdateExpressionParser.make(UPDATES[1])
    assert second is not first
    assert second.children


def test_the_validator_s_copy_is_deepcopy_s() -> None:
    with moto_fast.patched():
        tree = UpdateExpressionParser.make(UPDATES[6])
        ours = validators.__dict__["deepcopy"](tree)
    moto_s = copy.deepcopy(tree)
    assert ours is not tree
    assert _tree(ours) == _tree(moto_s) == _tree(tree)
    assert ours.children[0] is not tree.children[0]


# --- through the DynamoDB API -------------------------------------------------------------


def _table(ddb: Any, name: str) -> None:
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "event_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "event_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def _calls() -> list[Any]:
    """The stack's writes and some invalid ones on a fresh moto; what each answers, and the
    rows left."""
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        _table(ddb, "items")
        return _answers(ddb, "items")


def _answers(ddb: Any, table: str) -> list[Any]:
    record = {k: v for k, v in _record(21).items() if k != "blob"}
    calls: list[dict[str, Any]] = [
        {"op": "put_item", "Item": record, "ConditionExpression": "attribute_not_exists(event_id)"},
        {"op": "put_item", "Item": record, "ConditionExpression": "attribute_not_exists(event_id)"},
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": UPDATES[2],
            "ConditionExpression": "attribute_exists(event_id)",
            "ExpressionAttributeValues": {":by": {"S": "c-1"}, ":at": {"S": "2026-12-02"}},
            "ReturnValues": "ALL_NEW",
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-2"}},
            "UpdateExpression": UPDATES[2],
            "ConditionExpression": "attribute_exists(event_id)",
            "ExpressionAttributeValues": {":by": {"S": "c-1"}, ":at": {"S": "2026-12-02"}},
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-3"}},
            "UpdateExpression": UPDATES[1],
            "ExpressionAttributeNames": {
                "#response_data": "data",
                "#expiry": "expiration",
                "#status": "status",
                "#rc": "retention_class",
                "#ea": "expires_at",
            },
            "ExpressionAttributeValues": {
                ":response_data": {"S": "{}"},
                ":expiry": {"N": "1764676800"},
                ":status": {"S": "COMPLETED"},
                ":retention_class": {"S": "idempotency_record"},
                ":expires_at": {"S": "2026-12-02T13:00:00+00:00"},
            },
            "ReturnValues": "UPDATED_OLD",
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "SET seen = list_append(if_not_exists(seen, :empty), :eid)",
            "ConditionExpression": "attribute_not_exists(seen) OR NOT contains(seen, :e)",
            "ExpressionAttributeValues": {
                ":empty": {"L": []},
                ":eid": {"L": [{"S": "e-9"}]},
                ":e": {"S": "e-9"},
            },
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "SET event_id = :v",
            "ExpressionAttributeValues": {":v": {"S": "x"}},
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "SET big = :v",
            "ExpressionAttributeValues": {":v": {"S": "x" * 403_000}},
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "SET bigger = :v",
            "ExpressionAttributeValues": {":v": {"S": "x" * 2_000}},
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "ADD tags :t",
            "ExpressionAttributeValues": {":t": {"SS": ["dd"]}},
            "ReturnValues": "UPDATED_OLD",
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "ADD tags :t REMOVE score",
            "ExpressionAttributeValues": {":t": {"SS": ["ee"]}},
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "SET score = :s",
            "ExpressionAttributeValues": {":s": {"N": "1"}},
            "ReturnValues": "ALL_OLD",
        },
        {
            "op": "update_item",
            "Key": {"event_id": {"S": "e-1"}},
            "UpdateExpression": "SET score = :s",
            "ExpressionAttributeValues": {":s": {"N": "2"}},
            "ReturnValues": "UPDATED_NEW",
        },
        {"op": "put_item", "Item": {"event_id": {"S": "e-4"}, "big": {"S": "x" * 405_000}}},
        {"op": "update_item", "Key": {"event_id": {"S": "e-1"}}, "UpdateExpression": "SET a ="},
    ]
    outcomes: list[Any] = []
    for call in calls:
        kwargs = {k: v for k, v in call.items() if k != "op"}
        try:
            answer = getattr(ddb, call["op"])(TableName=table, **kwargs)
            outcomes.append({k: v for k, v in answer.items() if k != "ResponseMetadata"})
        except ddb.exceptions.ClientError as exc:
            outcomes.append((exc.response["Error"]["Code"], exc.response["Error"]["Message"]))
    rows = ddb.scan(TableName=table, ConsistentRead=True)["Items"]
    outcomes.append(sorted(rows, key=lambda r: r["event_id"]["S"]))
    return outcomes


def test_the_stack_s_writes_answer_as_moto_s() -> None:
    moto_s = _calls()
    with moto_fast.patched():
        ours = _calls()
    assert ours == moto_s
    errors = [o[0] for o in moto_s if isinstance(o, tuple)]
    assert errors.count("ConditionalCheckFailedException") == 2
    assert errors.count("ValidationException") == 4, moto_s  # key, two sizes, syntax


# --- the item an update replaces ----------------------------------------------------------


def _stream_scenario(streamed: bool) -> list[Any]:
    """Updates of a row (one that fails its condition, one by the table's ARN) and what the
    table's stream, if any, records of them."""
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        extra: dict[str, Any] = {}
        if streamed:
            extra["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": "NEW_AND_OLD_IMAGES",
            }
        arn = ddb.create_table(
            TableName="items",
            KeySchema=[{"AttributeName": "event_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "event_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            **extra,
        )["TableDescription"]["TableArn"]
        key = {"event_id": {"S": "e-1"}}
        ddb.put_item(TableName="items", Item={**key, "n": {"N": "1"}, "l": {"L": [{"S": "a"}]}})
        updates: list[tuple[str, str, Any]] = [
            ("items", "SET n = n + :one", {":one": {"N": "1"}}),
            (arn, "SET l = :l", {":l": {"L": [{"S": "b"}]}}),
        ]
        for table, expression, values in updates:
            ddb.update_item(
                TableName=table,
                Key=key,
                UpdateExpression=expression,
                ExpressionAttributeValues=values,
            )
        with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.update_item(
                TableName="items",
                Key=key,
                UpdateExpression="SET n = :z",
                ConditionExpression="n = :z",
                ExpressionAttributeValues={":z": {"N": "0"}},
            )
        row = ddb.get_item(TableName="items", Key=key, ConsistentRead=True)["Item"]
        if not streamed:
            return [row]
        # moto's DynamoDB Streams API does not describe a stream: its records, read from the table.
        shard = dynamodb_backends[ACCOUNT][REGION].get_table("items").stream_shard
        assert shard is not None
        images = [
            (
                r.record["eventName"],
                r.record["dynamodb"].get("OldImage"),
                r.record["dynamodb"].get("NewImage"),
            )
            for r in shard.items
        ]
        return [row, images]


@pytest.mark.parametrize("streamed", [False, True])
def test_an_update_s_stream_records_are_moto_s(streamed: bool) -> None:
    moto_s = _stream_scenario(streamed)
    with moto_fast.patched():
        ours = _stream_scenario(streamed)
    assert ours == moto_s
    if streamed:
        olds = [old for _, old, _ in moto_s[1][1:]]
        assert olds[0] == {"event_id": {"S": "e-1"}, "n": {"N": "1"}, "l": {"L": [{"S": "a"}]}}
        assert olds[1]["n"] == {"N": "2"}


def count_item_copies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A one-element counter of the item deep copies made from now on."""
    copied = [0]
    real = Item.__deepcopy__

    def counted(item: Item, memo: dict[int, Any]) -> Item:
        copied[0] += 1
        return real(item, memo)

    monkeypatch.setattr(Item, "__deepcopy__", counted)
    return copied


def test_an_update_of_an_unstreamed_table_copies_no_item(monkeypatch: pytest.MonkeyPatch) -> None:
    copied = count_item_copies(monkeypatch)
    with moto_fast.patched():
        _stream_scenario(streamed=False)
        assert copied[0] == 1  # the update naming the table by ARN: moto's copy, not looked into
        _stream_scenario(streamed=True)
        assert copied[0] == 1 + 3  # the backend's, for each update of the streamed table


@pytest.mark.parametrize(("returned", "copies"), [("NONE", 0), ("ALL_OLD", 1), ("UPDATED_OLD", 1)])
def test_the_response_copies_the_old_item_when_it_answers_from_it(
    returned: str, copies: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = count_item_copies(monkeypatch)
    with moto_fast.patched(), mock_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        _table(ddb, "items")
        ddb.put_item(TableName="items", Item={"event_id": {"S": "e"}, "tags": {"SS": ["a"]}})
        answer = ddb.update_item(
            TableName="items",
            Key={"event_id": {"S": "e"}},
            UpdateExpression="ADD tags :t",
            ExpressionAttributeValues={":t": {"SS": ["b"]}},
            ReturnValues=returned,  # type: ignore[arg-type]  # one of the literals, parametrised
        )
    assert copied[0] == copies
    assert answer.get("Attributes", {}).get("tags", {"SS": ["a"]}) == {"SS": ["a"]}


def _aliased_values_scenario() -> list[Any]:
    """A set value moto hands to the item (SET) and then grows there (ADD), and the first
    request's condition sent again: is it read with the set as sent, or as the item grew it?"""
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        _table(ddb, "items")
        for event_id in ("e-1", "e-2"):
            ddb.put_item(TableName="items", Item={"event_id": {"S": event_id}})
        first: dict[str, Any] = {
            "UpdateExpression": "SET tags = :v",
            "ConditionExpression": "attribute_not_exists(tags) OR tags = :v",
            "ExpressionAttributeValues": {":v": {"SS": ["a"]}},
        }
        outcomes: list[Any] = []
        calls: list[tuple[str, dict[str, Any]]] = [
            ("e-1", first),
            (
                "e-1",
                {
                    "UpdateExpression": "ADD tags :w",
                    "ExpressionAttributeValues": {":w": {"SS": ["b"]}},
                },
            ),
            ("e-2", first),
            ("e-2", first),
        ]
        for event_id, call in calls:
            try:
                ddb.update_item(TableName="items", Key={"event_id": {"S": event_id}}, **call)
                outcomes.append("updated")
            except ddb.exceptions.ConditionalCheckFailedException:
                outcomes.append("condition failed")
        outcomes.append(ddb.scan(TableName="items")["Items"])
        return outcomes


def test_a_condition_with_a_set_value_is_read_as_sent() -> None:
    moto_s = _aliased_values_scenario()
    with moto_fast.patched():
        ours = _aliased_values_scenario()
    assert ours == moto_s
    assert moto_s[:4] == ["updated"] * 4
