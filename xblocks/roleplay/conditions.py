"""The role-play's condition language and variable effects, without `eval`.

A condition guards a choice, a line, a transition or an ending; an effect list is what a choice
does to the scenario's variables. `P2PRoleplay.conditions` in static/roleplay.js is the JavaScript twin; the
vectors in tests/vectors/roleplay/conditions/ hold the two equal (results, messages, positions).

Grammar (keywords are lowercase; a name is a declared flag or counter):

    condition  := or
    or         := and ("or" and)*
    and        := not ("and" not)*
    not        := "not" not | atom
    atom       := "(" or ")" | "true" | "false" | comparison | flag
    comparison := operand ("==" | "!=" | "<" | "<=" | ">" | ">=") operand     (counters and whole numbers)
    operand    := counter | integer

    effects    := effect (" " effect)*
    effect     := flag "=" ("true" | "false") | counter ("=" | "+=" | "-=") integer

A parsed condition is a JSON-safe tree: ["or", a, b, ...], ["and", a, b, ...], ["not", a],
["flag", name], ["cmp", op, left, right] with operands ["counter", name] or ["num", n],
["const", true|false]. Errors carry the 0-based character position where the problem starts.
"""

from __future__ import annotations

import re
from typing import Any

# A parsed condition (the JSON-safe tree above) and an effect [name, op, value]: lists, as in JSON.
Tree = list[Any]
Effect = list[Any]
Values = dict[str, Any]  # a variable's value by name: bool for a flag, int for a counter
Token = tuple[str, str, int]  # (kind, text, position)

MAX_LENGTH = 400  # characters in one condition
MAX_DEPTH = 24  # nested parentheses and "not"s: a parser that recurses stays far from any stack limit
MAX_NUMBER = 9999
KEYWORDS = ("and", "or", "not", "true", "false")
COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)|(?P<name>[A-Za-z][A-Za-z0-9_-]*)|(?P<op>==|!=|<=|>=|<|>|\(|\)|=)|(?P<bad>\S))"
)
_EFFECT = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_-]*?)(?P<op>=|\+=|-=)(?P<value>-?\d+|true|false)$")


class ConditionError(ValueError):
    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.message = message
        self.position = position


def _tokens(text: str) -> list[Token]:
    """(kind, text, position) with kind one of num, name, keyword, op, end."""
    found: list[Token] = []
    at = 0
    while True:
        match = _TOKEN.match(text, at)
        if match is None:  # only spaces remain
            found.append(("end", "", len(text)))
            return found
        kind = match.lastgroup or ""  # one group always matches
        word = match.group(kind)
        position = match.start(kind)
        if kind == "bad":
            raise ConditionError(f"unexpected character '{word}'", position)
        if kind == "op" and word == "=":
            raise ConditionError("'=' sets a variable; to compare, write '=='", position)
        if kind == "name" and word in KEYWORDS:
            kind = "keyword"
        found.append((kind, word, position))
        at = match.end()


def parse(text: str, variables: dict[str, str] | None = None) -> Tree:
    """The tree of a condition. `variables` maps declared names to "flag" or "counter"; when given,
    unknown names and a flag compared (or a counter used alone) are errors."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("the condition is empty", 0)
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"the condition is longer than {MAX_LENGTH} characters", MAX_LENGTH)
    return _Parser(_tokens(text), variables).run()


class _Parser:
    def __init__(self, tokens: list[Token], variables: dict[str, str] | None):
        self.tokens, self.at, self.variables = tokens, 0, variables

    def peek(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def run(self) -> Tree:
        tree = self.either(0)
        kind, word, position = self.peek()
        if kind != "end":
            raise ConditionError(f"unexpected '{word}': join conditions with 'and' or 'or'", position)
        return tree

    def deeper(self, depth: int) -> int:
        if depth >= MAX_DEPTH:
            raise ConditionError(f"the condition nests more than {MAX_DEPTH} levels", self.peek()[2])
        return depth + 1

    def either(self, depth: int) -> Tree:
        parts = [self.both(depth)]
        while self.peek()[:2] == ("keyword", "or"):
            self.take()
            parts.append(self.both(depth))
        return parts[0] if len(parts) == 1 else ["or", *parts]

    def both(self, depth: int) -> Tree:
        parts = [self.negation(depth)]
        while self.peek()[:2] == ("keyword", "and"):
            self.take()
            parts.append(self.negation(depth))
        return parts[0] if len(parts) == 1 else ["and", *parts]

    def negation(self, depth: int) -> Tree:
        if self.peek()[:2] == ("keyword", "not"):
            depth = self.deeper(depth)
            self.take()
            return ["not", self.negation(depth)]
        return self.atom(depth)

    def atom(self, depth: int) -> Tree:
        kind, word, position = self.peek()
        if (kind, word) == ("op", "("):
            depth = self.deeper(depth)
            self.take()
            inner = self.either(depth)
            kind, word, end = self.take()
            if (kind, word) != ("op", ")"):
                raise ConditionError("a '(' is not closed: add ')'", end)
            return inner
        if kind == "keyword" and word in ("true", "false"):
            self.take()
            return ["const", word == "true"]
        if kind in ("name", "num"):
            # A name is a flag unless a comparison follows: look ahead before checking its kind.
            after = self.tokens[self.at + 1]
            if after[0] == "op" and after[1] in COMPARISONS:
                left = self.operand()
                op = self.take()[1]
                right = self.operand()
                if left[0] == "num" and right[0] == "num":
                    raise ConditionError("a comparison needs a counter on one side", position)
                return ["cmp", op, left, right]
            self.take()
            if kind == "num":
                raise ConditionError("a number alone is not a condition: compare it with a counter", position)
            self.known(word, "flag", position)
            return ["flag", word]
        if kind == "end":
            raise ConditionError("the condition ends too early: a flag, a comparison or '(' is missing", position)
        raise ConditionError(f"unexpected '{word}': expected a flag, a comparison or '('", position)

    def operand(self) -> Tree:
        kind, word, position = self.take()
        if kind == "num":
            if abs(int(word)) > MAX_NUMBER:
                raise ConditionError(f"numbers in conditions lie between -{MAX_NUMBER} and {MAX_NUMBER}", position)
            return ["num", int(word)]
        if kind == "name":
            self.known(word, "counter", position)
            return ["counter", word]
        raise ConditionError(f"expected a counter or a whole number after the comparison, not '{word}'", position)

    def known(self, name: str, kind: str, position: int) -> None:
        if self.variables is None:
            return
        declared = self.variables.get(name)
        if declared is None:
            raise ConditionError(f"unknown variable '{name}'", position)
        if declared != kind:
            if kind == "flag":
                raise ConditionError(f"'{name}' is a counter: compare it, as in '{name} > 0'", position)
            raise ConditionError(f"'{name}' is a flag: use it alone or with 'not', without comparing it", position)


def names(tree: Tree) -> set[str]:
    """The variables a condition reads."""
    if tree[0] in ("flag", "counter"):
        return {tree[1]}
    if tree[0] in ("num", "const"):
        return set()
    if tree[0] == "cmp":
        return names(tree[2]) | names(tree[3])
    return set[str]().union(*(names(part) for part in tree[1:]))


def holds(tree: Tree, values: Values) -> bool:
    """Evaluate a parsed condition; a variable missing from `values` is false or 0."""
    kind = tree[0]
    if kind == "const":
        return bool(tree[1])
    if kind == "flag":
        return values.get(tree[1]) is True
    if kind == "not":
        return not holds(tree[1], values)
    if kind == "and":
        return all(holds(part, values) for part in tree[1:])
    if kind == "or":
        return any(holds(part, values) for part in tree[1:])
    left, right = _number(tree[2], values), _number(tree[3], values)
    comparisons: dict[str, bool] = {
        "==": left == right,
        "!=": left != right,
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
    }
    return comparisons[tree[1]]


def _number(operand: Tree, values: Values) -> int:
    if operand[0] == "num":
        return int(operand[1])
    value = values.get(operand[1], 0)
    return value if type(value) is int else 0


def parse_effects(text: str, variables: dict[str, str] | None = None) -> list[Effect]:
    """[[name, op, value], ...] from `set="interpreter=true trust+=1"`; op is =, += or -=."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("nothing to set", 0)
    effects: list[Effect] = []
    seen: set[str] = set()
    for match in re.finditer(r"\S+", text):
        effect = _effect(match.group(), match.start(), variables)
        if effect[0] in seen:
            raise ConditionError(f"'{effect[0]}' is set twice: combine the two into one", match.start())
        seen.add(effect[0])
        effects.append(effect)
    return effects


def _effect(item: str, position: int, variables: dict[str, str] | None) -> Effect:
    match = _EFFECT.match(item)
    if match is None:
        raise ConditionError(
            f"'{item}' is not an effect: write flag=true, flag=false, counter=2, counter+=1 or counter-=1", position
        )
    name, op, value = match.group("name", "op", "value")
    if name in KEYWORDS:
        raise ConditionError(f"'{name}' is a keyword, not a variable", position)
    kind = "flag" if value in ("true", "false") else "counter"
    if kind == "flag" and op != "=":
        if variables is not None and variables.get(name) == "counter":  # true/false given to a counter
            raise ConditionError(f"'{name}' is a counter: write it as in '{name}+=1'", position)
        raise ConditionError(f"a flag is set with '=' only: {name}=true or {name}=false", position)
    if kind == "counter" and abs(int(value)) > MAX_NUMBER:
        raise ConditionError(f"numbers lie between -{MAX_NUMBER} and {MAX_NUMBER}", position)
    if variables is not None:
        declared = variables.get(name)
        if declared is None:
            raise ConditionError(f"unknown variable '{name}'", position)
        if declared != kind:
            fix = f"{name}=true" if declared == "flag" else f"{name}+=1"
            raise ConditionError(f"'{name}' is a {declared}: write it as in '{fix}'", position)
    return [name, op, value == "true" if kind == "flag" else int(value)]


def apply_effects(effects: list[Effect], values: Values) -> Values:
    """A new dict of values with the effects applied in order (counters stay within ±MAX_NUMBER)."""
    result = dict(values)
    for name, op, value in effects:
        if op == "=":
            result[name] = value
        else:
            current = result.get(name, 0)
            current = current if type(current) is int else 0
            total = current + value if op == "+=" else current - value
            result[name] = max(-MAX_NUMBER, min(MAX_NUMBER, total))
    return result
